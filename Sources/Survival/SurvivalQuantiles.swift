import Foundation

/// Quantiles of a survival curve with confidence limits.
public struct SurvivalQuantiles: Sendable, Equatable {
  /// The probabilities p: the quantile is the time at which 1 − S reaches p.
  public let probs: [Double]
  /// Quantile times (NaN where R gives NA: the curve never reaches 1 − p).
  public let quantile: [Double]
  /// Lower confidence limits, from the lower confidence curve (NaN = NA).
  public let lower: [Double]
  /// Upper confidence limits, from the upper confidence curve (NaN = NA).
  public let upper: [Double]
}

/// The median and its confidence limits as `print.survfit` shows them.
public struct SurvivalMedian: Sendable, Equatable {
  public let median: Double
  public let lower: Double
  public let upper: Double
}

extension KaplanMeierCurve {
  /// R's default tolerance, `sqrt(.Machine$double.eps)`.
  static let quantileTolerance = Double.ulpOfOne.squareRoot()

  /// Quantiles as R survival 3.5.3 `quantile.survfit(fit, probs)`: the time t
  /// at which 1 − S(t) first reaches p; where the curve is flat at exactly
  /// 1 − p (within 1.5e-8) the midpoint of the flat segment (to the last
  /// follow-up time when it is the last segment). Limits apply the same rule
  /// to the lower and upper confidence curves. Curves start at time 0.
  public func quantiles(_ probs: [Double]) throws -> SurvivalQuantiles {
    for p in probs where !(p >= 0 && p <= 1) {
      throw SurvivalInputError.invalidOption("quantile probabilities must be in [0, 1], got \(p)")
    }
    let x = [0] + time
    let q = Self.findQuantiles(x: x, y: [0] + surv.map { 1 - $0 }, probs: probs)
    // 1 − lower reaches p first, so it gives the lower limit of the time.
    let lo = Self.findQuantiles(x: x, y: [0] + lower.map { 1 - $0 }, probs: probs)
    let hi = Self.findQuantiles(x: x, y: [0] + upper.map { 1 - $0 }, probs: probs)
    return SurvivalQuantiles(probs: probs, quantile: q, lower: lo, upper: hi)
  }

  /// R's `findq` (inside `quantile.survfit`): `y` non-decreasing with NaN for
  /// NA; duplicated values keep their first time; `approx(method = "constant",
  /// f = 1)` over the non-NA points picks the first point with y ± tol ≥ p.
  static func findQuantiles(x allX: [Double], y allY: [Double], probs: [Double]) -> [Double] {
    let tol = quantileTolerance
    let finite = allY.filter { !$0.isNaN }
    guard let maxY = finite.max(), let minP = probs.min(), maxY >= minP else {
      return probs.map { _ in .nan }
    }
    let xmax = allX[allX.count - 1]
    // duplicated(): keep the first of equal values (all NA count as equal).
    var x: [Double] = []
    var y: [Double] = []
    var seen = Set<Double>()
    var seenNaN = false
    for i in 0..<allY.count {
      let v = allY[i]
      if v.isNaN {
        if seenNaN { continue }
        seenNaN = true
      } else {
        if seen.contains(v) { continue }
        seen.insert(v)
      }
      x.append(allX[i])
      y.append(v)
    }
    // Knots of approx(): the non-NA points, which approx orders by value. A
    // confidence curve need not be monotone, so "first" means the smallest
    // value ≥ p, not the earliest time.
    let knots = (0..<y.count).filter { !y[$0].isNaN }
    let lowest = knots.map { y[$0] }.min() ?? .nan
    let highest = knots.map { y[$0] }.max() ?? .nan
    func firstIndex(shift: Double, p: Double) -> Int? {
      if knots.isEmpty || p < lowest + shift || p > highest + shift { return nil }
      var best: Int?
      for j in knots where y[j] + shift >= p {
        if let b = best, y[b] + shift <= y[j] + shift { continue }
        best = j
      }
      return best
    }
    let lastY = y[y.count - 1]
    return probs.map { p in
      let i1 = firstIndex(shift: tol, p: p)
      // R applies the last-segment rule after the p = 0 rule, so it wins.
      if !lastY.isNaN && abs(p - lastY) < tol {
        guard let i1 = i1 else { return .nan }
        return (x[i1] + xmax) / 2
      }
      if p == 0 { return x[0] }
      guard let i1 = i1, let i2 = firstIndex(shift: -tol, p: p) else { return .nan }
      return (x[i1] + x[i2]) / 2
    }
  }

  /// The median and its limits as R `print.survfit` (via `survmean`'s
  /// `minmin`): the first time S ≤ 0.5 (within 1.5e-8); when S equals 0.5
  /// there and drops later, the midpoint of that time and the next drop.
  /// Limits use the lower and upper confidence curves (NA values skipped).
  public var median: SurvivalMedian {
    SurvivalMedian(
      median: Self.firstBelowHalf(surv, time),
      lower: Self.firstBelowHalf(lower, time),
      upper: Self.firstBelowHalf(upper, time))
  }

  static func firstBelowHalf(_ y: [Double], _ x: [Double]) -> Double {
    let tol = quantileTolerance
    guard let first = y.indices.first(where: { !y[$0].isNaN && y[$0] < 0.5 + tol }) else { return .nan }
    let y1 = y[first]
    if abs(y1 - 0.5) < tol {
      if let drop = y.indices.first(where: { $0 > first && !y[$0].isNaN && y[$0] < y1 }) {
        return (x[first] + x[drop]) / 2
      }
    }
    return x[first]
  }
}
