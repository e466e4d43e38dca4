import Foundation

/// A Kaplan–Meier curve read at chosen times (R `summary(fit, times =)`).
public struct SurvivalAtTimes: Sendable, Equatable {
  /// The requested times kept (sorted; see `KaplanMeierCurve.at`).
  public let time: [Double]
  /// Number at risk at the first curve time ≥ t (0 past the last time).
  public let nRisk: [Double]
  /// Events in (previous requested time, t] (the first interval starts at 0).
  public let nEvent: [Double]
  /// Censorings in the same intervals.
  public let nCensor: [Double]
  public let surv: [Double]
  /// Standard error of S(t).
  public let stdErr: [Double]
  public let lower: [Double]
  public let upper: [Double]
  public let cumhaz: [Double]
  public let stdChaz: [Double]
}

extension KaplanMeierCurve {
  /// The curve at `times`, as R survival 3.5.3 `summary(fit, times =,
  /// extend =)`: the curve gets a time-0 row (S = 1, limits 1, n at risk of
  /// its first row) unless it starts at 0; a time takes the last row at or
  /// before it; `nRisk` is taken at the first row at or after it; events and
  /// censorings are counted between consecutive requested times.
  ///
  /// Times are sorted and non-finite ones dropped. With `extend == false`
  /// (R's default) times after the curve's last time are dropped, and if none
  /// remains this throws, as R stops with "no points selected"; with
  /// `extend == true` they report the last value with 0 at risk.
  public func at(_ times: [Double], extend: Bool = false) throws -> SurvivalAtTimes {
    guard !time.isEmpty else {
      throw SurvivalInputError.invalidOption("the curve has no subjects, so it has no value at any time")
    }
    let startsAtZero = time[0] == 0
    func padded(_ values: [Double], _ first: Double) -> [Double] { startsAtZero ? values : [first] + values }
    let t0 = padded(time, 0)
    let surv0 = padded(surv, 1)
    let risk0 = padded(nRisk, nRisk[0])
    let event0 = padded(nEvent, 0)
    let censor0 = padded(nCensor, 0)
    let se0 = padded(stdErr, 0)
    let limit0: Double = confType == .none ? .nan : 1
    let lower0 = padded(lower, limit0)
    let upper0 = padded(upper, limit0)
    let chaz0 = padded(cumhaz, 0)
    let seChaz0 = padded(stdChaz, 0)

    var requested = times.filter(\.isFinite).sorted()
    if !extend {
      let maxTime = t0[t0.count - 1]
      requested = requested.filter { $0 <= maxTime }
    }
    if requested.isEmpty {
      throw SurvivalInputError.invalidOption(
        "no requested time is within the follow-up of the curve (last time \(time[time.count - 1])); use extend to "
          + "report past it")
    }
    let m = t0.count
    // Cumulative event and censoring counts, c[0] = 0.
    var cumEvent = [Double](repeating: 0, count: m + 1)
    var cumCensor = [Double](repeating: 0, count: m + 1)
    for i in 0..<m {
      cumEvent[i + 1] = cumEvent[i] + event0[i]
      cumCensor[i + 1] = cumCensor[i] + censor0[i]
    }
    let k = requested.count
    var out = (
      risk: [Double](repeating: 0, count: k), event: [Double](repeating: 0, count: k),
      censor: [Double](repeating: 0, count: k), surv: [Double](repeating: 0, count: k),
      se: [Double](repeating: 0, count: k), lower: [Double](repeating: 0, count: k),
      upper: [Double](repeating: 0, count: k), chaz: [Double](repeating: 0, count: k),
      seChaz: [Double](repeating: 0, count: k))
    var atOrBefore = 0  // findInterval(t, t0): rows with time ≤ t
    var before = 0      // rows with time < t
    var previousEvents = 0.0, previousCensor = 0.0
    for (j, t) in requested.enumerated() {
      while atOrBefore < m && t0[atOrBefore] <= t { atOrBefore += 1 }
      while before < m && t0[before] < t { before += 1 }
      let row = max(atOrBefore, 1) - 1
      out.surv[j] = surv0[row]
      out.se[j] = se0[row]
      out.lower[j] = lower0[row]
      out.upper[j] = upper0[row]
      out.chaz[j] = chaz0[row]
      out.seChaz[j] = seChaz0[row]
      out.risk[j] = before < m ? risk0[before] : 0
      let events = cumEvent[atOrBefore], censored = cumCensor[atOrBefore]
      out.event[j] = events - previousEvents
      out.censor[j] = censored - previousCensor
      previousEvents = events
      previousCensor = censored
    }
    return SurvivalAtTimes(
      time: requested, nRisk: out.risk, nEvent: out.event, nCensor: out.censor, surv: out.surv,
      stdErr: out.se, lower: out.lower, upper: out.upper, cumhaz: out.chaz, stdChaz: out.seChaz)
  }
}
