import Foundation
import LuaHost
import Plots

/// `plot(result [, opts])`, declared through the binding layer: the figure
/// of a `km` or `cuminc` result (step curves with a risk table) or the
/// forest plot of a `cox` or `finegray` model, written to a file or
/// previewed in the terminal.
///
/// The figure is built from the Swift result behind the table's handle
/// (`PlotFigure`), never from the table: a result table is a plain copy for
/// reading, so editing `fit.strata[1].surv` changes neither `fit:at()` nor
/// the plot. `stdlib/kaplan/plots.lua` passes the handles (the result's, and
/// those of results given as `pvalue` and `hr`) and prints the preview.
///
/// Every option is declared here, so the binding's one interpreter
/// (`OptionValues`) checks keys, types and ranges before the body runs;
/// the body checks only what depends on the result (an option that does
/// not apply to this kind of figure, a cause the result does not have, the
/// number of labels).
struct PlotLibrary: KaplanLibrary {
  let name = "plots"

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(functions: [plot(policy: runtime.policy)])
  }

  private func plot(policy: SandboxPolicy) -> KaplanFunction {
    KaplanFunction(
      "plot", section: "Plots", signature: "plot(result [, opts])",
      summary: "Draws a km or cuminc result (step curves with a number-at-risk table, as survminer's ggsurvplot) "
        + "or a cox or finegray model (forest plot of hazard ratios) or a subgroups() result (subgroup forest "
        + "plot with n/events per arm, interaction p and \"favours\" labels) to an SVG, PNG or PDF file; "
        + "without a file, previews the curves in the terminal.",
      options: PlotLibrary.options, optionsArgument: 2,
      // plots.lua passes the handles of the pvalue and hr results after the script's two.
      stdlibArguments: 2,
      example: """
        local colon = dataset("colon")
        local fit = km(colon, "Surv(time, status) ~ rx")
        plot(fit, {file = "colon_km.svg", pvalue = true, breaks = 365, xlab = "Days"})
        plot(fit, {file = "colon_cloglog.svg", fun = "cloglog"})   -- parallel under proportional hazards
        local m = cox(dataset("veteran"), "Surv(time, status) ~ trt + celltype + karno")
        plot(m, {file = "veteran_forest.svg", title = "Veteran's lung cancer"})
        plot(fit, {color = false})          -- a preview in the terminal
        """
    ) { call in
      let handle = try call.lua.object(1, as: ResultHandle.self)
      var options = try PlotLibrary.plotOptions(call.options)
      let figure = try PlotFigure(handle, call: call)
      if options.ylab == nil { options.ylab = figure.ylab }
      if options.ylim == nil { options.ylim = figure.ylim }
      if case .curves = figure.content, options.xlab == nil { options.xlab = figure.xlab }
      if case .curves(let data) = figure.content, data.logTime {
        // A log time axis has no risk table or median guides: off unless asked for (then refused by the layout).
        let given = call.options
        if !given.has("risk_table") { options.riskTable = false }
        if !given.has("cumulative_events") { options.cumulativeEvents = false }
        if !given.has("cumulative_censored") { options.cumulativeCensored = false }
        if !given.has("median_lines") { options.medianLines = false }
      }
      let file = try call.options.optionalString("file")
      try PlotLibrary.checkApplies(figure, options: call.options, call: call)
      do {
        switch figure.content {
        case .curves(let data):
          if let file {
            let path = try policy.checkWrite(file)
            try PlotFile().write(svg: try SurvivalPlot(data, options: options).svg(), to: path)
            return [.string(path)]
          }
          let preview = try TerminalPreview.render(data, options: options, color: try call.options.boolean("color"))
          return [.nil, .string(preview)]
        case .forest(let data):
          guard let file else {
            throw LuaError.runtime("plot: forest plots have no terminal preview; give {file = \"forest.svg\"}")
          }
          var forestOptions = options
          if forestOptions.xlab == nil { forestOptions.xlab = figure.xlab }
          let path = try policy.checkWrite(file)
          try PlotFile().write(svg: try ForestPlot(data, options: forestOptions).svg(), to: path)
          return [.string(path)]
        case .zph(let data):
          guard let file else {
            throw LuaError.runtime("plot: zph plots have no terminal preview; give {file = \"zph.svg\"}")
          }
          let path = try policy.checkWrite(file)
          try PlotFile().write(svg: try ZphPlot(data, options: options).svg(), to: path)
          return [.string(path)]
        }
      } catch PlotError.invalidOption(let key, let message) {
        throw call.lua.argumentError(2, PlotLibrary.optionMessage(key: key, message))
      }
    }
  }

  /// The options of `plot`, as help lists them. Defaults are `PlotOptions`'
  /// own, so the schema and the renderer cannot disagree.
  static let options: [OptionSpec] = {
    let d = PlotOptions()
    func size(_ r: ClosedRange<Double>) -> OptionType { .number(.between(r.lowerBound, r.upperBound)) }
    return [
      OptionSpec("file", .string, defaultText: "none: a preview in the terminal",
                 doc: "output path ending in .svg, .png or .pdf (PNG and PDF need rsvg-convert), relative to the "
                   + "output directory (--out)"),
      OptionSpec("title", .string, doc: "title above the figure"),
      OptionSpec("xlab", .string, defaultText: "\"Time\" (forest plots: \"Hazard ratio\")", doc: "x-axis title"),
      OptionSpec("ylab", .string, defaultText: "\"Survival probability\" or \"Cumulative incidence\"",
                 doc: "y-axis title (curves only)"),
      OptionSpec("xlim", .numbers, defaultText: "the data's range", doc: "x-axis range {from, to}"),
      OptionSpec("ylim", .numbers, defaultText: "{0, 1}", doc: "y-axis range {from, to} (curves only)"),
      OptionSpec("breaks", .number(.positive), defaultText: "chosen from the range",
                 doc: "interval between x ticks, e.g. 12 for months or 365 for days (curves only)"),
      OptionSpec("percent", .boolean, default: .boolean(d.percent), doc: "y axis in percent (curves only)"),
      OptionSpec("width", size(PlotOptions.widthRange), defaultText: "720", doc: "width in pixels"),
      OptionSpec("height", size(PlotOptions.heightRange), defaultText: "fitted to the content",
                 doc: "height in pixels"),
      OptionSpec("font_size", size(PlotOptions.fontSizeRange), default: .number(d.fontSize),
                 doc: "base font size in pixels"),
      OptionSpec("labels", .strings, defaultText: "the group labels",
                 doc: "group names in the legend and risk table, one per curve (curves only)"),
      OptionSpec("colors", .strings, defaultText: "a colour-blind-safe palette",
                 doc: "colours (\"#0072B2\", \"steelblue\"), one per curve; a forest plot uses the first"),
      OptionSpec("conf_int", .boolean, default: .boolean(d.confInt), doc: "shaded confidence bands (curves only)"),
      OptionSpec("censor_marks", .boolean, default: .boolean(d.censorMarks),
                 doc: "a mark at each censoring time (curves only)"),
      OptionSpec("risk_table", .boolean, default: .boolean(d.riskTable),
                 doc: "number-at-risk table under the panel (curves only)"),
      OptionSpec("cumulative_events", .boolean, default: .boolean(d.cumulativeEvents),
                 doc: "rows of cumulative events under the risk table (curves only)"),
      OptionSpec("cumulative_censored", .boolean, default: .boolean(d.cumulativeCensored),
                 doc: "rows of cumulative censorings under the risk table (curves only)"),
      OptionSpec("median_lines", .boolean, default: .boolean(d.medianLines),
                 doc: "dashed lines to each curve's median (curves only)"),
      OptionSpec("legend", .boolean, default: .boolean(d.legend), doc: "legend above the panel (curves only)"),
      OptionSpec("pvalue", .either(.boolean, .table), default: .boolean(false),
                 doc: "true: the log-rank p of a km fit (rerun on its data), Gray's p of a cuminc cause; or the "
                   + "result of logrank() (km) or cuminc() (cuminc) whose p to print"),
      OptionSpec("hr", .table, doc: "a cox() result: prints \"HR 0.58 (95% CI 0.38–0.88)\" of its first term "
                   + "(curves only)"),
      OptionSpec("cause", .either(.string, .number(.any)), defaultText: "the first cause",
                 doc: "the cause whose cumulative incidence to draw (cuminc only)"),
      OptionSpec.choice("fun", KmPlotFun.choices, default: "surv",
                        doc: "km only: \"surv\" (S), \"event\" (1 - S), \"cumhaz\" (-log S) or \"cloglog\" "
                          + "(log(-log S) against time on a log axis: parallel curves under proportional hazards), "
                          + "as R's plot.survfit"),
      OptionSpec("color", .boolean, default: .boolean(true),
                 doc: "colours in the terminal preview (without file; false draws dashes instead)"),
    ]
  }()

  /// The options the renderer reads, from the checked options table.
  static func plotOptions(_ o: OptionValues) throws -> PlotOptions {
    PlotOptions(
      title: try o.optionalString("title"), xlab: try o.optionalString("xlab"), ylab: try o.optionalString("ylab"),
      xlim: try o.optionalNumbers("xlim"), ylim: try o.optionalNumbers("ylim"), breaks: try o.optionalNumber("breaks"),
      percent: try o.boolean("percent"), width: try o.optionalNumber("width"), height: try o.optionalNumber("height"),
      fontSize: try o.number("font_size"), labels: try o.optionalStrings("labels"),
      colors: try o.optionalStrings("colors"), confInt: try o.boolean("conf_int"),
      censorMarks: try o.boolean("censor_marks"), riskTable: try o.boolean("risk_table"),
      cumulativeEvents: try o.boolean("cumulative_events"), cumulativeCensored: try o.boolean("cumulative_censored"),
      medianLines: try o.boolean("median_lines"), legend: try o.boolean("legend"))
  }

  /// Options a forest plot draws (the rest are for curves).
  private static let forestKeys: Set<String> = [
    "file", "title", "xlab", "xlim", "width", "height", "font_size", "colors",
  ]

  /// No option is silently ignored: one that this figure does not draw is
  /// an error naming the figures it is for.
  static func checkApplies(_ figure: PlotFigure, options: OptionValues, call: KaplanCall) throws {
    func refuse(_ key: String, _ why: String) -> LuaError {
      call.lua.argumentError(2, "option '\(key)' \(why)")
    }
    switch figure.content {
    case .curves(let data):
      if options.has("fun") && figure.kind != "km" {
        throw refuse("fun", "applies to km results only, not to a \(figure.kind) result")
      }
      if options.has("cause") && figure.kind != "cuminc" {
        throw refuse("cause", "applies to cuminc results only, not to a \(figure.kind) result")
      }
      if data.logTime && !options.has("file") {
        throw LuaError.runtime("plot: fun = \"cloglog\" has no terminal preview; give {file = \"cloglog.svg\"}")
      }
      if options.has("color") && options.has("file") {
        throw refuse("color", "applies to the terminal preview only (a plot without file)")
      }
    case .forest:
      for key in PlotLibrary.options.map(\.key) where !forestKeys.contains(key) && options.has(key) {
        throw refuse(key, "applies to curves (km, cuminc), not to the forest plot of a \(figure.kind) model")
      }
    case .zph:
      for key in PlotLibrary.options.map(\.key) where !forestKeys.contains(key) && options.has(key) {
        throw refuse(key, "applies to curves (km, cuminc), not to the figure of a cox_zph result")
      }
    }
  }

  /// A renderer's option error in the binding's wording: "option 'xlim'
  /// must be increasing, got {60, 0}" (Plots says "xlim must be increasing
  /// (got {60, 0})").
  static func optionMessage(key: String, _ message: String) -> String {
    var text = message
    if text.hasPrefix(key + " ") { text = "option '\(key)'" + text.dropFirst(key.count) }
    if text.hasSuffix(")"), let range = text.range(of: " (got ", options: .backwards) {
      text = text[..<range.lowerBound] + ", got " + text[range.upperBound...].dropLast()
    }
    return text
  }
}
