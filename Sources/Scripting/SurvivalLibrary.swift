import Analysis
import Datasets
import LuaHost
import Survival

/// A Kaplan–Meier fit kept on the Swift side for the methods of a `km`
/// result (`fit:at`, `fit:quantile`, `fit:rmst`); `stdlib/kaplan/survival.lua`
/// holds it next to the result table.
final class KaplanMeierFitHandle {
  let analysis: KaplanMeierAnalysis
  init(_ analysis: KaplanMeierAnalysis) { self.analysis = analysis }
}

/// The Swift half of the survival functions (`core.survival`): each takes a
/// dataset, a formula and an options table, runs the analysis and returns
/// plain tables; `stdlib/kaplan/survival.lua` makes the results printable
/// and defines the globals `km`, `logrank`, `pairwise_logrank`, `followup`.
///
/// Raw functions:
/// - `km(d, formula, opts)` → result table, fit handle (R `survfit`)
/// - `km_at(handle, times, opts)` (R `summary(fit, times =)`),
///   `km_quantile(handle, probs)` (R `quantile.survfit`),
///   `km_rmst(handle, tau)` (R `print(fit, rmean = tau)`): called as methods
/// - `logrank(d, formula, opts)` (R `survdiff`)
/// - `pairwise_logrank(d, formula, opts)` (survminer `pairwise_survdiff`)
/// - `followup(d, formula, opts)` (reverse Kaplan–Meier, `survfit(Surv(t, 1 - e) ~ g)`)
struct SurvivalLibrary: KaplanLibrary {
  let name = "survival"

  static let kmOptions = ["conf_type", "conf_level", "weights"]
  static let atOptions = ["extend"]
  static let logrankOptions = ["rho", "gamma", "trend"]
  static let pairwiseOptions = ["adjust", "rho", "gamma"]
  static let followupOptions = ["conf_type", "conf_level"]

  func install(in runtime: KaplanRuntime) throws -> [(String, LuaValue)] {
    let lua = runtime.lua
    try lua.registerType(KaplanMeierFitHandle.self, name: "km fit", metamethods: [
      "__tostring": { _ in [.string("km fit")] },
    ])
    return [
      ("km", lua.function("km") { call in
        let (dataset, formula) = try analysisArguments(call)
        let o = try OptionTable(try call.optionalTable(3), function: "km", allowed: Self.kmOptions)
        let options = KaplanMeierOptions(
          confType: try o.choice("conf_type", confidenceTypes) ?? .logLog,
          confLevel: try o.probability("conf_level") ?? 0.95,
          weights: try o.string("weights"))
        let analysis = try analysisStep("km") {
          try KaplanMeierAnalysis(dataset: dataset, formula: formula, options: options)
        }
        return [SurvivalEncoding.km(analysis), .object(KaplanMeierFitHandle(analysis))]
      }),
      ("km_at", lua.function("at", isMethod: true) { call in
        let analysis = try call.object(1, as: KaplanMeierFitHandle.self).analysis
        let times = try numberList(call, 2, what: "times")
        let o = try OptionTable(try call.optionalTable(3), function: "at", allowed: Self.atOptions)
        let extend = try o.boolean("extend") ?? false
        let rows = try analysisStep("at") { try analysis.at(times, extend: extend) }
        return [SurvivalEncoding.at(analysis, rows)]
      }),
      ("km_quantile", lua.function("quantile", isMethod: true) { call in
        let analysis = try call.object(1, as: KaplanMeierFitHandle.self).analysis
        let probs = call.isNil(2) ? [0.25, 0.5, 0.75] : try numberList(call, 2, what: "probabilities")
        let q = try analysisStep("quantile") { try analysis.quantiles(probs) }
        return [SurvivalEncoding.quantiles(analysis, probs: probs, q)]
      }),
      ("km_rmst", lua.function("rmst", isMethod: true) { call in
        let analysis = try call.object(1, as: KaplanMeierFitHandle.self).analysis
        let tau = try call.optionalNumber(2)
        let summary = try analysisStep("rmst") { try analysis.restrictedMeans(tau: tau) }
        return [SurvivalEncoding.rmst(analysis, summary)]
      }),
      ("logrank", lua.function("logrank") { call in
        let (dataset, formula) = try analysisArguments(call)
        let o = try OptionTable(try call.optionalTable(3), function: "logrank", allowed: Self.logrankOptions)
        var trend = LogRankOptions.Trend.none
        if let value = o.value("trend") {
          switch value {
          case .boolean(let b): trend = b ? .ordered : .none
          case .table: trend = .scores(try o.numbers("trend") ?? [])
          default: throw o.wrong("trend", "true or an array of scores", got: value)
          }
        }
        let options = LogRankOptions(rho: try o.number("rho") ?? 0, gamma: try o.number("gamma") ?? 0, trend: trend)
        let analysis = try analysisStep("logrank") {
          try LogRankAnalysis(dataset: dataset, formula: formula, options: options)
        }
        return [SurvivalEncoding.logrank(analysis)]
      }),
      ("pairwise_logrank", lua.function("pairwise_logrank") { call in
        let (dataset, formula) = try analysisArguments(call)
        let o = try OptionTable(try call.optionalTable(3), function: "pairwise_logrank", allowed: Self.pairwiseOptions)
        let options = PairwiseLogRankOptions(
          adjustment: try o.choice("adjust", adjustments) ?? .holm,
          rho: try o.number("rho") ?? 0, gamma: try o.number("gamma") ?? 0)
        let analysis = try analysisStep("pairwise_logrank") {
          try PairwiseLogRankAnalysis(dataset: dataset, formula: formula, options: options)
        }
        return [SurvivalEncoding.pairwise(analysis)]
      }),
      ("followup", lua.function("followup") { call in
        let (dataset, formula) = try analysisArguments(call)
        let o = try OptionTable(try call.optionalTable(3), function: "followup", allowed: Self.followupOptions)
        let options = FollowUpOptions(
          confType: try o.choice("conf_type", confidenceTypes) ?? .logLog,
          confLevel: try o.probability("conf_level") ?? 0.95)
        let analysis = try analysisStep("followup") {
          try FollowUpAnalysis(dataset: dataset, formula: formula, options: options)
        }
        return [SurvivalEncoding.followup(analysis)]
      }),
      ("options", .record([
        "km": .strings(Self.kmOptions), "at": .strings(Self.atOptions),
        "logrank": .strings(Self.logrankOptions), "pairwise_logrank": .strings(Self.pairwiseOptions),
        "followup": .strings(Self.followupOptions),
      ])),
    ]
  }
}

/// `conf_type` values, in the order the help lists them.
private let confidenceTypes: [(String, ConfidenceType)] = [
  ("log-log", .logLog), ("log", .log), ("plain", .plain), ("logit", .logit), ("arcsin", .arcsin), ("none", .none),
]

/// `adjust` values of `pairwise_logrank` (R `p.adjust` names; "bh" too).
private let adjustments: [(String, PValueAdjustment)] = [
  ("holm", .holm), ("bonferroni", .bonferroni), ("BH", .bh), ("bh", .bh), ("none", .none),
]

/// Arguments 1 and 2 of an analysis: the dataset and the parsed formula.
private func analysisArguments(_ call: LuaCall) throws -> (Dataset, Formula) {
  let dataset = try call.object(1, as: LuaDataset.self).dataset
  guard case .string(let text) = try call.value(2) else {
    throw call.argumentError(2, "formula string expected, got \(call.typeName(2))")
  }
  let formula = try analysisStep(call.name) { try Formula(parsing: text) }
  return (dataset, formula)
}

/// A number or an array of numbers at argument `index`.
private func numberList(_ call: LuaCall, _ index: Int, what: String) throws -> [Double] {
  switch try call.value(index) {
  case .integer(let i): return [Double(i)]
  case .number(let x): return [x]
  case .table(let t) where t.fields.isEmpty && !t.array.isEmpty:
    return try t.array.map { item in
      guard let x = item.doubleValue else {
        throw call.argumentError(index, "array of \(what) expected, but it holds a \(item.typeName)")
      }
      return x
    }
  default:
    throw call.argumentError(index, "array of \(what) expected, got \(call.typeName(index))")
  }
}
