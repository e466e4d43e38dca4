import Foundation

/// The transformation under which a pointwise confidence interval for a
/// survival probability is symmetric (R `survfit(conf.type =)`).
public enum ConfidenceType: String, Sendable, CaseIterable {
  /// log(−log S): the clinical-trial default (SAS, Stata); NaN where S is 0 or 1.
  case logLog = "log-log"
  /// log S: R's default; NaN where S is 0.
  case log
  /// S itself, clipped to [0, 1].
  case plain
  /// log(S / (1 − S)).
  case logit
  /// arcsin(√S).
  case arcsin
  /// No interval.
  case none
}

extension ConfidenceType {
  /// The two-sided normal quantile R uses: `qnorm(1 - (1 - level) / 2)`.
  static func zValue(level: Double) -> Double {
    Normal.quantile(1 - (1 - level) / 2)
  }

  /// Lower and upper limits for survival `p` whose log has standard error
  /// `logSE` (Greenwood), following R survival 3.5 `survfit_confint` term by
  /// term so that IEEE special values (S = 0 or 1, infinite SE) come out as
  /// R's `NA`/`NaN` do (NaN here). `.none` gives NaN limits.
  func limits(p: Double, logSE se: Double, z: Double) -> (lower: Double, upper: Double) {
    switch self {
    case .none:
      return (.nan, .nan)
    case .plain:
      let se2 = se * p * z
      return (rMax(p - se2, 0), rMin(p + se2, 1))
    case .log:
      let xx = p == 0 ? Double.nan : p
      let se2 = z * se
      return (Foundation.exp(Foundation.log(xx) - se2), rMin(Foundation.exp(Foundation.log(xx) + se2), 1))
    case .logLog:
      let xx = (p == 0 || p == 1) ? Double.nan : p
      let se2 = z * se / Foundation.log(xx)
      let center = Foundation.log(-Foundation.log(xx))
      return (Foundation.exp(-Foundation.exp(center - se2)), Foundation.exp(-Foundation.exp(center + se2)))
    case .logit:
      let xx = p == 0 ? Double.nan : p
      let se2 = z * se * (1 + xx / (1 - xx))
      let center = Foundation.log(p / (1 - p))
      return (1 - 1 / (1 + Foundation.exp(center - se2)), 1 - 1 / (1 + Foundation.exp(center + se2)))
    case .arcsin:
      let xx = p == 0 ? Double.nan : p
      let se2 = 0.5 * z * se * (xx / (1 - xx)).squareRoot()
      let center = Foundation.asin(xx.squareRoot())
      let lo = Foundation.sin(rMax(0, center - se2))
      let hi = Foundation.sin(rMin(Double.pi / 2, center + se2))
      return (lo * lo, hi * hi)
    }
  }
}

/// R's `pmax` for two values: NaN (R's NA) propagates.
@inline(__always) func rMax(_ a: Double, _ b: Double) -> Double {
  if a.isNaN || b.isNaN { return .nan }
  return a > b ? a : b
}

/// R's `pmin` for two values: NaN (R's NA) propagates.
@inline(__always) func rMin(_ a: Double, _ b: Double) -> Double {
  if a.isNaN || b.isNaN { return .nan }
  return a < b ? a : b
}
