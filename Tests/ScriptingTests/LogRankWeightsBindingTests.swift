import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `logrank{weights =, test = "maxcombo"}` and power_sim's new analyses end to end (issue 21).
@Suite struct LogRankWeightsBindingTests {
  /// lifelines 0.30's weightings through the script API on the bundled datasets (the fixtures' inputs are
  /// these datasets), 1e-10 relative: scripts/fixtures/logrank_weights_lifelines.py.
  @Test func weightsMatchLifelines() throws {
    let fixture = try SurvivalFixture.load("logrank_weights_lifelines")
    let calls = [
      "logrank_lung_sex": "dataset('lung'), 'Surv(time, status) ~ sex'",
      "logrank_veteran_celltype": "dataset('veteran'), 'Surv(time, status) ~ celltype'",
      "logrank_veteran_trt_strata": "dataset('veteran'), 'Surv(time, status) ~ trt'",
      "logrank_colon_rx": "death, 'Surv(time, status) ~ rx'",
    ]
    let names = ["wilcoxon": "gehan", "tarone-ware": "tarone-ware", "peto": "peto-peto", "fleming-harrington": "fh"]
    let rt = try makeRuntime()
    var checked = 0
    for f in SurvivalFixture.objects(fixture["cases"]) {
      let call = try #require(calls[f["source"] as? String ?? ""])
      let weights = try #require(names[f["weightings"] as? String ?? ""])
      let rho = SurvivalFixture.number(f["rho"]), gamma = SurvivalFixture.number(f["gamma"])
      let extra = weights == "fh" ? ", rho = \(rho), gamma = \(gamma)" : ""
      let r = try lua(rt, LogRankBindingTests.prelude + """
        local r = logrank(\(call), {weights = "\(weights)"\(extra)})
        return r.chisq, r.p, r.weights
        """)
      let tag = "\(call) \(weights)"
      SurvivalFixture.expectValue(r[0].double, SurvivalFixture.number(f["chisq"]), "\(tag) chisq")
      SurvivalFixture.expectValue(r[1].double, SurvivalFixture.number(f["p"]), "\(tag) p")
      #expect(r[2].stringValue?.hasPrefix(weights) == true)
      checked += 1
    }
    #expect(checked == 20)
  }

  /// weights = "fh" with rho is R's survdiff(rho =) (Tests/Fixtures/km/logrank_lung_sex_rho1.json), and
  /// "logrank" is survdiff's default.
  @Test func fhIsSurvdiffRho() throws {
    let rho1 = try SurvivalFixture.load("logrank_lung_sex_rho1")
    let plain = try SurvivalFixture.load("logrank_lung_sex")
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local lung = dataset("lung")
      return logrank(lung, "Surv(time, status) ~ sex", {weights = "fh", rho = 1}).chisq,
        logrank(lung, "Surv(time, status) ~ sex", {weights = "logrank"}).chisq
      """)
    SurvivalFixture.expectValue(r[0].double, SurvivalFixture.number(rho1["chisq"]), "fh rho 1")
    SurvivalFixture.expectValue(r[1].double, SurvivalFixture.number(plain["chisq"]), "logrank")
  }

  /// MaxCombo through the API: z and the p-value as MaxComboTests checks them against quadrature, the
  /// printout naming the four statistics and the method.
  @Test func maxComboPrintsAndMatches() throws {
    let fixture = try SurvivalFixture.load("logrank_weights_lifelines")
    let lung = try #require(SurvivalFixture.objects(fixture["maxcombo"]).first)
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local r = logrank(dataset("lung"), "Surv(time, status) ~ sex", {test = "maxcombo"})
      return r.maxcombo.p, r.maxcombo.statistic, tostring(r), r.maxcombo.p_error, r.maxcombo.components[4].z
      """)
    let p = Double(lung["p"] as? String ?? "") ?? .nan
    #expect(abs(r[0].double - p) < 1e-9)
    #expect(abs(r[1].double - (Double(lung["statistic"] as? String ?? "") ?? .nan)) < 1e-10)
    let text = r[2].stringValue ?? ""
    #expect(text.hasPrefix("Log-rank test: Surv(time, status) ~ sex"))
    #expect(text.contains("FH(1,1)") && text.contains("FH(0,1)"))
    #expect(text.contains(" MaxCombo: max|Z|= 3.566, p= "))
    #expect(text.contains("(Gauss–Kronrod quadrature, error < "))
    #expect(r[3].double < 1e-9)
    let gehan = try lua(
      rt, "return tostring(logrank(dataset('lung'), 'Surv(time, status) ~ sex', {weights = 'gehan'}))")
    #expect(gehan[0].stringValue?.hasPrefix("Gehan–Breslow–Wilcoxon test (weights n at risk): Surv(time, status)")
      == true)
  }

  @Test func errorsNameTheOptions() throws {
    let rt = try makeRuntime()
    func error(_ code: String) -> String { luaError(rt, "local lung = dataset('lung')\n" + code) }
    #expect(error("logrank(lung, 'Surv(time, status) ~ sex', {weights = 'wilcoxon'})").contains(
      "bad argument #3 to 'logrank' (option 'weights' must be one of \"logrank\", \"gehan\""))
    #expect(error("logrank(lung, 'Surv(time, status) ~ sex', {weights = 'gehan', rho = 1})").contains(
      "bad argument #3 to 'logrank' (options 'rho' and 'gamma' apply to weights = \"fh\", got weights = \"gehan\")"))
    #expect(error("logrank(lung, 'Surv(time, status) ~ sex', {test = 'maxcombo', rho = 1})").contains(
      "bad argument #3 to 'logrank' (test = \"maxcombo\" combines the FH(0,0), FH(0,1), FH(1,0) and FH(1,1)"))
    #expect(error("logrank(lung, 'Surv(time, status) ~ sex', {test = 'max'})").contains(
      "bad argument #3 to 'logrank' (option 'test' must be one of \"chisq\", \"maxcombo\""))
    #expect(error("logrank(dataset('veteran'), 'Surv(time, status) ~ celltype', {test = 'maxcombo'})").contains(
      "logrank: test = \"maxcombo\" compares two groups; the formula gives 4 (celltype="))
  }

  /// power_sim's analyses "cox", "rmst" (tau) and "maxcombo": results labelled, reproducible for a seed,
  /// Monte Carlo SE given; option errors name the option.
  @Test func powerSimAnalyses() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local h = math.log(2) / 12
      local design = {n = 200, arms = {control = {hazard = h}, treatment = {hazard = 0.6 * h}}, accrual = 12,
                      follow_up = 12}
      local out = {}
      for _, a in ipairs({"cox", "rmst", "maxcombo"}) do
        local p = power_sim{design = design, analysis = a, tau = a == "rmst" and 18 or nil, reps = 40, seed = 5}
        local q = power_sim{design = design, analysis = a, tau = a == "rmst" and 18 or nil, reps = 40, seed = 5}
        out[#out + 1] = p.analysis
        out[#out + 1] = p.power == q.power and p.mc_se == math.sqrt(p.power * (1 - p.power) / 40)
      end
      return out
      """)
    let out = r[0]
    #expect(out[1] == .string("cox") && out[3] == .string("rmst(tau = 18)") && out[5] == .string("maxcombo"))
    #expect(out[2] == .boolean(true) && out[4] == .boolean(true) && out[6] == .boolean(true))
    func error(_ code: String) -> String {
      luaError(rt, "local d = {n = 20, arms = {a = {median = 6}, b = {median = 9}}, follow_up = 6}\n" + code)
    }
    #expect(error("power_sim{design = d, analysis = 'rmst', reps = 2}").contains(
      "bad argument #1 to 'power_sim' (analysis = \"rmst\" needs option 'tau' (the truncation time))"))
    #expect(error("power_sim{design = d, analysis = 'cox', tau = 3, reps = 2}").contains(
      "bad argument #1 to 'power_sim' (option 'tau' applies to analysis = \"rmst\" only)"))
    #expect(error("power_sim{design = d, analysis = 'wald', reps = 2}").contains(
      "bad argument #1 to 'power_sim' (option 'analysis' must be"))
  }
}
