import Datasets
import Survival

/// Options of `FollowUpAnalysis`: the interval of the reverse Kaplan–Meier
/// median, as `survfit(conf.type =, conf.int =)`.
public struct FollowUpOptions: Sendable, Equatable {
  public var confType: ConfidenceType
  public var confLevel: Double

  public init(confType: ConfidenceType = .logLog, confLevel: Double = 0.95) {
    self.confType = confType
    self.confLevel = confLevel
  }
}

/// Median follow-up of a dataset and a formula by the reverse Kaplan–Meier
/// method: R `survfit(Surv(time, 1 - status) ~ 1)` (and `~ group`) with the
/// median and limits of `print.survfit`, and `median(time[status == 0])`
/// (see `FollowUp`). Groups as `survfit` labels them (`~ 1`: overall only).
/// Right-censored data only: follow-up is measured from time 0.
public struct FollowUpAnalysis: Sendable {
  public let formula: Formula
  public let options: FollowUpOptions
  public let count: Int
  public let droppedCount: Int
  /// Group labels; empty for `~ 1`.
  public let labels: [String]
  /// All subjects together.
  public let overall: FollowUp.Summary
  /// One per label.
  public let groups: [FollowUp.Summary]

  public init(dataset: Dataset, formula: Formula, options: FollowUpOptions = FollowUpOptions()) throws {
    guard options.confLevel > 0 && options.confLevel < 1 else {
      throw SurvivalAnalysisError("conf_level must be strictly between 0 and 1, got "
        + "\(RValueFormat.number(options.confLevel))")
    }
    let frame = try ModelFrame(dataset: dataset, formula: formula)
    guard frame.start == nil else {
      throw SurvivalAnalysisError(
        "follow-up is measured from time 0: give Surv(time, event), not Surv(start, stop, event)")
    }
    let curves = frame.curves
    let result = try FollowUp.estimate(
      time: frame.time, event: frame.event, group: curves?.index, groupCount: curves?.count ?? 1,
      confType: options.confType, confLevel: options.confLevel)
    self.formula = formula
    self.options = options
    self.count = frame.count
    self.droppedCount = frame.droppedCount
    self.labels = curves?.labels ?? []
    self.overall = result.overall
    self.groups = curves == nil ? [] : result.groups
  }
}
