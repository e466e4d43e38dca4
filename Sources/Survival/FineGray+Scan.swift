import Foundation

/// Time-sorted, centred data of a Fine–Gray fit and its linear-time scans.
///
/// Layout: subjects sorted by time (stable); `x` row-major n × p, centred;
/// `kind` 1 = cause of interest, 2 = competing cause, 0 = censored; `gMinus`
/// the censoring Kaplan–Meier just before each subject's time (G(0) itself
/// at time 0, as crr's `approx(xout = ftime·(1 − 100ε))` reads it).
/// Blocks are runs of equal times; failure blocks hold ≥ 1 failure of the cause.
struct FineGrayData {
  let n: Int
  let p: Int
  let x: [Double]
  let center: [Double]
  let kind: [UInt8]
  let gMinus: [Double]
  /// Block b covers sorted subjects blockStart[b]..<blockStart[b + 1].
  let blockStart: [Int]
  /// Failures of the cause in each block.
  let blockFailures: [Int]
  /// Censored subjects in each block.
  let blockCensored: [Int]
  let failureTimes: [Double]

  init(time: [Double], status: [Int], covariates: [Double], p: Int, failCode: Int, censorCode: Int) {
    let n = time.count
    self.n = n
    self.p = p
    let order = CompetingRisksSort.ascendingOrder(time)
    var center = [Double](repeating: 0, count: p)
    for j in 0..<p {
      var s = 0.0
      for i in 0..<n { s += covariates[j * n + i] }
      center[j] = n > 0 ? s / Double(n) : 0
    }
    var x = [Double](repeating: 0, count: n * p)
    var kind = [UInt8](repeating: 0, count: n)
    var sortedTime = [Double](repeating: 0, count: n)
    for (r, i) in order.enumerated() {
      for j in 0..<p { x[r * p + j] = covariates[j * n + i] - center[j] }
      kind[r] = status[i] == failCode ? 1 : (status[i] == censorCode ? 0 : 2)
      sortedTime[r] = time[i]
    }
    var blockStart = [Int]()
    var blockFailures = [Int]()
    var blockCensored = [Int]()
    var failureTimes = [Double]()
    var gMinus = [Double](repeating: 1, count: n)
    var g = 1.0
    var start = 0
    while start < n {
      let t = sortedTime[start]
      var end = start
      var failures = 0
      var censored = 0
      while end < n && sortedTime[end] == t {
        if kind[end] == 1 { failures += 1 } else if kind[end] == 0 { censored += 1 }
        end += 1
      }
      let atRisk = Double(n - start)
      let gAfter = censored > 0 ? g * (atRisk - Double(censored)) / atRisk : g
      let gHere = t == 0 ? gAfter : g
      for r in start..<end { gMinus[r] = gHere }
      blockStart.append(start)
      blockFailures.append(failures)
      blockCensored.append(censored)
      if failures > 0 { failureTimes.append(t) }
      g = gAfter
      start = end
    }
    blockStart.append(n)
    self.x = x
    self.center = center
    self.kind = kind
    self.gMinus = gMinus
    self.blockStart = blockStart
    self.blockFailures = blockFailures
    self.blockCensored = blockCensored
    self.failureTimes = failureTimes
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

  /// Per failure block (in time order): S⁰, S¹ (p) and the block's Σ xᵢ over its failures.
  struct RiskSums {
    var s0: [Double] = []
    var s1: [Double] = []
  }

  /// The backward scan: suffix sums of subjects at risk, plus the competing-
  /// cause prefix sums (total minus suffix) scaled by G(tₖ−).
  func evaluate(_ beta: [Double], derivatives: Bool, store: UnsafeMutablePointer<RiskSums>? = nil) -> Evaluation {
    let p = self.p
    let pp = p * p
    let e = weights(beta)
    // Totals of competing-cause terms e/G (x, x xᵀ).
    var q0All = 0.0
    var q1All = [Double](repeating: 0, count: p)
    var q2All = [Double](repeating: 0, count: derivatives ? pp : 0)
    for i in 0..<n where kind[i] == 2 {
      let w = e[i] / gMinus[i]
      q0All += w
      guard derivatives || store != nil else { continue }
      for a in 0..<p {
        q1All[a] += w * x[i * p + a]
        if derivatives { for b in 0...a { q2All[a * p + b] += w * x[i * p + a] * x[i * p + b] } }
      }
    }
    var r0 = 0.0, qs0 = 0.0
    var r1 = [Double](repeating: 0, count: p), qs1 = r1
    var r2 = [Double](repeating: 0, count: derivatives ? pp : 0), qs2 = r2
    var s1 = [Double](repeating: 0, count: p)
    var lik = 0.0
    var score = [Double](repeating: 0, count: p)
    var hessian = [Double](repeating: 0, count: derivatives ? pp : 0)
    var k = failureTimes.count
    if let store { store.pointee.s0 = [Double](repeating: 0, count: k); store.pointee.s1 = [Double](repeating: 0, count: k * p) }
    let needVectors = derivatives || store != nil
    for b in stride(from: blockStart.count - 2, through: 0, by: -1) {
      let lo = blockStart[b]
      let hi = blockStart[b + 1]
      var failX = [Double](repeating: 0, count: 0)
      if blockFailures[b] > 0 && needVectors { failX = [Double](repeating: 0, count: p) }
      for i in lo..<hi {
        let w = e[i]
        r0 += w
        if kind[i] == 1 {
          for a in 0..<p {
            lik -= x[i * p + a] * beta[a]
            if needVectors { failX[a] += x[i * p + a] }
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
          let v = w / gMinus[i]
          qs0 += v
          if needVectors {
            for a in 0..<p {
              let xa = x[i * p + a]
              qs1[a] += v * xa
              if derivatives { for c in 0...a { qs2[a * p + c] += v * xa * x[i * p + c] } }
            }
          }
        }
      }
      let d = blockFailures[b]
      guard d > 0 else { continue }
      k -= 1
      let g = gMinus[lo]
      let s0 = r0 + g * (q0All - qs0)
      let dd = Double(d)
      lik += dd * log(s0)
      guard needVectors else { continue }
      for a in 0..<p { s1[a] = r1[a] + g * (q1All[a] - qs1[a]) }
      if let store {
        store.pointee.s0[k] = s0
        for a in 0..<p { store.pointee.s1[k * p + a] = s1[a] }
      }
      for a in 0..<p { score[a] += dd * s1[a] / s0 - failX[a] }
      if derivatives {
        for a in 0..<p {
          for c in 0...a {
            let s2 = r2[a * p + c] + g * (q2All[a * p + c] - qs2[a * p + c])
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

  /// The sandwich variance H⁻¹ (Σᵢ uᵢuᵢᵀ) H⁻¹ with uᵢ = ηᵢ + ψᵢ as crr's `crrvv`:
  ///   ηᵢ = 1[fail](xᵢ − x̄(tᵢ)) − eᵢ Σ_{k: tₖ ≤ tᵢ} dₖ (xᵢ − x̄ₖ)/S⁰ₖ
  ///        − 1[other] (eᵢ/G(tᵢ−)) Σ_{k: tₖ > tᵢ} dₖ G(tₖ−)(xᵢ − x̄ₖ)/S⁰ₖ,
  ///   q(u) = Σ_{k: tₖ ≥ u} dₖ G(tₖ−)/S⁰ₖ Σ_{other j, tⱼ < u} (eⱼ/G(tⱼ−))(xⱼ − x̄ₖ),
  ///   ψᵢ = 1[censored] q(tᵢ)/Y(tᵢ) − Σ_{censorings at u ≤ tᵢ} q(u)/Y(u)².
  func sandwich(_ beta: [Double], information: [Double]) -> [Double] {
    let p = self.p
    var sums = RiskSums()
    _ = evaluate(beta, derivatives: false, store: &sums)
    let e = weights(beta)
    let nf = failureTimes.count
    // Per failure block: a = dₖ/S⁰ₖ, x̄ₖ, ga = dₖ Gₖ/S⁰ₖ.
    var fa = [Double](repeating: 0, count: nf)
    var fga = fa
    var xbar = [Double](repeating: 0, count: nf * p)
    var fBlock = [Int](repeating: 0, count: nf)
    var k = 0
    for b in 0..<(blockStart.count - 1) where blockFailures[b] > 0 {
      let d = Double(blockFailures[b])
      fa[k] = d / sums.s0[k]
      fga[k] = fa[k] * gMinus[blockStart[b]]
      for a in 0..<p { xbar[k * p + a] = sums.s1[k * p + a] / sums.s0[k] }
      fBlock[k] = b
      k += 1
    }
    // Suffix sums over failure blocks k' ≥ k of ga and ga·x̄.
    var sufGA = [Double](repeating: 0, count: nf + 1)
    var sufGB = [Double](repeating: 0, count: (nf + 1) * p)
    for k in stride(from: nf - 1, through: 0, by: -1) {
      sufGA[k] = sufGA[k + 1] + fga[k]
      for a in 0..<p { sufGB[k * p + a] = sufGB[(k + 1) * p + a] + fga[k] * xbar[k * p + a] }
    }
    var prefA = 0.0
    var prefB = [Double](repeating: 0, count: p)
    var c0 = 0.0
    var c1 = [Double](repeating: 0, count: p)
    var q = [Double](repeating: 0, count: p)
    var ss2 = [Double](repeating: 0, count: p)
    var u = [Double](repeating: 0, count: p)
    var meat = [Double](repeating: 0, count: p * p)
    var nextFailure = 0  // index of the first failure block with time ≥ current block
    for b in 0..<(blockStart.count - 1) {
      let lo = blockStart[b]
      let hi = blockStart[b + 1]
      // Failure blocks at or before this time enter the prefix (tₖ ≤ tᵢ).
      let here = nextFailure < nf && fBlock[nextFailure] == b ? nextFailure : -1
      if here >= 0 {
        prefA += fa[here]
        for a in 0..<p { prefB[a] += fa[here] * xbar[here * p + a] }
      }
      // Suffix index for tₖ ≥ tᵢ is nextFailure; for tₖ > tᵢ it skips this block.
      let geq = nextFailure
      let gt = here >= 0 ? nextFailure + 1 : nextFailure
      let yAtRisk = Double(n - lo)
      if blockCensored[b] > 0 {
        // q(u) = C1·T0 − C0·T1 with C over competing causes before u, T over failures at or after u.
        for a in 0..<p { q[a] = c1[a] * sufGA[geq] - c0 * sufGB[geq * p + a] }
        let scale = Double(blockCensored[b]) / (yAtRisk * yAtRisk)
        for a in 0..<p { ss2[a] -= q[a] * scale }
      }
      for i in lo..<hi {
        for a in 0..<p {
          let xa = x[i * p + a]
          var eta = -e[i] * (xa * prefA - prefB[a])
          if kind[i] == 1 { eta += xa - xbar[here * p + a] }
          if kind[i] == 2 { eta -= e[i] / gMinus[i] * (xa * sufGA[gt] - sufGB[gt * p + a]) }
          var psi = ss2[a]
          if kind[i] == 0 { psi += q[a] / yAtRisk }
          u[a] = eta + psi
        }
        for a in 0..<p { for c in 0...a { meat[a * p + c] += u[a] * u[c] } }
      }
      // Competing-cause subjects of this block enter C for later times (tⱼ < u).
      for i in lo..<hi where kind[i] == 2 {
        let w = e[i] / gMinus[i]
        c0 += w
        for a in 0..<p { c1[a] += w * x[i * p + a] }
      }
      if here >= 0 { nextFailure += 1 }
    }
    for a in 0..<p { for c in 0..<a { meat[c * p + a] = meat[a * p + c] } }
    let inverse = CholeskyLDL(information, n: p).inverse()
    // H⁻¹ M H⁻¹.
    var tmp = [Double](repeating: 0, count: p * p)
    for i in 0..<p { for j in 0..<p {
      var s = 0.0
      for l in 0..<p { s += inverse[i * p + l] * meat[l * p + j] }
      tmp[i * p + j] = s
    } }
    var out = [Double](repeating: 0, count: p * p)
    for i in 0..<p { for j in 0..<p {
      var s = 0.0
      for l in 0..<p { s += tmp[i * p + l] * inverse[l * p + j] }
      out[i * p + j] = s
    } }
    return out
  }
}
