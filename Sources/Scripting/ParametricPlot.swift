import Analysis
import Foundation
import LuaHost
import Plots
import RunControl
import Survival

/// The figure of a `parametric_compare()` result: every model's sample-average
/// fitted survival (or population hazard, `type = "hazard"`) from 0 to the
/// horizon, over the Kaplan–Meier curve of the same response with its risk
/// table (`km = true`), as the visual check of NICE DSU TSD 14. Each fitted
/// curve is drawn as a step function on 500 points, which renders as a smooth
/// line; only the Kaplan–Meier series has a risk table and censor marks.
enum ParametricPlot {
  static let points = 500

  /// Refuses the options of the parametric figures (`SurvregFigure.options`) on other figures.
  static func checkApplies(kind: String, _ options: OptionValues, call: KaplanCall) throws {
    for key in SurvregFigure.sharedKeys.sorted() where options.has(key) {
      guard kind != "parametric_compare" && kind != "survreg" else { continue }
      throw call.lua.argumentError(
        2, "option '\(key)' applies to survreg and parametric_compare results only, not to a \(kind) result")
    }
    for key in SurvregFigure.keys.sorted() where options.has(key) && kind == "parametric_compare" {
      throw call.lua.argumentError(2, "option '\(key)' applies to survreg models only, not to a \(kind) result")
    }
  }

  static func data(_ c: ParametricComparison, call: KaplanCall) throws -> (SurvivalPlotData, String?, [Double]?) {
    if try call.options.optionalString("type") == "cumhaz" {
      throw call.lua.argumentError(2, "option 'type' of a parametric_compare figure is \"survival\" or \"hazard\"")
    }
    let hazard = try call.options.choice("type", [("survival", false), ("hazard", true)])
    let km = try call.options.optionalBoolean("km") ?? true
    let withKM = km && !hazard
    if hazard && call.options.has("km") && km {
      throw call.lua.argumentError(2, "option 'km' draws the Kaplan–Meier survival; it is not for type = \"hazard\"")
    }
    let response = c.formula.text.split(separator: "~", maxSplits: 1).first.map(String.init) ?? ""
    let kmFit = try KaplanMeierAnalysis(dataset: c.dataset, formula: try Formula(parsing: response + "~ 1"))
    let lastTime = kmFit.curves.compactMap(\.time.last).max() ?? 1
    let horizon = try call.options.optionalNumber("horizon") ?? lastTime
    var grid = (0...points).map { horizon * Double($0) / Double(points) }
    var series: [SurvivalSeries] = []
    if withKM, let curve = kmFit.curves.first {
      func counts(_ xs: [Double]) -> [Int] { xs.map { Int($0.rounded()) } }
      series.append(SurvivalSeries(
        label: "Kaplan–Meier", time: curve.time, value: curve.surv,
        lower: curve.lower.count == curve.time.count ? curve.lower : nil,
        upper: curve.upper.count == curve.time.count ? curve.upper : nil,
        nRisk: counts(curve.nRisk), nEvent: counts(curve.nEvent), nCensor: counts(curve.nCensor)))
    }
    var top = 0.0
    for index in c.entries.indices {
      try Cancellation.check()
      var values: [Double]
      if hazard {
        // h(0) may be infinite: the curve starts at the first grid point's value.
        grid[0] = horizon / Double(points) / 2
        values = try c.curve(index, times: grid, hazard: true)
        top = max(top, values.filter(\.isFinite).max() ?? 0)
      } else {
        values = try c.curve(index, times: grid, hazard: false)
      }
      var times = grid
      times[0] = 0
      // A family whose value overflows far out (a hazard beyond double range) is drawn up to there.
      let label = c.entries[index].distribution.label
      guard
        let end = FiniteCurvePrefix.drawnCount(
          label: label, times: times, count: values.count, isFinite: { [values] in values[$0].isFinite })
      else { continue }
      values.removeSubrange(end...)
      times.removeSubrange(end...)
      let zeros = [Int](repeating: 0, count: times.count)
      series.append(SurvivalSeries(
        label: label, time: times, value: values, nRisk: zeros, nEvent: zeros,
        nCensor: zeros, censorMarks: [], median: .infinity))
    }
    var data = SurvivalPlotData(kind: hazard ? .incidence : .survival, series: series)
    if withKM {
      data.tableSeries = [0]
    }
    if hazard { return (data, "Hazard", [0, top > 0 ? top * 1.05 : 1]) }
    return (data, nil, nil)
  }
}

extension ParametricPlot {
  /// Without the Kaplan–Meier curve there is no risk table; fitted curves have no median guides.
  static func adjust(_ options: inout PlotOptions, _ given: OptionValues) throws {
    let asked = try given.optionalBoolean("km") ?? true
    let type = try given.optionalString("type") ?? "survival"
    let km = asked && type == "survival"
    if !km && !given.has("risk_table") { options.riskTable = false }
    if !km && !given.has("cumulative_events") { options.cumulativeEvents = false }
    if !km && !given.has("cumulative_censored") { options.cumulativeCensored = false }
    if !given.has("median_lines") { options.medianLines = false }
  }
}
