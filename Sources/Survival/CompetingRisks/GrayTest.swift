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
  ) throws -> GrayTest {
    if cause < 1 { throw SurvivalInputError.invalidOption("the cause must be 1 or more, got \(cause)") }
    let sorted = try CompetingRisksSorted(time: time, status: status, group: group, strata: strata)
    return GrayData(sorted: sorted).test(cause: cause, rho: rho)
  }

  /// One test per cause 1...m (default m = max status), sharing one sort.
  public static func testAll(
    time: [Double], status: [Int], group: [Int], strata: [Int]? = nil,
    causeCount: Int? = nil, rho: Double = 0
  ) throws -> [GrayTest] {
    let m = causeCount ?? max(status.max() ?? 0, 0)
    let sorted = try CompetingRisksSorted(time: time, status: status, group: group, strata: strata)
    return testAll(sorted: sorted, causeCount: m, rho: rho)
  }

  static func testAll(sorted: CompetingRisksSorted, causeCount m: Int, rho: Double) -> [GrayTest] {
    guard m > 0 else { return [] }
    // No poll installed on this path: nothing can cancel it.
    let data = GrayData(sorted: sorted)
    return (try? data.tests(causes: Array(1...m), causeCount: m, rho: rho, poll: KernelPoll())) ?? []
  }

  /// The tests of `causes` (1-based, each in 1...m), polling for
  /// cancellation and asking the memory budget (`ComputationCancelled`,
  /// `MemoryLimitExceeded`).
  public static func tests(
    time: [Double], status: [Int], group: [Int], strata: [Int]? = nil,
    causes: [Int], causeCount m: Int, rho: Double = 0
  ) throws -> [GrayTest] {
    if let bad = causes.first(where: { $0 < 1 || $0 > m }) {
      throw SurvivalInputError.invalidOption("cause \(bad) is not one of the causes 1...\(m)")
    }
    let sorted = try CompetingRisksSorted(time: time, status: status, group: group, strata: strata)
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
/// to the non-empty groups 0..<ng; shared by the tests of all causes. Each
/// subject's status and group stay packed in one word (`codes`, the
/// layout of `CompetingRisksSorted.codes`), decoded as the scan reads them.
struct GrayData {
  let ng: Int
  let time: [Double]
  let codes: [Int]
  let groupShift: Int
  let statusMask: UInt64
  let groupMask: UInt64
  let largestStatus: Int
  /// Stratum s covers offsets[s]..<offsets[s + 1].
  let offsets: [Int]

  @inline(__always) func status(of code: Int) -> Int { Int(UInt64(bitPattern: Int64(code)) & statusMask) }
  @inline(__always) func group(of code: Int) -> Int {
    Int((UInt64(bitPattern: Int64(code)) >> UInt64(groupShift)) & groupMask)
  }

  init(sorted: CompetingRisksSorted) {
    var largest = -1
    sorted.codes.withUnsafeBufferPointer { c in
      for code in c { largest = max(largest, sorted.group(of: code)) }
    }
    let k = largest + 1
    var present = [Bool](repeating: false, count: max(k, 0))
    for code in sorted.codes { present[sorted.group(of: code)] = true }
    var code = [Int](repeating: -1, count: max(k, 0))
    var ng = 0
    for g in 0..<max(k, 0) where present[g] {
      code[g] = ng
      ng += 1
    }
    self.ng = ng
    groupShift = sorted.groupShift
    statusMask = sorted.statusMask
    groupMask = sorted.groupMask
    largestStatus = sorted.largestStatus
    // Empty groups dropped: the same layout with the new group codes (which
    // are smaller, so they fit), strata bits cleared.
    func recoded(_ codes: [Int]) -> [Int] {
      codes.map { c in
        let bits = UInt64(bitPattern: Int64(c))
        let g = UInt64(code[Int((bits >> UInt64(sorted.groupShift)) & sorted.groupMask)])
        return Int(bitPattern: UInt((bits & sorted.statusMask) | g << UInt64(sorted.groupShift)))
      }
    }
    let nst = (sorted.strata.max() ?? 0) + 1
    if nst == 1 {
      // One stratum: the sorted codes are already the run; with every group
      // present (the usual case) the codes are the groups.
      self.time = sorted.time
      self.codes = ng == k ? sorted.codes : recoded(sorted.codes)
      self.offsets = [0, sorted.time.count]
    } else {
      let runs = sorted.runs(by: sorted.strata, count: nst)
      self.time = runs.time
      self.codes = ng == k ? runs.codes : recoded(runs.codes)
      self.offsets = runs.offsets
    }
  }

  func test(cause: Int, rho: Double) -> GrayTest {
    let m = max(cause, largestStatus)
    // No poll installed on this path: nothing can cancel it.
    return (try? tests(causes: [cause], causeCount: m, rho: rho, poll: KernelPoll()))?.first
      ?? GrayTest(cause: cause, statistic: .nan, df: 0, p: .nan, score: [], variance: [], isSingular: true)
  }

  /// Asks the memory budget for the K² state of each of `causes` tests (on
  /// the thread that holds the run's budget: workers have none).
  func requireBudget(causes: Int) throws {
    guard ng > 1 else { return }
    try MemoryBudget.require(
      count: causes, stride: 6 * ng * ng * MemoryLayout<Double>.stride,
      for: "Gray's test of \(causes) causes across \(ng) groups")
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
    try requireBudget(causes: causes.count)
    var accumulators = [GrayAccumulator]()
    for _ in causes {
      try poll.check()
      accumulators.append(GrayAccumulator(groups: ng))
    }
    let width = max(m, largestStatus) + 1
    var counts = [Int](repeating: 0, count: ng * width)
    var leaving = [Int](repeating: 0, count: ng)
    var d1 = [Int](repeating: 0, count: ng)
    var d2 = [Int](repeating: 0, count: ng)
    var touched = [Int]()
    var stopped = false
    var work = 0
    time.withUnsafeBufferPointer { time in
      codes.withUnsafeBufferPointer { codes in
        for stratum in 0..<(offsets.count - 1) where offsets[stratum] < offsets[stratum + 1] && !stopped {
          let lo = offsets[stratum]
          let hi = offsets[stratum + 1]
          var rs = [Int](repeating: 0, count: ng)
          for i in lo..<hi { rs[group(of: codes[i])] += 1 }
          // Each scan holds about 2K² numbers (gigabytes for 10,000
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
              let c = codes[end]
              let g = group(of: c)
              if leaving[g] == 0 { touched.append(g) }
              leaving[g] += 1
              counts[g * width + status(of: c)] += 1
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
            for i in start..<end { counts[group(of: codes[i]) * width + status(of: codes[i])] = 0 }
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
    try poll.check()
    return try zip(causes, accumulators).map { cause, accumulator in
      let ng1 = ng - 1
      let ldl = try CholeskyLDL(accumulator.v, n: ng1, tolerance: 1e-7, poll: { try poll.check() })
      if ldl.rank < ng1 {
        return GrayTest(
          cause: cause, statistic: .nan, df: ng1, p: .nan, score: accumulator.s, variance: accumulator.v,
          isSingular: true)
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
/// time with no O(K³) step, instead of the O(K³) per time of the direct
/// accumulation.
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
/// Expanding x_k: vs = Σ_t [a D a − a H c_t − c_t H a + c_t E_t c_t].
/// With P_t = Σ_{t′≤t} E_{t′} (so P_T = W), summation by parts gives
///   Σ_t c_t E_t c_t = C W C − Σ_t [Δ_t P_{t−1} c_t + c_t P_{t−1} Δ_t
///                                    − Δ_t P_{t−1} Δ_t],
///   v2 = A_T − C W,  A_t = Σ_{s≤t} L_s diag(r_s),  r = fb·t3·t4 + g·P_{t−1},
/// and Σ_t L_t diag(r_t) c_t = A_T C − Σ_t A_{t−1} Δ_t. Every C cancels:
///   V = Σ_t [L_t M_t L_t + g_t (A_{t−1} L_t + L_t A_{t−1}ᵀ)],
///   M = diag(fb²·t3 + g²·P_{t−1}).
/// With q = u∘r, s₂ = Σ u_k² m_k and (A u)_i = Σ_k A_ik u_k:
///   (L M L)_ij = δ_ij u_i² m_i − (u_i² m_i u_j + u_j² m_j u_i)/tr
///                + s₂ u_i u_j/tr²,
///   (A L)_ij = (A_ij − (A u)_i/tr) u_j,
///   A_ik += δ_ik q_i − u_i q_k/tr,
/// each a contiguous pass over the rows of A (K − 1 rows of K) and of
/// X = Σ_t [½ L M L + g A L], with V = X + Xᵀ. Other-cause times only add
/// to P (v3). Only the first K − 1 rows and columns of V are needed.
struct GrayStratumScan {
  let ng: Int
  let rho: Double
  var f1m: [Double]
  var f1: [Double]
  var skmm: [Double]
  var skm: [Double]
  var v3: [Double]
  /// A: (ng−1) × ng, row-major.
  var aSum: [Double]
  /// X: (ng−1) × (ng−1), row-major (not symmetric).
  var x: [Double]
  var ss: [Double]
  var fm = 0.0
  var f = 0.0
  // Per-time scratch (length ng).
  var u: [Double]
  var m: [Double]
  var q: [Double]

  init(groups ng: Int, rho: Double) {
    self.ng = ng
    self.rho = rho
    f1m = [Double](repeating: 0, count: ng)
    f1 = f1m
    skmm = [Double](repeating: 1, count: ng)
    skm = skmm
    v3 = [Double](repeating: 0, count: ng)
    aSum = [Double](repeating: 0, count: (ng - 1) * ng)
    x = [Double](repeating: 0, count: (ng - 1) * (ng - 1))
    ss = [Double](repeating: 0, count: ng - 1)
    u = v3
    m = v3
    q = v3
  }

  /// Multiply-adds since the last poll.
  var work = 0

  /// A time with events: `rs` at risk per group, `d1` events of the cause
  /// and `d2` of other causes per group. O(K²) when the cause occurs, O(K)
  /// otherwise, polled by work done; false when `poll` saw a stop (the scan
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
      let gamma = Double(nd1) / (tr * (1 - fm))
      let g = gamma * fb
      var s2 = 0.0
      for k in 0..<ng {
        // P_{t−1} = v3 before this time's increments.
        let pk = v3[k]
        var t3 = 0.0
        var t4 = 0.0
        if rs[k] > 0 {
          t4 = skm[k] > 0 ? 1 - (1 - f) / skm[k] : 1
          let t5 = nd1 > 1 ? 1 - Double(nd1 - 1) / (tr * skmm[k] - 1) : 1
          t3 = t5 * skmm[k] * Double(nd1) / (tr * Double(rs[k]))
          v3[k] += t4 * t4 * t3
        }
        m[k] = fb * fb * t3 + g * g * pk
        q[k] = u[k] * (fb * t3 * t4 + g * pk)
        s2 += u[k] * u[k] * m[k]
      }
      let tr2 = tr * tr
      aSum.withUnsafeMutableBufferPointer { a in
        x.withUnsafeMutableBufferPointer { x in
          for i in 0..<ng1 {
            let arow = i &* ng
            let xrow = i &* ng1
            let ui = u[i]
            let umi = ui * ui * m[i]
            var au = 0.0
            for k in 0..<ng { au += a[arow &+ k] * u[k] }
            let shift = au / tr
            // ½ L M L + g A_{t−1} L, row i.
            let h1 = -0.5 * umi / tr
            let h2 = 0.5 * ui / tr
            let h3 = 0.5 * s2 * ui / tr2
            for j in 0..<ng1 {
              let uj = u[j]
              x[xrow &+ j] += (h1 + h3 + g * (a[arow &+ j] - shift)) * uj - h2 * uj * uj * m[j]
            }
            x[xrow &+ i] += 0.5 * umi
            // A_t = A_{t−1} + L diag(r).
            let s = ui / tr
            if s != 0 {
              for k in 0..<ng { a[arow &+ k] -= s * q[k] }
            }
            a[arow &+ i] += q[i]
          }
        }
      }
      work &+= 3 * ng * ng
      if work > KernelPoll.interval {
        work = 0
        if poll.stopRequested() { return false }
      }
    }
    if nd2 > 0 {
      for k in 0..<ng where skm[k] > 0 && d2[k] > 0 {
        let t4 = (1 - f) / skm[k]
        let t5 = d2[k] > 1 ? 1 - Double(d2[k] - 1) / (Double(rs[k]) - 1) : 1
        let t6 = Double(rs[k])
        let t3 = t5 * ((skmm[k] * skmm[k]) * Double(d2[k])) / (t6 * t6)
        v3[k] += t4 * t4 * t3
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

  /// Adds this stratum's score and variance V = X + Xᵀ to `total` (O(K²);
  /// false when `poll` saw a stop).
  func finish(into total: inout GrayAccumulator, poll: KernelPoll) -> Bool {
    let ng1 = ng - 1
    if poll.stopRequested() { return false }
    for i in 0..<ng1 {
      for j in 0..<ng1 { total.v[i * ng1 + j] += x[i * ng1 + j] + x[j * ng1 + i] }
      total.s[i] += ss[i]
    }
    return true
  }
}
