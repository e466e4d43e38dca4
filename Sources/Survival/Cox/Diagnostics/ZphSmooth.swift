import Foundation

/// The smooth of `plot.cox.zph` (R `survival` 3.x): a least-squares fit of
/// the scaled Schoenfeld residuals of one term on a natural cubic spline
/// of the transformed time, `ns(x, df = 4, intercept = TRUE)`, evaluated at
/// 40 equally spaced points over the range of x, with the band
/// ± 2 √(var_ii · p(x)ᵀ (XᵀX)⁻¹ p(x)) (`var` of the `cox.zph` result).
///
/// `ns` puts its 2 interior knots at the 1/3 and 2/3 quantiles (R's type 7)
/// of the prediction grid and the data together, and its boundary knots at
/// their range. Fitted values and the band depend only on the span of the
/// basis, so any basis of the same natural-spline space gives R's numbers;
/// this one is the truncated-power basis of Hastie, Tibshirani & Friedman
/// (2009, eq. 5.4–5.5) on x rescaled to [0, 1] (for conditioning).
public enum ZphSmooth {
  public struct Curve: Sendable {
    public let x: [Double]
    public let fit: [Double]
    public let upper: [Double]
    public let lower: [Double]
  }

  /// - Parameters: x, y: one value per event (y NaN where the term has no residual: left out).
  /// - Returns: nil when the spline fit is singular (R skips the term with a warning).
  public static func curve(x: [Double], y: [Double], variance: Double, points: Int = 40, df: Int = 4) -> Curve? {
    let keep = x.indices.filter { !y[$0].isNaN && x[$0].isFinite }
    guard let lo = x.min(), let hi = x.max(), hi > lo, keep.count >= df else { return nil }
    let grid = (0..<points).map { lo + (hi - lo) * Double($0) / Double(points - 1) }
    // Knots from the grid and all the x (R's temp <- c(pred.x, xx)).
    let all = (grid + x).sorted()
    func quantile(_ p: Double) -> Double {
      let h = Double(all.count - 1) * p
      let i = Int(h.rounded(.down))
      let frac = h - Double(i)
      return i + 1 < all.count ? all[i] + frac * (all[i + 1] - all[i]) : all[i]
    }
    let span = hi - lo
    let knots = [0, (quantile(1.0 / 3) - lo) / span, (quantile(2.0 / 3) - lo) / span, 1]
    func basis(_ value: Double) -> [Double] {
      let u = (value - lo) / span
      func d(_ k: Int) -> Double {
        let a = max(u - knots[k], 0), b = max(u - knots[3], 0)
        return (a * a * a - b * b * b) / (knots[3] - knots[k])
      }
      return [1, u, d(0) - d(2), d(1) - d(2)]
    }
    let p = df
    var xtx = [Double](repeating: 0, count: p * p)
    var xty = [Double](repeating: 0, count: p)
    for i in keep {
      let b = basis(x[i])
      for r in 0..<p {
        xty[r] += b[r] * y[i]
        for c in 0..<p { xtx[r * p + c] += b[r] * b[c] }
      }
    }
    guard let inverse = try? LinearSolve.inverse(xtx, p), inverse.allSatisfy({ $0.isFinite }) else { return nil }
    var beta = [Double](repeating: 0, count: p)
    for r in 0..<p { for c in 0..<p { beta[r] += inverse[r * p + c] * xty[c] } }
    var fit: [Double] = [], upper: [Double] = [], lower: [Double] = []
    for g in grid {
      let b = basis(g)
      var f = 0.0, q = 0.0
      for r in 0..<p {
        f += b[r] * beta[r]
        for c in 0..<p { q += b[r] * inverse[r * p + c] * b[c] }
      }
      let band = 2 * (max(variance, 0) * max(q, 0)).squareRoot()
      fit.append(f)
      upper.append(f + band)
      lower.append(f - band)
    }
    return Curve(x: grid, fit: fit, upper: upper, lower: lower)
  }
}
