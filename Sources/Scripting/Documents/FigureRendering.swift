import LuaHost
import Plots

/// `figure(result [, opts])`: the SVG of what `plot()` draws for a result,
/// built the same way (`PlotFigure` from the handle, `PlotLibrary`'s option
/// reading and renderers), kept in memory for a document instead of
/// written to a file. Its options are plot's, without `file` and `color`
/// (a figure is never a terminal preview), plus `caption`.
enum FigureRendering {
  /// plot's keys that a figure does not take.
  static let plotOnlyKeys: Set<String> = ["file", "color"]

  static let options: [OptionSpec] =
    PlotLibrary.options.filter { !plotOnlyKeys.contains($0.key) } + [
      OptionSpec("caption", .string, defaultText: "none",
                 doc: "text above the figure in a document (\"Figure 2. Overall survival by arm\")"),
    ]

  /// Keys that only the curves (km, cuminc) draw, as `plot()` refuses them for forest and zph figures.
  private static let forestKeys: Set<String> = ["title", "xlab", "xlim", "width", "height", "font_size", "colors",
                                                "caption"]

  static func figure(_ call: KaplanCall) throws -> FigureValue {
    let handle = try call.lua.object(1, as: ResultHandle.self)
    var options = try PlotLibrary.plotOptions(call.options)
    let figure = try PlotFigure(handle, call: call)
    if options.ylab == nil { options.ylab = figure.ylab }
    if options.ylim == nil { options.ylim = figure.ylim }
    try checkApplies(figure, call: call)
    let caption = try call.options.optionalString("caption")
    do {
      switch figure.content {
      case .curves(let data):
        if options.xlab == nil { options.xlab = figure.xlab }
        if data.logTime {
          // As plot(): a log time axis has no risk table or median guides unless asked for.
          let given = call.options
          if !given.has("risk_table") { options.riskTable = false }
          if !given.has("cumulative_events") { options.cumulativeEvents = false }
          if !given.has("cumulative_censored") { options.cumulativeCensored = false }
          if !given.has("median_lines") { options.medianLines = false }
        }
        let svg = try SurvivalPlot(data, options: options).svg()
        return FigureValue(svg: svg, caption: caption, description: "\(figure.kind) curves")
      case .forest(let data):
        if options.xlab == nil { options.xlab = figure.xlab }
        let svg = try ForestPlot(data, options: options).svg()
        return FigureValue(svg: svg, caption: caption, description: "forest plot of a \(figure.kind) result")
      case .zph(let data):
        let svg = try ZphPlot(data, options: options).svg()
        return FigureValue(svg: svg, caption: caption, description: "Schoenfeld residuals of a cox_zph result")
      }
    } catch PlotError.invalidOption(let key, let message) {
      throw call.lua.argumentError(2, PlotLibrary.optionMessage(key: key, message))
    }
  }

  /// plot()'s checks of options that do not apply to this figure, worded as
  /// plot words them (the terminal-preview checks do not arise here).
  private static func checkApplies(_ figure: PlotFigure, call: KaplanCall) throws {
    let options = call.options
    func refuse(_ key: String, _ why: String) -> LuaError { call.lua.argumentError(2, "option '\(key)' \(why)") }
    switch figure.content {
    case .curves:
      if options.has("fun") && figure.kind != "km" {
        throw refuse("fun", "applies to km results only, not to a \(figure.kind) result")
      }
      if options.has("cause") && figure.kind != "cuminc" {
        throw refuse("cause", "applies to cuminc results only, not to a \(figure.kind) result")
      }
    case .forest:
      for key in Self.options.map(\.key) where !forestKeys.contains(key) && options.has(key) {
        throw refuse(key, "applies to curves (km, cuminc), not to the forest plot of a \(figure.kind) model")
      }
    case .zph:
      for key in Self.options.map(\.key) where !forestKeys.contains(key) && options.has(key) {
        throw refuse(key, "applies to curves (km, cuminc), not to the figure of a cox_zph result")
      }
    }
  }
}
