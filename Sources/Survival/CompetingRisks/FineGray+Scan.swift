import Foundation

/// Time-sorted, centred data of a Fine–Gray fit and its linear-time scans.
///
/// Layout: subjects sorted by time (stable); `x` row-major n × p, centred;
/// `kind` 1 = cause of interest, 2 = competing cause, 0 = censored; `group`
/// the censoring group (crr's `cengroup`, 0..<ncg); `gMinus` the censoring
/// Kaplan–Meier of the subject's group just before its time. Blocks are runs
/// of equal times; failure blocks hold ≥ 1 failure of the cause.
///
/// Censoring Kaplan–Meier as crr evaluates it (`approx` of each group's
/// `survfit` at t·(1 − 100ε)): G_g(t−) for t > 0; G_g(0) itself (censorings
/// at 0 included) at t = 0; and 0 beyond the group's last time.
struct FineGrayData {
  let n: Int
  let p: Int
  let groups: Int
  let x: [Double]
  let center: [Double]
  let kind: [UInt8]
  let group: [Int]
  let gMinus: [Double]
  /// Block b covers sorted subjects blockStart[b]..<blockStart[b + 1].
  let blockStart: [Int]
  /// Failures of the cause in each block.
  let blockFailures: [Int]
  let failureTimes: [Double]
  /// Per failure block k and censoring group g (index k·ncg + g): G_g(tₖ−).
  let gFail: [Double]
  /// Per failure block k and group g: failures of the cause in group g.
  let failuresByGroup: [Int]
  /// Made on the calling thread; the scans leave early when it sees a stop,
  /// and `FineGray.fit` throws through `poll.check()`.
  let poll = KernelPoll()

  init(
    time: [Double], status: [Int], covariates: [Double], p: Int, failCode: Int, censorCode: Int,
    censoringGroup: [Int]?
  ) {
    let n = time.count
    self.n = n
    self.p = p
    let ncg = max((censoringGroup?.max() ?? 0) + 1, 1)
    groups = ncg
    let order = CompetingRisksSort.ascendingOrder(time)
    var center = [Double](repeating: 0, count: p)
    for j in 0..<p {
      var s = 0.0
      for i in 0..<n { s += covariates[j * n + i] }
      center[j] = n > 0 ? s / Double(n) : 0
    }
    // `order` is a permutation of the rows, so the loop below writes every
    // element of these four (no zero fill: 41 MB at 10^6 rows and p = 3).
    var x: [Double] = RadixOrder.uninitialized(n * p)
    var kind: [UInt8] = RadixOrder.uninitialized(n)
    var group: [Int] = RadixOrder.uninitialized(n)
    var sortedTime: [Double] = RadixOrder.uninitialized(n)
    var groupSize = [Int](repeating: 0, count: ncg)
    var lastTime = [Double](repeating: -.infinity, count: ncg)
    for (r, i) in order.enumerated() {
      for j in 0..<p { x[r * p + j] = covariates[j * n + i] - center[j] }
      kind[r] = status[i] == failCode ? 1 : (status[i] == censorCode ? 0 : 2)
      let g = censoringGroup?[i] ?? 0
      group[r] = g
      groupSize[g] += 1
      lastTime[g] = max(lastTime[g], time[i])
      sortedTime[r] = time[i]
    }
    var blockStart = [Int]()
    var blockFailures = [Int]()
    var failureTimes = [Double]()
    var gFail = [Double]()
    var failuresByGroup = [Int]()
    var gMinus = [Double](repeating: 1, count: n)
    var km = [Double](repeating: 1, count: ncg)
    var atRisk = groupSize
    var censored = [Int](repeating: 0, count: ncg)
    var members = [Int](repeating: 0, count: ncg)
    var failing = [Int](repeating: 0, count: ncg)
    var after = km
    var start = 0
    while start < n {
      let t = sortedTime[start]
      var end = start
      for g in 0..<ncg { censored[g] = 0; members[g] = 0; failing[g] = 0 }
      while end < n && sortedTime[end] == t {
        let g = group[end]
        members[g] += 1
        if kind[end] == 1 { failing[g] += 1 } else if kind[end] == 0 { censored[g] += 1 }
        end += 1
      }
      var failures = 0
      for g in 0..<ncg {
        failures += failing[g]
        after[g] = censored[g] > 0
          ? km[g] * (Double(atRisk[g]) - Double(censored[g])) / Double(atRisk[g]) : km[g]
      }
      for r in start..<end { gMinus[r] = t == 0 ? after[group[r]] : km[group[r]] }
      blockStart.append(start)
      blockFailures.append(failures)
      if failures > 0 {
        failureTimes.append(t)
        for g in 0..<ncg {
          gFail.append(t > lastTime[g] ? 0 : (t == 0 ? after[g] : km[g]))
          failuresByGroup.append(failing[g])
        }
      }
      for g in 0..<ncg {
        km[g] = after[g]
        atRisk[g] -= members[g]
      }
      start = end
    }
    blockStart.append(n)
    self.x = x
    self.center = center
    self.kind = kind
    self.group = group
    self.gMinus = gMinus
    self.blockStart = blockStart
    self.blockFailures = blockFailures
    self.failureTimes = failureTimes
    self.gFail = gFail
    self.failuresByGroup = failuresByGroup
  }

  /// Negative pseudo log-likelihood, its gradient and Hessian (p × p row-major).
  struct Evaluation {
    var lik: Double
    var score: [Double]
    var hessian: [Double]
  }

  /// exp(x β) per sorted subject (centred x).
  func weights(_ beta: [Double]) -> [Double] {
    var e = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var s = 0.0
      for j in 0..<p { s += x[i * p + j] * beta[j] }
      e[i] = exp(s)
    }
    return e
  }

  /// Per failure block (in time order): S⁰ and S¹ (p).
  struct RiskSums {
    var s0: [Double] = []
    var s1: [Double] = []
  }

  /// The backward scan: suffix sums over subjects at risk (tᵢ ≥ tₖ), plus,
  /// per censoring group, the competing-cause prefix sums (tᵢ < tₖ: total
  /// minus suffix) of e/G scaled by G_g(tₖ−).
  func evaluate(_ beta: [Double], derivatives: Bool, store: UnsafeMutablePointer<RiskSums>? = nil) -> Evaluation {
    let p = self.p
    let pp = p * p
    let ncg = groups
    let e = weights(beta)
    let needVectors = derivatives || store != nil
    // Competing-cause totals per group: e/G, and its x and x xᵀ moments.
    var q0All = [Double](repeating: 0, count: ncg)
    var q1All = [Double](repeating: 0, count: ncg * p)
    var q2All = [Double](repeating: 0, count: derivatives ? ncg * pp : 0)
    var totalsWork = 0
    for i in 0..<n where kind[i] == 2 {
      totalsWork &+= derivatives ? pp + p : p + 1
      if totalsWork > KernelPoll.interval {
        totalsWork = 0
        // Left early: `FineGray.fit` throws on seeing the same stop.
        if poll.stopRequested() { break }
      }
      let g = group[i]
      let w = e[i] / gMinus[i]
      q0All[g] += w
      guard needVectors else { continue }
      for a in 0..<p {
        q1All[g * p + a] += w * x[i * p + a]
        if derivatives { for b in 0...a { q2All[g * pp + a * p + b] += w * x[i * p + a] * x[i * p + b] } }
      }
    }
    var r0 = 0.0
    var r1 = [Double](repeating: 0, count: p)
    var r2 = [Double](repeating: 0, count: derivatives ? pp : 0)
    var qs0 = [Double](repeating: 0, count: ncg)
    var qs1 = [Double](repeating: 0, count: ncg * p)
    var qs2 = [Double](repeating: 0, count: derivatives ? ncg * pp : 0)
    var s1 = [Double](repeating: 0, count: p)
    var failX = [Double](repeating: 0, count: p)
    var lik = 0.0
    var score = [Double](repeating: 0, count: p)
    var hessian = [Double](repeating: 0, count: derivatives ? pp : 0)
    var k = failureTimes.count
    if let store {
      store.pointee.s0 = [Double](repeating: 0, count: k)
      store.pointee.s1 = [Double](repeating: 0, count: k * p)
    }
    // Work since the last poll: rows cost about p², failure blocks ncg·p².
    var work = 0
    for b in stride(from: blockStart.count - 2, through: 0, by: -1) {
      let lo = blockStart[b]
      let hi = blockStart[b + 1]
      work &+= (hi - lo + (blockFailures[b] > 0 ? ncg : 0)) &* (derivatives ? pp + p + 1 : p + 1)
      if work > KernelPoll.interval {
        work = 0
        if poll.stopRequested() { break }
      }
      for a in 0..<p { failX[a] = 0 }
      for i in lo..<hi {
        let w = e[i]
        r0 += w
        if kind[i] == 1 {
          for a in 0..<p {
            lik -= x[i * p + a] * beta[a]
            failX[a] += x[i * p + a]
          }
        }
        if needVectors {
          for a in 0..<p {
            let xa = x[i * p + a]
            r1[a] += w * xa
            if derivatives { for c in 0...a { r2[a * p + c] += w * xa * x[i * p + c] } }
          }
        }
        if kind[i] == 2 {
          let g = group[i]
          let v = w / gMinus[i]
          qs0[g] += v
          if needVectors {
            for a in 0..<p {
              let xa = x[i * p + a]
              qs1[g * p + a] += v * xa
              if derivatives { for c in 0...a { qs2[g * pp + a * p + c] += v * xa * x[i * p + c] } }
            }
          }
        }
      }
      let d = blockFailures[b]
      guard d > 0 else { continue }
      k -= 1
      var s0 = r0
      for g in 0..<ncg { s0 += gFail[k * ncg + g] * (q0All[g] - qs0[g]) }
      let dd = Double(d)
      lik += dd * log(s0)
      guard needVectors else { continue }
      for a in 0..<p {
        var v = r1[a]
        for g in 0..<ncg { v += gFail[k * ncg + g] * (q1All[g * p + a] - qs1[g * p + a]) }
        s1[a] = v
      }
      if let store {
        store.pointee.s0[k] = s0
        for a in 0..<p { store.pointee.s1[k * p + a] = s1[a] }
      }
      for a in 0..<p { score[a] += dd * s1[a] / s0 - failX[a] }
      if derivatives {
        for a in 0..<p {
          for c in 0...a {
            var s2 = r2[a * p + c]
            for g in 0..<ncg {
              s2 += gFail[k * ncg + g] * (q2All[g * pp + a * p + c] - qs2[g * pp + a * p + c])
            }
            hessian[a * p + c] += dd * (s2 / s0 - (s1[a] / s0) * (s1[c] / s0))
          }
        }
      }
    }
    if derivatives {
      for a in 0..<p { for c in 0..<a { hessian[c * p + a] = hessian[a * p + c] } }
    }
    return Evaluation(lik: lik, score: score, hessian: hessian)
  }

  /// crr's `bfitj`: dₖ / S⁰(tₖ) with uncentred covariates.
  func baselineJumps(_ beta: [Double]) -> [Double] {
    var sums = RiskSums()
    _ = evaluate(beta, derivatives: false, store: &sums)
    var shift = 0.0
    for j in 0..<p { shift += center[j] * beta[j] }
    let scale = exp(shift)
    var jumps = [Double]()
    var k = 0
    for b in 0..<(blockStart.count - 1) where blockFailures[b] > 0 {
      jumps.append(Double(blockFailures[b]) / (sums.s0[k] * scale))
      k += 1
    }
    return jumps
  }

  /// The sandwich variance H⁻¹ (Σᵢ uᵢuᵢᵀ) H⁻¹ with uᵢ = ηᵢ + ψᵢ as crr's
  /// `crrvv` (g = the subject's censoring group, x̄ₖ = S¹ₖ/S⁰ₖ):
  ///   ηᵢ = 1[fail](xᵢ − x̄(tᵢ)) − eᵢ Σ_{k: tₖ ≤ tᵢ} dₖ (xᵢ − x̄ₖ)/S⁰ₖ
  ///        − 1[other] (eᵢ/G_g(tᵢ−)) Σ_{k: tₖ > tᵢ} dₖ G_g(tₖ−)(xᵢ − x̄ₖ)/S⁰ₖ,
  ///   q_g(u) = Σ_{k: tₖ ≥ u} d_{k,g} G_g(tₖ−)/S⁰ₖ Σ_{other j in g, tⱼ < u} (eⱼ/G_g(tⱼ−))(xⱼ − x̄ₖ)
  ///   (crr pairs failures and competing-cause subjects of the same group),
  ///   ψᵢ = 1[censored] q_g(tᵢ)/Y_g(tᵢ) − Σ_{censorings in g at u ≤ tᵢ} q_g(u)/Y_g(u)².
  func sandwich(_ beta: [Double], information: [Double]) -> [Double] {
    let p = self.p
    let ncg = groups
    var sums = RiskSums()
    _ = evaluate(beta, derivatives: false, store: &sums)
    let e = weights(beta)
    let nf = failureTimes.count
    var fa = [Double](repeating: 0, count: nf)
    var xbar = [Double](repeating: 0, count: nf * p)
    var fBlock = [Int](repeating: 0, count: nf)
    var k = 0
    for b in 0..<(blockStart.count - 1) where blockFailures[b] > 0 {
      fa[k] = Double(blockFailures[b]) / sums.s0[k]
      for a in 0..<p { xbar[k * p + a] = sums.s1[k * p + a] / sums.s0[k] }
      fBlock[k] = b
      k += 1
    }
    // Suffix sums over failure blocks k' ≥ k, per group g (index k·ncg + g):
    // all failures weighted by G_g (for η), and group-g failures (for q).
    var sufGA = [Double](repeating: 0, count: (nf + 1) * ncg)
    var sufGB = [Double](repeating: 0, count: (nf + 1) * ncg * p)
    var sufQA = sufGA
    var sufQB = sufGB
    for k in stride(from: nf - 1, through: 0, by: -1) {
      for g in 0..<ncg {
        let gk = gFail[k * ncg + g]
        let all = fa[k] * gk
        let own = Double(failuresByGroup[k * ncg + g]) / sums.s0[k] * gk
        let here = k * ncg + g
        let next = (k + 1) * ncg + g
        sufGA[here] = sufGA[next] + all
        sufQA[here] = sufQA[next] + own
        for a in 0..<p {
          sufGB[here * p + a] = sufGB[next * p + a] + all * xbar[k * p + a]
          sufQB[here * p + a] = sufQB[next * p + a] + own * xbar[k * p + a]
        }
      }
    }
    var prefA = 0.0
    var prefB = [Double](repeating: 0, count: p)
    var c0 = [Double](repeating: 0, count: ncg)
    var c1 = [Double](repeating: 0, count: ncg * p)
    var q = [Double](repeating: 0, count: ncg * p)
    var ss2 = [Double](repeating: 0, count: ncg * p)
    var atRisk = [Int](repeating: 0, count: ncg)
    for g in group { atRisk[g] += 1 }
    var censored = [Int](repeating: 0, count: ncg)
    var members = [Int](repeating: 0, count: ncg)
    var u = [Double](repeating: 0, count: p)
    var meat = [Double](repeating: 0, count: p * p)
    var nextFailure = 0
    var work = 0
    for b in 0..<(blockStart.count - 1) {
      let lo = blockStart[b]
      let hi = blockStart[b + 1]
      work &+= (hi - lo + ncg) &* (p * p + p + 1)
      if work > KernelPoll.interval {
        work = 0
        if poll.stopRequested() { break }
      }
      let here = nextFailure < nf && fBlock[nextFailure] == b ? nextFailure : -1
      if here >= 0 {
        prefA += fa[here]
        for a in 0..<p { prefB[a] += fa[here] * xbar[here * p + a] }
      }
      let geq = nextFailure
      let gt = here >= 0 ? nextFailure + 1 : nextFailure
      for g in 0..<ncg { censored[g] = 0; members[g] = 0 }
      for i in lo..<hi {
        members[group[i]] += 1
        if kind[i] == 0 { censored[group[i]] += 1 }
      }
      for g in 0..<ncg where censored[g] > 0 {
        let y = Double(atRisk[g])
        let idx = geq * ncg + g
        for a in 0..<p {
          q[g * p + a] = c1[g * p + a] * sufQA[idx] - c0[g] * sufQB[idx * p + a]
          ss2[g * p + a] -= Double(censored[g]) * q[g * p + a] / (y * y)
        }
      }
      for i in lo..<hi {
        let g = group[i]
        let y = Double(atRisk[g])
        let idx = gt * ncg + g
        for a in 0..<p {
          let xa = x[i * p + a]
          var eta = -e[i] * (xa * prefA - prefB[a])
          if kind[i] == 1 { eta += xa - xbar[here * p + a] }
          if kind[i] == 2 { eta -= e[i] / gMinus[i] * (xa * sufGA[idx] - sufGB[idx * p + a]) }
          var psi = ss2[g * p + a]
          if kind[i] == 0 { psi += q[g * p + a] / y }
          u[a] = eta + psi
        }
        for a in 0..<p { for c in 0...a { meat[a * p + c] += u[a] * u[c] } }
      }
      // Competing-cause subjects of this block enter C for later times (tⱼ < u).
      for i in lo..<hi where kind[i] == 2 {
        let g = group[i]
        let w = e[i] / gMinus[i]
        c0[g] += w
        for a in 0..<p { c1[g * p + a] += w * x[i * p + a] }
      }
      for g in 0..<ncg { atRisk[g] -= members[g] }
      if here >= 0 { nextFailure += 1 }
    }
    for a in 0..<p { for c in 0..<a { meat[c * p + a] = meat[a * p + c] } }
    let inverse = CholeskyLDL(square: information, n: p).inverse()
    /// The p × p product a·b (row-major).
    func product(_ a: [Double], _ b: [Double]) -> [Double] {
      var out = [Double](repeating: 0, count: p * p)
      for i in 0..<p {
        for j in 0..<p {
          var s = 0.0
          for l in 0..<p { s += a[i * p + l] * b[l * p + j] }
          out[i * p + j] = s
        }
      }
      return out
    }
    return product(product(inverse, meat), inverse)
  }
}
