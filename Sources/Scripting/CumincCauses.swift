import Analysis
import LuaHost
import Plots

/// Several causes of a `cuminc` result in one figure (`plot(ci, {cause =
/// {1, 2}})`, `causes = "all"`): one panel per cause, stacked vertically
/// (`layout = "stacked"`, the default) or side by side (`"side"`), or every
/// cause in one panel (`"overlay"`), where a group keeps its colour and each
/// cause has its own line type, and the legend names both ("Obs, cause 1").
/// In the overlay the risk table has one row per group: the number at risk
/// is the number still free of every cause, the same for each cause.
enum CumincCauses {
  struct Panel {
    var title: String
    var data: SurvivalPlotData
  }

  /// The causes the options ask for, in the order given (`causes = "all"`:
  /// the result's order); each must be a cause of the result.
  static func requested(_ a: CompetingRisksAnalysis, call: KaplanCall) throws -> [String] {
    let o = call.options
    if o.has("cause") && o.has("causes") {
      throw call.lua.argumentError(2, "options 'cause' and 'causes' both choose the causes; give one")
    }
    let key = o.has("causes") ? "causes" : "cause"
    var names: [String]
    switch try o.value(key) {
    case nil: names = [a.causes.first ?? ""]
    case .string("all")? where key == "causes": names = a.causes
    case .table(let t)?:
      guard t.fields.isEmpty, !t.array.isEmpty else {
        throw call.lua.argumentError(2, "option '\(key)' must be an array of causes such as {1, 2}, got a table "
          + (t.array.isEmpty && t.fields.isEmpty ? "that is empty" : "with keys"))
      }
      names = try t.array.map { v in
        guard let name = causeName(v) else {
          throw call.lua.argumentError(
            2, "option '\(key)' must list causes (numbers or strings), got \(OptionValues.shown(v)) in the list")
        }
        return name
      }
    case let v?:
      guard let name = causeName(v) else {
        throw call.lua.argumentError(2, "option '\(key)' must be a cause, got \(OptionValues.shown(v))")
      }
      names = [name]
    }
    let known = a.causes.map { "\"\($0)\"" }.joined(separator: ", ")
    var seen: Set<String> = []
    for name in names {
      guard a.causes.contains(name) else {
        throw call.lua.argumentError(
          2, "option '\(key)' must be a cause of the result (\(known)), got \(OptionValues.shown(.string(name)))")
      }
      guard seen.insert(name).inserted else {
        throw call.lua.argumentError(2, "option '\(key)' lists cause \"\(name)\" twice")
      }
    }
    if names.count == 1 && o.has("layout") {
      throw call.lua.argumentError(2, "option 'layout' applies to several causes (cause = {1, 2}), got one cause")
    }
    return names
  }

  private static func causeName(_ v: LuaValue) -> String? {
    if v.typeName == "number", let x = v.doubleValue { return PlotFigure.causeName(x) }
    if v.typeName == "string" { return v.stringValue }
    return nil
  }

  /// The figure of several causes; `one` draws a single cause's curves.
  static func content(
    _ a: CompetingRisksAnalysis, causes: [String], call: KaplanCall, one: (String) throws -> SurvivalPlotData
  ) throws -> PlotFigure.Content {
    let perCause = try causes.map { try one($0) }
    switch try call.options.string("layout") {
    case "overlay": return .curves(overlay(perCause, causes: causes, call: call))
    case "side": return .panels(panels(perCause, causes: causes), .horizontal)
    default: return .panels(panels(perCause, causes: causes), .vertical)
    }
  }

  private static func panels(_ data: [SurvivalPlotData], causes: [String]) -> [Panel] {
    zip(causes, data).map { Panel(title: "Cause \($0)", data: $1) }
  }

  /// Every cause in one panel: series cause by cause, group by group.
  private static func overlay(_ data: [SurvivalPlotData], causes: [String], call: KaplanCall) -> SurvivalPlotData {
    var series: [SurvivalSeries] = []
    var colorIndex: [Int] = []
    var lineIndex: [Int] = []
    let groups = data.first?.series.count ?? 0
    for (c, d) in data.enumerated() {
      for (g, s) in d.series.enumerated() {
        var s = s
        s.label = groups == 1 && s.label == "all" ? "Cause \(causes[c])" : "\(s.label), cause \(causes[c])"
        series.append(s)
        colorIndex.append(groups == 1 ? c : g)  // one group: a colour per cause as well
        lineIndex.append(c)
      }
    }
    // "Gray's test: cause 1 p = 0.019, cause 2 p = 0.078".
    let notes = zip(causes, data).compactMap { cause, d in
      d.pValueText.map { "cause \(cause) " + ($0.hasPrefix("Gray's test ") ? String($0.dropFirst(12)) : $0) }
    }
    var out = SurvivalPlotData(
      kind: .incidence, series: series,
      pValueText: notes.isEmpty ? nil : "Gray's test: " + notes.joined(separator: ", "),
      hazardRatioText: data.first?.hazardRatioText)
    out.colorIndex = colorIndex
    out.lineIndex = lineIndex
    out.tableSeries = Array(0..<groups)
    out.tableLabels = data.first?.series.map(\.label)
    return out
  }
}
