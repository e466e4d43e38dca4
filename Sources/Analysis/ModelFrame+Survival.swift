import Survival

/// The model frame as the Survival module's buffers: the curves or groups of
/// a formula and the per-row events in the coding the estimators take.
extension ModelFrame {
  /// A partition of the frame's rows for the survival estimators: the group
  /// of each row and the labels, one group labelled `all` for `~ 1` (R's
  /// `survfit` curve without strata).
  struct SurvivalGroups {
    let codes: Grouping.Codes?
    let labels: [String]
    var count: Int { labels.count }

    init(_ grouping: Grouping?) {
      if let grouping {
        codes = grouping.codes
        labels = grouping.labels
      } else {
        codes = nil
        labels = ["all"]
      }
    }
  }

  /// Events of binary coding as 0/1 doubles, for the Cox kernels, whose
  /// entry takes R's numeric status.
  var eventDoubles: [Double] { event.map { Double($0) } }

  /// A `SurvivalSample` of the frame's rows (delayed entry and weights kept),
  /// split by `groups`.
  func survivalSample(groups: SurvivalGroups) throws -> SurvivalSample {
    switch groups.codes {
    case .compact(let codes)?:
      return try SurvivalSample(
        entry: start, time: time, eventCodes: event, weights: weights, groupCodes: codes, groupCount: groups.count)
    case .wide(let index)?:
      return try SurvivalSample(
        entry: start, time: time, eventCodes: event, weights: weights, group: index, groupCount: groups.count)
    case nil:
      return try SurvivalSample(
        entry: start, time: time, eventCodes: event, weights: weights, group: nil, groupCount: groups.count)
    }
  }
}
