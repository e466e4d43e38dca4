import Foundation

/// The basis and penalty of R `survival::pspline(x, ...)`, the penalised
/// spline term of a Cox fit (Eilers and Marx, "Flexible smoothing with
/// B-splines and penalties", Statistical Science 1996; Therneau and
/// Grambsch, "Modeling Survival Data", 2000, §5.5).
///
/// - Knots: `nterm` equal intervals over [lo, hi] (the boundary knots, the
///   range of x), dx = (hi − lo)/nterm, extended by `degree` intervals on
///   each side as R does: lo + dx·(−degree … nterm − 1) then
///   hi + dx·(0 … degree) — `nterm + 2·degree + 1` knots.
/// - Basis: the `nterm + degree` B-splines of order `degree + 1` on those
///   knots (Cox–de Boor recursion); each row sums to 1 for lo ≤ x ≤ hi.
///   The first column is dropped (no intercept), leaving `nterm + degree − 1`.
/// - Penalty: DᵀD with D the second differences of the identity of the
///   `nterm + degree` coefficients, less its first row and column; the fit
///   subtracts (θ/(1 − θ))·βᵀDᵀDβ/2 from the log partial likelihood.
/// - `linearBase`: R's `cbase`, the abscissa per column against which the
///   printed linear test regresses the coefficients (knots 2 … nterm + degree
///   shifted by lo − knot₁).
public struct PenalisedSplineBasis: Sendable, Equatable {
  public let lower: Double
  public let upper: Double
  public let nterm: Int
  public let degree: Int
  public let knots: [Double]

  /// Columns of the design (the intercept column dropped).
  public var columns: Int { nterm + degree - 1 }

  /// - Throws: `CoxInputError` when the range is
  ///   empty or not finite, `nterm` < 3 or `degree` < 1.
  public init(lower: Double, upper: Double, nterm: Int, degree: Int = 3) throws {
    guard lower.isFinite, upper.isFinite, lower < upper, (upper - lower).isFinite else {
      throw CoxInputError(
        "pspline(): x must take at least two distinct finite values (its range is [\(lower), \(upper)])")
    }
    guard nterm >= 3 else {
      throw CoxInputError("pspline(): nterm must be at least 3 (got \(nterm))")
    }
    guard degree >= 1, degree <= 10 else {
      throw CoxInputError("pspline(): degree must be between 1 and 10 (got \(degree))")
    }
    self.lower = lower
    self.upper = upper
    self.nterm = nterm
    self.degree = degree
    let dx = (upper - lower) / Double(nterm)
    knots = (-degree..<nterm).map { lower + dx * Double($0) } + (0...degree).map { upper + dx * Double($0) }
  }

  /// R's default number of intervals for `df`: round(2.5·df), half to even.
  public static func defaultNterm(df: Double) -> Double { (2.5 * df).rounded(.toNearestOrEven) }

  /// The design, column-major n × `columns`. Every x must lie in
  /// [lower, upper] (the fit's basis is built on the range of its data).
  public func design(_ x: [Double]) throws -> [Double] {
    let n = x.count
    let k = columns
    let order = degree + 1
    var out = [Double](repeating: 0, count: n * k)
    var values = [Double](repeating: 0, count: order)
    var left = [Double](repeating: 0, count: order)
    var right = [Double](repeating: 0, count: order)
    let lastSpan = nterm + degree - 1
    for r in 0..<n {
      let v = x[r]
      guard v >= lower && v <= upper else {
        throw CoxInputError(
          "pspline(): value \(v) lies outside the boundary knots [\(lower), \(upper)]")
      }
      // The span s with knots[s] ≤ v < knots[s + 1], s in degree…lastSpan.
      var s = degree + Int(((v - lower) / (upper - lower) * Double(nterm)).rounded(.down))
      s = min(max(s, degree), lastSpan)
      while s > degree && v < knots[s] { s -= 1 }
      while s < lastSpan && v >= knots[s + 1] { s += 1 }
      // Cox–de Boor: the order non-zero B-splines s − degree … s at v.
      BSplineRecurrence.nonZeroValues(
        at: v, knots: knots, span: s, degree: degree, values: &values, left: &left, right: &right)
      for i in 0...degree {
        let column = s - degree + i - 1  // the first B-spline is dropped
        if column >= 0 { out[column * n + r] = values[i] }
      }
    }
    return out
  }

  /// DᵀD of the second differences, less the first row and column,
  /// row-major `columns × columns`.
  public var penalty: [Double] {
    let m = nterm + degree
    var full = [Double](repeating: 0, count: m * m)
    let d = [1.0, -2.0, 1.0]
    for r in 0..<(m - 2) {
      for a in 0..<3 { for b in 0..<3 { full[(r + a) * m + r + b] += d[a] * d[b] } }
    }
    let k = m - 1
    var out = [Double](repeating: 0, count: k * k)
    for i in 0..<k { for j in 0..<k { out[i * k + j] = full[(i + 1) * m + j + 1] } }
    return out
  }

  /// R's `cbase`: knots[2 … nterm + degree] (1-based) + (lo − knots[1]).
  public var linearBase: [Double] {
    (1..<(nterm + degree)).map { knots[$0] + (lower - knots[0]) }
  }
}
