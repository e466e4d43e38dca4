import LuaHost
import Plots

/// `figure(result [, opts])`: the SVG of what `plot(result, opts)` writes to
/// a file, kept in memory for a document. Its options are plot's without
/// `file` and `color` (a figure is never a terminal preview), plus
/// `caption`.
///
/// The body reads the options as plot reads them: the script's table
/// (without `caption`, with a `file` of the document's) is parsed again
/// with plot's own schema, then plot's own reading (`plotOptions`) and
/// checks (`checkApplies`) run on it, so figure() accepts and refuses what
/// plot(x, {file = ...}) does. What stays here is plot's file branch:
/// defaults taken from the figure, then the renderer of each content.
enum FigureRendering {
  /// plot's keys that a figure does not take (terminal preview only, or the file itself).
  static let plotOnlyKeys: Set<String> = ["file", "color", "term_width"]

  static let options: [OptionSpec] =
    PlotLibrary.options.filter { !plotOnlyKeys.contains($0.key) } + [
      OptionSpec("caption", .string, defaultText: "none",
                 doc: "text above the figure in a document (\"Figure 2. Overall survival by arm\")"),
    ]

  /// The figure's options as plot's, for a file named `figure.svg`.
  static func plotValues(_ call: KaplanCall) throws -> OptionValues {
    var table = LuaTable()
    if case .table(let given) = try call.lua.value(2) {
      table = LuaTable(array: given.array, fields: given.fields.filter { $0.0 != "caption" })
    }
    table.fields.append(("file", .string("figure.svg")))
    return try OptionValues.parse(
      .table(table), function: "figure", schema: PlotLibrary.options, error: { call.lua.argumentError(2, $0) })
  }

  static func figure(_ call: KaplanCall) throws -> FigureValue {
    let handle = try call.lua.object(1, as: ResultHandle.self)
    let values = try plotValues(call)
    var options = try PlotLibrary.plotOptions(values, lua: call.lua)
    let figure = try PlotFigure(handle, call: call)
    if options.legendTitle == nil { options.legendTitle = figure.legendTitle }
    if case .curves(let data) = figure.content, data.lineIndex != nil, !values.has("linetypes") {
      options.linetypes = LineType.cycle  // causes in one panel: a line type per cause
    }
    if options.ylab == nil { options.ylab = figure.ylab }
    if options.ylim == nil { options.ylim = figure.ylim }
    if case .curves = figure.content, options.xlab == nil { options.xlab = figure.xlab }
    if case .curves(let data) = figure.content, data.logTime {
      // As plot(): a log time axis has no risk table or median guides unless asked for.
      if !values.has("risk_table") { options.riskTable = false }
      if !values.has("cumulative_events") { options.cumulativeEvents = false }
      if !values.has("cumulative_censored") { options.cumulativeCensored = false }
      if !values.has("median_lines") { options.medianLines = false }
    }
    try PlotLibrary.checkApplies(figure, options: values, call: call)
    let caption = try call.options.optionalString("caption")
    // dpi or scale set the resolution of the PNG that .docx and .rtf files embed.
    let zoom = values.has("dpi") || values.has("scale")
      ? try PlotLibrary.zoom(values, file: "figure.png", call: call) : FigureValue.defaultPNGZoom
    do {
      switch figure.content {
      case .curves(let data):
        let svg = try SurvivalPlot(data, options: options).svg()
        return FigureValue(svg: svg, caption: caption, description: "\(figure.kind) curves", pngZoom: zoom)
      case .forest(let data):
        if options.xlab == nil { options.xlab = figure.xlab }
        let svg = try ForestPlot(data, options: options).svg()
        return FigureValue(
          svg: svg, caption: caption, description: "forest plot of a \(figure.kind) result", pngZoom: zoom)
      case .zph(let data):
        let svg = try ZphPlot(data, options: options).svg()
        return FigureValue(
          svg: svg, caption: caption, description: "Schoenfeld residuals of a cox_zph result", pngZoom: zoom)
      case .panels(let panels, let direction):
        let panelOptions = PanelStack.panelOptions(options, count: panels.count, direction: direction)
        let plots = try panels.map { panel in
          var o = panelOptions
          o.title = panel.title
          return try SurvivalPlot(panel.data, options: o)
        }
        let stack = try PanelStack(plots, direction: direction, title: options.title, options: options)
        return FigureValue(
          svg: stack.svg(), caption: caption, description: "\(panels.count) panels of a cuminc result", pngZoom: zoom)
      }
    } catch PlotError.invalidOption(let key, let message) {
      throw call.lua.argumentError(2, PlotLibrary.optionMessage(key: key, message))
    }
  }
}
