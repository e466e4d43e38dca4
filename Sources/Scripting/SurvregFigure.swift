import Analysis
import Datasets
import Foundation
import LuaHost
import Plots
import RunControl
import Survival

/// `plot(m, {newdata =, type =, km = true, horizon =})` of a survreg model:
/// the fitted curve of each row of newdata (or of the fitted rows' average)
/// on a grid of 400 steps from 0 to the horizon, with its pointwise
/// delta-method band (`SurvregAnalysis.predictCurves`), over the
/// Kaplan–Meier curve of the fitted data and its number-at-risk table, as
/// flexsurv's `plot.flexsurvreg` and the extrapolation figures of NICE DSU
/// TSD 14 show them. The horizon may lie beyond follow-up (extrapolation).
enum SurvregFigure {
  static let types: [(String, SurvregCurveType)] = [
    ("survival", .survival), ("cumhaz", .cumhaz), ("hazard", .hazard),
  ]
  static let gridSteps = 400

  /// The options of plot() for a parametric model's curves (in PlotLibrary.options): a survreg model's, and
  /// (type, km, horizon) a parametric_compare result's, which `ParametricPlot` reads.
  static let options: [OptionSpec] = [
    OptionSpec("newdata", .datasetValue, defaultText: "the fitted rows, averaged",
               doc: "survreg only: covariate profiles, one fitted curve each"),
    OptionSpec.choice("type", types.map { ($0.0, $0.0) }, default: "survival",
                      doc: "survreg and parametric_compare: \"survival\", \"cumhaz\" (survreg only) or \"hazard\""),
    OptionSpec("km", .boolean, defaultText: "true for parametric_compare, false for survreg",
               doc: "survreg and parametric_compare: draw the Kaplan–Meier curve of the fitted data, with its risk "
                 + "table"),
    OptionSpec("horizon", .number(.positive), defaultText: "the last observed time",
               doc: "survreg and parametric_compare: draw the fitted curves from 0 to this time (beyond follow-up: "
                 + "extrapolation)"),
    OptionSpec("average", .boolean, default: .boolean(false),
               doc: "survreg only: one curve, the average over the rows of newdata (as flexsurv's standsurv)"),
  ]

  /// The keys only a survreg figure reads.
  static let keys: Set<String> = ["newdata", "average"]
  /// The keys a survreg and a parametric_compare figure read.
  static let sharedKeys: Set<String> = ["type", "km", "horizon"]

  static func data(_ a: SurvregAnalysis, call: KaplanCall) throws -> (SurvivalPlotData, ylab: String, ylim: [Double]) {
    let o = call.options
    let type = try o.choice("type", types)
    var newdata: Dataset?
    if case .object(let d as LuaDataset)? = try o.value("newdata") { newdata = d.dataset }
    let average = try o.boolean("average") || newdata == nil
    let km = try o.optionalBoolean("km") ?? false
    if km && type == .hazard {
      throw call.lua.argumentError(2, "option 'km' draws the Kaplan–Meier curve: for type \"survival\" or \"cumhaz\"")
    }
    let observed = observedTimes(a)
    let horizon = try o.optionalNumber("horizon") ?? (observed.time.max() ?? 1)
    // The hazard of a log-time family may be 0 or infinite at 0: its grid starts one step in.
    let first = type == .hazard ? horizon / Double(gridSteps) : 0
    let grid = (0...gridSteps).map { first + (horizon - first) * Double($0) / Double(gridSteps) }
    var request = SurvregCurveRequest(type: type, times: grid)
    request.average = average
    request.confidenceLevel = a.options.confidenceLevel
    let curves: SurvregCurvePrediction
    do {
      curves = try a.predictCurves(newdata: newdata, request)
    } catch let error as ModelFrameError {
      throw call.lua.argumentError(2, "option 'newdata': " + error.message)
    }
    let labels = average ? ["Fitted (average)"] : try profileLabels(a, newdata, count: curves.profiles)
    var series: [SurvivalSeries] = []
    for r in 0..<curves.profiles {
      let range = (r * grid.count)..<((r + 1) * grid.count)
      // Far beyond follow-up a hazard can overflow, or S underflow everywhere (the average's 0/0):
      // the curve is drawn up to the first value that is not finite, with a warning.
      let start = range.lowerBound
      guard
        let end = FiniteCurvePrefix.drawnCount(label: labels[r], times: grid, count: grid.count, isFinite: { i in
          curves.fit[start + i].isFinite && curves.lower[start + i].isFinite && curves.upper[start + i].isFinite
        })
      else { continue }
      let kept = range.lowerBound..<(range.lowerBound + end)
      let counts = [Int](repeating: 0, count: end)
      series.append(SurvivalSeries(
        label: labels[r], time: Array(grid[0..<end]), value: Array(curves.fit[kept]), lower: Array(curves.lower[kept]),
        upper: Array(curves.upper[kept]), nRisk: counts, nEvent: counts, nCensor: counts, censorMarks: []))
    }
    var tableSeries: [Int]?
    if km {
      guard observed.rightCensored else {
        throw call.lua.argumentError(2, "option 'km' needs right-censored data (the model has left- or "
          + "interval-censored rows)")
      }
      let fit = try KaplanMeier.fit(time: observed.time, event: observed.event, weights: a.fittedData.weights)
      guard let c = fit.curves.first else { throw LuaError.runtime("plot: no Kaplan–Meier curve") }
      func counts(_ xs: [Double]) -> [Int] { xs.map { $0.isFinite && abs($0) < 9e15 ? Int($0) : 0 } }
      let value = type == .cumhaz ? c.surv.map { -log($0) } : c.surv
      series.append(SurvivalSeries(
        label: "Kaplan–Meier", time: c.time, value: value, nRisk: counts(c.nRisk), nEvent: counts(c.nEvent),
        nCensor: counts(c.nCensor)))
      tableSeries = [series.count - 1]
    }
    var data = SurvivalPlotData(kind: type == .survival ? .survival : .incidence, series: series)
    data.tableSeries = tableSeries
    let ylab: String
    var ylim = [0.0, 1.0]
    switch type {
    case .survival: ylab = "Survival probability"
    case .cumhaz: ylab = "Cumulative hazard"
    default: ylab = "Hazard"
    }
    if type != .survival {
      let top = series.flatMap { ($0.upper ?? []) + $0.value }.filter { $0.isFinite }.max() ?? 1
      ylim = [0, top > 0 ? top * 1.05 : 1]
    }
    return (data, ylab, ylim)
  }

  /// The fitted rows' times on the time scale, events, and whether every row is right-censored or exact.
  static func observedTimes(_ a: SurvregAnalysis) -> (time: [Double], event: [Double], rightCensored: Bool) {
    let d = a.fittedData
    let logTime = a.distribution.isLogTime
    let time = d.y1.map { logTime ? exp($0) : $0 }
    let event = d.status.map { $0 == .exact ? 1.0 : 0.0 }
    return (time, event, d.status.allSatisfy { $0 == .exact || $0 == .right })
  }

  /// "age=62, sex=1": the model's covariates of each row of newdata.
  static func profileLabels(_ a: SurvregAnalysis, _ newdata: Dataset?, count: Int) throws -> [String] {
    guard let newdata else { return (1...max(1, count)).map { "Row \($0)" } }
    let names = a.formula.terms.flatMap { $0.variables.map(\.column) }
    var seen: [String] = []
    for n in names where !seen.contains(n) && newdata[n] != nil { seen.append(n) }
    return (0..<count).map { r in
      seen.isEmpty ? "Row \(r + 1)" : seen.map { n in "\(n)=\(newdata[n].map { text($0, r) } ?? "NA")" }
        .joined(separator: ", ")
    }
  }

  /// A covariate's value as a legend shows it ("62", "0.5", "Large").
  static func text(_ column: Column, _ r: Int) -> String {
    if column.isMissing(r) { return "NA" }
    switch column {
    case .factor(let codes, let levels): return levels[Int(codes[r])]
    case .bool(let b): return b[r] == 1 ? "true" : "false"
    default:
      let x = column.asDoubles()[r]
      return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%g", x)
    }
  }
}
