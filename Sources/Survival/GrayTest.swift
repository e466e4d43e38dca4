import Foundation

/// Gray's K-sample test for equality of the cumulative incidence of one
/// cause across groups, stratified, as R `cmprsk::cuminc` (2.2-11, Fortran
/// `crstm`; Gray 1988, Ann. Statist. 16:1141–1154).
///
/// Within each stratum, at each distinct time the score for group j adds
/// w(t)·(d_1j − d_1 · R_j / Σ R), where R_j = r_j (1 − F̂_j(t−)) / Ŝ_j(t−)
/// is Gray's weighted risk set, F̂_j and Ŝ_j the group's cause-specific
/// cumulative incidence and all-cause Kaplan–Meier, and the weight is
/// w(t) = (1 − F̂(t−))^ρ with F̂ the pooled-sample cumulative incidence
/// computed from the weighted risk sets. Scores and Gray's variance
/// (including the censoring terms) are summed over strata; the statistic is
/// s′ V⁻¹ s over the first K − 1 groups, chi-square with K − 1 df.
///
/// Groups are the non-empty groups among 0..<k (cmprsk drops empty factor
/// levels). With one non-empty group there is no test (`df` 0, NaN).
/// When V is singular (for a cause that never occurs V = 0) cmprsk reports
/// the statistic −1 and p 1; here both are NaN and `isSingular` is true.
public struct GrayTest: Sendable {
  public let cause: Int
  public let statistic: Double
  public let df: Int
  public let p: Double
  /// Scores of the first K − 1 non-empty groups.
  public let score: [Double]
  /// Their (K − 1)² covariance, row-major.
  public let variance: [Double]
  public let isSingular: Bool

  /// Tests `cause` (1-based) across `group` (0..<k), stratified by `strata`
  /// (0..<s; default one stratum), with weight power `rho`.
  public static func test(
    time: [Double], status: [Int], group: [Int], strata: [Int]? = nil,
    cause: Int, rho: Double = 0
  ) -> GrayTest {
    let sorted = CompetingRisksSorted(time: time, status: status, group: group, strata: strata)
    return GrayData(sorted: sorted).test(cause: cause, rho: rho)
  }

  /// One test per cause 1...m (default m = max status), sharing one sort.
  public static func testAll(
    time: [Double], status: [Int], group: [Int], strata: [Int]? = nil,
    causeCount: Int? = nil, rho: Double = 0
  ) -> [GrayTest] {
    let m = causeCount ?? max(status.max() ?? 0, 0)
    guard m > 0 else { return [] }
    let sorted = CompetingRisksSorted(time: time, status: status, group: group, strata: strata)
    return testAll(sorted: sorted, causeCount: m, rho: rho)
  }

  static func testAll(sorted: CompetingRisksSorted, causeCount m: Int, rho: Double) -> [GrayTest] {
    guard m > 0 else { return [] }
    // No poll installed on this path: nothing can cancel it.
    return (try? GrayData(sorted: sorted).tests(causes: Array(1...m), causeCount: m, rho: rho, poll: KernelPoll())) ?? []
  }

  /// The tests of `causes` (1-based, each in 1...m), polling for
  /// cancellation and asking the memory budget (`ComputationCancelled`,
  /// `MemoryLimitExceeded`).
  public static func tests(
    time: [Double], status: [Int], group: [Int], strata: [Int]? = nil,
    causes: [Int], causeCount m: Int, rho: Double = 0
  ) throws -> [GrayTest] {
    let sorted = CompetingRisksSorted(time: time, status: status, group: group, strata: strata)
    return try tests(sorted: sorted, causes: causes, causeCount: m, rho: rho, poll: KernelPoll())
  }

  static func tests(
    sorted: CompetingRisksSorted, causes: [Int], causeCount m: Int, rho: Double, poll: KernelPoll
  ) throws -> [GrayTest] {
    guard m > 0, !causes.isEmpty else { return [] }
    return try GrayData(sorted: sorted).tests(causes: causes, causeCount: m, rho: rho, poll: poll)
  }

}

/// Subjects gathered contiguously by stratum in time order, groups recoded
/// to the non-empty groups 0..<ng; shared by the tests of all causes.
struct GrayData {
  let ng: Int
  let time: [Double]
  let status: [Int]
  let groupCode: [Int]
  /// Stratum s covers offsets[s]..<offsets[s + 1].
  let offsets: [Int]

  init(sorted: CompetingRisksSorted) {
    let k = (sorted.group.max() ?? -1) + 1
    var present = [Bool](repeating: false, count: max(k, 0))
    for g in sorted.group { present[g] = true }
    var code = [Int](repeating: -1, count: max(k, 0))
    var ng = 0
    for g in 0..<max(k, 0) where present[g] {
      code[g] = ng
      ng += 1
    }
    self.ng = ng
    let nst = (sorted.strata.max() ?? 0) + 1
    if nst == 1 {
      // One stratum: the sorted columns are already the run.
      self.time = sorted.time
      self.status = sorted.status
      self.groupCode = sorted.group.map { code[$0] }
      self.offsets = [0, sorted.time.count]
    } else {
      let runs = sorted.runs(by: sorted.strata, count: nst)
      self.time = runs.time
      self.status = runs.status
      self.groupCode = runs.group.map { code[$0] }
      self.offsets = runs.offsets
    }
  }

  func test(cause: Int, rho: Double) -> GrayTest {
    let m = max(cause, status.max() ?? 0)
    // No poll installed on this path: nothing can cancel it.
    return (try? tests(causes: [cause], causeCount: m, rho: rho, poll: KernelPoll()))?.first
      ?? GrayTest(cause: cause, statistic: .nan, df: 0, p: .nan, score: [], variance: [], isSingular: true)
  }

  /// The tests of `causes`, all from one scan per stratum: each block of
  /// tied times is tabulated once (group × status, touching only the groups
  /// present in the block) and every cause's state steps on that table.
  ///
  /// A step costs O(K²) (see `GrayStratumScan`; cmprsk's `crstm` spends
  /// O(K³)), so the scans poll for cancellation by work done, and the K²
  /// state of each cause is asked of the memory budget first.
  func tests(causes: [Int], causeCount m: Int, rho: Double, poll: KernelPoll) throws -> [GrayTest] {
    guard ng > 1 else {
      return causes.map {
        GrayTest(cause: $0, statistic: .nan, df: 0, p: .nan, score: [], variance: [], isSingular: true)
      }
    }
    try MemoryBudget.require(
      count: causes.count, stride: 6 * ng * ng * MemoryLayout<Double>.stride,
      for: "Gray's test of \(causes.count) causes across \(ng) groups")
    var accumulators = [GrayAccumulator]()
    for _ in causes {
      try poll.check()
      accumulators.append(GrayAccumulator(groups: ng))
    }
    let width = max(m, status.max() ?? 0) + 1
    var counts = [Int](repeating: 0, count: ng * width)
    var leaving = [Int](repeating: 0, count: ng)
    var d1 = [Int](repeating: 0, count: ng)
    var d2 = [Int](repeating: 0, count: ng)
    var touched = [Int]()
    var stopped = false
    var work = 0
    time.withUnsafeBufferPointer { time in
      status.withUnsafeBufferPointer { status in
        groupCode.withUnsafeBufferPointer { groupCode in
          for stratum in 0..<(offsets.count - 1) where offsets[stratum] < offsets[stratum + 1] && !stopped {
            let lo = offsets[stratum]
            let hi = offsets[stratum + 1]
            var rs = [Int](repeating: 0, count: ng)
            for i in lo..<hi { rs[groupCode[i]] += 1 }
            // Each scan holds about 3K² numbers (gigabytes for 10,000
            // groups): a poll between the allocations.
            var scans = [GrayStratumScan]()
            for _ in causes where !stopped {
              if poll.stopRequested() { stopped = true } else { scans.append(GrayStratumScan(groups: ng, rho: rho)) }
            }
            if stopped { break }
            var stepped = [Bool](repeating: false, count: causes.count)
            var start = lo
            while start < hi {
              let t = time[start]
              var end = start
              while end < hi && time[end] == t {
                let g = groupCode[end]
                if leaving[g] == 0 { touched.append(g) }
                leaving[g] += 1
                counts[g * width + status[end]] += 1
                end += 1
              }
              for (j, cause) in causes.enumerated() {
                var any = false
                for g in touched {
                  d1[g] = counts[g * width + cause]
                  d2[g] = leaving[g] - counts[g * width] - d1[g]
                  if d1[g] > 0 || d2[g] > 0 { any = true }
                }
                if any {
                  if !scans[j].step(rs: rs, d1: d1, d2: d2, poll: poll) {
                    stopped = true
                    break
                  }
                  stepped[j] = true
                  work += ng
                }
                for g in touched { d1[g] = 0; d2[g] = 0 }
              }
              for i in start..<end { counts[groupCode[i] * width + status[i]] = 0 }
              if stopped { break }
              if work > KernelPoll.interval {
                work = 0
                if poll.stopRequested() { stopped = true; break }
              }
              if end >= hi {
                for g in touched { leaving[g] = 0 }
                touched.removeAll(keepingCapacity: true)
                break
              }
              for g in touched {
                rs[g] -= leaving[g]
                leaving[g] = 0
              }
              touched.removeAll(keepingCapacity: true)
              // A scan that did not step keeps its left limits as they are.
              for j in scans.indices where stepped[j] {
                scans[j].advance()
                stepped[j] = false
              }
              start = end
            }
            for j in scans.indices where !stopped {
              if !scans[j].finish(into: &accumulators[j], poll: poll) { stopped = true }
            }
          }
        }
      }
    }
    try poll.check()
    return try zip(causes, accumulators).map { cause, accumulator in
      let ng1 = ng - 1
      let ldl = try CholeskyLDL(accumulator.v, n: ng1, tolerance: 1e-7, poll: { try poll.check() })
      if ldl.rank < ng1 {
        return GrayTest(cause: cause, statistic: .nan, df: ng1, p: .nan, score: accumulator.s, variance: accumulator.v, isSingular: true)
      }
      let stat = ldl.quadraticForm(accumulator.s)
      return GrayTest(
        cause: cause, statistic: stat, df: ng1, p: ChiSquare.upperTail(stat, df: Double(ng1)),
        score: accumulator.s, variance: accumulator.v, isSingular: false)
    }
  }
}

/// Gray's score and variance summed over strata.
struct GrayAccumulator {
  /// Scores of groups 0..<ng−1; variance (ng−1)² row-major.
  var s: [Double]
  var v: [Double]

  init(groups: Int) {
    s = [Double](repeating: 0, count: groups - 1)
    v = [Double](repeating: 0, count: (groups - 1) * (groups - 1))
  }
}

/// One cause's scan through one stratum (the mathematics of cmprsk's
/// `crst`; Gray RJ (1988) Ann. Statist. 16:1141–1154), in O(K²) per event
/// time instead of the O(K³) of the direct accumulation.
///
/// Notation at an event time t (K groups, r_j at risk, S_j = Ŝ_j(t−)):
/// u_j = r_j / S_j (0 when r_j = 0), tr = Σ u_j, L = diag(u) − u uᵀ/tr,
/// fb = (1 − F̂(t−))^ρ, γ = d₁/(tr (1 − F̂(t−))), g = γ·fb. Gray's matrix
/// a_t = fb·L and c, the running sum c_t = c_{t−1} + Δ_t with Δ_t = γ·a_t.
/// For each group k, the direct algorithm (as cmprsk) adds
///   vs += t3_k x_k x_kᵀ, x_k = a_t e_k − t4_k c_t e_k   (cause events),
///   vs += t3′_k t4′_k² c_t e_k e_kᵀ c_t                (other causes),
///   v3_k += t3_k t4_k² (+ t3′_k t4′_k²),  v2 += a_t H_t − c_t E_t,
/// with D = diag(t3), H = diag(t3·t4), E_t = the v3 increment; and the
/// variance is V = vs + C W C + v2 C + C v2ᵀ (C, W = diag(v3) final).
/// Expanding x_k: vs = Σ_t [a D a − a H c_t − c_t H a + c_t E_t c_t]. The
/// only O(K³) term, Σ_t c_t E_t c_t, telescopes with P_t = Σ_{t′≤t} E_{t′}
/// (so P_T = v3): since c_t P c_t − c_{t−1} P c_{t−1} =
/// Δ P c_t + c_t P Δ − Δ P Δ,
///   Σ_t c_t E_t c_t = C P_T C − Σ_t [Δ_t P_{t−1} c_t + c_t P_{t−1} Δ_t
///                                    − Δ_t P_{t−1} Δ_t].
/// Hence V = Vacc + 2 C W C + v2 C + C v2ᵀ, where
///   Vacc = Σ_t [L M L − Y_t − Y_tᵀ],  M = diag(fb²·t3 + g²·P_{t−1}),
///   Y_t = L diag(r) c_t,  r = fb·t3·t4 + g·P_{t−1},
/// and both are diagonal-plus-low-rank times c_t: with q = u∘r,
/// y = qᵀc_t, s₂ = Σ u_k² m_k,
///   (L M L)_ij = δ_ij u_i² m_i − (u_i² m_i u_j + u_j² m_j u_i)/tr
///                + s₂ u_i u_j/tr²,
///   Y_ij = q_i c_ij − u_i y_j/tr,
/// O(K²) per time, as are the updates of c (c += g·L) and of v2
/// (v2 += a H − c_t E, row by row); `finish` is O(K³) once per stratum.
///
/// (A further step, not taken here: by the same summation by parts v2 =
/// Σ_t L_t diag(r_t) − C W, and then every C cancels:
/// V = Σ_t [L_t M_t L_t + g_t (A_{t−1} L_t + L_t A_{t−1}ᵀ)] with the running
/// A_t = Σ_{s≤t} L_s diag(r_s); still O(K²) per time, but with no c, v2 or
/// O(K³) finish, and each row update contiguous.)
struct GrayStratumScan {
  let ng: Int
  let rho: Double
  var f1m: [Double]
  var f1: [Double]
  var skmm: [Double]
  var skm: [Double]
  var v3: [Double]
  var v2: [Double]  // (ng−1) × ng, v2[i*ng + k]
  var c: [Double]
  var vs: [Double]  // (ng−1)², lower triangle used: Vacc above
  var ss: [Double]
  var fm = 0.0
  var f = 0.0
  // Per-time scratch (length ng).
  var u: [Double]
  var p: [Double]
  var t3: [Double]
  var t4: [Double]
  var m: [Double]
  var q: [Double]
  var y: [Double]
  var e: [Double]
  var w: [Double]

  init(groups ng: Int, rho: Double) {
    self.ng = ng
    self.rho = rho
    f1m = [Double](repeating: 0, count: ng)
    f1 = f1m
    skmm = [Double](repeating: 1, count: ng)
    skm = skmm
    v3 = [Double](repeating: 0, count: ng)
    v2 = [Double](repeating: 0, count: (ng - 1) * ng)
    c = [Double](repeating: 0, count: ng * ng)
    vs = [Double](repeating: 0, count: (ng - 1) * (ng - 1))
    ss = [Double](repeating: 0, count: ng - 1)
    u = v3
    p = v3
    t3 = v3
    t4 = v3
    m = v3
    q = v3
    y = v3
    e = v3
    w = v3
  }

  /// Multiply-adds since the last poll.
  var work = 0

  /// A time with events: `rs` at risk per group, `d1` events of the cause
  /// and `d2` of other causes per group. O(K²) (plus O(K·d) for other
  /// causes), polled by work done; false when `poll` saw a stop (the scan
  /// is then abandoned half-way).
  mutating func step(rs: [Int], d1: [Int], d2: [Int], poll: KernelPoll) -> Bool {
    let ng = self.ng
    let ng1 = ng - 1
    var nd1 = 0
    for j in 0..<ng { nd1 += d1[j] }
    var nd2 = 0
    for j in 0..<ng { nd2 += d2[j] }
    var tr = 0.0
    var tq = 0.0
    for j in 0..<ng {
      u[j] = 0
      guard rs[j] > 0 else { continue }
      let r = Double(rs[j])
      skm[j] = skmm[j] * (r - Double(d1[j] + d2[j])) / r
      f1[j] = f1m[j] + (skmm[j] * Double(d1[j])) / r
      tr += r / skmm[j]
      tq += r * (1 - f1m[j]) / skmm[j]
      u[j] = r / skmm[j]
    }
    f = fm + Double(nd1) / tr
    let fb = pow(1 - fm, rho)
    for i in 0..<ng1 where rs[i] > 0 {
      ss[i] += fb * (Double(d1[i]) - Double(nd1) * Double(rs[i]) * (1 - f1m[i]) / (skmm[i] * tq))
    }
    if nd1 > 0 {
      // P_{t−1}: v3 before this time's increments.
      for k in 0..<ng { p[k] = v3[k] }
      let gamma = Double(nd1) / (tr * (1 - fm))
      let g = gamma * fb
      var s2 = 0.0
      for k in 0..<ng {
        t3[k] = 0
        t4[k] = 0
        if rs[k] > 0 {
          let t4k = skm[k] > 0 ? 1 - (1 - f) / skm[k] : 1
          let t5 = nd1 > 1 ? 1 - Double(nd1 - 1) / (tr * skmm[k] - 1) : 1
          let t3k = t5 * skmm[k] * Double(nd1) / (tr * Double(rs[k]))
          v3[k] += t4k * t4k * t3k
          t3[k] = t3k
          t4[k] = t4k
        }
        let h = t3[k] * t4[k]
        e[k] = t4[k] * t4[k] * t3[k]
        w[k] = u[k] * h
        m[k] = fb * fb * t3[k] + g * g * p[k]
        q[k] = u[k] * (fb * h + g * p[k])
        s2 += u[k] * u[k] * m[k]
        y[k] = 0
      }
      // A non-finite γ (F̂ = 1) is left to cmprsk's entry-by-entry update,
      // which skips the zero entries of a.
      let exact = !g.isFinite
      c.withUnsafeMutableBufferPointer { c in
        v2.withUnsafeMutableBufferPointer { v2 in
          if exact {
            for i in 0..<ng where rs[i] > 0 {
              let t1 = Double(rs[i]) / skmm[i]
              let aii = fb * t1 * (1 - t1 / tr)
              if aii != 0 { c[i &* ng &+ i] += aii * gamma }
              for j in (i + 1)..<max(i + 1, ng) where rs[j] > 0 {
                let aij = -fb * t1 * Double(rs[j]) / (skmm[j] * tr)
                if aij != 0 { c[i &* ng &+ j] += aij * gamma }
              }
            }
            for i in 1..<ng {
              for j in 0..<i { c[i &* ng &+ j] = c[j &* ng &+ i] }
            }
          }
          // One pass over the rows: c_t = c_{t−1} + g·L; v2 += a H − c_t E
          // (a_ik = fb(δ_ik u_i − u_i u_k/tr)); y += q_i c_t[i, ·].
          for i in 0..<ng {
            let ui = u[i]
            let row = i &* ng
            if !exact && ui != 0 {
              let cii = c[row &+ i]
              let s = g * ui / tr
              for j in 0..<ng { c[row &+ j] -= s * u[j] }
              c[row &+ i] = cii + fb * ui * (1 - ui / tr) * gamma
            }
            if i < ng1 {
              let alpha = -fb * ui / tr
              for k in 0..<ng { v2[row &+ k] += alpha * w[k] - c[row &+ k] * e[k] }
              v2[row &+ i] += fb * ui * t3[i] * t4[i]
            }
            let qi = q[i]
            if qi != 0 {
              for j in 0..<ng1 { y[j] += qi * c[row &+ j] }
            }
          }
        }
      }
      work &+= 4 * ng * ng
      if work > KernelPoll.interval {
        work = 0
        if poll.stopRequested() { return false }
      }
      // Vacc += L M L − Y − Yᵀ (lower triangle).
      c.withUnsafeBufferPointer { c in
        vs.withUnsafeMutableBufferPointer { vs in
          let tr2 = tr * tr
          for i in 0..<ng1 {
            let ui = u[i]
            let umi = ui * ui * m[i]
            let qi = q[i]
            let yi = y[i]
            let row = i &* ng1
            let crow = i &* ng
            for j in 0...i {
              let uj = u[j]
              var x = -(umi * uj + uj * uj * m[j] * ui) / tr + s2 * ui * uj / tr2
              x += -(qi + q[j]) * c[crow &+ j] + (ui * y[j] + uj * yi) / tr
              vs[row &+ j] += x
            }
            vs[row &+ i] += umi
          }
        }
      }
    }
    if nd2 > 0 {
      for k in 0..<ng where skm[k] > 0 && d2[k] > 0 {
        work &+= ng1
        let t4 = (1 - f) / skm[k]
        let t5 = d2[k] > 1 ? 1 - Double(d2[k] - 1) / (Double(rs[k]) - 1) : 1
        let t6 = Double(rs[k])
        let t3 = t5 * ((skmm[k] * skmm[k]) * Double(d2[k])) / (t6 * t6)
        v3[k] += t4 * t4 * t3
        for i in 0..<ng1 { v2[i * ng + k] -= t4 * c[k * ng + i] * t4 * t3 }
      }
    }
    return true
  }

  /// Moves past a time: right-continuous values become the left limits.
  mutating func advance() {
    fm = f
    for j in 0..<ng {
      f1m[j] = f1[j]
      skmm[j] = skm[j]
    }
  }

  /// Adds this stratum's score and variance to `total`:
  /// V = Vacc + 2 C W C + v2 C + C v2ᵀ (O(K³), polled per row; false when
  /// `poll` saw a stop).
  func finish(into total: inout GrayAccumulator, poll: KernelPoll) -> Bool {
    let ng1 = ng - 1
    var work = 0
    var stopped = false
    c.withUnsafeBufferPointer { c in
      v2.withUnsafeBufferPointer { v2 in
        v3.withUnsafeBufferPointer { v3 in
          for i in 0..<ng1 where !stopped {
            work &+= 3 * (i + 1) * ng
            if work > KernelPoll.interval {
              work = 0
              if poll.stopRequested() { stopped = true; break }
            }
            let ci = i &* ng
            for j in 0...i {
              let cj = j &* ng
              var x = vs[i * ng1 + j]
              for k in 0..<ng {
                x += 2 * c[ci &+ k] * c[cj &+ k] * v3[k]
                x += c[ci &+ k] * v2[cj &+ k]
                x += c[cj &+ k] * v2[ci &+ k]
              }
              total.v[i * ng1 + j] += x
              if i != j { total.v[j * ng1 + i] += x }
            }
            total.s[i] += ss[i]
          }
        }
      }
    }
    return !stopped
  }
}
