import Analysis
import Datasets
import LuaHost
import Survival

/// The survival functions, declared through the binding layer: `km` (R
/// `survfit`) with its methods `fit:at` (R `summary(fit, times =)`),
/// `fit:quantile` (R `quantile.survfit`) and `fit:rmst` (R `print(fit,
/// rmean = tau)`); `logrank` (R `survdiff`); `pairwise_logrank` (survminer
/// `pairwise_survdiff`); `followup` (reverse Kaplan–Meier). Each runs its
/// Analysis and encodes the result as a plain table (`SurvivalEncoding`);
/// `stdlib/kaplan/survival.lua` prints them as R does.
struct SurvivalLibrary: KaplanLibrary {
  let name = "survival"

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(functions: [km, at, quantile, rmst, logrank, pairwise, followup], kinds: kinds)
  }

  private var kinds: [ResultKind] { [
    ResultKind("km", section: "Survival", summary: "Kaplan–Meier curves (km()).", fields: [
      ("formula", "the formula as given"), ("n", "rows used"), ("events", "events"),
      ("n_dropped", "rows dropped for a missing value"), ("conf_type", "CI transformation"),
      ("conf_level", "confidence level"), ("variance", "\"greenwood\" or \"robust\""),
      ("delayed_entry", "whether the response is Surv(entry, exit, event)"),
      ("weights", "the case-weight column, if any"),
      ("strata", "one table per curve: label, n, events, time, n_risk, n_event, n_censor, surv, std_err, "
        + "lower, upper, cumhaz, std_chaz, median, median_lower, median_upper"),
    ], tidy: SurvivalTidy.km),
    ResultKind("km_at", section: "Survival", summary: "Survival at chosen times (fit:at()).", fields: [
      ("formula", "the fit's formula"),
      ("strata", "per curve: label, time, n_risk, n_event, n_censor, surv, std_err, lower, upper"),
      ("conf_type", "CI transformation"), ("conf_level", "confidence level"),
    ], tidy: SurvivalTidy.at),
    ResultKind("km_quantile", section: "Survival", summary: "Quantiles of survival time (fit:quantile()).",
               fields: [
                 ("formula", "the fit's formula"), ("probs", "the probabilities"),
                 ("strata", "per curve: label, quantile, lower, upper"),
                 ("conf_type", "CI transformation"), ("conf_level", "confidence level"),
               ], tidy: SurvivalTidy.quantile),
    ResultKind("km_rmst", section: "Survival", summary: "Restricted mean survival time (fit:rmst()).", fields: [
      ("formula", "the fit's formula"), ("tau", "the truncation time"),
      ("common_tau", "whether tau is the longest follow-up (no tau given)"),
      ("strata", "per curve: label, n, events, rmean, se"), ("conf_level", "level of the difference's CI"),
      ("difference", "with two curves: label, estimate, lower, upper, p, conf_level"),
    ], tidy: SurvivalTidy.rmst),
    ResultKind("logrank", section: "Survival", summary: "A log-rank test (logrank()).", fields: [
      ("formula", "the formula as given"), ("n", "rows used"), ("n_dropped", "rows dropped for a missing value"),
      ("rho", "the G-rho weight power"), ("gamma", "the Fleming–Harrington gamma"),
      ("chisq", "the test statistic"), ("df", "degrees of freedom"),
      ("p", "p-value of the chi-square test (with test = \"maxcombo\", MaxCombo's p is maxcombo.p)"),
      ("var", "the variance matrix of O - E (rows)"),
      ("groups", "per group: label, n, observed, expected, oe2_e, oe2_v"),
      ("strata", "the strata labels of a stratified test"),
      ("trend", "the trend test, when asked: scores, chisq, p"),
      ("weights", "the weight: \"logrank\", \"gehan\", \"tarone-ware\", \"peto-peto\", \"modified-peto\", "
        + "\"fh(rho, gamma)\""),
      ("maxcombo", "test = \"maxcombo\": statistic (max |z|), p, p_error, and per FH(rho, gamma): rho, gamma, z, used"),
    ], tidy: SurvivalTidy.logrank),
    ResultKind("pairwise_logrank", section: "Survival", summary: "Pairwise log-rank tests (pairwise_logrank()).",
               fields: [
                 ("formula", "the formula as given"), ("n", "rows used"),
                 ("n_dropped", "rows dropped for a missing value"), ("groups", "the group labels"),
                 ("rho", "the G-rho weight power"), ("gamma", "the Fleming–Harrington gamma"),
                 ("pairs", "per pair: first, second, chisq, p, p_adjusted"), ("adjust", "the adjustment"),
               ], tidy: SurvivalTidy.pairwise),
    ResultKind("followup", section: "Survival", summary: "Median follow-up (followup()).", fields: [
      ("formula", "the formula as given"), ("n", "rows used"), ("n_dropped", "rows dropped for a missing value"),
      ("conf_type", "CI transformation"), ("conf_level", "confidence level"),
      ("overall", "label, n, censored, median, lower, upper, median_censored"),
      ("groups", "the same per group"), ("time", "the time column"),
    ], tidy: SurvivalTidy.followup),
  ] }

  private static let confType = OptionSpec.choice(
    "conf_type", confidenceTypes, default: "log-log",
    doc: "CI transformation: \"log-log\" (as SAS/Stata), \"log\" (R's default), \"plain\", \"logit\", "
      + "\"arcsin\", \"none\"")
  private static let confLevel = OptionSpec("conf_level", .number(.probability), default: .number(0.95),
                                            doc: "confidence level")
  private static let rho = OptionSpec("rho", .number(.any), default: .number(0),
                                      doc: "G-rho weights S(t-)^rho (0: the log-rank test; 1: Peto–Peto)")
  private static let gamma = OptionSpec("gamma", .number(.any), default: .number(0),
                                        doc: "Fleming–Harrington weights S(t-)^rho (1 - S(t-))^gamma")

  private var km: KaplanFunction {
    KaplanFunction(
      "km", section: "Survival", signature: "km(d, formula [, opts])",
      summary: "Kaplan–Meier curves per group with Greenwood CIs, medians and the Nelson–Aalen hazard, "
        + "as R's survfit.",
      options: [
        Self.confType, Self.confLevel,
        OptionSpec("weights", .column, doc: "column of case weights; fractional weights use R's robust variance"),
      ],
      optionsArgument: 3, returns: "km",
      example: """
        local lung = dataset("lung")
        local fit = km(lung, "Surv(time, status) ~ sex")
        print(fit)                          -- n, events, median (95% CI, log-log)
        print(fit.strata[1].label, fit.strata[1].median)
        print(fit:at{180, 365, 730})        -- survival at 6 months, 1 and 2 years
        print(km(lung, "Surv(time, status) ~ 1", {conf_type = "log"}))
        """
    ) { call in
      let (dataset, formula) = try analysisArguments(call)
      let o = call.options
      let options = KaplanMeierOptions(
        confType: try o.choice("conf_type", confidenceTypes), confLevel: try o.number("conf_level"),
        weights: try o.optionalString("weights"))
      let analysis = try KaplanMeierAnalysis(dataset: dataset, formula: formula, options: options)
      // The handle keeps the dataset, for plot's log-rank p (pvalue = true).
      return try call.result(SurvivalEncoding.km(analysis), of: analysis)
    }
  }

  private var at: KaplanFunction {
    KaplanFunction(
      "at", receiver: "km", section: "Survival", signature: "fit:at(times [, opts])",
      summary: "Survival at chosen times with CIs, per curve, as R's summary(fit, times =).",
      options: [OptionSpec("extend", .boolean, default: .boolean(false),
                           doc: "report times past the end of follow-up (last value, 0 at risk)")],
      optionsArgument: 2, returns: "km_at",
      example: "local fit = km(dataset(\"colon\"), \"Surv(time, status) ~ rx\")\nprint(fit:at{365, 1826})"
    ) { call in
      let analysis = try call.receiver(as: KaplanMeierAnalysis.self)
      let times = try numberList(call.lua, 2, what: "times")
      let rows = try analysis.at(times, extend: try call.options.boolean("extend"))
      let result = KaplanMeierAtResult(analysis: analysis, rows: rows)
      return try call.result(SurvivalEncoding.at(analysis, rows), of: result)
    }
  }

  private var quantile: KaplanFunction {
    KaplanFunction(
      "quantile", receiver: "km", section: "Survival", signature: "fit:quantile([probs])",
      summary: "Quantiles of survival time with CIs (default probs 0.25, 0.5, 0.75), as R's quantile.survfit.",
      returns: "km_quantile",
      example: "local fit = km(dataset(\"colon\"), \"Surv(time, status) ~ rx\")\nprint(fit:quantile{0.25, 0.5})"
    ) { call in
      let analysis = try call.receiver(as: KaplanMeierAnalysis.self)
      let probs = call.lua.isNil(2) ? [0.25, 0.5, 0.75] : try numberList(call.lua, 2, what: "probabilities")
      let q = try analysis.quantiles(probs)
      let result = KaplanMeierQuantileResult(analysis: analysis, quantiles: q)
      return try call.result(SurvivalEncoding.quantiles(analysis, probs: probs, q), of: result)
    }
  }

  private var rmst: KaplanFunction {
    KaplanFunction(
      "rmst", receiver: "km", section: "Survival", signature: "fit:rmst([tau])",
      summary: "Restricted mean survival time up to tau (default: the longest follow-up) per curve; with two "
        + "curves the difference (second - first), its CI and p.",
      returns: "km_rmst",
      example: "local fit = km(dataset(\"colon\"), \"Surv(time, status) ~ rx\")\nprint(fit:rmst(2000))"
    ) { call in
      let analysis = try call.receiver(as: KaplanMeierAnalysis.self)
      let tau = try call.lua.optionalNumber(2)
      let summary = try analysis.restrictedMeans(tau: tau)
      let result = KaplanMeierRMSTResult(analysis: analysis, summary: summary)
      return try call.result(SurvivalEncoding.rmst(analysis, summary), of: result)
    }
  }

  private var logrank: KaplanFunction {
    KaplanFunction(
      "logrank", section: "Survival", signature: "logrank(d, formula [, opts])",
      summary: "The k-sample log-rank test (strata(x) for the stratified test), as R's survdiff: chisq, df, p, "
        + "O and E per group; weighted (Gehan, Tarone–Ware, Peto–Peto, Fleming–Harrington) or MaxCombo.",
      options: [
        Self.rho, Self.gamma, LogRankWeightOptions.weights, LogRankWeightOptions.test,
        OptionSpec("trend", .either(.boolean, .numbers), default: .boolean(false),
                   doc: "true: test for trend across the ordered groups (scores 1, 2, ...); or an array of scores"),
      ],
      optionsArgument: 3, returns: "logrank",
      example: """
        local vet = dataset("veteran")
        print(logrank(vet, "Surv(time, status) ~ trt + strata(celltype)"))
        print(logrank(vet, "Surv(time, status) ~ celltype", {rho = 1}).p)
        print(logrank(vet, "Surv(time, status) ~ celltype", {weights = "gehan"}))
        print(logrank(vet, "Surv(time, status) ~ trt", {test = "maxcombo"}))
        """
    ) { call in
      let (dataset, formula) = try analysisArguments(call)
      let o = call.options
      let trend: LogRankOptions.Trend
      switch try o.value("trend") {
      case .boolean(true)?: trend = .ordered
      case .table?: trend = .scores(try o.optionalNumbers("trend") ?? [])
      default: trend = .none
      }
      let (weight, maxCombo) = try LogRankWeightOptions.weight(call)
      let options = LogRankOptions(trend: trend, weight: weight, maxCombo: maxCombo)
      let analysis = try LogRankAnalysis(dataset: dataset, formula: formula, options: options)
      return try call.result(SurvivalEncoding.logrank(analysis), of: analysis)
    }
  }

  private var pairwise: KaplanFunction {
    KaplanFunction(
      "pairwise_logrank", section: "Survival", signature: "pairwise_logrank(d, formula [, opts])",
      summary: "Log-rank tests of every pair of groups with adjusted p-values (survminer's pairwise_survdiff).",
      options: [
        OptionSpec.choice("adjust", adjustments, default: "holm",
                          doc: "p-value adjustment, as R's p.adjust: \"holm\", \"bonferroni\", \"BH\" "
                            + "(or \"bh\"), \"none\""),
        Self.rho, Self.gamma,
      ],
      optionsArgument: 3, returns: "pairwise_logrank",
      example: """
        local colon = dataset("colon")
        local death = colon:where(colon.etype:eq(2))
        print(pairwise_logrank(death, "Surv(time, status) ~ rx", {adjust = "bonferroni"}))
        """
    ) { call in
      let (dataset, formula) = try analysisArguments(call)
      let o = call.options
      let options = PairwiseLogRankOptions(
        adjustment: try o.choice("adjust", adjustments), rho: try o.number("rho"), gamma: try o.number("gamma"))
      let analysis = try PairwiseLogRankAnalysis(dataset: dataset, formula: formula, options: options)
      return try call.result(SurvivalEncoding.pairwise(analysis), of: analysis)
    }
  }

  private var followup: KaplanFunction {
    KaplanFunction(
      "followup", section: "Survival", signature: "followup(d, formula [, opts])",
      summary: "Median follow-up by reverse Kaplan–Meier with its CI, overall and per group (formula ~ g), "
        + "and the median censored time.",
      options: [Self.confType, Self.confLevel],
      optionsArgument: 3, returns: "followup",
      example: """
        local lung = dataset("lung")
        print(followup(lung, "Surv(time, status)"))
        print(followup(lung, "Surv(time, status) ~ sex").overall.median)
        """
    ) { call in
      let (dataset, formula) = try analysisArguments(call)
      let o = call.options
      let options = FollowUpOptions(
        confType: try o.choice("conf_type", confidenceTypes), confLevel: try o.number("conf_level"))
      let analysis = try FollowUpAnalysis(dataset: dataset, formula: formula, options: options)
      return try call.result(SurvivalEncoding.followup(analysis), of: analysis)
    }
  }
}

/// `conf_type` values, in the order the help lists them.
let confidenceTypes: [(String, ConfidenceType)] = [
  ("log-log", .logLog), ("log", .log), ("plain", .plain), ("logit", .logit), ("arcsin", .arcsin), ("none", .none),
]

/// `adjust` values of `pairwise_logrank` (R `p.adjust` names; "bh" too).
private let adjustments: [(String, PValueAdjustment)] = [
  ("holm", .holm), ("bonferroni", .bonferroni), ("BH", .bh), ("bh", .bh), ("none", .none),
]

/// Arguments 1 and 2 of an analysis: the dataset and the parsed formula.
func analysisArguments(_ call: KaplanCall) throws -> (Dataset, Formula) {
  let dataset = try call.lua.object(1, as: LuaDataset.self).dataset
  guard case .string(let text) = try call.lua.value(2) else {
    throw call.lua.argumentError(2, "formula string expected, got \(call.lua.typeName(2))")
  }
  return (dataset, try Formula(parsing: text))
}

/// A number or an array of numbers at argument `index`; any entry that is
/// not a number, and any named field, is an error (nothing is dropped).
func numberList(_ call: LuaCall, _ index: Int, what: String) throws -> [Double] {
  switch try call.value(index) {
  case .integer(let i): return [Double(i)]
  case .number(let x): return [x]
  case .table(let t) where !t.array.isEmpty:
    if let (key, _) = t.fields.first {
      throw call.argumentError(index, "array of \(what) expected, but it has a field '\(key)'")
    }
    return try t.array.enumerated().map { i, item in
      guard item.typeName == "number", let x = item.doubleValue else {
        throw call.argumentError(index, "array of \(what) expected, but entry \(i + 1) is a \(item.typeName)")
      }
      return x
    }
  default:
    throw call.argumentError(index, "array of \(what) expected, got \(call.typeName(index))")
  }
}
