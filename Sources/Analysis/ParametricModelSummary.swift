import Foundation

/// What a comparison of parametric models reads of each fit (`survreg()` and
/// `flexsurv()` alike): the maximised log-likelihood, the number of estimated
/// parameters and the rows used, from which the information criteria follow:
/// AIC = −2ℓ + 2k (Akaike 1974, R's `AIC(fit)`) and BIC = −2ℓ + log(n)·k
/// (Schwarz 1978, R's `BIC(fit)`).
public protocol ParametricModelSummary {
  /// The maximised log-likelihood ℓ.
  var maximisedLoglik: Double { get }
  /// k: coefficients plus ancillary parameters (scales, shapes, spline gammas).
  var parameterCount: Int { get }
  /// The rows used in the fit.
  var n: Int { get }
  var converged: Bool { get }
  var warnings: [String] { get }
}

extension ParametricModelSummary {
  public var aic: Double { -2 * maximisedLoglik + 2 * Double(parameterCount) }
  public var bic: Double { -2 * maximisedLoglik + log(Double(n)) * Double(parameterCount) }
}

extension SurvregAnalysis: ParametricModelSummary {
  public var maximisedLoglik: Double { fit.loglik }
  public var converged: Bool { fit.converged }
}

extension FlexsurvAnalysis: ParametricModelSummary {
  public var maximisedLoglik: Double { fit.loglik }
  public var converged: Bool { fit.converged }
}
