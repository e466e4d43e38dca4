import Foundation
import LuaHost
import Plots

/// The Swift half of `plot()`: decodes a plot spec built by
/// `stdlib/kaplan/plots.lua` from a result (Kaplan–Meier fit, cumulative
/// incidence, Cox model) and renders it to a file or a terminal preview.
///
/// Spec of a survival/incidence figure: `{kind = "survival"|"incidence",
/// pvalue_text, hr_text, series = {{label, time, value, lower, upper,
/// n_risk, n_event, n_censor, median}, ...}}`. Forest: `{rows = {{variable,
/// label, hr, lower, upper, p, reference}, ...}, title, conf_level}`.
struct PlotLibrary: KaplanLibrary {
  let name = "plots"

  /// The `plot` options rendered in Swift (the Lua side handles `file`,
  /// `pvalue`, `hr`, `cause` and `color`).
  static let renderOptions = [
    "title", "xlab", "ylab", "xlim", "ylim", "breaks", "percent", "width", "height", "font_size",
    "labels", "colors", "conf_int", "censor_marks", "risk_table", "cumulative_events",
    "cumulative_censored", "median_lines", "legend",
  ]

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(internals: try installInternals(in: runtime))
  }

  func installInternals(in runtime: KaplanRuntime) throws -> [(String, LuaValue)] {
    let lua = runtime.lua
    let policy = runtime.policy
    return [
      // survival(spec, opts, file?, preview_color?) -> path written, or the preview text
      ("survival", lua.function("plot") { call in
        let spec = try call.table(1)
        let options = try plotOptions(try call.optionalTable(2), call: call)
        let data = try survivalData(spec, call: call)
        return try render(call: call, policy: policy, fileArgument: 3) {
          try SurvivalPlot(data, options: options).svg()
        } preview: { color in
          try TerminalPreview.render(data, options: options, color: color)
        }
      }),
      ("forest", lua.function("plot") { call in
        let spec = try call.table(1)
        let options = try plotOptions(try call.optionalTable(2), call: call)
        let data = try forestData(spec, call: call)
        return try render(call: call, policy: policy, fileArgument: 3) {
          try ForestPlot(data, options: options).svg()
        } preview: { _ in
          throw LuaError.runtime("plot: forest plots have no terminal preview; give {file = \"forest.svg\"}")
        }
      }),
      ("options", .strings(PlotLibrary.renderOptions)),
    ]
  }
}

/// Writes the SVG (or PNG/PDF) to the sandbox-checked file, or returns the
/// terminal preview when no file is given.
private func render(call: LuaCall, policy: SandboxPolicy, fileArgument: Int,
                    svg: () throws -> String, preview: (Bool) throws -> String) throws -> [LuaValue] {
  do {
    if let file = try call.optionalString(fileArgument) {
      let path = try policy.checkWrite(file)
      try PlotFile().write(svg: try svg(), to: path)
      return [.string(path)]
    }
    let color = try call.optionalBoolean(fileArgument + 1) ?? true
    return [.string(try preview(color))]
  } catch let error as PlotError {
    throw LuaError.runtime("plot: \(error)")
  }
}

private func numbers(_ value: LuaValue?, _ what: String, call: LuaCall) throws -> [Double]? {
  guard let value, value != .nil else { return nil }
  switch value {
  case .table(let t): return t.array.map { $0.doubleValue ?? .nan }
  default: throw LuaError.runtime("plot: \(what) must be an array of numbers, got \(value.typeName)")
  }
}

private func survivalData(_ spec: LuaTable, call: LuaCall) throws -> SurvivalPlotData {
  let kind: SurvivalPlotData.Kind = spec["kind"]?.stringValue == "incidence" ? .incidence : .survival
  guard case .table(let list)? = spec["series"], !list.array.isEmpty else {
    throw LuaError.runtime("plot: the result has no curves to draw")
  }
  let series = try list.array.enumerated().map { i, item -> SurvivalSeries in
    guard case .table(let s) = item else { throw LuaError.runtime("plot: series \(i + 1) is not a table") }
    let label = s["label"]?.stringValue ?? "group \(i + 1)"
    let time = try numbers(s["time"], "time", call: call) ?? []
    let value = try numbers(s["value"], "value", call: call) ?? []
    func counts(_ key: String) throws -> [Int] {
      // Counts come from a result table a script may have changed: a value
      // Int(_:) cannot hold is an error, not a trap.
      try (try numbers(s[key], key, call: call) ?? Array(repeating: 0, count: time.count)).map { x in
        guard x.isFinite else { return 0 }
        guard let n = Int(exactly: x.rounded(.towardZero)), abs(n) < 1 << 53 else {
          throw LuaError.runtime("plot: series '\(label)': \(key) holds \(x), not a count")
        }
        return n
      }
    }
    guard value.count == time.count else {
      throw LuaError.runtime("plot: series '\(label)' has \(time.count) times but \(value.count) values")
    }
    return SurvivalSeries(
      label: label, time: time, value: value,
      lower: try numbers(s["lower"], "lower", call: call), upper: try numbers(s["upper"], "upper", call: call),
      nRisk: try counts("n_risk"), nEvent: try counts("n_event"), nCensor: try counts("n_censor"),
      median: s["median"]?.doubleValue)
  }
  return SurvivalPlotData(kind: kind, series: series, pValueText: spec["pvalue_text"]?.stringValue,
                          hazardRatioText: spec["hr_text"]?.stringValue)
}

private func forestData(_ spec: LuaTable, call: LuaCall) throws -> ForestPlotData {
  guard case .table(let list)? = spec["rows"], !list.array.isEmpty else {
    throw LuaError.runtime("plot: the model has no terms to draw")
  }
  let rows = list.array.compactMap { item -> ForestRow? in
    guard case .table(let r) = item else { return nil }
    if r["reference"] == .boolean(true) {
      return .reference(variable: r["variable"]?.stringValue, label: r["label"]?.stringValue ?? "")
    }
    return ForestRow(variable: r["variable"]?.stringValue, label: r["label"]?.stringValue ?? "",
                     hazardRatio: r["hr"]?.doubleValue, lower: r["lower"]?.doubleValue,
                     upper: r["upper"]?.doubleValue, pValue: r["p"]?.doubleValue)
  }
  return ForestPlotData(rows: rows, title: spec["title"]?.stringValue,
                        confidenceLevel: spec["conf_level"]?.doubleValue ?? 0.95)
}

/// `plot` options from Lua: unknown keys and wrong types are argument
/// errors; values are then checked by `PlotOptions.validate()`.
private func plotOptions(_ table: LuaTable?, call: LuaCall) throws -> PlotOptions {
  var o = PlotOptions()
  guard let table else { return o }
  for (key, value) in table.fields {
    func wrong(_ what: String) -> LuaError {
      LuaError.runtime("plot: option '\(key)' must be \(what), got \(value.typeName)")
    }
    func number() throws -> Double { guard let x = value.doubleValue else { throw wrong("a number") }; return x }
    func bool() throws -> Bool { guard case .boolean(let b) = value else { throw wrong("a boolean") }; return b }
    func text() throws -> String { guard let s = value.stringValue else { throw wrong("a string") }; return s }
    func pair() throws -> [Double] {
      guard case .table(let t) = value, t.array.count == 2, let a = t.array[0].doubleValue, let b = t.array[1].doubleValue
      else { throw wrong("a pair of numbers {from, to}") }
      return [a, b]
    }
    func strings() throws -> [String] {
      guard case .table(let t) = value else { throw wrong("an array of strings") }
      return try t.array.map { guard let s = $0.stringValue else { throw wrong("an array of strings") }; return s }
    }
    switch key {
    case "title": o.title = try text()
    case "xlab": o.xlab = try text()
    case "ylab": o.ylab = try text()
    case "xlim": o.xlim = try pair()
    case "ylim": o.ylim = try pair()
    case "breaks": o.breaks = try number()
    case "percent": o.percent = try bool()
    case "width": o.width = try number()
    case "height": o.height = try number()
    case "font_size": o.fontSize = try number()
    case "labels": o.labels = try strings()
    case "colors": o.colors = try strings()
    case "conf_int": o.confInt = try bool()
    case "censor_marks": o.censorMarks = try bool()
    case "risk_table": o.riskTable = try bool()
    case "cumulative_events": o.cumulativeEvents = try bool()
    case "cumulative_censored": o.cumulativeCensored = try bool()
    case "median_lines": o.medianLines = try bool()
    case "legend": o.legend = try bool()
    default:
      throw LuaError.runtime(
        "plot: unknown option '\(key)' (options: file, pvalue, hr, cause, color, \(PlotLibrary.renderOptions.joined(separator: ", ")))")
    }
  }
  do { try o.validate() } catch { throw LuaError.runtime("plot: \(error)") }
  return o
}
