import Foundation
import Survival

/// The proportional-hazards form of a Weibull (or exponential) fit, as
/// Stata's `streg, distribution(weibull)` reports it.
///
/// With log T = η + σW (W extreme-value), the hazard is
/// h(t) = p·λ·t^(p−1)·exp(xᵀb) with shape p = 1/σ and PH coefficients
/// b = −β/σ (Kalbfleisch & Prentice §2.2.2): the hazard ratio of a unit
/// change is exp(−β_j/σ). Standard errors by the delta method on (β_j, log σ):
/// ∂b/∂β_j = −1/σ, ∂b/∂log σ = β_j/σ.
public struct SurvregProportionalHazards: Sendable {
  public struct Term: Sendable {
    public let name: String
    /// b_j = −β_j/σ (Stata's coefficient in the log relative-hazard metric).
    public let coef: Double
    public let se: Double
    public let hr: Double
    public let z: Double
    public let p: Double
    public let lower: Double
    public let upper: Double
  }

  /// Every coefficient (the intercept row is Stata's `_cons`, log λ).
  public let terms: [Term]
  /// p = 1/σ, with its delta-method standard error p·se(log σ).
  public let shape: Double
  public let shapeSE: Double
}

extension SurvregAnalysis {
  /// The PH form of a Weibull or exponential fit with one scale; nil for
  /// other families and for strata (one shape per stratum is not a PH model).
  public var proportionalHazards: SurvregProportionalHazards? {
    guard distribution == .weibull || distribution == .exponential, fit.scales.count == 1 else { return nil }
    let q = parameterCount
    let p = fit.coefficients.count
    let sigma = fit.scales[0]
    let hasScale = !fit.logScales.isEmpty
    let z = Normal.quantile(1 - (1 - options.confidenceLevel) / 2)
    let terms = (0..<p).map { j -> SurvregProportionalHazards.Term in
      let beta = fit.coefficients[j]
      let b = -beta / sigma
      let gBeta = -1 / sigma, gTau = beta / sigma
      var v = gBeta * gBeta * variance[j * q + j]
      if hasScale {
        v += 2 * gBeta * gTau * variance[j * q + p] + gTau * gTau * variance[p * q + p]
      }
      let se = v.squareRoot()
      let stat = b / se
      return SurvregProportionalHazards.Term(
        name: coefficients[j].name, coef: b, se: se, hr: exp(b), z: stat, p: Normal.twoSidedP(stat),
        lower: exp(b - z * se), upper: exp(b + z * se))
    }
    let shapeSE = hasScale ? variance[p * q + p].squareRoot() / sigma : 0
    return SurvregProportionalHazards(terms: terms, shape: 1 / sigma, shapeSE: shapeSE)
  }
}
