import Survival

/// The model frame as the Survival module's buffers: the curves or groups of
/// a formula and the per-row events in the coding the estimators take.
extension ModelFrame {
  /// A partition of the frame's rows for the survival estimators: the group
  /// of each row and the labels, one group labelled `all` for `~ 1` (R's
  /// `survfit` curve without strata).
  struct SurvivalGroups {
    let index: [Int]?
    let labels: [String]
    var count: Int { labels.count }

    init(_ grouping: Grouping?) {
      if let grouping {
        index = grouping.index
        labels = grouping.labels
      } else {
        index = nil
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
    try SurvivalSample(
      entry: start, time: time, eventCodes: event, weights: weights,
      group: groups.index, groupCount: groups.count)
  }
}
