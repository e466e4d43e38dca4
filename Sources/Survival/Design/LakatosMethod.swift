import Foundation

/// Lakatos's method (Lakatos 1988, Biometrics 44:229–241; in the
/// expected-numbers form of Cantor 1997 and SAS PROC POWER's
/// TWOSAMPLESURVIVAL): the log-rank statistic's mean and variance summed over
/// short intervals of the study, so that hazards need not be proportional and
/// accrual, follow-up and dropout enter through the numbers at risk.
///
/// On a grid of `steps` equal intervals of [0, A + F] (midpoints s), per
/// patient, with arm shares w (control 1/(1 + r), treatment r/(1 + r)),
/// C(s) = P(a patient can be followed for s) = G(A + F − s) from the accrual
/// pattern, and exponential dropout η:
///
///     R_j(s) = w_j S_j(s) e^{−ηs} C(s)                  expected at risk
///     D_i = Σ_j w_j λ_j(s) S_j(s) e^{−ηs} C(s) h        expected events in the interval
///     φ_i = R_t/R_c,  θ_i = λ_t/λ_c
///     M = Σ D_i (φθ/(1 + φθ) − φ/(1 + φ)),  V = Σ D_i φ/(1 + φ)²
///
/// The statistic is about N(√N·M/√V, 1), so N = (z_a + z_b)² V / M² and the
/// power at N is Φ(√N |M|/√V − z_a). With proportional hazards and no
/// censoring this is Schoenfeld's formula (φ constant).
public enum LakatosMethod {
  public struct Terms: Sendable {
    public let mean: Double
    public let variance: Double
    /// Σ D_i: the pooled probability of an event by the analysis.
    public let eventProbability: Double
  }

  /// Intervals of the grid (midpoint rule: error about 1e-7 relative at 4,000).
  public static let steps = 4000

  static func hazard(_ h: PiecewiseHazard, at t: Double) -> Double {
    var j = 0
    while j < h.cuts.count && t >= h.cuts[j] { j += 1 }
    return h.rates[j]
  }

  public static func terms(
    control: PiecewiseHazard, treatment: PiecewiseHazard, accrual: TrialAccrual, followUp: Double,
    dropout eta: Double, ratio r: Double
  ) -> Terms {
    let total = accrual.duration + followUp
    let h = total / Double(steps)
    let wc = 1 / (1 + r)
    let wt = r / (1 + r)
    var m = 0.0
    var v = 0.0
    var p = 0.0
    for i in 0..<steps {
      let s = (Double(i) + 0.5) * h
      let window = total - s  // latest entry time that allows follow-up s
      let c = accrual.fraction(enrolledBy: window)
      if c <= 0 { continue }
      let base = exp(-eta * s) * c
      let lc = hazard(control, at: s)
      let lt = hazard(treatment, at: s)
      let rc = wc * exp(-control.cumulative(at: s)) * base
      let rt = wt * exp(-treatment.cumulative(at: s)) * base
      let d = (lc * rc + lt * rt) * h
      guard rc > 0, lc > 0 else { continue }
      let phi = rt / rc
      let theta = lt / lc
      m += d * (phi * theta / (1 + phi * theta) - phi / (1 + phi))
      v += d * phi / ((1 + phi) * (1 + phi))
      p += d
    }
    return Terms(mean: m, variance: v, eventProbability: p)
  }

  /// Patients needed (before rounding).
  public static func patients(_ t: Terms, alpha: Double, power: Double, sides: Int) -> Double {
    let z = LogRankEvents.zSum(alpha: alpha, power: power, sides: sides)
    return z * z * t.variance / (t.mean * t.mean)
  }

  /// Power with n patients.
  public static func power(_ t: Terms, n: Double, alpha: Double, sides: Int) -> Double {
    let za = Normal.quantile(1 - alpha / Double(sides))
    return Normal.cdf((n * t.variance).squareRoot() * abs(t.mean) / t.variance - za)
  }
}
