import Foundation

/// Restricted mean survival time up to `tau` with its standard error.
public struct RestrictedMean: Sendable, Equatable {
  /// The truncation time τ.
  public let tau: Double
  /// ∫₀^τ S(t) dt.
  public let rmean: Double
  /// Its standard error (R's `se(rmean)`).
  public let stdErr: Double
}

/// The difference of two restricted means (first minus second).
public struct RestrictedMeanDifference: Sendable, Equatable {
  public let tau: Double
  /// rmean₁ − rmean₂.
  public let difference: Double
  /// √(se₁² + se₂²): the arms are independent samples.
  public let stdErr: Double
  public let confLevel: Double
  /// difference ∓ z·se, z = qnorm(1 − (1 − level)/2).
  public let lower: Double
  public let upper: Double
  /// difference / se.
  public let z: Double
  /// Two-sided normal p-value, 2·Φ(−|z|).
  public let p: Double
}

extension KaplanMeierCurve {
  /// The restricted mean as R survival 3.5.3 `print(fit, rmean = tau)`
  /// (`survmean`): the area under the step curve from 0 to τ (the last value
  /// carried forward when τ is past the last time), with variance
  /// Σ A(tᵢ)² dᵢ/(nᵢ(nᵢ − dᵢ)) over times tᵢ ≤ τ, where A(tᵢ) is the area
  /// from tᵢ to τ (terms with nᵢ = dᵢ are 0, as in R).
  public func restrictedMean(tau: Double) throws -> RestrictedMean {
    guard tau.isFinite && tau >= 0 else {
      throw SurvivalInputError.invalidOption("the restricted-mean horizon tau must be finite and non-negative, got "
        + "\(tau)")
    }
    var kept = 0
    while kept < time.count && time[kept] <= tau { kept += 1 }
    // Rectangles: the j-th spans (t_{j−1}, t_j] at height S(t_{j−1}), t₀ = 0, S = 1 before.
    var area = 0.0
    var previousTime = 0.0
    var previousSurv = 1.0
    var rectangles = [Double](repeating: 0, count: kept + 1)
    for j in 0...kept {
      let t = j < kept ? time[j] : tau
      rectangles[j] = (t - previousTime) * previousSurv
      area += rectangles[j]
      previousTime = t
      if j < kept { previousSurv = surv[j] }
    }
    // Area after tᵢ is the sum of rectangles i+1 ... kept (0-based: after row i).
    var variance = 0.0
    var tail = 0.0
    var i = kept - 1
    while i >= 0 {
      tail += rectangles[i + 1]
      let n = nRisk[i], d = nEvent[i]
      let h = (n - d) == 0 ? 0 : d / (n * (n - d))
      variance += tail * tail * h
      i -= 1
    }
    return RestrictedMean(tau: tau, rmean: area, stdErr: variance.squareRoot())
  }
}

extension RestrictedMean {
  /// The difference `self − other` with a normal-approximation interval and
  /// two-sided p (independent arms: se = √(se₁² + se₂²)).
  public func difference(from other: RestrictedMean, confLevel: Double = 0.95) throws -> RestrictedMeanDifference {
    guard confLevel > 0 && confLevel < 1 else {
      throw SurvivalInputError.invalidOption("conf_level must be strictly between 0 and 1, got \(confLevel)")
    }
    guard tau == other.tau else {
      throw SurvivalInputError.invalidOption("restricted means use different horizons (\(tau) and \(other.tau))")
    }
    let d = rmean - other.rmean
    let se = (stdErr * stdErr + other.stdErr * other.stdErr).squareRoot()
    let z = ConfidenceType.zValue(level: confLevel)
    let statistic = d / se
    return RestrictedMeanDifference(
      tau: tau, difference: d, stdErr: se, confLevel: confLevel, lower: d - z * se, upper: d + z * se,
      z: statistic, p: Normal.twoSidedP(statistic))
  }
}
