import Foundation

/// Median follow-up by the reverse Kaplan–Meier method, with the simple
/// median of the censored subjects' times.
///
/// The reverse KM treats censoring as the event and events as censorings:
/// R `survfit(Surv(time, 1 - status) ~ group)` with the median and its
/// limits as `print.survfit` shows them (see `KaplanMeierCurve.median`).
/// The simple median is R `median(time[status == 0])` (mean of the two
/// middle values for an even count; NaN when nobody is censored).
public struct FollowUp: Sendable {
  /// Per group (index order).
  public struct Summary: Sendable, Equatable {
    public let n: Int
    /// Subjects censored (the reverse KM's events).
    public let censored: Int
    /// Reverse-KM median follow-up and its confidence limits.
    public let median: SurvivalMedian
    /// Median of the censored subjects' times.
    public let medianCensoredTime: Double
  }

  public let confType: ConfidenceType
  public let confLevel: Double
  /// All subjects together (R `~ 1`).
  public let overall: Summary
  /// One per group.
  public let groups: [Summary]
  /// The reverse Kaplan–Meier fit per group, for plotting or reading at times.
  public let reverse: KaplanMeier

  public static func estimate<Event: EventCode>(
    time: [Double], event: [Event], group: [Int]? = nil, groupCount: Int = 1,
    confType: ConfidenceType = .logLog, confLevel: Double = 0.95
  ) throws -> FollowUp {
    // Validate the original coding first, so error messages refer to it.
    let sample = try SurvivalSample(time: time, event: event, group: group, groupCount: groupCount)
    // Reverse Kaplan–Meier: censoring is the event.
    let flipped = sample.event.map { 1 - $0 }
    let byGroup = try KaplanMeier.fit(
      SurvivalSample(time: time, event: flipped, group: group, groupCount: groupCount),
      confType: confType, confLevel: confLevel)
    let pooled = try KaplanMeier.fit(
      SurvivalSample(time: time, event: flipped), confType: confType, confLevel: confLevel)
    let groupIndex = group ?? [Int](repeating: 0, count: time.count)
    func summary(_ curve: KaplanMeierCurve, rows: (Int) -> Bool) -> Summary {
      var censoredTimes: [Double] = []
      for i in time.indices where rows(i) && sample.event[i] == 0 { censoredTimes.append(time[i]) }
      return Summary(
        n: curve.n, censored: censoredTimes.count, median: curve.median,
        medianCensoredTime: Self.median(censoredTimes))
    }
    return FollowUp(
      confType: confType, confLevel: confLevel,
      overall: summary(pooled.curves[0], rows: { _ in true }),
      groups: (0..<groupCount).map { g in summary(byGroup.curves[g], rows: { groupIndex[$0] == g }) },
      reverse: byGroup)
  }

  /// R's `median`: the middle value, or the mean of the two middle values.
  static func median(_ values: [Double]) -> Double {
    if values.isEmpty { return .nan }
    let s = values.sorted()
    let h = s.count / 2
    return s.count % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2
  }
}
