import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `tidy(x)`: every result kind as a dataset (broom's tidy), through the
/// binding layer's `ResultKind.tidy`. Each kind's tidy numbers must equal
/// the result table's fields exactly (both are encoded from the same Swift
/// values), with broom's column names, typed columns and one row per curve
/// time / group / term / pair.
@Suite struct TidyTests {
  /// Lua helpers: `same(d, column, i, want)` records a mismatch of
  /// `d[column][i]` (nil is NA on both sides), `shape(d, names, types, rows)`
  /// the column names in order, their types and the row count; the chunk
  /// returns the problems joined by newlines ("" when there are none).
  static let prelude = """
    local problems = {}
    local function say(...) problems[#problems + 1] = string.format(...) end
    local checked = 0
    local function same(d, name, i, want)
      checked = checked + 1
      local got = d[name][i]
      if got ~= want and not (got == nil and want == nil) then
        say("%s[%d]: got %s, want %s", name, i, tostring(got), tostring(want))
      end
    end
    local function shape(d, names, types, rows)
      local got = table.concat(d:names(), ",")
      if got ~= table.concat(names, ",") then say("names %s", got) end
      local t = d:types()
      for i, n in ipairs(names) do
        if t[n] ~= types[i] then say("type of %s: %s, want %s", n, tostring(t[n]), types[i]) end
      end
      if #d ~= rows then say("rows: %d, want %d", #d, rows) end
    end
    local function done()
      if checked == 0 then say("nothing compared") end
      return table.concat(problems, "\\n")
    end
    local lung = dataset("lung")
    local colon = dataset("colon")
    """

  /// The myeloid data as competing risks (as the competing-risks examples).
  static let myeloid = """
    local my = dataset("myeloid")
    local tt, ee = {}, {}
    for i, r in my:rows() do
      tt[i] = r.crtime or r.futime
      ee[i] = r.crtime and 1 or (r.death == 1 and 2 or 0)
    end
    my = my:with{ t = tt, event = ee }
    """

  /// Runs `body` after the prelude and expects no problems.
  func check(_ body: String, _ comment: Comment) throws {
    let rt = try makeRuntime()
    let out = try lua(rt, Self.prelude + Self.myeloid + body + "\nreturn done()")
    #expect(out.first?.stringValue == "", comment)
  }

  /// The columns of a curve-time tidy (km, km_at).
  static let curveColumns = """
    local names = {"strata", "time", "n_risk", "n_event", "n_censor", "estimate", "std_error", "conf_low",
                   "conf_high"}
    local types = {"string", "double", "int", "int", "int", "double", "double", "double", "double"}
    local function curves(d, t)
      local rows, r = 0, 0
      for _, s in ipairs(t.strata) do rows = rows + #s.time end
      shape(d, names, types, rows)
      for _, s in ipairs(t.strata) do
        for i = 1, #s.time do
          r = r + 1
          same(d, "strata", r, s.label); same(d, "time", r, s.time[i]); same(d, "n_risk", r, s.n_risk[i])
          same(d, "n_event", r, s.n_event[i]); same(d, "n_censor", r, s.n_censor[i])
          same(d, "estimate", r, s.surv[i]); same(d, "std_error", r, s.std_err[i])
          same(d, "conf_low", r, s.lower[i]); same(d, "conf_high", r, s.upper[i])
        end
      end
    end

    """

  @Test func kmIsOneRowPerCurveTime() throws {
    try check(Self.curveColumns + """
      local fit = km(lung, "Surv(time, status) ~ sex")
      curves(tidy(fit), fit)
      local none = km(lung, "Surv(time, status) ~ 1", {conf_type = "none"})
      curves(tidy(none), none)
      local limits = tidy(none).conf_low
      for i = 1, #limits do same(tidy(none), "conf_low", i, nil) end
      -- Fractional case weights: counts are doubles, equal to the table's.
      local w = {}
      for i = 1, #lung do w[i] = 0.5 + (i % 3) / 4 end
      local weighted = km(lung:with{w = w}, "Surv(time, status) ~ sex", {weights = "w"})
      local wd = tidy(weighted)
      types[3], types[4], types[5] = "double", "double", "double"
      curves(wd, weighted)
      """, "km")
  }

  @Test func kmAtIsOneRowPerCurveAndTime() throws {
    try check(Self.curveColumns + """
      local at = km(colon, "Surv(time, status) ~ rx"):at{100, 365, 1826, 5000}
      curves(tidy(at), at)
      """, "km_at")
  }

  @Test func kmQuantileAndRmst() throws {
    try check("""
      local fit = km(lung, "Surv(time, status) ~ sex")
      local q = fit:quantile{0.25, 0.5, 0.9}
      local d = tidy(q)
      shape(d, {"strata", "probability", "estimate", "conf_low", "conf_high"},
            {"string", "double", "double", "double", "double"}, 6)
      local r = 0
      for _, s in ipairs(q.strata) do
        for i = 1, #s.probs do
          r = r + 1
          same(d, "strata", r, s.label); same(d, "probability", r, s.probs[i])
          same(d, "estimate", r, s.quantile[i]); same(d, "conf_low", r, s.lower[i])
          same(d, "conf_high", r, s.upper[i])
        end
      end
      local m = fit:rmst(500)
      d = tidy(m)
      shape(d, {"strata", "type", "tau", "n", "events", "estimate", "std_error", "conf_low", "conf_high",
                "statistic", "p_value"},
            {"string", "string", "double", "int", "int", "double", "double", "double", "double", "double",
             "double"}, 3)
      for i, s in ipairs(m.strata) do
        same(d, "strata", i, s.label); same(d, "type", i, "rmst"); same(d, "tau", i, m.tau)
        same(d, "n", i, s.n); same(d, "events", i, s.events); same(d, "estimate", i, s.rmean)
        same(d, "std_error", i, s.se); same(d, "p_value", i, nil)
      end
      local dif = m.difference
      same(d, "strata", 3, dif.label); same(d, "type", 3, "difference"); same(d, "n", 3, nil)
      same(d, "estimate", 3, dif.estimate); same(d, "std_error", 3, dif.se); same(d, "conf_low", 3, dif.lower)
      same(d, "conf_high", 3, dif.upper); same(d, "statistic", 3, dif.z); same(d, "p_value", 3, dif.p)
      -- One curve: no difference row.
      if #tidy(km(lung, "Surv(time, status) ~ 1"):rmst()) ~= 1 then say("one curve: rows") end
      """, "km_quantile, km_rmst")
  }

  @Test func logrankPairwiseAndFollowup() throws {
    try check("""
      local vet = dataset("veteran")
      local lr = logrank(vet, "Surv(time, status) ~ celltype")
      local d = tidy(lr)
      shape(d, {"group", "n", "observed", "expected", "method", "statistic", "df", "p_value"},
            {"string", "int", "int", "double", "string", "double", "int", "double"}, 4)
      for i, g in ipairs(lr.groups) do
        same(d, "group", i, g.label); same(d, "n", i, g.n); same(d, "observed", i, g.observed)
        same(d, "expected", i, g.expected); same(d, "statistic", i, lr.chisq); same(d, "df", i, lr.df)
        same(d, "p_value", i, lr.p); same(d, "method", i, "logrank")
      end
      local mc = logrank(vet, "Surv(time, status) ~ trt", {test = "maxcombo"})
      d = tidy(mc)
      same(d, "method", 1, "maxcombo"); same(d, "statistic", 2, mc.maxcombo.statistic)
      same(d, "p_value", 2, mc.maxcombo.p)
      d = tidy(logrank(vet, "Surv(time, status) ~ trt", {weights = "gehan"}))
      same(d, "method", 1, "gehan")
      local death = colon:where(colon.etype:eq(2))
      local pw = pairwise_logrank(death, "Surv(time, status) ~ rx")
      d = tidy(pw)
      shape(d, {"group1", "group2", "statistic", "p_unadjusted", "p_value"},
            {"string", "string", "double", "double", "double"}, 3)
      for i, p in ipairs(pw.pairs) do
        same(d, "group1", i, p.first); same(d, "group2", i, p.second); same(d, "statistic", i, p.chisq)
        same(d, "p_unadjusted", i, p.p); same(d, "p_value", i, p.p_adjusted)
      end
      local fu = followup(lung, "Surv(time, status) ~ sex")
      d = tidy(fu)
      shape(d, {"group", "n", "censored", "estimate", "conf_low", "conf_high", "median_censored"},
            {"string", "int", "int", "double", "double", "double", "double"}, 3)
      for i, g in ipairs({fu.overall, fu.groups[1], fu.groups[2]}) do
        same(d, "group", i, g.label); same(d, "n", i, g.n); same(d, "censored", i, g.censored)
        same(d, "estimate", i, g.median); same(d, "conf_low", i, g.lower); same(d, "conf_high", i, g.upper)
        same(d, "median_censored", i, g.median_censored)
      end
      """, "logrank, pairwise_logrank, followup")
  }

  /// The log-scale limits are the logs of the table's `lower`/`upper`
  /// (Lua's math.log and Swift's log are the same C function).
  @Test func coxTermsOnBothScales() throws {
    try check("""
      local m = cox(lung, "Surv(time, status) ~ age + sex + strata(inst)")
      local d, e = tidy(m), tidy(m, {exponentiate = true})
      local names = {"term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"}
      local types = {"string", "double", "double", "double", "double", "double", "double"}
      shape(d, names, types, 2)
      shape(e, names, types, 2)
      for i, t in ipairs(m.terms) do
        same(d, "term", i, t.name); same(d, "estimate", i, t.coef); same(d, "std_error", i, t.se)
        same(d, "statistic", i, t.z); same(d, "p_value", i, t.p)
        same(d, "conf_low", i, math.log(t.lower)); same(d, "conf_high", i, math.log(t.upper))
        same(e, "estimate", i, t.hr); same(e, "std_error", i, t.se); same(e, "conf_low", i, t.lower)
        same(e, "conf_high", i, t.upper)
      end
      local r = cox(lung, "Surv(time, status) ~ age + sex", {robust = true})
      d = tidy(r)
      shape(d, {"term", "estimate", "std_error", "robust_se", "statistic", "p_value", "conf_low", "conf_high"},
            {"string", "double", "double", "double", "double", "double", "double", "double"}, 2)
      for i, t in ipairs(r.terms) do
        same(d, "std_error", i, t.se); same(d, "robust_se", i, t.robust_se); same(d, "statistic", i, t.z)
      end
      """, "cox")
  }

  @Test func coxAnovaAndLikelihoodRatioTests() throws {
    try check("""
      local vet = dataset("veteran")
      local m = cox(vet, "Surv(time, status) ~ trt + celltype + karno")
      local a = m:anova()
      local d = tidy(a)
      local names = {"term", "loglik", "statistic", "df", "p_value"}
      shape(d, names, {"string", "double", "double", "int", "double"}, #a.rows)
      for i, row in ipairs(a.rows) do
        same(d, "term", i, row.term); same(d, "loglik", i, row.loglik); same(d, "statistic", i, row.chisq)
        same(d, "df", i, row.df); same(d, "p_value", i, row.p)
      end
      local small = cox(vet, "Surv(time, status) ~ karno")
      for _, test in ipairs({lrtest(small, m), small:anova(m)}) do
        d = tidy(test)
        shape(d, {"model", "loglik", "statistic", "df", "p_value"}, {"string", "double", "double", "int", "double"}, 2)
        for i = 1, 2 do same(d, "model", i, test.formulas[i]); same(d, "loglik", i, test.loglik[i]) end
        same(d, "statistic", 1, nil); same(d, "df", 1, nil); same(d, "p_value", 1, nil)
        same(d, "statistic", 2, test.statistic); same(d, "df", 2, test.df); same(d, "p_value", 2, test.p)
      end
      """, "cox_anova, lrtest")
  }

  @Test func cumincAndItsTimepoints() throws {
    try check("""
      local ci = cuminc(my, "Surv(t, event) ~ trt")
      local d = tidy(ci)
      local rows = 0
      for _, c in ipairs(ci.curves) do rows = rows + #c.time end
      shape(d, {"group", "cause", "time", "estimate", "variance", "conf_low", "conf_high", "n_risk", "n_event",
                "n_censor"},
            {"string", "string", "double", "double", "double", "double", "double", "int", "int", "int"}, rows)
      local r = 0
      for _, c in ipairs(ci.curves) do
        for i = 1, #c.time do
          r = r + 1
          same(d, "group", r, c.group); same(d, "cause", r, c.cause); same(d, "time", r, c.time[i])
          same(d, "estimate", r, c.est[i]); same(d, "variance", r, c.var[i]); same(d, "conf_low", r, c.lower[i])
          same(d, "conf_high", r, c.upper[i]); same(d, "n_risk", r, c.n_risk[i])
          same(d, "n_event", r, c.n_event[i]); same(d, "n_censor", r, c.n_censor[i])
        end
      end
      -- ~ 1: the group is NA.
      same(tidy(cuminc(my, "Surv(t, event) ~ 1")), "group", 1, nil)
      local at = ci:at{365, 100, 100000}
      d = tidy(at)
      shape(d, {"group", "cause", "time", "estimate", "variance", "conf_low", "conf_high", "n_risk"},
            {"string", "string", "double", "double", "double", "double", "double", "int"}, #at.curves * 3)
      r = 0
      for _, c in ipairs(at.curves) do
        for i = 1, #at.time do
          r = r + 1
          same(d, "group", r, c.group); same(d, "cause", r, c.cause); same(d, "time", r, at.time[i])
          same(d, "estimate", r, c.est[i]); same(d, "variance", r, c.var[i]); same(d, "conf_low", r, c.lower[i])
          same(d, "conf_high", r, c.upper[i]); same(d, "n_risk", r, c.n_risk[i])
        end
      end
      """, "cuminc, cuminc_at")
  }

  @Test func fineGrayTermsAndPredictions() throws {
    try check("""
      local m = finegray(my, "Surv(t, event) ~ trt + sex")
      local d, e = tidy(m), tidy(m, {exponentiate = true})
      shape(d, {"term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"},
            {"string", "double", "double", "double", "double", "double", "double"}, 2)
      for i, t in ipairs(m.terms) do
        same(d, "term", i, t.name); same(d, "estimate", i, t.coef); same(d, "std_error", i, t.se)
        same(d, "statistic", i, t.z); same(d, "p_value", i, t.p)
        same(d, "conf_low", i, math.log(t.lower)); same(d, "conf_high", i, math.log(t.upper))
        same(e, "estimate", i, t.shr); same(e, "conf_low", i, t.lower); same(e, "conf_high", i, t.upper)
      end
      local p = m:predict{ {trt = "A", sex = "f"}, {trt = "B", sex = "m"} }
      d = tidy(p)
      shape(d, {"profile", "time", "estimate"}, {"string", "double", "double"}, 2 * #p.time)
      local r = 0
      for _, c in ipairs(p.curves) do
        for i = 1, #p.time do
          r = r + 1
          same(d, "profile", r, c.label); same(d, "time", r, p.time[i]); same(d, "estimate", r, c.est[i])
        end
      end
      """, "finegray, finegray_predict")
  }

  /// tidy reads the handle: editing the result table changes nothing.
  @Test func editingTheResultTableChangesNothing() throws {
    try check("""
      local fit = km(lung, "Surv(time, status) ~ sex")
      local before = tidy(fit).estimate[1]
      -- Array fields are read-only views (ResultArrayTests); the fields can be replaced.
      fit.strata[1].surv = {42}
      fit.strata = {}
      same(tidy(fit), "estimate", 1, before)
      local m = cox(lung, "Surv(time, status) ~ age")
      local coef = m.terms[1].coef
      m.terms[1].coef = 7
      m.terms = nil
      same(tidy(m), "estimate", 1, coef)
      local at = fit:at{365}
      local s = at.strata[1].surv[1]
      at.strata[1].surv = {0}
      same(tidy(at), "estimate", 1, s)
      """, "edited tables")
  }

  /// The dataset writes with write_csv and feeds other functions.
  @Test func tidyWritesAndFeedsAnalyses() throws {
    let rt = try makeRuntime()
    let out = try lua(rt, """
      local lung = dataset("lung")
      local m = cox(lung, "Surv(time, status) ~ age + sex")
      local written = write_csv(tidy(m), "terms.csv")
      local ci = tidy(m, {exponentiate = true}):where(function(r) return r.conf_high < 1 end)
      local printed = tostring(tidy(km(lung, "Surv(time, status) ~ 1")))
      return written, ci:nrow(), ci.term[1], printed:match("^dataset: %d+ rows") ~= nil,
        m.terms[2].coef
      """)
    #expect(out.count == 5)
    #expect(out[0] == .boolean(true))
    #expect(out[1].doubleValue == 1)
    #expect(out[2].stringValue == "sex")
    #expect(out[3] == .boolean(true))
    let csv = try String(contentsOfFile: rt.policy.outputDirectory + "/terms.csv", encoding: .utf8)
    let lines = csv.split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(lines.first == "term,estimate,std_error,statistic,p_value,conf_low,conf_high")
    // The CSV's estimate reads back as the coefficient, to the last bit.
    let fields = lines.last?.split(separator: ",").map(String.init) ?? []
    #expect(fields.first == "sex")
    #expect(fields.count == 7 && Double(fields[1]) == out[4].doubleValue)
  }

  @Test func errorsNameWhatWasGiven() throws {
    let rt = try makeRuntime()
    let kinds = "km, km_at, km_quantile, km_rmst, logrank, pairwise_logrank, followup, cox, cox_pspline, cox_anova, "
      + "lrtest, "
      + "cox_wald, cox_zph, survreg, flexsurv, parametric_compare, cuminc, cuminc_at, finegray, finegray_predict, "
      + "table1, subgroups"
      + ", events_needed, sample_size, power, power_sim"  // issue 21 (trial design)
    #expect(luaError(rt, "tidy(3)")
      == "test:1: bad argument #1 to 'tidy' (a Kaplan result expected, got number; tidy(x) takes a result of: "
      + kinds + ")")
    #expect(luaError(rt, "\ntidy({strata = {}})")
      == "test:2: bad argument #1 to 'tidy' (a Kaplan result expected, got a table not made by a Kaplan "
      + "function; tidy(x) takes a result of: " + kinds + ")")
    #expect(luaError(rt, "tidy(dataset('aml'))").contains("(a Kaplan result expected, got dataset;"))
    #expect(luaError(rt, "tidy()").contains("(a Kaplan result expected, got nil;"))
    #expect(luaError(rt, "tidy(km(dataset('aml'), 'Surv(time, status) ~ x'), {exponentiate = true})")
      == "test:1: bad argument #2 to 'tidy' (option 'exponentiate' applies to cox, finegray and subgroups results, "
      + "got a km result)")
    #expect(luaError(rt, "tidy(cox(dataset('aml'), 'Surv(time, status) ~ x'), {exp = true})")
      .contains("bad argument #2 to 'tidy' (unknown option 'exp'"))
  }

  /// A kind declared without a tidier: `tidy` says so and lists the kinds
  /// that have one (no library has such a kind now, so the registry is
  /// exercised directly).
  @Test func aKindWithoutATidierIsRefused() throws {
    let rt = try makeRuntime()
    #expect(rt.tidiers.tidier(of: "km") != nil)
    #expect(rt.tidiers.tidier(of: "plot") == nil)
    try rt.lua.setGlobal("odd", .object(ResultHandle(kind: "odd", value: 1)))
    let message = luaError(rt, "require('kaplan').bind.entry('tidy').fn(odd)")
    #expect(message.contains(
      "bad argument #1 to 'tidy' (a odd result has no tidy form; tidy(x) takes a result of: km,"))
  }

  @Test func helpOfAResultMentionsTidy() throws {
    let rt = try makeRuntime()
    let out = try lua(rt, """
      local h = require("kaplan").help
      local fit = km(dataset("aml"), "Surv(time, status) ~ x")
      return h.text(fit), h.text("cox_anova"), h.text(dataset("aml"))
      """)
    #expect(out.count == 3)
    #expect(out[0].stringValue?.contains("tidy(x) gives a dataset, one row per curve time: strata, time,") == true)
    #expect(out[1].stringValue?.contains("tidy(x) gives a dataset, one row per nested model: term,") == true)
    #expect(out[2].stringValue?.contains("tidy(x)") == false)
  }
}
