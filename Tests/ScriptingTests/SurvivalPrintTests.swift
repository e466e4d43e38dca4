import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// Printing of survival results (R's layouts, with the methods stated) and
/// the help entries of the survival functions.
@Suite struct SurvivalPrintTests {
  let rt: KaplanRuntime
  init() throws {
    rt = try makeRuntime()
    try lua(rt, "lung = dataset('lung')")
  }

  func text(_ code: String) throws -> String { try lua(rt, "return tostring(\(code))").first?.stringValue ?? "" }

  /// print(fit): one line per curve with n, events, median and its CI, as
  /// R's print.survfit (R: 270 (210, 306) and 426 (345, 524) with log-log).
  @Test func kmPrintsMediansAndStatesTheMethod() throws {
    let s = try text("km(lung, 'Surv(time, status) ~ sex')")
    #expect(s.contains("""
              n events median 0.95LCL 0.95UCL
      sex=1 138    112    270     210     306
      sex=2  90     53    426     345     524
      """))
    #expect(s.contains("95% CI, log-log"))
    #expect(s.hasPrefix("Kaplan–Meier estimate: Surv(time, status) ~ sex"))
    let log = try text("km(lung, 'Surv(time, status) ~ 1', {conf_type = 'log', conf_level = 0.9})")
    #expect(log.contains("90% CI, log"))
    #expect(log.contains("0.9LCL 0.9UCL"))
    #expect(log.contains("all 228    165    310"))
    let none = try text("km(lung, 'Surv(time, status) ~ sex', {conf_type = 'none'})")
    #expect(!none.contains("LCL"))
    #expect(none.contains("no confidence intervals"))
  }

  @Test func kmPrintMentionsWeightsAndRobustVariance() throws {
    let s = try text("km(lung:with{w = lung.age / 10}, 'Surv(time, status) ~ sex', {weights = 'w'})")
    #expect(s.contains("weights 'w'"))
    #expect(s.contains("robust variance"))
  }

  /// print(logrank(...)) as R's print.survdiff.
  @Test func logrankPrintsAsSurvdiff() throws {
    let s = try text("logrank(lung, 'Surv(time, status) ~ sex')")
    #expect(s.contains("""
              N Observed Expected (O-E)^2/E (O-E)^2/V
      sex=1 138      112     91.6      4.55      10.3
      sex=2  90       53     73.4      5.68      10.3

       Chisq= 10.3  on 1 degrees of freedom, p= 0.001
      """))
    #expect(s.hasPrefix("Log-rank test: Surv(time, status) ~ sex"))
    #expect(try text("logrank(lung, 'Surv(time, status) ~ sex', {rho = 1})").hasPrefix(
      "G-rho test, rho = 1 (Peto–Peto)"))
    #expect(try text("logrank(lung, 'Surv(time, status) ~ sex', {rho = 1, gamma = 1})").hasPrefix(
      "Fleming–Harrington test, rho = 1, gamma = 1"))
    let strat = try text("logrank(dataset('veteran'), 'Surv(time, status) ~ trt + strata(celltype)', {trend = true})")
    #expect(strat.contains("(stratified: 4 strata)"))
    #expect(strat.contains("Test for trend (scores 1, 2)"))
  }

  @Test func methodResultsPrint() throws {
    let at = try text("km(lung, 'Surv(time, status) ~ sex'):at{365}")
    #expect(at.contains("time n.risk n.event survival std.err lower 95% CI upper 95% CI"))
    #expect(at.contains("sex=1") && at.contains("sex=2"))
    let q = try text("km(lung, 'Surv(time, status) ~ sex'):quantile{0.5}")
    #expect(q.contains("sex=1  0.5  270   210   306"))
    let r = try text("km(lung, 'Surv(time, status) ~ sex'):rmst(365)")
    #expect(r.contains("Restricted mean survival time up to 365"))
    #expect(r.contains("Difference sex=2 - sex=1:"))
    let p = try text("pairwise_logrank(dataset('veteran'), 'Surv(time, status) ~ celltype')")
    #expect(p.contains("p (holm)"))
    #expect(p.contains("adjusted for 6 comparisons by holm"))
  }

  /// R's column formatting at print.survdiff's digits (kaplan.format, as
  /// survival.lua calls it): the fewest digits (up to 3 significant) that
  /// show every value; scientific when narrower; NA for missing values;
  /// p-values at 1 digit.
  @Test func numbersFormatAsRPrintsThem() throws {
    let r = try lua(rt, """
      local s = package.loaded["kaplan.format"]
      local a = s.format_column({270, 5.42, nil}, 3, 3)
      return a[1], a[2], a[3], s.format_number(0.00131, 3), s.format_pval(0.00131, 1), s.format_pval(2.63e-5, 1),
        s.format_pval(1e-20, 1), s.format_number(123456789, 3)
      """)
    #expect(r.map(\.stringValue) == ["270.00", "5.42", "NA", "0.00131", "0.001", "3e-05", "<2e-16", "1.23e+08"])
  }

  /// Each function has help with options and an example, and the example runs.
  @Test func helpEntriesHaveOptionsAndWorkingExamples() throws {
    for name in ["km", "km:at", "logrank", "pairwise_logrank", "followup"] {
      let r = try lua(rt, """
        local kaplan = package.loaded.kaplan
        local spec = kaplan.bind.entry("\(name)")
        local text = kaplan.help.render(spec)
        local env = setmetatable({ print = function() end }, { __index = _G })
        local chunk = assert(load(spec.example, "=example", "t", env))
        chunk()
        return text, #spec.options
        """)
      let text = r.first?.stringValue ?? ""
      #expect(text.contains("Options:"), "\(name)")
      #expect(text.contains("Example:"), "\(name)")
      #expect((r[1].doubleValue ?? 0) >= 1, "\(name)")
    }
    #expect(try lua(rt, "return package.loaded.kaplan.bind.entry_of(km) ~= nil") == [.boolean(true)])
  }

  /// plot() reads a km result and computes the log-rank p through logrank().
  @Test func plotTakesAKmResultWithPValue() throws {
    let r = try lua(rt, """
      local fit = km(lung, 'Surv(time, status) ~ sex')
      return plot(fit, {file = 'km.svg', pvalue = true})
      """)
    let svg = try String(contentsOfFile: r.first?.stringValue ?? "", encoding: .utf8)
    #expect(svg.contains("Log-rank p = 0.0013"))
  }

  /// Results serialise with json(): the dataset is left out, NA is null.
  @Test func resultsSerialiseToJson() throws {
    let r = try lua(rt, """
      local aml = dataset('aml')
      return json(km(aml, 'Surv(time, status) ~ x')), json(logrank(aml, 'Surv(time, status) ~ x')),
        json(followup(aml, 'Surv(time, status)'))
      """)
    let km = r[0].stringValue ?? ""
    #expect(km.contains(#""kind":"km""#) && km.contains(#""label":"x=Maintained""#) && !km.contains(#""data""#))
    #expect(km.contains(#""median":31,"median_lower":13,"n":11"#))  // R: upper limit NA (left out)
    #expect(r[1].stringValue?.contains(#""kind":"logrank""#) == true)
    #expect(r[2].stringValue?.contains(#""kind":"followup""#) == true)
  }
}
