import Foundation

/// The standard normal distribution.
///
/// `cdf` uses `erfc` (glibc, accurate to about 1 ulp), so tail probabilities
/// keep full relative precision: `upperTail(z) = erfc(z / √2) / 2`. The quantile
/// starts from a rational approximation and is polished by Halley steps on
/// the cdf, which converges to the double nearest R's `qnorm` (AS 241) within
/// a few ulps.
public enum Normal {
  /// P(Z ≤ z).
  public static func cdf(_ z: Double) -> Double {
    0.5 * erfc(-z / 2.0.squareRoot())
  }

  /// P(Z > z), accurate in the far upper tail.
  public static func upperTail(_ z: Double) -> Double {
    0.5 * erfc(z / 2.0.squareRoot())
  }

  /// Two-sided p-value of a z statistic: P(|Z| ≥ |z|) (R: `2 * pnorm(-abs(z))`).
  public static func twoSidedP(_ z: Double) -> Double {
    if z.isNaN { return .nan }
    return erfc(abs(z) / 2.0.squareRoot())
  }

  /// Density φ(z).
  public static func pdf(_ z: Double) -> Double {
    exp(-0.5 * z * z) / (2.0 * Double.pi).squareRoot()
  }

  /// The quantile z with P(Z ≤ z) = p (R: `qnorm(p)`); NaN outside [0, 1].
  public static func quantile(_ p: Double) -> Double {
    if p.isNaN || p < 0 || p > 1 { return .nan }
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    if p == 0.5 { return 0 }
    if p > 0.5 { return -quantile(1 - p) }  // symmetric; the tail keeps precision
    // Starting value: the logistic-like approximation of Abramowitz–Stegun 26.2.23.
    let t = (-2.0 * log(p)).squareRoot()
    var z = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t)
      / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t))
    // Halley refinement on f(z) = Φ(z) − p, with Φ' = φ and Φ'' = −zφ.
    for _ in 0..<6 {
      let f = cdf(z) - p
      let d = pdf(z)
      if d == 0 { break }
      let step = f / d
      let next = z - step / (1 + 0.5 * z * step)
      if abs(next - z) <= 1e-15 * max(1, abs(z)) { z = next; break }
      z = next
    }
    return z
  }
}

/// The chi-square distribution, through the regularized incomplete gamma function.
public enum ChiSquare {
  /// Upper tail P(X > x) for `df` degrees of freedom (R: `pchisq(x, df, lower.tail = FALSE)`).
  public static func upperTail(_ x: Double, df: Double) -> Double {
    if x.isNaN || df.isNaN || df <= 0 { return .nan }
    if x <= 0 { return 1 }
    if df == 1 { return erfc((x / 2).squareRoot()) }  // exact identity, full precision
    return IncompleteGamma.upperRegularized(a: df / 2, x: x / 2)
  }

  /// Lower tail P(X ≤ x).
  public static func cdf(_ x: Double, df: Double) -> Double {
    if x.isNaN || df.isNaN || df <= 0 { return .nan }
    if x <= 0 { return 0 }
    if df == 1 { return erf((x / 2).squareRoot()) }
    return IncompleteGamma.lowerRegularized(a: df / 2, x: x / 2)
  }
}

/// Regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x).
///
/// Series expansion for x < a + 1 and Lentz's continued fraction otherwise
/// (Numerical Recipes §6.2 describes both); each converges to within a few
/// ulps, and the tail that is computed directly keeps its relative precision.
public enum IncompleteGamma {
  public static func lowerRegularized(a: Double, x: Double) -> Double {
    if x <= 0 { return 0 }
    if x < a + 1 { return series(a: a, x: x) }
    return 1 - continuedFraction(a: a, x: x)
  }

  public static func upperRegularized(a: Double, x: Double) -> Double {
    if x <= 0 { return 1 }
    if x < a + 1 { return 1 - series(a: a, x: x) }
    return continuedFraction(a: a, x: x)
  }

  /// P(a, x) = e^{−x} x^a / Γ(a+1) · Σ_n x^n / ((a+1)…(a+n)).
  private static func series(a: Double, x: Double) -> Double {
    var term = 1.0 / a
    var sum = term
    var ap = a
    for _ in 0..<10_000 {
      ap += 1
      term *= x / ap
      sum += term
      if abs(term) < abs(sum) * 1e-17 { break }
    }
    return sum * exp(-x + a * log(x) - lgamma(a))
  }

  /// Q(a, x) = e^{−x} x^a / Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− …)), modified Lentz.
  private static func continuedFraction(a: Double, x: Double) -> Double {
    let tiny = 1e-300
    var b = x + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    for i in 1...10_000 {
      let an = -Double(i) * (Double(i) - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-17 { break }
    }
    return exp(-x + a * log(x) - lgamma(a)) * h
  }
}
