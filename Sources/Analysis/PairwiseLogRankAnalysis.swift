import Datasets
import Survival

/// Options of `PairwiseLogRankAnalysis`.
public struct PairwiseLogRankOptions: Sendable, Equatable {
  /// R `p.adjust` method over all pairs.
  public var adjustment: PValueAdjustment
  public var rho: Double
  public var gamma: Double

  public init(adjustment: PValueAdjustment = .holm, rho: Double = 0, gamma: Double = 0) {
    self.adjustment = adjustment
    self.rho = rho
    self.gamma = gamma
  }
}

/// Log-rank tests of every pair of groups, as survminer
/// `pairwise_survdiff(formula, data, p.adjust.method =, rho =)`: R
/// `survdiff` on the rows of each pair (strata kept), p-values adjusted by
/// `p.adjust` over all pairs. Groups and checks as `LogRankAnalysis`.
public struct PairwiseLogRankAnalysis: Sendable {
  public let formula: Formula
  public let options: PairwiseLogRankOptions
  public let count: Int
  public let droppedCount: Int
  /// Group labels; a comparison's `first` and `second` index them.
  public let labels: [String]
  public let result: PairwiseLogRank

  public init(dataset: Dataset, formula: Formula, options: PairwiseLogRankOptions = PairwiseLogRankOptions()) throws {
    try LogRankAnalysis.checkWeights(rho: options.rho, gamma: options.gamma)
    try formula.checkGroupingTerms(function: "logrank")
    let frame = try ModelFrame(dataset: dataset, formula: formula)
    let (groups, strata) = try LogRankAnalysis.groupsAndStrata(frame, formula: formula)
    self.formula = formula
    self.options = options
    self.count = frame.count
    self.droppedCount = frame.droppedCount
    self.labels = groups.labels
    self.result = try PairwiseLogRank.test(
      time: frame.time, event: frame.event, group: groups.index, groupCount: groups.count,
      strata: strata?.index, strataCount: strata?.count ?? 1, rho: options.rho, gamma: options.gamma,
      adjustment: options.adjustment)
  }
}
