import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `km()` end to end: bundled dataset → formula → model frame → Kaplan–Meier
/// → Lua tables, every number against R survival 3.5.3 (`survfit`,
/// `quantile`, `print(fit, rmean =)`, `summary(fit, times =)`) in
/// Tests/Fixtures/km (written by scripts/fixtures/km.R) at 1e-10 relative.
@Suite struct KaplanMeierBindingTests {
  /// Each fixture and the Lua that makes the same fit from a bundled dataset.
  /// Weights and entry times are derived in Lua as km.R derives them (k is the
  /// 1-based row number).
  static let cases: [(fixture: String, fit: String)] = [
    ("colon_rx", """
      local colon = dataset("colon")
      local fit = km(colon:where(colon.etype:eq(2)), "Surv(time, status) ~ rx")
      """),
    ("lung_sex_loglog", #"local fit = km(dataset("lung"), "Surv(time, status) ~ sex")"#),
    ("lung_sex_log", #"local fit = km(dataset("lung"), "Surv(time, status) ~ sex", {conf_type = "log"})"#),
    ("lung_sex_plain", #"local fit = km(dataset("lung"), "Surv(time, status) ~ sex", {conf_type = "plain"})"#),
    ("lung_sex_logit", #"local fit = km(dataset("lung"), "Surv(time, status) ~ sex", {conf_type = "logit"})"#),
    ("lung_sex_arcsin", #"local fit = km(dataset("lung"), "Surv(time, status) ~ sex", {conf_type = "arcsin"})"#),
    ("lung_sex_none", #"local fit = km(dataset("lung"), "Surv(time, status) ~ sex", {conf_type = "none"})"#),
    ("lung_sex_loglog_90", #"local fit = km(dataset("lung"), "Surv(time, status) ~ sex", {conf_level = 0.9})"#),
    ("lung_all", #"local fit = km(dataset("lung"), "Surv(time, status) ~ 1")"#),
    ("veteran_trt", #"local fit = km(dataset("veteran"), "Surv(time, status) ~ trt")"#),
    ("aml_x", #"local fit = km(dataset("aml"), "Surv(time, status) ~ x", {conf_type = "log"})"#),
    ("lung_sex_intweights", """
      local lung = dataset("lung")
      local w = {}
      for k = 1, #lung do w[k] = 1 + k % 3 end
      local fit = km(lung:with{w = w}, "Surv(time, status) ~ sex", {weights = "w"})
      """),
    ("lung_sex_fracweights", """
      local lung = dataset("lung")
      local w = {}
      for k = 1, #lung do w[k] = 0.5 + (k % 5) / 4 end
      local fit = km(lung:with{w = w}, "Surv(time, status) ~ sex", {weights = "w", conf_type = "log"})
      """),
    ("aml_fracweights", """
      local aml = dataset("aml")
      local pool, w = {1.5, 0.25, 2, 1, 0.75, 1.25}, {}
      for k = 1, #aml do w[k] = pool[k % 6 + 1] end
      local fit = km(aml:with{w = w}, "Surv(time, status) ~ x", {weights = "w"})
      """),
    ("lung_sex_entry", """
      local lung = dataset("lung")
      local entry = {}
      for k = 1, #lung do entry[k] = math.floor(lung.time[k] * (k % 4) / 5) end
      local fit = km(lung:with{entry = entry}, "Surv(entry, time, status) ~ sex")
      """),
    ("heart_transplant", #"local fit = km(dataset("heart"), "Surv(start, stop, event) ~ transplant")"#),
    ("lung_entry_fracweights", """
      local lung = dataset("lung")
      local entry, w = {}, {}
      for k = 1, #lung do
        entry[k] = math.floor(lung.time[k] * (k % 4) / 5)
        w[k] = 0.5 + (k % 5) / 4
      end
      local fit = km(lung:with{entry = entry, w = w}, "Surv(entry, time, status) ~ sex", {weights = "w"})
      """),
    ("flat", """
      local d = dataset.from{{"time", {1, 2, 3, 4, 5, 6, 1, 2, 3, 4}}, {"status", {1, 1, 1, 0, 1, 0, 1, 1, 0, 0}},
        {"g", {1, 1, 1, 1, 1, 1, 2, 2, 2, 2}}}
      local fit = km(d, "Surv(time, status) ~ g", {conf_type = "log"})
      """),
  ]

  static let curveKeys = [
    "time", "n_risk", "n_event", "n_censor", "surv", "std_err", "lower", "upper", "cumhaz", "std_chaz",
  ]

  /// The fit and its methods as one table of dense arrays.
  static func script(fit: String, probs: [Double], tau: Double, times: [Double], extendTimes: [Double]) -> String {
    let keys = curveKeys.map { "\"\($0)\"" }.joined(separator: ", ")
    return densePrelude + fit + """

      local keys = {\(keys)}
      local probs = \(SurvivalFixture.lua(probs))
      local q = fit:quantile(probs)
      local r = fit:rmst(\(tau))
      local a = fit:at(\(SurvivalFixture.lua(times)))
      local e = fit:at(\(SurvivalFixture.lua(extendTimes)), {extend = true})
      local function rows(t)
        local out = {}
        for _, k in ipairs(keys) do out[k] = dense(t[k], #t.time) end
        return out
      end
      local out = { kind = fit.kind, conf_type = fit.conf_type, conf_level = fit.conf_level, n = fit.n,
        events = fit.events, n_dropped = fit.n_dropped, name = getmetatable(fit).__name, curves = {} }
      for i, s in ipairs(fit.strata) do
        local c = rows(s)
        c.label, c.n, c.events = s.label, s.n, s.events
        c.median, c.median_lower, c.median_upper = scalar(s.median), scalar(s.median_lower), scalar(s.median_upper)
        c.quantile = dense(q.strata[i].quantile, #probs)
        c.quantile_lower = dense(q.strata[i].lower, #probs)
        c.quantile_upper = dense(q.strata[i].upper, #probs)
        c.rmean, c.rmean_se, c.rmean_label = scalar(r.strata[i].rmean), scalar(r.strata[i].se), r.strata[i].label
        c.at, c.at_extended = rows(a.strata[i]), rows(e.strata[i])
        out.curves[i] = c
      end
      return out
      """
  }

  @Test(arguments: cases.map(\.fixture))
  func matchesR(_ name: String) throws {
    let fit = try #require(Self.cases.first { $0.fixture == name }?.fit)
    let fixture = try SurvivalFixture.load(name)
    let curves = SurvivalFixture.objects(fixture["curves"])
    let first = try #require(curves.first)
    let rq = SurvivalFixture.object(first["quantile"])
    let probs = SurvivalFixture.numbers(rq["probs"])
    let tau = SurvivalFixture.number(SurvivalFixture.object(first["rmean"])["tau"])
    let times = SurvivalFixture.numbers(fixture["times"])
    let extendTimes = SurvivalFixture.numbers(fixture["extend_times"])
    let rt = try makeRuntime()
    let script = Self.script(fit: fit, probs: probs, tau: tau, times: times, extendTimes: extendTimes)
    let out = try #require(try lua(rt, script).first)

    let options = SurvivalFixture.object(fixture["options"])
    #expect(out["kind"] == .string("km"))
    #expect(out["name"] == .string("kaplan.km"))
    #expect(out["conf_type"].stringValue == options["conf_type"] as? String)
    SurvivalFixture.expectValue(out["conf_level"].double, SurvivalFixture.number(options["conf_level"]),
      "\(name) conf_level")
    #expect(out["n_dropped"] == .integer(0))
    let ours = out["curves"].items
    try #require(ours.count == curves.count, "\(name): \(ours.count) curves, R has \(curves.count)")

    // Labels as R's survfit names its strata: "sex=1", or "all" for ~ 1.
    let levels = SurvivalFixture.strings(fixture["groups"])
    let variable =
      [
        "colon_rx": "rx", "veteran_trt": "trt", "aml_x": "x", "aml_fracweights": "x", "heart_transplant": "transplant",
        "flat": "g",
      ][name] ?? "sex"
    var n = 0.0, events = 0.0
    for (g, r) in curves.enumerated() {
      let c = ours[g]
      let tag = "\(name) curve \(g)"
      #expect(c["label"].stringValue == (name == "lung_all" ? "all" : "\(variable)=\(levels[g])"), "\(tag) label")
      SurvivalFixture.expectValue(c["n"].double, SurvivalFixture.number(r["n"]), "\(tag) n")
      SurvivalFixture.expectValue(c["events"].double, SurvivalFixture.number(r["events"]), "\(tag) events")
      n += c["n"].double
      events += c["events"].double
      for key in Self.curveKeys {
        SurvivalFixture.expectArray(c[key].doubles, SurvivalFixture.numbers(r[key]), "\(tag) \(key)")
      }
      let rm = SurvivalFixture.object(r["median"])
      SurvivalFixture.expectValue(c["median"].double, SurvivalFixture.number(rm["median"]), "\(tag) median")
      SurvivalFixture.expectValue(c["median_lower"].double, SurvivalFixture.number(rm["lower"]), "\(tag) median lower")
      SurvivalFixture.expectValue(c["median_upper"].double, SurvivalFixture.number(rm["upper"]), "\(tag) median upper")

      let q = SurvivalFixture.object(r["quantile"])
      SurvivalFixture.expectArray(c["quantile"].doubles, SurvivalFixture.numbers(q["quantile"]), "\(tag) quantile")
      SurvivalFixture.expectArray(c["quantile_lower"].doubles, SurvivalFixture.numbers(q["lower"]),
        "\(tag) quantile lower")
      SurvivalFixture.expectArray(c["quantile_upper"].doubles, SurvivalFixture.numbers(q["upper"]),
        "\(tag) quantile upper")

      let mean = SurvivalFixture.object(r["rmean"])
      SurvivalFixture.expectValue(c["rmean"].double, SurvivalFixture.number(mean["rmean"]), "\(tag) rmean")
      SurvivalFixture.expectValue(c["rmean_se"].double, SurvivalFixture.number(mean["std_err"]), "\(tag) se(rmean)")

      for (key, fixtureKey) in [("at", "at"), ("at_extended", "at_extended")] {
        let ra = SurvivalFixture.object(r[fixtureKey])
        for k in Self.curveKeys {
          SurvivalFixture.expectArray(c[key][k].doubles, SurvivalFixture.numbers(ra[k]), "\(tag) \(key) \(k)")
        }
      }
    }
    SurvivalFixture.expectValue(out["n"].double, n, "\(name) n")
    SurvivalFixture.expectValue(out["events"].double, events, "\(name) events")
  }

  /// The derived weights and entry times equal km.R's inputs exactly.
  @Test func derivedInputsEqualTheFixtureInputs() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local lung = dataset("lung")
      local entry, w = {}, {}
      for k = 1, #lung do
        entry[k] = math.floor(lung.time[k] * (k % 4) / 5)
        w[k] = 0.5 + (k % 5) / 4
      end
      return entry, w
      """)
    let input = SurvivalFixture.object(try SurvivalFixture.load("lung_entry_fracweights")["input"])
    #expect(r[0].doubles == SurvivalFixture.numbers(input["entry"]))
    #expect(r[1].doubles == SurvivalFixture.numbers(input["weights"]))
  }

  /// Rows with a missing value in a variable used are dropped and counted.
  @Test func dropsAndCountsMissingRows() throws {
    let rt = try makeRuntime()
    // lung$ph.ecog has one NA (R: sum(is.na(lung$ph.ecog)) is 1).
    let r = try lua(rt, """
      local fit = km(dataset("lung"), "Surv(time, status) ~ ph.ecog")
      return fit.n, fit.n_dropped, #fit.strata, fit.strata[1].label, tostring(fit)
      """)
    #expect(r[0] == .integer(227))
    #expect(r[1] == .integer(1))
    #expect(r[2] == .integer(4))
    #expect(r[3] == .string("ph.ecog=0"))
    #expect(r[4].stringValue?.contains("(1 observation deleted due to missingness)") == true)
  }

  /// Two arms: the restricted-mean difference (second − first) with its CI
  /// and p, from the two per-arm means and standard errors of R.
  @Test func restrictedMeanDifferenceOfTwoArms() throws {
    let fixture = try SurvivalFixture.load("lung_sex_loglog")
    let curves = SurvivalFixture.objects(fixture["curves"])
    let m = curves.map { SurvivalFixture.object($0["rmean"]) }
    let mean = m.map { SurvivalFixture.number($0["rmean"]) }
    let se = m.map { SurvivalFixture.number($0["std_err"]) }
    let rt = try makeRuntime()
    let d = try #require(try lua(rt, """
      local r = km(dataset("lung"), "Surv(time, status) ~ sex"):rmst(365)
      return r.difference
      """).first)
    let diff = mean[1] - mean[0]
    let s = (se[0] * se[0] + se[1] * se[1]).squareRoot()
    let z = 1.959963984540054  // R: qnorm(0.975)
    #expect(d["label"] == .string("sex=2 - sex=1"))
    SurvivalFixture.expectValue(d["estimate"].double, diff, "difference")
    SurvivalFixture.expectValue(d["se"].double, s, "se")
    SurvivalFixture.expectValue(d["lower"].double, diff - z * s, "lower")
    SurvivalFixture.expectValue(d["upper"].double, diff + z * s, "upper")
    SurvivalFixture.expectValue(d["z"].double, diff / s, "z")
    #expect(d["p"].double > 0 && d["p"].double < 0.001)
    // Three curves have no difference.
    #expect(try lua(rt,
      "local c = dataset('colon') return km(c, 'Surv(time, status) ~ rx'):rmst(1000).difference") == [.nil])
  }

  /// `fit:at` takes a single time too, and `fit:quantile()` defaults to the quartiles.
  @Test func methodDefaults() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local fit = km(dataset("lung"), "Surv(time, status) ~ 1")
      local a = fit:at(365)
      local q = fit:quantile()
      return #a.strata[1].time, a.strata[1].time[1], #q.probs, q.probs[2],
        q.strata[1].quantile[2] == fit.strata[1].median,
        getmetatable(a).__name, getmetatable(q).__name, getmetatable(fit:rmst()).__name, fit:rmst().common_tau
      """)
    #expect(r == [.integer(1), .number(365), .integer(3), .number(0.5), .boolean(true),
                  .string("kaplan.km_at"), .string("kaplan.km_quantile"), .string("kaplan.km_rmst"), .boolean(true)])
  }

  /// Tiny data worked by hand: a tie of an event and a censoring at time 2,
  /// all censored (NA median and limits), a single subject.
  @Test func handWorkedTinyData() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, densePrelude + """
      local fit = km(dataset.from{{"t", {2, 2, 3, 5}}, {"e", {1, 0, 1, 0}}}, "Surv(t, e) ~ 1")
      local s = fit.strata[1]
      local none = km(dataset.from{{"t", {1, 2}}, {"e", {0, 0}}}, "Surv(t, e) ~ 1")
      local one = km(dataset.from{{"t", {4}}, {"e", {1}}}, "Surv(t, e) ~ 1")
      return s.time, s.n_risk, s.n_event, s.n_censor, s.surv, s.std_err, s.cumhaz, s.median,
        none.strata[1].surv, none.strata[1].median, dense(none.strata[1].lower, 2), tostring(none),
        one.strata[1].surv, one.strata[1].median, one.events
      """)
    #expect(r[0].doubles == [2, 3, 5])
    #expect(r[1].doubles == [4, 2, 1])
    #expect(r[2].doubles == [1, 1, 0])
    #expect(r[3].doubles == [1, 0, 1])
    #expect(r[4].doubles == [0.75, 0.375, 0.375])
    // Greenwood: S(2)·√(1/(4·3)); S(3)·√(1/12 + 1/(2·1)).
    SurvivalFixture.expectArray(r[5].doubles, [0.75 * (1.0 / 12).squareRoot(), 0.375 * (1.0 / 12 + 0.5).squareRoot(),
                                               0.375 * (1.0 / 12 + 0.5).squareRoot()], "std_err")
    #expect(r[6].doubles == [0.25, 0.75, 0.75])
    #expect(r[7] == .number(3))
    #expect(r[8].doubles == [1, 1])
    #expect(r[9] == .nil)
    #expect(r[10].doubles.allSatisfy { $0.isNaN })
    #expect(r[11].stringValue?.contains("all 2      0     NA      NA      NA") == true)
    #expect(r[12].doubles == [0])
    #expect(r[13] == .number(4))
    #expect(r[14] == .integer(1))
  }
}
