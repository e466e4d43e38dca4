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
    LibraryBinding(functions: [plot(policy: runtime.policy, color: runtime.options.terminalColor)])
  }

  /// `color`: the preview's colour when the script does not say (`TerminalColor`).
  private func plot(policy: SandboxPolicy, color: Bool) -> KaplanFunction {
    KaplanFunction(
      "plot", section: "Plots", signature: "plot(result [, opts])",
      summary: "Draws a km or cuminc result (step curves with a number-at-risk table, as survminer's ggsurvplot) "
        + "or a cox or finegray model (forest plot of hazard ratios) or a subgroups() result (subgroup forest "
        + "plot with n/events per arm, interaction p and \"favours\" labels) or a survreg model (fitted curves per "
        + "newdata row with bands, over the Kaplan–Meier curve with km = true) to an SVG, PNG or PDF file; "
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
        plot(m, {file = "veteran_forest.svg", title = "Veteran's lung cancer",
                 labels = {celltype = "Cell type", karno = "Karnofsky score"}})
        -- For a journal: 7 x 5 inches at 300 dpi (2100 x 1500 pixels), black and white, a serif font;
        -- the legend is titled by the column's label.
        local labelled = colon:label("rx", "Treatment")
        plot(km(labelled, "Surv(time, status) ~ rx"), {file = "colon_bw.png", width = "7in", height = "5in",
             dpi = 300, palette = "greyscale", linetypes = true, font_family = "Times New Roman, serif"})
        plot(fit, {file = "colon_180mm.svg", width = "180mm", linetypes = {"solid", "dashed", "dotted"},
             palette = "viridis", legend_title = "Arm"})
        -- Several causes of a competing-risks result: a panel per cause, or all in one panel.
        local ci = cuminc(dataset("clocc"), "Surv(pfs_months, first_event) ~ arm")
        plot(ci, {file = "clocc_causes.svg", causes = "all", layout = "stacked"})
        plot(ci, {file = "clocc_overlay.svg", cause = {"hepatic", "death"}, layout = "overlay", pvalue = true})
        plot(fit, {color = false, term_width = 60, pvalue = true})   -- a preview 60 characters wide
        -- A parametric model: fitted curves with bands over the Kaplan–Meier curve, extrapolated to 1500 days.
        local weibull = survreg(dataset("lung"), "Surv(time, status) ~ age + sex")
        plot(weibull, {file = "lung_weibull.svg", newdata = dataset("lung"):head(2), km = true, horizon = 1500})
        """
    ) { call in
      let handle = try call.lua.object(1, as: ResultHandle.self)
      var options = try PlotLibrary.plotOptions(call.options, lua: call.lua)
      let figure = try PlotFigure(handle, call: call)
      if options.legendTitle == nil { options.legendTitle = figure.legendTitle }
      if case .curves(let data) = figure.content, data.lineIndex != nil, !call.options.has("linetypes") {
        options.linetypes = LineType.cycle  // causes in one panel: a line type per cause
      }
      if options.ylab == nil { options.ylab = figure.ylab }
      if options.ylim == nil { options.ylim = figure.ylim }
      if figure.kind == "parametric_compare" { try ParametricPlot.adjust(&options, call.options) }
      switch figure.content {
      case .curves, .panels: if options.xlab == nil { options.xlab = figure.xlab }
      case .forest, .zph: break
      }
      // A survreg figure shows the fitted curves' bands unless conf_int = false.
      if figure.kind == "survreg", !call.options.has("conf_int") { options.confInt = true }
      if figure.kind == "survreg", !(try call.options.optionalBoolean("km") ?? false) {
        // Fitted curves have no risk set: the table and median guides come with km = true.
        if !call.options.has("risk_table") { options.riskTable = false }
        if !call.options.has("median_lines") { options.medianLines = false }
      }
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
      let output = PlotFile(zoom: try PlotLibrary.zoom(call.options, file: file, call: call))
      do {
        switch figure.content {
        case .curves(let data):
          if let file {
            let path = try policy.checkWrite(file)
            try output.write(svg: try SurvivalPlot(data, options: options).svg(), to: path)
            return [.string(path)]
          }
          let preview = try TerminalPreview.render(
            data, options: options, color: try call.options.optionalBoolean("color") ?? color,
            lineWidth: try call.options.optionalInteger("term_width"))
          return [.nil, .string(preview)]
        case .panels(let panels, let direction):
          guard let file else {
            throw LuaError.runtime("plot: layout = \"stacked\" or \"side\" has no terminal preview; give "
              + "{file = \"cuminc.svg\"} or layout = \"overlay\"")
          }
          let panelOptions = PanelStack.panelOptions(options, count: panels.count, direction: direction)
          let plots = try panels.map { panel in
            var o = panelOptions
            o.title = panel.title
            return try SurvivalPlot(panel.data, options: o)
          }
          let path = try policy.checkWrite(file)
          let stack = try PanelStack(plots, direction: direction, title: options.title, options: options)
          try output.write(svg: stack.svg(), to: path)
          return [.string(path)]
        case .forest(let data):
          guard let file else {
            throw LuaError.runtime("plot: forest plots have no terminal preview; give {file = \"forest.svg\"}")
          }
          var forestOptions = options
          if forestOptions.xlab == nil { forestOptions.xlab = figure.xlab }
          let path = try policy.checkWrite(file)
          try output.write(svg: try ForestPlot(data, options: forestOptions).svg(), to: path)
          return [.string(path)]
        case .zph(let data):
          guard let file else {
            throw LuaError.runtime("plot: zph plots have no terminal preview; give {file = \"zph.svg\"}")
          }
          let path = try policy.checkWrite(file)
          try output.write(svg: try ZphPlot(data, options: options).svg(), to: path)
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
      OptionSpec("xlab", .string,
                 defaultText: "the time column's label (d:label), else \"Time\" (forest plots: \"Hazard ratio\")",
                 doc: "x-axis title"),
      OptionSpec("ylab", .string, defaultText: "\"Survival probability\" or \"Cumulative incidence\"",
                 doc: "y-axis title (curves only)"),
      OptionSpec("xlim", .numbers, defaultText: "the data's range", doc: "x-axis range {from, to}"),
      OptionSpec("ylim", .numbers, defaultText: "{0, 1}", doc: "y-axis range {from, to} (curves only)"),
      OptionSpec("breaks", .number(.positive), defaultText: "chosen from the range",
                 doc: "interval between x ticks, e.g. 12 for months or 365 for days (curves only)"),
      OptionSpec("percent", .boolean, default: .boolean(d.percent), doc: "y axis in percent (curves only)"),
      OptionSpec("width", .either(size(PlotOptions.widthRange), .string), defaultText: "720",
                 doc: "width in pixels (96 to the inch), or with a unit: \"7in\", \"180mm\", \"18cm\", \"504pt\""),
      OptionSpec("height", .either(size(PlotOptions.heightRange), .string), defaultText: "fitted to the content",
                 doc: "height in pixels, or with a unit as width"),
      OptionSpec("dpi", .number(.between(PlotLibrary.dpiRange.lowerBound, PlotLibrary.dpiRange.upperBound)),
                 defaultText: "96: one pixel per unit",
                 doc: "PNG resolution: a figure width = \"7in\" at dpi = 300 is 2100 pixels wide; text, lines and "
                   + "markers scale together (PNG files only)"),
      OptionSpec("scale", .number(.between(PlotLibrary.scaleRange.lowerBound, PlotLibrary.scaleRange.upperBound)),
                 defaultText: "1", doc: "PNG pixels per unit, as dpi / 96 (PNG files only; give dpi or scale)"),
      OptionSpec("font_family", .string, defaultText: "\"\(PlotOptions.defaultFontFamily)\"",
                 doc: "font names, most wanted first, e.g. \"Times New Roman, serif\""),
      OptionSpec("palette", .choice(Palette.names), defaultText: "\"default\" (colour-blind-safe Okabe–Ito)",
                 doc: "colours of the groups: \"default\"/\"okabe_ito\", \"greyscale\" (or \"grey\") or "
                   + "\"viridis\"; colors overrides it"),
      OptionSpec("linetypes", .either(.boolean, .strings), default: .boolean(false),
                 doc: "line type per curve, from \"solid\", \"dashed\", \"dotted\", \"dotdash\", \"longdash\", "
                   + "\"twodash\"; true cycles them (for black-and-white printing) (curves only)"),
      OptionSpec("legend_title", .string, defaultText: "the grouping column's label (d:label), if any",
                 doc: "title before the legend entries (curves only)"),
      OptionSpec("font_size", size(PlotOptions.fontSizeRange), default: .number(d.fontSize),
                 doc: "base font size in pixels"),
      OptionSpec("labels", .either(.strings, .table),
                 defaultText: "the group labels (forest: column labels, else term names)",
                 doc: "curves: group names in the legend and risk table, one per curve; forest plots of cox and "
                   + "finegray: {term = \"Label\"} renames terms and factor variables"),
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
      OptionSpec("cause", .either(.either(.string, .number(.any)), .table), defaultText: "the first cause",
                 doc: "the cause whose cumulative incidence to draw, or several: {1, 2} (cuminc only)"),
      OptionSpec("causes", .either(.choice(["all"]), .table), defaultText: "the first cause",
                 doc: "\"all\" or a list of causes to draw in one figure (cuminc only; as cause = {...})"),
      OptionSpec.choice("layout", [("stacked", "stacked"), ("side", "side"), ("overlay", "overlay")],
                        default: "stacked",
                        doc: "several causes: \"stacked\" (a panel per cause, one above the other), \"side\" "
                          + "(side by side) or \"overlay\" (one panel: a colour per group, a line type per cause)"),
      OptionSpec.choice("fun", KmPlotFun.choices, default: "surv",
                        doc: "km only: \"surv\" (S), \"event\" (1 - S), \"cumhaz\" (-log S) or \"cloglog\" "
                          + "(log(-log S) against time on a log axis: parallel curves under proportional hazards), "
                          + "as R's plot.survfit"),
    ] + SurvregFigure.options + [
      OptionSpec("color", .boolean,
                 defaultText: "true when standard output is a terminal and NO_COLOR is unset (kaplan --color)",
                 doc: "colours in the terminal preview (without file; false draws dashes instead, true forces "
                   + "colour codes even into a file or pipe)"),
      OptionSpec("term_width", .integer(.between(20, 400)), defaultText: "about 76 characters",
                 doc: "width of the terminal preview in characters (without file), e.g. term_width = 120"),
    ]
  }()

  /// The options the renderer reads, from the checked options table.
  static func plotOptions(_ o: OptionValues, lua: LuaCall) throws -> PlotOptions {
    var options = PlotOptions(
      title: try o.optionalString("title"), xlab: try o.optionalString("xlab"), ylab: try o.optionalString("ylab"),
      xlim: try o.optionalNumbers("xlim"), ylim: try o.optionalNumbers("ylim"), breaks: try o.optionalNumber("breaks"),
      percent: try o.boolean("percent"),
      width: try length(o, "width", PlotOptions.widthRange, lua: lua),
      height: try length(o, "height", PlotOptions.heightRange, lua: lua),
      fontSize: try o.number("font_size"), labels: try groupLabels(o, lua: lua),
      colors: try o.optionalStrings("colors"), confInt: try o.boolean("conf_int"),
      censorMarks: try o.boolean("censor_marks"), riskTable: try o.boolean("risk_table"),
      cumulativeEvents: try o.boolean("cumulative_events"), cumulativeCensored: try o.boolean("cumulative_censored"),
      medianLines: try o.boolean("median_lines"), legend: try o.boolean("legend"))
    options.palette = try o.optionalString("palette")
    options.fontFamily = try o.optionalString("font_family")
    options.legendTitle = try o.optionalString("legend_title")
    switch try o.value("linetypes") {
    case .boolean(true)?: options.linetypes = LineType.cycle
    case .table(let t)?:
      do {
        options.linetypes = try t.array.enumerated().map { i, v in
          try LineType.parse(v.stringValue ?? "", option: "linetypes", index: i)
        }
      } catch PlotError.invalidOption(let key, let message) {
        throw lua.argumentError(2, optionMessage(key: key, message))
      }
    default: options.linetypes = nil
    }
    do {
      try options.validate()
    } catch PlotError.invalidOption(let key, let message) {
      throw lua.argumentError(2, optionMessage(key: key, message))
    }
    return options
  }

  /// PNG resolution: `dpi` pixels per inch (SVG units are 96 to the inch)
  /// or `scale` pixels per unit; refused for a preview or an SVG or PDF
  /// file, whose size is not in pixels.
  static let dpiRange: ClosedRange<Double> = 24...2400
  static let scaleRange: ClosedRange<Double> = 0.25...25

  static func zoom(_ o: OptionValues, file: String?, call: KaplanCall) throws -> Double {
    let dpi = try o.optionalNumber("dpi")
    let scale = try o.optionalNumber("scale")
    guard dpi != nil || scale != nil else { return 1 }
    let key = dpi != nil ? "dpi" : "scale"
    if dpi != nil && scale != nil {
      throw call.lua.argumentError(2, "options 'dpi' and 'scale' both set the PNG resolution; give one")
    }
    guard let file, (try? PlotFile.format(of: file)) == .png else {
      throw call.lua.argumentError(
        2, "option '\(key)' applies to PNG files only (an SVG or PDF figure scales without loss), got "
          + (file.map { "file \"\($0)\"" } ?? "no file"))
    }
    return dpi.map { $0 / PhysicalLength.pixelsPerInch } ?? scale ?? 1
  }

  /// `width`/`height` in SVG units from a number of pixels or a length with
  /// its unit ("7in", "180mm").
  private static func length(_ o: OptionValues, _ key: String, _ range: ClosedRange<Double>, lua: LuaCall) throws
    -> Double?
  {
    guard let v = try o.value(key) else { return nil }
    guard v.typeName == "string", let text = v.stringValue else { return v.doubleValue }
    guard let px = PhysicalLength.pixels(text) else {
      throw lua.argumentError(
        2, "option '\(key)' must be a number of pixels or a positive decimal number followed by a unit (in, mm, "
          + "cm, px or pt), such as \"7in\" or \"180mm\", got \"\(text)\"")
    }
    guard range.contains(px) else {
      let inches = { (x: Double) in String(format: "%.2fin", x / PhysicalLength.pixelsPerInch) }
      throw lua.argumentError(
        2, "option '\(key)' must be from \(inches(range.lowerBound)) to \(inches(range.upperBound)) "
          + "(\(Int(range.lowerBound)) to \(Int(range.upperBound)) pixels), got \"\(text)\"")
    }
    return px
  }

  /// `labels` as group names (an array); a forest plot's term map is read by `PlotFigure`.
  private static func groupLabels(_ o: OptionValues, lua: LuaCall) throws -> [String]? {
    guard case .table(let t)? = try o.value("labels") else { return nil }
    guard t.fields.isEmpty else { return nil }
    return try o.optionalStrings("labels")
  }

  /// Options a forest plot draws (the rest are for curves).
  private static let forestKeys: Set<String> = [
    "file", "title", "xlab", "xlim", "width", "height", "font_size", "colors", "dpi", "scale", "font_family",
    "palette",
  ]

  /// No option is silently ignored: one that this figure does not draw is
  /// an error naming the figures it is for.
  static func checkApplies(_ figure: PlotFigure, options: OptionValues, call: KaplanCall) throws {
    func refuse(_ key: String, _ why: String) -> LuaError {
      call.lua.argumentError(2, "option '\(key)' \(why)")
    }
    try ParametricPlot.checkApplies(kind: figure.kind, options, call: call)
    switch figure.content {
    case .curves(let data):
      for key in SurvregFigure.keys.sorted() where options.has(key) && figure.kind != "survreg" {
        throw refuse(key, "applies to survreg models only, not to a \(figure.kind) result")
      }
      if options.has("fun") && figure.kind != "km" {
        throw refuse("fun", "applies to km results only, not to a \(figure.kind) result")
      }
      for key in ["cause", "causes", "layout"] where options.has(key) && figure.kind != "cuminc" {
        throw refuse(key, "applies to cuminc results only, not to a \(figure.kind) result")
      }
      try checkGroupLabels(options, call: call)
      if options.has("term_width") && options.has("file") {
        throw refuse("term_width", "applies to the terminal preview only (a plot without file)")
      }
      if data.logTime && !options.has("file") {
        throw LuaError.runtime("plot: fun = \"cloglog\" has no terminal preview; give {file = \"cloglog.svg\"}")
      }
      if options.has("color") && options.has("file") {
        throw refuse("color", "applies to the terminal preview only (a plot without file)")
      }
    case .panels:
      if options.has("term_width") { throw refuse("term_width", "applies to the terminal preview only") }
      try checkGroupLabels(options, call: call)
    case .forest:
      let keys = figure.kind == "subgroups" ? forestKeys : forestKeys.union(["labels"])
      for key in PlotLibrary.options.map(\.key) where !keys.contains(key) && options.has(key) {
        throw refuse(key, "applies to curves (km, cuminc), not to the forest plot of a \(figure.kind) model")
      }
    case .zph:
      for key in PlotLibrary.options.map(\.key) where !forestKeys.contains(key) && options.has(key) {
        throw refuse(key, "applies to curves (km, cuminc), not to the figure of a cox_zph result")
      }
    }
  }

  /// Group labels of curves are an array of strings, not a term map.
  private static func checkGroupLabels(_ options: OptionValues, call: KaplanCall) throws {
    if case .table(let t)? = try options.value("labels"), !t.fields.isEmpty || t.array.isEmpty {
      throw call.lua.argumentError(
        2, "option 'labels' must be an array of strings (one per curve) for curves, got a table with keys")
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
