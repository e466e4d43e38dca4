import Foundation

/// R's `round(x, digits)` and `signif(x, digits)` for one double, so that
/// derived columns print and compare as in R.
///
/// `round` follows R ≥ 4.0.0 (`src/nmath/fround.c`): with `digits` ≠ 0 it
/// takes the two candidates `floor(x·10^d)/10^d` and `ceil(x·10^d)/10^d`
/// and keeps the one nearer to x *in double arithmetic*, the even one on
/// an exact tie. So `round(0.15, 1)` is 0.1 (0.15 is stored below 0.15),
/// `round(1.005, 2)` is 1, `round(2.5)` is 2 and `round(-0.5)` is −0.
/// Values with more than 15 significant digits before the rounding place
/// are returned unchanged. `signif` follows `src/nmath/fprec.c`: scale by a
/// power of ten (computed as R's `R_pow_di`, by repeated squaring, which is
/// not always the correctly rounded power), round half to even, scale back.
///
/// Checked against R 4.2.2 on 420,001 values for `round` and 600,000 for
/// `signif` (`scripts/fixtures/column_math.R`, `ColumnMathFixtureTests`).
public enum RRounding {
  /// Decimal digits of the largest double (DBL_MAX_10_EXP).
  static let maxDigits = 308
  /// Decimal digits a double always holds (DBL_DIG).
  static let doubleDigits = 15.0
  /// R's upper bound on the digits of `signif`.
  static let maxSignificantDigits = 22

  /// 10^n as R's `R_pow_di` computes it (x^n by repeated squaring; for
  /// n < 0 the reciprocal of 10^|n|).
  static func powerOfTen(_ n: Int) -> Double {
    var result = 1.0, base = 10.0, k = n.magnitude
    while true {
      if k & 1 == 1 { result *= base }
      k >>= 1
      if k == 0 { break }
      base *= base
    }
    return n < 0 ? 1 / result : result
  }

  /// R's `round(x, digits)`.
  public static func round(_ x: Double, digits: Double) -> Double { Rounder(digits: digits).round(x) }

  /// `round(·, digits)` with what depends only on the digits computed once
  /// (a column is rounded at one number of digits).
  public struct Rounder: Sendable {
    let digits: Double
    let dig: Int
    let p10: Double
    let extra: Double
    /// Below it (and above 0) R does not return x unchanged for having more
    /// than 15 digits before the rounding place: 2^e for the least exponent
    /// e its test refuses; 0 when the block kernel (`round(_:_:_:)`) must
    /// leave every row to `round(_:)` (digits 0, NaN, infinite or beyond ±308).
    let fastLimit: Double
    /// 2^-48: four times the bound on the rounding of R's comparison.
    static let decisionMargin = 3.552713678800501e-15
    /// Below it (2^52) every double's floor converts to Int64 exactly.
    static let wholeLimit = 4_503_599_627_370_496.0
    /// log10(2), to count the digits before the point from the exponent (as logb).
    static let log10Of2 = 0.30102999566398119521

    public init(digits: Double) {
      self.digits = digits
      dig = digits.isFinite ? Int((Swift.min(Swift.max(digits, -1e6), 1e6) + 0.5).rounded(.down)) : 0
      if dig <= maxDigits {
        p10 = powerOfTen(Swift.max(dig, -maxDigits - 1))
        extra = 1
      } else {
        // |x| near the smallest doubles: 10^dig overflows, so scale twice.
        p10 = powerOfTen(maxDigits)
        extra = powerOfTen(dig - maxDigits)
      }
      fastLimit = Self.fastLimit(digits: digits, dig: dig)
    }

    /// `fastLimit` for these digits: the test `dig + (exponent + 0.5)·log10(2) > 15`
    /// of `round(_:)` is monotone in the exponent, so it refuses exactly the
    /// values from the first refused exponent's power of two on.
    static func fastLimit(digits: Double, dig: Int) -> Double {
      guard digits.isFinite, digits != 0, digits >= -Double(maxDigits), dig <= maxDigits else { return 0 }
      let leastExponent = Double.leastNonzeroMagnitude.exponent
      let greatestExponent = Double.greatestFiniteMagnitude.exponent
      var e = leastExponent
      while e <= greatestExponent && !(Double(dig) + (Double(e) + 0.5) * log10Of2 > doubleDigits) { e += 1 }
      if e > greatestExponent { return .infinity }
      // Every nonzero double's exponent is refused: none is rounded by the block kernel.
      if e == leastExponent { return 0 }
      return Double(sign: .plus, exponent: e, significand: 1)
    }

    @inline(__always)
    public func round(_ x: Double) -> Double {
      if x.isNaN || digits.isNaN { return x + digits }
      if !x.isFinite || digits > Double(maxDigits) + doubleDigits || x == 0 { return x }
      if digits < -Double(maxDigits) { return 0 }
      if digits == 0 { return x.rounded(.toNearestOrEven) }
      let sign: Double = x < 0 ? -1 : 1
      let a = Swift.abs(x)
      if Double(dig) + (Double(a.exponent) + 0.5) * Self.log10Of2 > doubleDigits { return sign * a }
      let scaled: Double, lower: Double, upper: Double
      if dig <= maxDigits {
        scaled = p10 * a
        if scaled < Self.wholeLimit {
          // The same candidates without libm's floor, ceil and fmod (a call
          // each per value): below 2^52 a non-negative double's floor is its
          // conversion to Int64, exactly, and its parity is that integer's.
          let whole = Int64(scaled)
          let down = Double(whole)
          // Far from the midpoint, R's comparison of the two candidates
          // divided back (each division and subtraction off by at most half
          // an ulp: in all under 2^-50·(scaled + 1) in scaled units) picks
          // the nearer in scaled units: only that candidate is divided.
          let frac = scaled - down
          // (A candidate divided back to infinity, as 2 / 10^-308 is, is not
          // the nearer: R then keeps the other, so that case compares.)
          if Swift.abs(1 - 2 * frac) > Self.decisionMargin * (scaled + 1) {
            let nearer = (frac > 0.5 ? down + 1 : down) / p10
            if nearer.isFinite { return sign * nearer }
          }
          let near = down / p10, far = (down == scaled ? down : down + 1) / p10
          let toFar = far - a, toNear = a - near
          return sign * ((toFar < toNear || (toFar == toNear && whole & 1 == 1)) ? far : near)
        }
        lower = scaled.rounded(.down) / p10
        upper = scaled.rounded(.up) / p10
      } else {
        scaled = (p10 * a) * extra
        lower = scaled.rounded(.down) / p10 / extra
        upper = scaled.rounded(.up) / p10 / extra
      }
      let toUpper = upper - a, toLower = a - lower
      let floorIsOdd = scaled.rounded(.down).truncatingRemainder(dividingBy: 2) == 1
      return sign * ((toUpper < toLower || (toUpper == toLower && floorIsOdd)) ? upper : lower)
    }
  }

  /// R's `signif(x, digits)`: `digits` below 1 count as 1.
  public static func signif(_ x: Double, digits: Double) -> Double {
    if x.isNaN || digits.isNaN { return x + digits }
    if !x.isFinite { return x }
    var digits = digits
    if !digits.isFinite {
      if digits > 0 { return x }
      digits = 1
    }
    if x == 0 { return x }
    // Compared as doubles first: a huge finite `digits` (1e300) must not
    // reach Int() (found by fuzz-lua-api).
    let rounded = digits.rounded(.toNearestOrAwayFromZero)
    if rounded > Double(maxSignificantDigits) { return x }
    let dig = rounded < 1 ? 1 : Int(rounded)
    let sign: Double = x < 0 ? -1 : 1
    var a = abs(x)
    let l10 = log10(a)
    var e10 = dig - 1 - Int(l10.rounded(.down))
    if abs(l10) < Double(maxDigits - 2) {
      var p10 = 1.0
      if e10 > maxDigits {
        p10 = powerOfTen(e10 - maxDigits)
        e10 = maxDigits
      }
      if e10 > 0 {
        // A power ≥ 1 is exact, so scale up rather than divide.
        let pow10 = powerOfTen(e10)
        return sign * (((a * pow10) * p10).rounded(.toNearestOrEven) / pow10) / p10
      }
      let pow10 = powerOfTen(-e10)
      return sign * ((a / pow10).rounded(.toNearestOrEven) * pow10)
    }
    // Near the ends of the double range: scale in two steps.
    let roundUp = Double(maxDigits) - l10 >= powerOfTen(-dig)
    let e2 = dig + (e10 > 0 ? 1 : 6)
    let p10 = powerOfTen(e2)
    a *= p10
    let p10b = powerOfTen(e10 - e2)
    a *= p10b
    if roundUp { a += 0.5 }
    a = a.rounded(.down) / p10
    return sign * a / p10b
  }
}
