import Analysis
import Foundation
import LuaHost
import Plots
import Survival

/// What `plot()` draws for one result, built from the Swift result behind
/// its handle (never from the result table, which a script may edit):
/// Kaplan–Meier curves (`KaplanMeierAnalysis`), the cumulative incidence of
/// one cause (`CompetingRisksAnalysis`), or the forest plot of a Cox or
/// Fine–Gray model (`CoxAnalysis`, `FineGrayAnalysis`).
///
/// The annotations follow survminer's `ggsurvplot(pval = TRUE)`: a km
/// figure's p is the log-rank test rerun on the fit's data and formula (R
/// `survdiff`), a cuminc figure's is Gray's test of the cause drawn.
struct PlotFigure {
  enum Content {
    case curves(SurvivalPlotData)
    case forest(ForestPlotData)
    case zph(ZphPlotData)
    /// Several causes of a cuminc result, one panel each (`layout =
    /// "stacked"` or `"side"`; see `CumincCauses`).
    case panels([CumincCauses.Panel], PanelStack.Direction)
  }

  let content: Content
  /// The result's kind (`km`, `cox`), as messages name it.
  let kind: String
  /// The x-axis title when the script gives none (nil: the renderer's own).
  let xlab: String?
  /// The y-axis title and range when the script gives none (km `fun`).
  var ylab: String?
  var ylim: [Double]?
  /// The legend's title when the script gives none: the grouping column's
  /// label (`d:label("rx", "Treatment")`), for a km or cuminc fit grouped by one column.
  var legendTitle: String?

  /// The figure of the result whose handle is argument 1; `pvalue` and `hr`
  /// results arrive as their handles in arguments 3 and 4.
  init(_ handle: ResultHandle, call: KaplanCall) throws {
    kind = handle.kind
    switch (handle.kind, handle.value) {
    case ("km", let a as KaplanMeierAnalysis):
      let fun = try call.options.choice("fun", KmPlotFun.choices).apply(
        try Self.survival(a, dataset: handle.dataset, call: call), limits: try call.options.boolean("conf_int"))
      content = .curves(fun.data)
      (ylab, ylim) = (fun.ylab, fun.ylim)
      // The time column's variable label (read_sas, d:label) titles the x axis.
      xlab = handle.dataset?.dataset.attributes(of: a.formula.response.stop).label
      legendTitle = Self.groupLabel(a.formula, handle.dataset)
    case ("cuminc", let a as CompetingRisksAnalysis):
      let causes = try CumincCauses.requested(a, call: call)
      if causes.count == 1 {
        content = .curves(try Self.incidence(a, cause: causes[0], call: call))
      } else {
        content = try CumincCauses.content(a, causes: causes, call: call) { cause in
          try Self.incidence(a, cause: cause, call: call)
        }
      }
      // As for km: the time column's label titles the x axis, the group column's the legend.
      xlab = handle.dataset?.dataset.attributes(of: a.formula.response.stop).label
      legendTitle = Self.groupLabel(a.formula, handle.dataset)
    case ("cox", let a as CoxAnalysis):
      let f = a.fit
      content = .forest(try ForestLabels.apply(
        Self.forest(a.coefficients, hr: f.hazardRatios, lower: f.lower, upper: f.upper, p: f.p,
                    level: f.confidenceLevel), terms: a.coefficients, dataset: handle.dataset, call: call))
      xlab = nil
    case ("finegray", let a as FineGrayAnalysis):
      // A Fine–Gray model's forest plot shows subdistribution hazard ratios.
      let f = a.fit
      content = .forest(try ForestLabels.apply(
        Self.forest(a.terms, hr: f.hazardRatios, lower: f.lower, upper: f.upper, p: f.pValues,
                    level: f.confidenceLevel), terms: a.terms, dataset: handle.dataset, call: call))
      xlab = "Subdistribution hazard ratio"
    case ("cox_zph", let a as CoxZphAnalysis):
      content = .zph(ZphFigure.data(a))
      xlab = nil
    case ("survreg", let a as SurvregAnalysis):
      let figure = try SurvregFigure.data(a, call: call)
      content = .curves(figure.0)
      (ylab, ylim) = (figure.ylab, figure.ylim)
      xlab = nil
    case ("subgroups", let a as SubgroupAnalysis):
      // Subgrouping variables are titled by their column labels (d:label) where they have one.
      let labels = Dictionary(
        a.variables.compactMap { v in handle.dataset?.dataset.attributes(of: v.name).label.map { (v.name, $0) } },
        uniquingKeysWith: { first, _ in first })
      content = .forest(SubgroupFigure.data(a, labels: labels))
      xlab = nil
    case ("parametric_compare", let c as ParametricComparison):
      let (data, ylab, ylim) = try ParametricPlot.data(c, call: call)
      (content, xlab, self.ylab, self.ylim) = (.curves(data), nil, ylab, ylim)
    default:
      throw call.lua.argumentError(
        1, "km, cuminc, cox, finegray, cox_zph, subgroups or parametric_compare result expected, got a "
          + "\(handle.kind) result")
    }
  }

  // MARK: - Curves

  private static func survival(_ a: KaplanMeierAnalysis, dataset: LuaDataset?, call: KaplanCall) throws
    -> SurvivalPlotData
  {
    let series = zip(a.labels, a.curves).map { label, c in
      let median = c.median.median
      return SurvivalSeries(
        label: shortLabel(label), time: c.time, value: c.surv,
        lower: c.lower.count == c.time.count ? c.lower : nil, upper: c.upper.count == c.time.count ? c.upper : nil,
        nRisk: counts(c.nRisk), nEvent: counts(c.nEvent), nCensor: counts(c.nCensor),
        median: median.isNaN ? nil : median)
    }
    var pText: String?
    switch try call.options.value("pvalue") {
    case .boolean(true)?:
      guard a.curves.count >= 2 else { throw LuaError.runtime("plot: pvalue needs at least two groups") }
      guard let dataset else { throw LuaError.runtime("plot: pvalue: the fit has no dataset to test on") }
      let test: LogRankAnalysis
      do {
        test = try LogRankAnalysis(dataset: dataset.dataset, formula: a.formula)
      } catch {
        throw LuaError.runtime("plot: pvalue (the log-rank test of the fit): \(error)")
      }
      pText = "Log-rank " + formatP(test.test.p)
    case .table?:
      let given = try optionResult(call, "pvalue", argument: 3, expected: "true or a logrank() result")
      guard given.kind == "logrank", let test = given.value as? LogRankAnalysis else {
        throw call.lua.argumentError(
          2, "option 'pvalue' must be true or a logrank() result for a km plot, got a \(given.kind) result")
      }
      pText = testName(test.options) + " " + formatP(test.test.p)
    default:
      pText = nil
    }
    return SurvivalPlotData(kind: .survival, series: series, pValueText: pText,
                            hazardRatioText: try hazardRatioText(call))
  }

  /// The legend title of a fit grouped by one column: its label, if any.
  private static func groupLabel(_ formula: Formula, _ dataset: LuaDataset?) -> String? {
    guard let dataset, formula.strata.isEmpty, formula.terms.count == 1, formula.terms[0].variables.count == 1 else {
      return nil
    }
    return dataset.dataset.attributes(of: formula.terms[0].variables[0].column).label
  }

  static func incidence(_ a: CompetingRisksAnalysis, cause: String, call: KaplanCall) throws -> SurvivalPlotData {
    let curves = a.curves.filter { $0.cause == cause }
    let series = curves.map { c in
      SurvivalSeries(
        label: shortLabel(c.group ?? "all"), time: c.time, value: c.estimate,
        lower: c.lower.count == c.time.count ? c.lower : nil, upper: c.upper.count == c.time.count ? c.upper : nil,
        nRisk: c.nRisk, nEvent: c.nEvent, nCensor: c.nCensor)
    }
    func gray(_ result: CompetingRisksAnalysis) -> CompetingRisksAnalysis.Test? {
      result.tests?.first { $0.cause == cause }
    }
    var pText: String?
    switch try call.options.value("pvalue") {
    case .boolean(true)?:
      guard let test = gray(a) else { throw LuaError.runtime("plot: pvalue needs two or more groups (Gray's test)") }
      pText = "Gray's test " + formatP(test.p)
    case .table?:
      let given = try optionResult(call, "pvalue", argument: 3, expected: "true or a cuminc() result")
      guard given.kind == "cuminc", let other = given.value as? CompetingRisksAnalysis else {
        throw call.lua.argumentError(
          2, "option 'pvalue' must be true or a cuminc() result for a cuminc plot, got a \(given.kind) result")
      }
      guard let test = gray(other) else {
        throw call.lua.argumentError(2, "option 'pvalue': the cuminc result has no Gray's test of cause '\(cause)'")
      }
      pText = "Gray's test " + formatP(test.p)
    default:
      pText = nil
    }
    return SurvivalPlotData(kind: .incidence, series: series, pValueText: pText,
                            hazardRatioText: try hazardRatioText(call))
  }

  /// "HR 0.58 (95% CI 0.38–0.88)": the first term of the Cox model given as `hr`.
  private static func hazardRatioText(_ call: KaplanCall) throws -> String? {
    guard call.options.has("hr") else { return nil }
    let given = try optionResult(call, "hr", argument: 4, expected: "a cox() result")
    guard given.kind == "cox", let model = given.value as? CoxAnalysis else {
      throw call.lua.argumentError(2, "option 'hr' must be a cox() result, got a \(given.kind) result")
    }
    let f = model.fit
    guard !f.hazardRatios.isEmpty, f.lower.count == f.hazardRatios.count, f.upper.count == f.hazardRatios.count else {
      throw LuaError.runtime("plot: hr: the Cox model has no terms")
    }
    // The level as the printout gives it (format.lua's level_text): 95%, 97.5%, 99.9%.
    let percent = f.confidenceLevel * 100
    let whole = abs(percent - percent.rounded()) < 1e-9 && abs(percent) < 1e6
    let level = whole ? String(Int(percent)) : String(format: "%g", percent)
    let hr = String(format: "%.2f", f.hazardRatios[0])
    return "HR \(hr) (\(level)% CI " + String(format: "%.2f–%.2f", f.lower[0], f.upper[0]) + ")"
  }

  /// The handle of a result given as option `key` (the stdlib passes it as
  /// argument `argument`); a table without one is not a Kaplan result.
  private static func optionResult(_ call: KaplanCall, _ key: String, argument: Int, expected: String) throws
    -> ResultHandle
  {
    guard !call.lua.isNil(argument), call.lua.isObject(argument, of: ResultHandle.self) else {
      throw call.lua.argumentError(2, "option '\(key)' must be \(expected), got a table not made by a Kaplan function")
    }
    return try call.lua.object(argument, as: ResultHandle.self)
  }

  // MARK: - Forest

  /// One row per coefficient; a factor's reference level gets a row of its
  /// own above its first level, and its levels are grouped under the
  /// variable (numeric terms and interactions stand alone under their name).
  private static func forest(_ labels: [CoefficientLabel], hr: [Double], lower: [Double], upper: [Double],
                             p: [Double], level: Double) -> ForestPlotData {
    var rows: [ForestRow] = []
    var seen: Set<String> = []
    for (j, label) in labels.enumerated() {
      if let reference = label.referenceLevel, !seen.contains(label.variable) {
        seen.insert(label.variable)
        rows.append(.reference(variable: label.variable, label: reference))
      }
      func at(_ xs: [Double]) -> Double? { j < xs.count && !xs[j].isNaN ? xs[j] : nil }
      rows.append(ForestRow(
        variable: label.level == nil ? nil : label.variable, label: label.level ?? label.name,
        hazardRatio: at(hr), lower: at(lower), upper: at(upper), pValue: at(p)))
    }
    return ForestPlotData(rows: rows, confidenceLevel: level)
  }

  // MARK: - Text

  /// "p = 0.0042", "p < 0.001", as trial reports print p-values.
  static func formatP(_ p: Double) -> String {
    if p.isNaN { return "p = NA" }
    if p < 0.001 { return "p < 0.001" }
    if p < 0.01 { return String(format: "p = %.4f", p) }
    return String(format: "p = %.3f", p)
  }

  /// The test's name as the annotation gives it (R `survdiff(rho =)`).
  private static func testName(_ o: LogRankOptions) -> String {
    switch (o.rho, o.gamma) {
    case (0, 0): return "Log-rank"
    case (1, 0): return "Peto–Peto"
    default: return "Fleming–Harrington"
    }
  }

  /// A group's label without "var=" when one variable defines the groups
  /// (`sex=1` → `1`; `rx=Obs, strata(sex)=sex=0` is kept).
  static func shortLabel(_ label: String) -> String {
    if label.contains(",") { return label }
    guard let equals = label.firstIndex(of: "="), equals != label.startIndex else { return label }
    return String(label[label.index(after: equals)...])
  }

  /// A cause given as a number names the cause as cuminc labels codes
  /// (`1` → "1"; `1.5` → "1.5", as Lua's tostring).
  static func causeName(_ x: Double) -> String {
    if x.isFinite, x == x.rounded(), abs(x) < 9e15 { return String(Int64(x)) }
    return String(format: "%.14g", x)
  }

  /// Counts for the risk table: the (possibly weighted) counts of a fit,
  /// whole numbers of subjects (a fractional weight sum is truncated, as the
  /// risk table prints whole subjects).
  private static func counts(_ xs: [Double]) -> [Int] {
    xs.map { x in x.isFinite && abs(x) < 9e15 ? Int(x.rounded(.towardZero)) : 0 }
  }
}
