import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `plot()` from Lua: results become figures, drawn from the Swift result
/// behind the handle (an edited result table draws the same figure), and
/// every option is checked by the binding's one interpreter.
@Suite struct PlotBindingTests {
  static let aml = "local fit = km(dataset('aml'), 'Surv(time, status) ~ x')\n"
  static let clocc = "local ci = cuminc(dataset('clocc'), 'Surv(pfs_months, first_event) ~ arm')\n"

  /// The text of the file whose path `code` returns.
  func svg(_ rt: KaplanRuntime, _ code: String) throws -> String {
    let r = try lua(rt, code)
    return try String(contentsOfFile: r.first?.stringValue ?? "", encoding: .utf8)
  }

  /// plot is declared with a summary, a doc for every option (each key
  /// plot draws from) and an example that runs, writing into the output
  /// directory.
  @Test func declarationHasOptionDocsAndARunningExample() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local e = package.loaded.kaplan.registry.entry("plot")
      local keys = {}
      for _, o in ipairs(e.options) do assert(o.doc ~= "", o.key); keys[#keys + 1] = o.key end
      local env = setmetatable({ print = function() end }, { __index = _G })
      assert(load(e.example, "=example", "t", env))()
      return e.section, e.signature, table.concat(keys, " ")
      """)
    #expect(r[0] == .string("Plots") && r[1] == .string("plot(result [, opts])"))
    let keys = Set((r[2].stringValue ?? "").split(separator: " ").map(String.init))
    #expect(keys == ["file", "title", "xlab", "ylab", "xlim", "ylim", "breaks", "percent", "width", "height",
                     "font_size", "labels", "colors", "conf_int", "censor_marks", "risk_table", "cumulative_events",
                     "cumulative_censored", "median_lines", "legend", "pvalue", "hr", "cause", "fun", "color",
                     "newdata", "type", "km", "horizon", "average",
                     "dpi", "scale", "font_family", "palette", "linetypes", "legend_title", "causes", "layout",
                     "term_width"])
    for file in ["colon_km.svg", "veteran_forest.svg"] {
      #expect(FileManager.default.fileExists(atPath: rt.policy.outputDirectory + "/" + file), "\(file)")
    }
  }

  @Test func writesWellFormedSvgInsideOut() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.aml + "return plot(fit, {file = 'km.svg', title = 'OS', breaks = 12})")
    guard let path = r.first?.stringValue else { Issue.record("no path"); return }
    #expect(path.hasPrefix(rt.policy.outputDirectory))
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(XMLParser(data: data).parse())
    let svg = String(decoding: data, as: UTF8.self)
    #expect(svg.contains(">OS<"))
    #expect(svg.contains(">Maintained<") && svg.contains(">Nonmaintained<"))
  }

  /// Without a file, the preview is printed and plot() returns nothing.
  @Test func previewPrintsBrailleWithoutFile() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.aml + """
      local printed
      local real = print
      print = function(s) printed = s end
      local n = select('#', plot(fit, {color = false}))
      print = real
      return printed, n
      """)
    guard let preview = r.first?.stringValue else { Issue.record("no preview"); return }
    #expect(preview.unicodeScalars.contains { (0x2800...0x28FF).contains($0.value) })
    #expect(!preview.contains("\u{1b}["))  // color = false
    #expect(r[1] == .integer(0))
  }

  /// Editing a result table changes neither its methods nor its plot: the
  /// figure of an edited fit is the figure of the fit as km() made it
  /// (editing `n_risk` to 1e300 used to reach the renderer).
  @Test func anEditedResultTableDrawsTheSameFigure() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.aml + """
      local a = plot(fit, {file = 'a.svg', pvalue = true, conf_int = true})
      fit.strata[1].surv = {0.1, 0.1}
      fit.strata[1].n_risk = {1e300}
      fit.strata[1].label = 'edited'
      fit.formula = 'Surv(time, status) ~ 1'
      fit.strata[2] = nil
      local b = plot(fit, {file = 'b.svg', pvalue = true, conf_int = true})
      return a, b
      """)
    let a = try String(contentsOfFile: r[0].stringValue ?? "", encoding: .utf8)
    let b = try String(contentsOfFile: r[1].stringValue ?? "", encoding: .utf8)
    #expect(!a.isEmpty && a == b)
    #expect(!b.contains("edited") && b.contains("Log-rank p ="))
  }

  @Test func anEditedCoxOrCumincTableDrawsTheSameFigure() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.clocc + """
      local m = cox(dataset('veteran'), 'Surv(time, status) ~ trt + celltype')
      local a = plot(m, {file = 'a.svg'})
      m.terms[1].hr, m.terms[1].lower, m.terms[1].upper, m.terms[2].level = 100, 1e300, -1, 'edited'
      local b = plot(m, {file = 'b.svg'})
      local c = plot(ci, {file = 'c.svg', cause = 'hepatic', pvalue = true})
      ci.curves[1].est, ci.curves[1].time, ci.causes = {0.9}, {1}, {'nope'}
      ci.tests = nil
      local d = plot(ci, {file = 'd.svg', cause = 'hepatic', pvalue = true})
      return a, b, c, d
      """)
    let files = try r.map { try String(contentsOfFile: $0.stringValue ?? "", encoding: .utf8) }
    #expect(!files[0].isEmpty && files[0] == files[1])
    #expect(!files[2].isEmpty && files[2] == files[3])
    #expect(files[3].contains("Gray&apos;s test p"))
  }

  /// A table not made by a Kaplan function, or a result plot() does not
  /// draw, is an error at the script's line.
  @Test func onlyKaplanResultsArePlotted() throws {
    let rt = try makeRuntime()
    let expected = "bad argument #1 to 'plot' (km, cuminc, cox, finegray, cox_zph, subgroups or parametric_compare "
      + "result expected, got"
    #expect(luaError(rt, "plot(42)") == "test:1: \(expected) number)")
    #expect(luaError(rt, "\nplot({kind = 'km', strata = {}})")
      == "test:2: \(expected) a table not made by a Kaplan function)")
    #expect(luaError(rt, Self.aml + "plot(setmetatable({}, getmetatable(fit)))")
      == "test:2: \(expected) a km table not made by a Kaplan function)")
    #expect(luaError(rt, Self.aml + "plot(fit:at{10})") == "test:2: \(expected) a km_at result)")
    #expect(luaError(rt, "plot(logrank(dataset('aml'), 'Surv(time, status) ~ x'))")
      == "test:1: \(expected) a logrank result)")
    #expect(luaError(rt, "plot(cox(dataset('aml'), 'Surv(time, status) ~ x'))")
      == "test:1: plot: forest plots have no terminal preview; give {file = \"forest.svg\"}")
  }

  /// Option mistakes are worded by the binding layer, as for every function.
  @Test func badOptionsAreClearErrors() throws {
    let rt = try makeRuntime()
    func error(_ code: String) -> String { luaError(rt, Self.aml + code) }
    let unknown = error("plot(fit, {colour = 'red'})")
    #expect(unknown.hasPrefix("test:2: bad argument #2 to 'plot' (unknown option 'colour'; did you mean 'color'? "
      + "(options: file, title,"))
    #expect(error("plot(fit, {title = 3, file = 'x.svg'})")
      == "test:2: bad argument #2 to 'plot' (option 'title' must be a string, got 3)")
    #expect(error("plot(fit, {width = 1e300, file = 'x.svg'})")
      == "test:2: bad argument #2 to 'plot' (option 'width' must be a number from 200 to 10000 or a string, "
      + "got 1e+300)")
    #expect(error("plot(fit, {risk_table = 'yes', file = 'x.svg'})")
      == "test:2: bad argument #2 to 'plot' (option 'risk_table' must be true or false, got \"yes\")")
    #expect(error("plot(fit, 'x.svg')") == "test:2: bad argument #2 to 'plot' (options table expected, got string)")
    // Checks of the renderer, in the same wording.
    #expect(error("plot(fit, {xlim = {60, 0}, file = 'x.svg'})")
      == "test:2: bad argument #2 to 'plot' (option 'xlim' must be increasing, got {60, 0})")
    #expect(error("plot(fit, {labels = {'a', 'b', 'c'}, file = 'x.svg'})")
      == "test:2: bad argument #2 to 'plot' (option 'labels' must have 2 entries, one per group, got 3)")
    #expect(error("plot(fit, {colors = {'red', 'blu'}, file = 'x.svg'})")
      == "test:2: bad argument #2 to 'plot' (colors[2] must be a colour such as \"#0072B2\" or \"steelblue\", "
      + "got \"blu\")")
    #expect(error("plot(fit, {file = '/etc/x.svg'})").contains("writing '/etc/x.svg' is not allowed in the sandbox"))
    #expect(error("plot(fit, {file = 'x.gif'})").contains("x.gif"))
  }

  /// No option is silently ignored: one this figure does not draw is an error.
  @Test func optionsThatDoNotApplyAreErrors() throws {
    let rt = try makeRuntime()
    #expect(luaError(rt, Self.aml + "plot(fit, {cause = 1, file = 'x.svg'})")
      == "test:2: bad argument #2 to 'plot' (option 'cause' applies to cuminc results only, not to a km result)")
    #expect(luaError(rt, Self.aml + "plot(fit, {color = false, file = 'x.svg'})")
      == "test:2: bad argument #2 to 'plot' (option 'color' applies to the terminal preview only "
      + "(a plot without file))")
    #expect(luaError(rt, "plot(cox(dataset('aml'), 'Surv(time, status) ~ x'), {file = 'f.svg', risk_table = true})")
      == "test:1: bad argument #2 to 'plot' (option 'risk_table' applies to curves (km, cuminc), not to the forest "
      + "plot of a cox model)")
    #expect(luaError(rt, Self.clocc + "plot(ci, {cause = 'nope', file = 'x.svg'})")
      == "test:2: bad argument #2 to 'plot' (option 'cause' must be a cause of the result (\"hepatic\", "
      + "\"extrahepatic\", \"death\"), got \"nope\")")
  }

  /// `pvalue` and `hr` take results: their handles are used, a look-alike
  /// table is refused.
  @Test func resultsAsOptions() throws {
    let rt = try makeRuntime()
    let aml = Self.aml + "local d = dataset('aml')\n"
    let r = try lua(rt, aml + """
      local m = cox(d, 'Surv(time, status) ~ x')
      local peto = logrank(d, 'Surv(time, status) ~ x', {rho = 1})
      return plot(fit, {file = 'a.svg', pvalue = peto, hr = m}), string.format('%.3f', peto.p)
      """)
    let text = try String(contentsOfFile: r[0].stringValue ?? "", encoding: .utf8)
    #expect(text.contains("Peto–Peto p = \(r[1].stringValue ?? "?")"))
    #expect(text.contains("HR 2.50 (95% CI 0.92–6.81)"))  // R coxph: 2.497 (0.916–6.81)
    // The level as the printout gives it: 97.5%, not a rounded 98%.
    let level = try svg(rt, aml + "return plot(fit, {file = 'l.svg', hr = cox(d, 'Surv(time, status) ~ x', "
      + "{conf_level = 0.975})})")
    #expect(level.contains("(97.5% CI "))
    let same = try svg(rt, aml + "return plot(fit, {file = 'b.svg', pvalue = logrank(d, 'Surv(time, status) ~ x')})")
    let computed = try svg(rt, aml + "return plot(fit, {file = 'c.svg', pvalue = true})")
    #expect(same.contains("Log-rank p = 0.065") && same == computed)
    #expect(luaError(rt, aml + "plot(fit, {file = 'x.svg', pvalue = {p = 0.01}})")
      == "test:3: bad argument #2 to 'plot' (option 'pvalue' must be true or a logrank() result, got a table not "
      + "made by a Kaplan function)")
    #expect(luaError(rt, aml + "plot(fit, {file = 'x.svg', pvalue = followup(d, 'Surv(time, status)')})")
      == "test:3: bad argument #2 to 'plot' (option 'pvalue' must be true or a logrank() result for a km plot, got "
      + "a followup result)")
    #expect(luaError(rt, aml + "plot(fit, {file = 'x.svg', pvalue = 0.05})")
      == "test:3: bad argument #2 to 'plot' (option 'pvalue' must be true or false or a table, got 0.05)")
    #expect(luaError(rt, aml + "plot(fit, {file = 'x.svg', hr = fit})")
      == "test:3: bad argument #2 to 'plot' (option 'hr' must be a cox() result, got a km result)")
    let one = "local f = km(dataset('aml'), 'Surv(time, status) ~ 1')\n"
    #expect(luaError(rt, one + "plot(f, {file = 'x.svg', pvalue = true})")
      == "test:2: plot: pvalue needs at least two groups")
  }

  /// The log-rank p of `pvalue = true` reruns the test on the fit's data,
  /// which the fit's handle keeps (and keeps in the memory budget) after the
  /// script has let go of the dataset.
  @Test func theLogRankPOfAFitOutlivesItsDatasetVariable() throws {
    let rt = try makeRuntime()
    let text = try svg(rt, """
      local fit = km(dataset('lung'), 'Surv(time, status) ~ sex')
      collectgarbage(); collectgarbage()
      return plot(fit, {file = 'km.svg', pvalue = true})
      """)
    #expect(text.contains("Log-rank p = 0.0013"))  // R survdiff: p = 0.00131
  }

  /// The dataset a fit keeps for its log-rank p stays in the run's memory
  /// budget while the fit lives (the handle holds the dataset's object and
  /// so its lease, not bare columns), and leaves it with the fit.
  @Test func aFitsDatasetCountsInTheMemoryBudgetWhileTheFitLives() throws {
    let rt = try makeRuntime(maxMemory: 256 << 20)
    let rows = 200_000
    try rt.stoppable {
      try lua(rt, """
        local t, e = {}, {}
        for i = 1, \(rows) do t[i] = i * 0.5; e[i] = i % 3 == 0 and 0.0 or 1.0 end
        fit = km(dataset.from{time = t, status = e}, 'Surv(time, status) ~ 1')
        t, e = nil, nil
        collectgarbage(); collectgarbage()
        """)
    }
    let columns = 2 * rows * MemoryLayout<Double>.stride
    #expect(rt.memory.hostBytes >= columns)
    try rt.stoppable { try lua(rt, "fit = nil; collectgarbage(); collectgarbage()") }
    #expect(rt.memory.hostBytes < columns)
  }

  @Test func incidenceOfACauseWithGraysTest() throws {
    let rt = try makeRuntime()
    let text = try svg(rt, Self.clocc + "return plot(ci, {file = 'ci.svg', cause = 'hepatic', pvalue = true})")
    #expect(text.contains("Cumulative incidence") && text.contains("Gray&apos;s test p &lt; 0.001"))
    #expect(text.contains(">combined<") && text.contains(">systemic<"))
    let given = try svg(rt, Self.clocc + "return plot(ci, {file = 'ci.svg', cause = 'hepatic', pvalue = ci})")
    #expect(given == text)
  }

  /// The forest plot of a Cox model: a factor's reference level has a row.
  @Test func forestPlotOfACoxModel() throws {
    let rt = try makeRuntime()
    let text = try svg(rt, "return plot(cox(dataset('aml'), 'Surv(time, status) ~ x'), {file = 'forest.svg'})")
    #expect(text.contains(">Maintained<") && text.contains("reference") && text.contains(">Nonmaintained<"))
    #expect(text.contains("Hazard ratio"))
  }
}
