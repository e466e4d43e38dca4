import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `followup()` end to end: median follow-up by reverse Kaplan–Meier, R
/// `survfit(Surv(time, 1 - status) ~ g)` medians as `print.survfit`, and
/// `median(time[status == 0])`, fixtures of scripts/fixtures/km.R.
@Suite struct FollowUpBindingTests {
  static let cases: [(fixture: String, data: String, formula: String, options: String, labels: [String])] = [
    ("followup_lung_sex_loglog", "dataset('lung')", "Surv(time, status) ~ sex", "nil", ["sex=1", "sex=2"]),
    ("followup_lung_sex_log", "dataset('lung')", "Surv(time, status) ~ sex", "{conf_type = 'log'}", ["sex=1", "sex=2"]),
    ("followup_colon_rx_loglog", "death", "Surv(time, status) ~ rx", "{conf_level = 0.95}", ["rx=Obs", "rx=Lev",
      "rx=Lev+5FU"]),
  ]

  static func rowScript(_ expr: String) -> String {
    """
    local function row(x) return { label = x.label, n = x.n, censored = x.censored, median = scalar(x.median),
      lower = scalar(x.lower), upper = scalar(x.upper), median_censored = scalar(x.median_censored) } end
    local r = \(expr)
    local groups = {}
    for i, g in ipairs(r.groups) do groups[i] = row(g) end
    return { kind = r.kind, name = getmetatable(r).__name, overall = row(r.overall), groups = groups,
      conf_type = r.conf_type, text = tostring(r) }
    """
  }

  @Test(arguments: cases.map(\.fixture))
  func matchesR(_ name: String) throws {
    let c = try #require(Self.cases.first { $0.fixture == name })
    let fixture = try SurvivalFixture.load(name)
    let rt = try makeRuntime()
    let out = try #require(try lua(rt, LogRankBindingTests.prelude
      + Self.rowScript("followup(\(c.data), \"\(c.formula)\", \(c.options))")).first)
    #expect(out["kind"] == .string("followup"))
    #expect(out["name"] == .string("kaplan.followup"))
    #expect(out["conf_type"].stringValue == fixture["conf_type"] as? String)
    func check(_ ours: LuaValue, _ r: [String: Any], censored: Double, _ tag: String) {
      SurvivalFixture.expectValue(ours["median"].double, SurvivalFixture.number(r["median"]), "\(tag) median")
      SurvivalFixture.expectValue(ours["lower"].double, SurvivalFixture.number(r["lower"]), "\(tag) lower")
      SurvivalFixture.expectValue(ours["upper"].double, SurvivalFixture.number(r["upper"]), "\(tag) upper")
      SurvivalFixture.expectValue(ours["median_censored"].double, censored, "\(tag) median censored")
    }
    check(out["overall"], SurvivalFixture.object(fixture["overall"]),
          censored: SurvivalFixture.number(fixture["median_censored_overall"]), "\(name) overall")
    let groups = SurvivalFixture.objects(fixture["groups"])
    let censored = SurvivalFixture.numbers(fixture["median_censored_groups"])
    try #require(out["groups"].items.count == groups.count)
    for (i, g) in groups.enumerated() {
      #expect(out["groups"][i + 1]["label"].stringValue == c.labels[i])
      check(out["groups"][i + 1], g, censored: censored[i], "\(name) \(c.labels[i])")
    }
    let n = out["groups"].items.reduce(0.0) { $0 + $1["n"].double }
    #expect(out["overall"]["n"].double == n)
    let text = out["text"].stringValue ?? ""
    #expect(text.contains("reverse Kaplan–Meier"))
    #expect(text.contains("in the time units of 'time'"))
  }

  /// Without groups: the overall line only, equal to R's `~ 1` fit.
  @Test func overallOnly() throws {
    let fixture = try SurvivalFixture.load("followup_lung_sex_loglog")
    let rt = try makeRuntime()
    let out = try #require(try lua(rt, densePrelude + Self.rowScript(
      "followup(dataset('lung'), 'Surv(time, status)')")).first)
    #expect(out["groups"].items.isEmpty)
    let r = SurvivalFixture.object(fixture["overall"])
    SurvivalFixture.expectValue(out["overall"]["median"].double, SurvivalFixture.number(r["median"]), "median")
    SurvivalFixture.expectValue(out["overall"]["lower"].double, SurvivalFixture.number(r["lower"]), "lower")
    SurvivalFixture.expectValue(out["overall"]["upper"].double, SurvivalFixture.number(r["upper"]), "upper")
    #expect(out["overall"]["censored"] == .integer(63))  // R: sum(lung$status == 1)
    let text = out["text"].stringValue ?? ""
    #expect(text.hasPrefix("Median follow-up 588 (95% CI 511 to 821) in the time units of 'time'"))
  }
}
