import Foundation

/// How the number of events a log-rank test needs is derived from the
/// hazard ratio.
public enum LogRankEventsMethod: String, Sendable, CaseIterable {
  /// Schoenfeld (1981, 1983): the log-rank statistic is approximately normal
  /// with mean log(hr)·√(D·p(1−p)) under proportional hazards.
  case schoenfeld
  /// Freedman (1982): the mean is expressed through the hazard ratio itself,
  /// (1 − hr)·√(D·r) / (1 + r·hr); a few more events than Schoenfeld.
  case freedman
  /// Lakatos (1988): sample size and power from the whole design
  /// (`LakatosMethod`); it has no events-only formula, so `events` and
  /// `power(events:)` use Schoenfeld's for it.
  case lakatos
}

/// The number of events of a two-arm log-rank test, and its power for a given
/// number of events (the two closed forms every protocol quotes).
///
/// With r the allocation ratio (treatment : control, so p = r/(1+r) of the
/// patients are on treatment), z_a = Φ⁻¹(1 − α/sides) and z_b = Φ⁻¹(power):
///
///     Schoenfeld:  D = (z_a + z_b)² (1 + r)² / (r · log²(hr))
///     Freedman:    D = (z_a + z_b)² (1 + r·hr)² / (r · (1 − hr)²)
///
/// and the power for D events inverts them, ignoring the far tail:
/// Φ(|log hr|·√(D·r)/(1 + r) − z_a) and Φ(|1 − hr|·√(D·r)/(1 + r·hr) − z_a).
/// References: Schoenfeld D (1981) Biometrika 68:316–319; Schoenfeld D (1983)
/// Biometrics 39:499–503; Freedman LS (1982) Statistics in Medicine 1:121–129.
public enum LogRankEvents {
  /// z_a + z_b for the design.
  static func zSum(alpha: Double, power: Double, sides: Int) -> Double {
    Normal.quantile(1 - alpha / Double(sides)) + Normal.quantile(power)
  }

  /// The mean of the standardised statistic per √event: D·(this)² = (z_a + z_b)².
  static func effect(hazardRatio hr: Double, ratio r: Double, method: LogRankEventsMethod) -> Double {
    switch method {
    case .schoenfeld, .lakatos: return abs(log(hr)) * r.squareRoot() / (1 + r)
    case .freedman: return abs(1 - hr) * r.squareRoot() / (1 + r * hr)
    }
  }

  /// Events needed, before rounding up (246.8 for hr 0.7, α 0.05 two-sided, power 0.8).
  public static func events(
    hazardRatio hr: Double, alpha: Double, power: Double, ratio: Double = 1, sides: Int = 2,
    method: LogRankEventsMethod = .schoenfeld
  ) -> Double {
    let z = zSum(alpha: alpha, power: power, sides: sides)
    let e = effect(hazardRatio: hr, ratio: ratio, method: method)
    return z * z / (e * e)
  }

  /// The power of the test with `events` events (fractional allowed).
  public static func power(
    events: Double, hazardRatio hr: Double, alpha: Double, ratio: Double = 1, sides: Int = 2,
    method: LogRankEventsMethod = .schoenfeld
  ) -> Double {
    let za = Normal.quantile(1 - alpha / Double(sides))
    return Normal.cdf(effect(hazardRatio: hr, ratio: ratio, method: method) * events.squareRoot() - za)
  }

  /// The largest count a design reports: beyond it (a hazard ratio within
  /// about 1e-4 of 1, an event probability near 0) a design is not one, and
  /// the binding refuses it (`checkCounts`); `roundUp` stops here instead
  /// of trapping in `Int()`, and two such counts still add up.
  public static let maximumCount = 1e12

  /// Refuses a design whose events or patients pass `maximumCount`, naming
  /// the cause, before it is printed or rounded.
  public static func checkCounts(events: Double, patients: Double? = nil) throws {
    guard events.isFinite, events <= maximumCount else {
      throw SurvivalInputError.invalidOption(
        "the design needs more than 10^12 events (\(events)): the hazard ratio is too close to 1")
    }
    if let patients {
      guard patients.isFinite, patients <= maximumCount else {
        throw SurvivalInputError.invalidOption(
          "the design needs more than 10^12 patients (\(patients)): the probability of an event is too small")
      }
    }
  }

  /// Rounds a count up, forgiving the last bits of a value that is whole
  /// in exact arithmetic (so 247.0000000000001 is 247, not 248); a count
  /// past `maximumCount` (or not finite) comes back as `maximumCount`.
  public static func roundUp(_ x: Double) -> Int {
    guard x.isFinite, x < maximumCount else { return Int(maximumCount) }
    let r = x.rounded()
    if abs(x - r) <= 1e-9 * max(1, abs(x)) { return Int(r) }
    return Int(x.rounded(.up))
  }
}
