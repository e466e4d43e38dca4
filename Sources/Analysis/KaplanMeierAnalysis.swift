import Datasets
import Survival

/// Options of `KaplanMeierAnalysis`, as the arguments of R's `survfit`.
public struct KaplanMeierOptions: Sendable, Equatable {
  /// R `conf.type`; the clinical-trial default log-log (R's own default is log).
  public var confType: ConfidenceType
  /// R `conf.int`, strictly between 0 and 1.
  public var confLevel: Double
  /// A column of case weights (R `weights =`).
  public var weights: String?

  public init(confType: ConfidenceType = .logLog, confLevel: Double = 0.95, weights: String? = nil) {
    self.confType = confType
    self.confLevel = confLevel
    self.weights = weights
  }
}

/// Kaplan–Meier curves of a dataset and a formula, labelled as R survival
/// 3.5.3 `survfit(formula, data, weights =, conf.type =, conf.int =)` labels
/// its strata (`sex=1`; `rx=Obs, strata(sex)=sex=0` with `strata()` terms;
/// one curve `all` for `~ 1`).
///
/// Rows with a missing value in a variable used are dropped and counted
/// (R's `na.omit`); `Surv(start, stop, event)` gives delayed entry. The
/// numbers are `KaplanMeier.fit`'s; the methods read the curves as
/// `summary(fit, times =)`, `quantile(fit, probs)` and `print(fit, rmean =)`.
public struct KaplanMeierAnalysis: Sendable {
  public let formula: Formula
  public let options: KaplanMeierOptions
  /// Rows used (after dropping missing values).
  public let count: Int
  /// Rows dropped for missing values.
  public let droppedCount: Int
  /// The curve labels, as `names(fit$strata)`; `["all"]` for `~ 1`.
  public let labels: [String]
  /// The fit, one curve per label.
  public let fit: KaplanMeier

  public var curves: [KaplanMeierCurve] { fit.curves }

  /// Total (weighted) events over all curves.
  public var events: Double { fit.curves.reduce(0) { $0 + $1.events } }

  public init(dataset: Dataset, formula: Formula, options: KaplanMeierOptions = KaplanMeierOptions()) throws {
    guard options.confLevel > 0 && options.confLevel < 1 else {
      throw SurvivalAnalysisError("conf_level must be strictly between 0 and 1, got "
        + "\(RValueFormat.number(options.confLevel))")
    }
    try formula.checkGroupingTerms(function: "km")
    let frame = try ModelFrame(dataset: dataset, formula: formula, options: ModelFrameOptions(weights: options.weights))
    let groups = ModelFrame.SurvivalGroups(frame.curves)
    self.formula = formula
    self.options = options
    self.count = frame.count
    self.droppedCount = frame.droppedCount
    self.labels = groups.labels
    self.fit = try KaplanMeier.fit(
      frame.survivalSample(groups: groups), confType: options.confType, confLevel: options.confLevel)
  }

  /// Each curve at `times`, as R `summary(fit, times =, extend =)`. Times
  /// must be finite and non-negative; they are sorted. As in R, a curve
  /// whose follow-up ends before every requested time is an error unless
  /// `extend` is set (then it reports its last value with 0 at risk).
  public func at(_ times: [Double], extend: Bool = false) throws -> [SurvivalAtTimes] {
    guard !times.isEmpty else { throw SurvivalAnalysisError("no times given") }
    for t in times where !(t.isFinite && t >= 0) {
      throw SurvivalAnalysisError("times must be finite and non-negative, got \(RValueFormat.number(t))")
    }
    return try zip(labels, curves).map { label, curve in
      let last = curve.time.last ?? 0
      if !extend && !times.contains(where: { $0 <= last }) {
        throw SurvivalAnalysisError(
          "no requested time is within the follow-up of '\(label)' (last time \(RValueFormat.number(last))); "
            + "give extend = true to report past it")
      }
      return try curve.at(times, extend: extend)
    }
  }

  /// Quantiles of each curve with confidence limits, as R
  /// `quantile(fit, probs)`; probabilities in [0, 1].
  public func quantiles(_ probs: [Double]) throws -> [SurvivalQuantiles] {
    guard !probs.isEmpty else { throw SurvivalAnalysisError("no probabilities given") }
    for p in probs where !(p >= 0 && p <= 1) {
      throw SurvivalAnalysisError("probabilities must be between 0 and 1, got \(RValueFormat.number(p))")
    }
    return try curves.map { try $0.quantiles(probs) }
  }

  /// Restricted means up to `tau` (default: R's `rmean = "common"`, the
  /// largest last time of any curve), as `print(fit, rmean = tau)`. With two
  /// curves, also the difference second − first (with its normal CI at the
  /// fit's confidence level and two-sided p).
  public func restrictedMeans(tau: Double? = nil) throws -> RestrictedMeanSummary {
    let horizon = tau ?? fit.commonRestrictionTime
    guard horizon.isFinite && horizon >= 0 else {
      throw SurvivalAnalysisError("tau must be finite and non-negative, got \(RValueFormat.number(horizon))")
    }
    let means = try curves.map { try $0.restrictedMean(tau: horizon) }
    let difference = means.count == 2
      ? try means[1].difference(from: means[0], confLevel: options.confLevel) : nil
    return RestrictedMeanSummary(tau: horizon, isCommonHorizon: tau == nil, means: means, difference: difference)
  }
}

/// Restricted mean survival per curve and, for two curves, their difference.
public struct RestrictedMeanSummary: Sendable, Equatable {
  public let tau: Double
  /// Whether τ was R's common horizon rather than given.
  public let isCommonHorizon: Bool
  /// One per curve.
  public let means: [RestrictedMean]
  /// Second curve minus first, when there are exactly two.
  public let difference: RestrictedMeanDifference?
}
