import Foundation

/// power_sim's other built-in analyses of two arms, on the same sorted keys
/// as `TwoSampleLogRank` (one radix sort, then one pass; the per-event-time
/// scratch is kept between replicates, so nothing is allocated after the
/// first). Each returns a two-sided p-value and a z (arm 1 against arm 0).
extension TwoSampleLogRank {
  /// One analysis's outcome.
  public struct Outcome: Sendable, Equatable {
    public let z: Double
    public let p: Double
    public let events: Int
  }

  /// The Cox model's Wald test of the arm (x = 0/1): β̂ by Newton–Raphson on
  /// Efron's partial likelihood (R `coxph` default ties, iterated to
  /// |Δβ| < 1e-9 as coxph's 1e-9 relative change in the log likelihood
  /// would), z = β̂ √I(β̂). At an event time with n₀, n₁ at risk and d₀, d₁
  /// events (d = d₀ + d₁), for r = 0, …, d − 1: x̄ᵣ = (n₁ − r d₁/d)e^β /
  /// ((n₀ − r d₀/d) + (n₁ − r d₁/d)e^β); score d₁ − Σ x̄ᵣ, information
  /// Σ x̄ᵣ(1 − x̄ᵣ). With no event in one arm β̂ is infinite: p = 1 (R's
  /// Wald p-value is 1 to printing precision there).
  public mutating func coxWald(
    time: UnsafeBufferPointer<Double>, event: UnsafeBufferPointer<Int32>, group: UnsafeBufferPointer<Int32>
  ) -> Outcome {
    let blocks = eventBlocks(time: time, event: event, group: group)
    var d0 = 0, d1 = 0
    for b in 0..<blocks { d0 += Int(risk[4 * b + 2]); d1 += Int(risk[4 * b + 3]) }
    if d0 == 0 || d1 == 0 { return Outcome(z: 0, p: 1, events: d0 + d1) }
    var beta = 0.0
    var info = 0.0
    for _ in 0..<50 {
      let (score, information, _) = efron(beta: beta, blocks: blocks)
      info = information
      guard information > 0 else { return Outcome(z: 0, p: 1, events: d0 + d1) }
      var step = score / information
      // Step halving, as coxph: the log likelihood must not fall.
      let current = efron(beta: beta, blocks: blocks).loglik
      var next = beta + step
      var tries = 0
      while efron(beta: next, blocks: blocks).loglik < current - 1e-12 && tries < 30 {
        step /= 2
        next = beta + step
        tries += 1
      }
      beta = next
      if abs(step) < 1e-9 {
        info = efron(beta: beta, blocks: blocks).information
        break
      }
    }
    let z = beta * info.squareRoot()
    return Outcome(z: z, p: Normal.twoSidedP(z), events: d0 + d1)
  }

  /// Efron's log partial likelihood, score and information at β.
  private func efron(beta: Double, blocks: Int) -> (score: Double, information: Double, loglik: Double) {
    let eb = exp(beta)
    var score = 0.0, information = 0.0, loglik = 0.0
    for b in 0..<blocks {
      let n0 = risk[4 * b], n1 = risk[4 * b + 1], d0 = risk[4 * b + 2], d1 = risk[4 * b + 3]
      let d = d0 + d1
      score += d1
      loglik += d1 * beta
      var r = 0.0
      while r < d {
        let f = r / d
        let one = (n1 - f * d1) * eb
        let den = (n0 - f * d0) + one
        let xbar = one / den
        score -= xbar
        information += xbar * (1 - xbar)
        loglik -= log(den)
        r += 1
      }
    }
    return (score, information, loglik)
  }

  /// Difference in restricted mean survival time at `tau`, arm 1 minus arm
  /// 0, with its standard error: per arm the area under the Kaplan–Meier
  /// curve up to tau and the variance Σ Aⱼ² dⱼ/(nⱼ(nⱼ − dⱼ)) over event
  /// times tⱼ ≤ tau, Aⱼ = ∫ from tⱼ to tau of S (R `survfit(rmean = tau)`'s
  /// se, as survRM2's `rmst2`); z = difference/se.
  public mutating func rmstDifference(
    time: UnsafeBufferPointer<Double>, event: UnsafeBufferPointer<Int32>, group: UnsafeBufferPointer<Int32>,
    tau: Double
  ) -> (outcome: Outcome, difference: Double, se: Double) {
    let blocks = eventBlocks(time: time, event: event, group: group)
    var rmst = [0.0, 0.0], variance = [0.0, 0.0]
    var events = 0
    for b in 0..<blocks { events += Int(risk[4 * b + 2] + risk[4 * b + 3]) }
    for arm in 0..<2 {
      // Forward: the area to tau and the arm's event times up to tau.
      var s = 1.0
      var last = 0.0
      var area = 0.0
      var count = 0
      curve.removeAll(keepingCapacity: true)
      for b in 0..<blocks {
        let t = blockTime[b]
        let n = risk[4 * b + arm], d = risk[4 * b + 2 + arm]
        if d == 0 || t > tau { continue }
        area += s * (t - last)
        last = t
        s *= (n - d) / n
        curve.append(t)
        curve.append(n)
        curve.append(d)
        count += 1
      }
      area += s * (tau - last)
      rmst[arm] = area
      // Backward: Aⱼ from tau down.
      var after = 0.0
      var upper = tau
      var sj = s
      var v = 0.0
      var j = count - 1
      while j >= 0 {
        let t = curve[3 * j], n = curve[3 * j + 1], d = curve[3 * j + 2]
        after += sj * (upper - t)
        upper = t
        if after > 0 && n > d { v += after * after * d / (n * (n - d)) }
        sj = sj / ((n - d) / n)
        if !sj.isFinite { sj = 1 }  // only after S reached 0, where A is 0 anyway
        j -= 1
      }
      variance[arm] = v
    }
    let difference = rmst[1] - rmst[0]
    let se = (variance[0] + variance[1]).squareRoot()
    let z = se > 0 ? difference / se : .nan
    return (Outcome(z: z, p: se > 0 ? Normal.twoSidedP(z) : 1, events: events), difference, se)
  }

  /// MaxCombo of FH(0,0), FH(0,1), FH(1,0), FH(1,1) (`MaxComboTest`); `alpha`
  /// only saves work: the p-value lies between the largest statistic's own
  /// p-value and four times it (Bonferroni), and when both bounds are on the
  /// same side of alpha the multivariate normal is not needed (p is then
  /// that bound, enough to decide); otherwise Genz's algorithm runs to 1e-4,
  /// then to 1e-7 when its error bound straddles alpha.
  public mutating func maxCombo(
    time: UnsafeBufferPointer<Double>, event: UnsafeBufferPointer<Int32>, group: UnsafeBufferPointer<Int32>,
    alpha: Double
  ) -> Outcome {
    let blocks = eventBlocks(time: time, event: event, group: group)
    var score = [Double](repeating: 0, count: 4)
    var cov = [Double](repeating: 0, count: 16)
    var w = [0.0, 0.0, 0.0, 0.0]
    var km = 1.0
    var events = 0
    for b in 0..<blocks {
      let n0 = risk[4 * b], n1 = risk[4 * b + 1], d = risk[4 * b + 2] + risk[4 * b + 3], d1 = risk[4 * b + 3]
      let n = n0 + n1
      events += Int(d)
      w[0] = 1
      w[1] = 1 - km
      w[2] = km
      w[3] = km * (1 - km)
      for a in 0..<4 { score[a] += w[a] * (d1 - d * n1 / n) }
      if n > 1 {
        let v = d * (n - d) * n1 * n0 / (n * n * (n - 1))
        for a in 0..<4 { for c in 0..<4 { cov[a * 4 + c] += w[a] * w[c] * v } }
      }
      km *= (n - d) / n
    }
    var m = 0.0
    for a in 0..<4 where cov[a * 5] > 0 { m = max(m, abs(score[a]) / cov[a * 5].squareRoot()) }
    let single = Normal.twoSidedP(m)
    if single >= alpha { return Outcome(z: m, p: single, events: events) }
    if 4 * single < alpha { return Outcome(z: m, p: 4 * single, events: events) }
    var test = MaxComboTest.finish(score: score, covariance: cov, absoluteError: 1e-4)
    if abs(test.p - alpha) <= test.pError {
      test = MaxComboTest.finish(score: score, covariance: cov, absoluteError: 1e-7)
    }
    return Outcome(z: test.statistic, p: test.p, events: events)
  }

  /// Per distinct event time (ascending), n₀, n₁ at risk and d₀, d₁ events
  /// into `risk` (4 per time) and the time into `blockTime`; returns their number.
  mutating func eventBlocks(
    time: UnsafeBufferPointer<Double>, event: UnsafeBufferPointer<Int32>, group: UnsafeBufferPointer<Int32>
  ) -> Int {
    let n = time.count
    var atRisk1 = sortKeys(time: time, event: event, group: group)
    var atRisk0 = n - atRisk1
    risk.removeAll(keepingCapacity: true)
    blockTime.removeAll(keepingCapacity: true)
    var i = 0
    while i < n {
      let block = keys[i] >> 2
      var e0 = 0, e1 = 0, m0 = 0, m1 = 0
      var j = i
      while j < n && keys[j] >> 2 == block {
        let k = keys[j]
        let g = Int(k & 1)
        let e = Int((k >> 1) & 1)
        e1 += e & g
        e0 += e & (1 - g)
        m1 += g
        m0 += 1 - g
        j += 1
      }
      if e0 + e1 > 0 {
        risk.append(Double(atRisk0))
        risk.append(Double(atRisk1))
        risk.append(Double(e0))
        risk.append(Double(e1))
        blockTime.append(Double(bitPattern: block << 2))
      }
      atRisk0 -= m0
      atRisk1 -= m1
      i = j
    }
    return blockTime.count
  }
}
