import Foundation

/// The distributions of an accelerated-failure-time (location–scale) model,
/// as R `survival`'s `survreg.distributions`.
///
/// The model is y = η + σ·W with η = xᵀβ + offset, σ the scale and W a
/// standard extreme-value (minimum), logistic or normal variable; y is log(t)
/// for the families on the time scale (Weibull, exponential, log-normal,
/// log-logistic) and t itself for `extreme`, `logistic` and `gaussian`
/// (Kalbfleisch & Prentice, *The Statistical Analysis of Failure Time Data*,
/// 2nd ed., §2.2 and §3.6; Therneau, the `survreg` section of the survival
/// package's vignettes). The exponential is the Weibull with σ fixed at 1.
public enum SurvregDistribution: String, Sendable, CaseIterable {
  case weibull, exponential, lognormal, loglogistic, gaussian, logistic, extreme

  /// The standard error law W of the location–scale form.
  public enum Base: Sendable {
    /// F(z) = 1 − exp(−eᶻ): the minimum extreme-value law.
    case extremeValue
    case logistic
    case normal
  }

  public var base: Base {
    switch self {
    case .weibull, .exponential, .extreme: return .extremeValue
    case .loglogistic, .logistic: return .logistic
    case .lognormal, .gaussian: return .normal
    }
  }

  /// Whether y = log(t) (times must then be > 0).
  public var isLogTime: Bool {
    switch self {
    case .weibull, .exponential, .lognormal, .loglogistic: return true
    case .gaussian, .logistic, .extreme: return false
    }
  }

  /// The scale the family fixes (the exponential's 1), nil when it is estimated.
  public var fixedScale: Double? { self == .exponential ? 1 : nil }

  /// The name R prints ("Weibull distribution").
  public var displayName: String {
    switch self {
    case .weibull: return "Weibull"
    case .exponential: return "Exponential"
    case .lognormal: return "Log Normal"
    case .loglogistic: return "Log logistic"
    case .gaussian: return "Gaussian"
    case .logistic: return "Logistic"
    case .extreme: return "Extreme value"
    }
  }
}

/// log G(z) and its first two derivatives in z, for G the density, the
/// survival function or the distribution function of the standard law.
struct LogTerm {
  var value: Double
  var first: Double
  var second: Double
}

/// The standard laws on the z scale, written so that every log-probability
/// keeps its precision in the tails (log S of the extreme-value law is −eᶻ,
/// never log(exp(−eᶻ))).
extension SurvregDistribution.Base {
  /// log f(z), d/dz, d²/dz².
  @inline(__always)
  func logDensity(_ z: Double) -> LogTerm {
    switch self {
    case .extremeValue:
      let w = exp(z)
      return LogTerm(value: z - w, first: 1 - w, second: -w)
    case .logistic:
      let (f, s) = logisticCDF(z)
      let a = abs(z)
      return LogTerm(value: -a - 2 * log1p(exp(-a)), first: s - f, second: -2 * f * s)
    case .normal:
      return LogTerm(value: -0.5 * z * z - Self.logRootTwoPi, first: -z, second: -1)
    }
  }

  /// log S(z) = log P(W > z), d/dz, d²/dz².
  @inline(__always)
  func logSurvival(_ z: Double) -> LogTerm {
    switch self {
    case .extremeValue:
      let w = exp(z)
      return LogTerm(value: -w, first: -w, second: -w)
    case .logistic:
      let (f, s) = logisticCDF(z)
      return LogTerm(value: -(max(z, 0) + log1p(exp(-abs(z)))), first: -f, second: -f * s)
    case .normal:
      // d log S/dz = −φ/S = −m (the inverse Mills ratio); d² = −m(m − z).
      let (logS, m) = Self.normalUpper(z)
      return LogTerm(value: logS, first: -m, second: -m * (m - z))
    }
  }

  /// log F(z) = log P(W ≤ z), d/dz, d²/dz².
  @inline(__always)
  func logDistribution(_ z: Double) -> LogTerm {
    switch self {
    case .extremeValue:
      let w = exp(z)
      // f/F = eᶻ·exp(−eᶻ)/(1 − exp(−eᶻ)) = w/(e^w − 1); (log F)'' = v(u − v) with u = 1 − w.
      let v = w / expm1(w)
      let value = log(-expm1(-w))
      return LogTerm(value: value, first: w == 0 ? 1 : v, second: w == 0 ? 0 : v * (1 - w - v))
    case .logistic:
      let (f, s) = logisticCDF(z)
      return LogTerm(value: -(max(-z, 0) + log1p(exp(-abs(z)))), first: s, second: -f * s)
    case .normal:
      let (logF, m) = Self.normalUpper(-z)
      return LogTerm(value: logF, first: m, second: -m * (m + z))
    }
  }

  /// The density f(z) and f'(z), for interval-censored rows.
  @inline(__always)
  func density(_ z: Double) -> (f: Double, slope: Double) {
    let d = logDensity(z)
    let f = exp(d.value)
    return (f, f * d.first)
  }

  /// S(z) and F(z) (each accurate in its own tail).
  @inline(__always)
  func probabilities(_ z: Double) -> (survival: Double, distribution: Double) {
    switch self {
    case .extremeValue:
      let w = exp(z)
      return (exp(-w), -expm1(-w))
    case .logistic:
      let (f, s) = logisticCDF(z)
      return (s, f)
    case .normal:
      return (Normal.upperTail(z), Normal.cdf(z))
    }
  }

  /// The p-quantile of W (so that P(W ≤ w) = p).
  public func quantile(_ p: Double) -> Double {
    switch self {
    case .extremeValue: return log(-log1p(-p))
    case .logistic: return log(p / (1 - p))
    case .normal: return Normal.quantile(p)
    }
  }

  /// The logistic F(z) and S(z) = 1 − F(z), each without cancellation.
  @inline(__always)
  private func logisticCDF(_ z: Double) -> (cdf: Double, survival: Double) {
    if z >= 0 {
      let e = exp(-z)
      return (1 / (1 + e), e / (1 + e))
    }
    let e = exp(z)
    return (e / (1 + e), 1 / (1 + e))
  }

  static let logRootTwoPi = 0.5 * log(2 * Double.pi)

  /// log P(Z > z) and φ(z)/P(Z > z) for the standard normal; beyond z = 37
  /// (where the upper tail underflows) the continued fraction of the Mills
  /// ratio (Abramowitz & Stegun 26.2.14) gives both.
  static func normalUpper(_ z: Double) -> (logSurvival: Double, millsInverse: Double) {
    if z < 37 {
      let s = Normal.upperTail(z)
      return (log(s), exp(-0.5 * z * z - logRootTwoPi) / s)
    }
    let m = z + 1 / (z + 2 / (z + 3 / (z + 4 / (z + 5 / z))))
    return (-0.5 * z * z - logRootTwoPi - log(m), m)
  }
}
