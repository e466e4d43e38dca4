import Foundation

/// The weight of a weighted log-rank test at an event time, from the pooled
/// data of the stratum: n at risk, d events, the left-continuous
/// Kaplan–Meier S(t−) and Peto's estimate S̃(t) = Π_{tᵢ ≤ t} (1 − dᵢ/(nᵢ + 1))
/// (which includes t itself). Definitions as Klein and Moeschberger
/// (2003), *Survival Analysis*, §7.3 and lifelines 0.30
/// `multivariate_logrank_test(weightings =)`:
///
/// - `.flemingHarrington(ρ, γ)`: S(t−)^ρ (1 − S(t−))^γ (Fleming and
///   Harrington 1981; ρ = γ = 0 the log-rank test; γ = 0 R's
///   `survdiff(rho =)`, whose ρ = 1 R calls Peto–Peto);
/// - `.gehan`: n (Gehan 1965, Breslow 1970: the generalised Wilcoxon;
///   lifelines "wilcoxon");
/// - `.taroneWare`: √n (Tarone and Ware 1977; lifelines "tarone-ware");
/// - `.petoPeto`: S̃(t) (Peto and Peto 1972; lifelines "peto");
/// - `.modifiedPeto`: S̃(t)·n/(n + 1) (Andersen, Borgan, Gill and Keiding
///   1982, K&M eq. 7.3.6).
public enum LogRankWeight: Sendable, Equatable {
  case flemingHarrington(rho: Double, gamma: Double)
  case gehan
  case taroneWare
  case petoPeto
  case modifiedPeto

  /// The log-rank test's weight (1 at every time).
  public static let logRank = LogRankWeight.flemingHarrington(rho: 0, gamma: 0)

  /// ρ and γ of a Fleming–Harrington weight (0, 0 for the others).
  public var rhoGamma: (rho: Double, gamma: Double) {
    if case .flemingHarrington(let r, let g) = self { return (r, g) }
    return (0, 0)
  }

  /// True when every weight is 1 (the plain log-rank test).
  var isUnit: Bool { self == .logRank }

  /// The weight at a time with `atRisk` at risk, `km` = S(t−) and `peto` =
  /// S̃(t) (already multiplied by this time's 1 − d/(n + 1)).
  @inline(__always)
  func value(atRisk n: Double, km: Double, peto: Double) -> Double {
    switch self {
    case .flemingHarrington(let rho, let gamma):
      return (rho != 0 ? Foundation.pow(km, rho) : 1) * (gamma != 0 ? Foundation.pow(1 - km, gamma) : 1)
    case .gehan: return n
    case .taroneWare: return n.squareRoot()
    case .petoPeto: return peto
    case .modifiedPeto: return peto * n / (n + 1)
    }
  }
}
