import Foundation

/// The fitted curves of a location–scale model at one linear predictor, for
/// comparisons and plots with the flexible families: with z = (y − η)/σ
/// (y = log t for the log-time families), S(t) = S_W(z) and
/// h(t) = f_W(z)/(σ·S_W(z)) · dy/dt.
extension SurvregDistribution {
  public func survival(_ t: Double, eta: Double, sigma: Double) -> Double {
    if isLogTime && t <= 0 { return 1 }
    let y = isLogTime ? log(t) : t
    return exp(base.logSurvival((y - eta) / sigma).value)
  }

  public func logSurvival(_ t: Double, eta: Double, sigma: Double) -> Double {
    if isLogTime && t <= 0 { return 0 }
    let y = isLogTime ? log(t) : t
    return base.logSurvival((y - eta) / sigma).value
  }

  public func hazard(_ t: Double, eta: Double, sigma: Double) -> Double {
    if isLogTime && t <= 0 { return .nan }
    let y = isLogTime ? log(t) : t
    let z = (y - eta) / sigma
    let logH = base.logDensity(z).value - base.logSurvival(z).value - log(sigma) - (isLogTime ? log(t) : 0)
    return exp(logH)
  }
}
