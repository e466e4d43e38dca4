import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `logrank()` and `pairwise_logrank()` end to end against R survival 3.5.3
/// `survdiff` (and `p.adjust` over the pairs, as survminer's
/// `pairwise_survdiff`), fixtures of scripts/fixtures/km.R, 1e-10 relative;
/// Fleming–Harrington weights with gamma against lifelines 0.30.
@Suite struct LogRankBindingTests {
  /// Each fixture, the Lua dataset expression and formula, and options.
  static let cases: [(fixture: String, data: String, formula: String, options: String, variable: String)] = [
    ("logrank_colon_rx", "death", "Surv(time, status) ~ rx", "{}", "rx"),
    ("logrank_lung_sex", "dataset('lung')", "Surv(time, status) ~ sex", "{}", "sex"),
    ("logrank_lung_sex_rho1", "dataset('lung')", "Surv(time, status) ~ sex", "{rho = 1}", "sex"),
    ("logrank_veteran_trt_strata", "dataset('veteran')", "Surv(time, status) ~ trt + strata(celltype)", "{}", "trt"),
    ("logrank_veteran_trt_strata_rho1", "dataset('veteran')", "Surv(time, status) ~ trt + strata(celltype)",
      "{rho = 1}", "trt"),
    ("logrank_veteran_celltype", "dataset('veteran')", "Surv(time, status) ~ celltype", "{}", "celltype"),
    ("logrank_veteran_celltype_rho05", "dataset('veteran')", "Surv(time, status) ~ celltype", "{rho = 0.5}",
      "celltype"),
    ("logrank_aml", "dataset('aml')", "Surv(time, status) ~ x", "{}", "x"),
  ]

  static let prelude = densePrelude + """
    local colon = dataset("colon")
    local death = colon:where(colon.etype:eq(2))

    """

  @Test(arguments: cases.map(\.fixture))
  func matchesSurvdiff(_ name: String) throws {
    let c = try #require(Self.cases.first { $0.fixture == name })
    let fixture = try SurvivalFixture.load(name)
    let rt = try makeRuntime()
    let out = try #require(try lua(rt, Self.prelude + """
      local opts = \(c.options)
      opts.trend = true
      local r = logrank(\(c.data), "\(c.formula)", opts)
      local g = { label = {}, n = {}, observed = {}, expected = {}, oe2_e = {}, oe2_v = {} }
      for i, x in ipairs(r.groups) do
        for k in pairs(g) do g[k][i] = x[k] end
      end
      local var = {}
      for _, row in ipairs(r.var) do for _, v in ipairs(dense(row, #r.groups)) do var[#var + 1] = v end end
      return { kind = r.kind, name = getmetatable(r).__name, chisq = r.chisq, df = r.df, p = r.p, groups = g,
        var = var, trend = r.trend, rho = r.rho, strata = r.strata }
      """).first)
    #expect(out["kind"] == .string("logrank"))
    #expect(out["name"] == .string("kaplan.logrank"))
    SurvivalFixture.expectValue(out["rho"].double, SurvivalFixture.number(fixture["rho"]), "\(name) rho")
    let groups = out["groups"]
    let k = groups["n"].items.count
    let input = SurvivalFixture.object(fixture["input"])
    #expect(k == Int(SurvivalFixture.number(input["group_count"])))
    #expect(groups["label"].items.allSatisfy { $0.stringValue?.hasPrefix(c.variable + "=") == true })
    SurvivalFixture.expectArray(groups["n"].doubles, SurvivalFixture.numbers(fixture["n"]), "\(name) n")
    SurvivalFixture.expectArray(groups["observed"].doubles, SurvivalFixture.numbers(fixture["observed"]),
      "\(name) observed")
    SurvivalFixture.expectArray(groups["expected"].doubles, SurvivalFixture.numbers(fixture["expected"]),
      "\(name) expected")
    SurvivalFixture.expectArray(groups["oe2_e"].doubles, SurvivalFixture.numbers(fixture["o_e2_e"]),
      "\(name) (O-E)^2/E")
    SurvivalFixture.expectArray(groups["oe2_v"].doubles, SurvivalFixture.numbers(fixture["o_e2_v"]),
      "\(name) (O-E)^2/V")
    SurvivalFixture.expectArray(out["var"].doubles, SurvivalFixture.numbers(fixture["variance"]), "\(name) var")
    SurvivalFixture.expectValue(out["chisq"].double, SurvivalFixture.number(fixture["chisq"]), "\(name) chisq")
    SurvivalFixture.expectValue(out["df"].double, SurvivalFixture.number(fixture["df"]), "\(name) df")
    SurvivalFixture.expectValue(out["p"].double, SurvivalFixture.number(fixture["p"]), "\(name) p")
    let trend = SurvivalFixture.object(fixture["trend"])
    for key in ["score", "variance", "chisq", "p"] {
      SurvivalFixture.expectValue(out["trend"][key].double, SurvivalFixture.number(trend[key]), "\(name) trend \(key)")
    }
    #expect(out["trend"]["df"] == .integer(1))
    if input["strata"] != nil {
      #expect(
        out["strata"].items.map(\.stringValue)
          == ["celltype=squamous", "celltype=smallcell", "celltype=adeno", "celltype=large"])
    } else {
      #expect(out["strata"] == .nil)
    }
  }

  /// All pairs with holm, bonferroni, BH and unadjusted p-values (R
  /// `survdiff` per pair and `p.adjust`).
  @Test(arguments: ["logrank_colon_rx", "logrank_veteran_celltype", "logrank_veteran_celltype_rho05"])
  func pairwiseMatchesR(_ name: String) throws {
    let c = try #require(Self.cases.first { $0.fixture == name })
    let fixture = try SurvivalFixture.load(name)
    let pairs = SurvivalFixture.object(fixture["pairwise"])
    let rt = try makeRuntime()
    let rho = SurvivalFixture.number(fixture["rho"])
    for (adjust, key) in [("holm", "holm"), ("bonferroni", "bonferroni"), ("BH", "BH"), ("bh", "BH"), ("none", "p")] {
      let out = try #require(try lua(rt, Self.prelude + """
        local r = pairwise_logrank(\(c.data), "\(c.formula)", {adjust = "\(adjust)", rho = \(rho)})
        local t = { first = {}, second = {}, chisq = {}, p = {}, p_adjusted = {} }
        for i, x in ipairs(r.pairs) do for k in pairs(t) do t[k][i] = x[k] end end
        t.kind, t.groups, t.adjust = r.kind, r.groups, r.adjust
        return t
        """).first)
      let tag = "\(name) \(adjust)"
      #expect(out["kind"] == .string("pairwise_logrank"))
      #expect(out["adjust"] == .string(adjust == "bh" ? "BH" : adjust))
      let labels = out["groups"].items.compactMap(\.stringValue)
      let first = SurvivalFixture.numbers(pairs["first"]).map { labels[Int($0)] }
      let second = SurvivalFixture.numbers(pairs["second"]).map { labels[Int($0)] }
      #expect(out["first"].items.compactMap(\.stringValue) == first, "\(tag) first")
      #expect(out["second"].items.compactMap(\.stringValue) == second, "\(tag) second")
      SurvivalFixture.expectArray(out["chisq"].doubles, SurvivalFixture.numbers(pairs["chisq"]), "\(tag) chisq")
      SurvivalFixture.expectArray(out["p"].doubles, SurvivalFixture.numbers(pairs["p"]), "\(tag) p")
      SurvivalFixture.expectArray(out["p_adjusted"].doubles, SurvivalFixture.numbers(pairs[key]), "\(tag) adjusted")
    }
  }

  /// Fleming–Harrington G(rho, gamma) against lifelines'
  /// `multivariate_logrank_test(weightings = "fleming-harrington", p, q)`.
  @Test func flemingHarringtonMatchesLifelines() throws {
    let fixture = try SurvivalFixture.load("fleming_harrington_lifelines")
    let cases = SurvivalFixture.objects(fixture["cases"])
    #expect(cases.count == 12)
    let rt = try makeRuntime()
    for f in cases {
      let source = f["source"] as? String ?? ""
      let c = try #require(Self.cases.first { $0.fixture == source })
      let rho = SurvivalFixture.number(f["rho"]), gamma = SurvivalFixture.number(f["gamma"])
      let r = try lua(rt, Self.prelude + """
        local r = logrank(\(c.data), "\(c.formula)", {rho = \(rho), gamma = \(gamma)})
        return r.chisq, r.p, r.df, r.gamma
        """)
      let tag = "\(source) rho \(rho) gamma \(gamma)"
      SurvivalFixture.expectValue(r[0].double, SurvivalFixture.number(f["chisq"]), "\(tag) chisq")
      SurvivalFixture.expectValue(r[1].double, SurvivalFixture.number(f["p"]), "\(tag) p")
      #expect(r[2].double == SurvivalFixture.number(f["df"]), "\(tag) df")
      #expect(r[3].double == gamma)
    }
  }

  /// Trend scores given explicitly: any shift of 1..k gives the same test.
  @Test func trendWithScores() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.prelude + """
      local a = logrank(death, "Surv(time, status) ~ rx", {trend = true}).trend
      local b = logrank(death, "Surv(time, status) ~ rx", {trend = {10, 11, 12}}).trend
      local c = logrank(death, "Surv(time, status) ~ rx", {trend = false}).trend
      return a.chisq, b.chisq, b.scores[3], c
      """)
    SurvivalFixture.expectValue(r[1].double, r[0].double, "shifted scores")
    #expect(r[2] == .number(12))
    #expect(r[3] == .nil)
  }
}
