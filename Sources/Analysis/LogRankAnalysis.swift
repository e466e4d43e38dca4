import Datasets
import Survival

/// Options of `LogRankAnalysis`: the weights of R's `survdiff(rho =)` and
/// lifelines' Fleming–Harrington `(p, q)`, and the test for trend.
public struct LogRankOptions: Sendable, Equatable {
  /// Scores of the test for trend across ordered groups.
  public enum Trend: Sendable, Equatable {
    case none
    /// Scores 1, 2, …, k in group order.
    case ordered
    /// One score per group, in group order.
    case scores([Double])
  }

  /// ρ of the weight S(t−)^ρ (R `rho`; 1 is the Peto–Peto test).
  public var rho: Double
  /// γ of the weight (1 − S(t−))^γ (not in R; lifelines' `q`).
  public var gamma: Double
  public var trend: Trend
  /// The weight of the test (`LogRankWeight`; Fleming–Harrington's with rho and gamma by default).
  public var weight: LogRankWeight
  /// Also the MaxCombo test of two groups (`MaxComboTest`).
  public var maxCombo: Bool

  public init(
    rho: Double = 0, gamma: Double = 0, trend: Trend = .none, weight: LogRankWeight? = nil, maxCombo: Bool = false
  ) {
    let w = weight ?? .flemingHarrington(rho: rho, gamma: gamma)
    self.rho = w.rhoGamma.rho
    self.gamma = w.rhoGamma.gamma
    self.trend = trend
    self.weight = w
    self.maxCombo = maxCombo
  }
}

/// The k-sample log-rank test of a dataset and a formula, as R survival
/// 3.5.3 `survdiff(Surv(time, event) ~ group + strata(s), data, rho =)`:
/// the groups are the combinations of the regular terms (labelled `sex=1`),
/// `strata()` terms give the stratified test. Right-censored data only, as
/// R ("Right censored data only"); R's `survdiff` takes no case weights.
public struct LogRankAnalysis: Sendable {
  public let formula: Formula
  public let options: LogRankOptions
  public let count: Int
  public let droppedCount: Int
  /// Group labels, as `names(fit$n)`.
  public let labels: [String]
  /// Strata labels of `strata()` terms (empty when unstratified).
  public let strataLabels: [String]
  public let test: LogRankTest
  /// The trend test, when asked for.
  public let trend: TrendTest?
  /// The MaxCombo test, when asked for (two groups).
  public let maxCombo: MaxComboTest?

  /// The Fleming–Harrington weight S(t−)^ρ (1 − S(t−))^γ needs a finite ρ
  /// and a finite γ ≥ 0 (also for `PairwiseLogRankAnalysis`).
  static func checkWeights(rho: Double, gamma: Double) throws {
    guard rho.isFinite else {
      throw SurvivalAnalysisError("rho must be a finite number, got \(RValueFormat.number(rho))")
    }
    guard gamma.isFinite && gamma >= 0 else {
      throw SurvivalAnalysisError("gamma must be finite and non-negative, got \(RValueFormat.number(gamma))")
    }
  }

  public init(dataset: Dataset, formula: Formula, options: LogRankOptions = LogRankOptions()) throws {
    try LogRankAnalysis.checkWeights(rho: options.rho, gamma: options.gamma)
    try formula.checkGroupingTerms(function: "logrank")
    let frame = try ModelFrame(dataset: dataset, formula: formula)
    let (groups, strata) = try Self.groupsAndStrata(frame, formula: formula)
    self.formula = formula
    self.options = options
    self.count = frame.count
    self.droppedCount = frame.droppedCount
    self.labels = groups.labels
    self.strataLabels = strata?.labels ?? []
    if options.maxCombo && groups.count != 2 {
      throw SurvivalAnalysisError(
        "test = \"maxcombo\" compares two groups; the formula gives \(groups.count) "
          + "(\(groups.labels.joined(separator: ", ")))")
    }
    let test: LogRankTest
    var combo: MaxComboTest?
    switch groups.codes {
    case .compact(let codes):
      // A factor's own codes, read as they are.
      test = try LogRankTest.test(
        time: frame.time, event: frame.event, groupCodes: codes, groupCount: groups.count,
        strata: strata?.index, strataCount: strata?.count ?? 1, weight: options.weight)
      if options.maxCombo {
        combo = try MaxComboTest.test(
          time: frame.time, event: frame.event, groupCodes: codes, strata: strata?.index,
          strataCount: strata?.count ?? 1)
      }
    case .wide(let index):
      test = try LogRankTest.test(
        time: frame.time, event: frame.event, group: index, groupCount: groups.count,
        strata: strata?.index, strataCount: strata?.count ?? 1, weight: options.weight)
      if options.maxCombo {
        combo = try MaxComboTest.test(
          time: frame.time, event: frame.event, group: index, strata: strata?.index, strataCount: strata?.count ?? 1)
      }
    }
    self.test = test
    self.maxCombo = combo
    switch options.trend {
    case .none:
      trend = nil
    case .ordered:
      trend = try test.trend()
    case .scores(let scores):
      guard scores.count == groups.count else {
        throw SurvivalAnalysisError(
          "trend: \(scores.count) scores given for \(groups.count) groups (\(groups.labels.joined(separator: ", ")))")
      }
      guard scores.allSatisfy(\.isFinite) else { throw SurvivalAnalysisError("trend: scores must be finite numbers") }
      trend = try test.trend(scores: scores)
    }
  }

  /// The groups to compare (at least two) and the strata of a frame, with
  /// the checks R's `survdiff` makes.
  static func groupsAndStrata(_ frame: ModelFrame, formula: Formula) throws -> (Grouping, Grouping?) {
    guard frame.start == nil else {
      throw SurvivalAnalysisError(
        "right-censored data only: the log-rank test does not take Surv(start, stop, event) (as R's survdiff)")
    }
    guard let groups = frame.groups else {
      throw SurvivalAnalysisError(
        "formula '\(formula.text)' has no groups to compare; give a grouping variable, e.g. Surv(time, status) ~ arm")
    }
    guard groups.count >= 2 else {
      throw SurvivalAnalysisError(
        "only one group (\(groups.labels.first ?? "")) in the data used; the log-rank test compares two or more")
    }
    return (groups, frame.strata)
  }
}
