import Foundation
import Testing
import TestSupport
@testable import Survival

/// Every array of R survival 3.5.3 `survfit`, `quantile`, `print` (median,
/// rmean) and `summary(times =)` against ours, element by element, 1e-10
/// relative (`scripts/fixtures/km.R` writes the fixtures and states each call).
struct KaplanMeierFixtureTests {
  static let cases = [
    "colon_rx", "lung_sex_loglog", "lung_sex_log", "lung_sex_plain", "lung_sex_logit", "lung_sex_arcsin",
    "lung_sex_none", "lung_sex_loglog_90", "lung_all", "veteran_trt", "aml_x", "lung_sex_intweights",
    "lung_sex_fracweights", "aml_fracweights", "lung_sex_entry", "heart_transplant", "lung_entry_fracweights",
    "flat",
  ]

  @Test(arguments: cases)
  func matchesR(_ name: String) throws {
    let fixture = try KMFixture.load(name)
    let input = KMFixture.object(fixture["input"])
    let options = KMFixture.object(fixture["options"])
    let confType = try #require(ConfidenceType(rawValue: options["conf_type"] as? String ?? ""))
    let confLevel = KMFixture.number(options["conf_level"])
    let entry = input["entry"].map(KMFixture.numbers)
    let weights = input["weights"].map(KMFixture.numbers)
    let sample = try SurvivalSample(
      entry: entry, time: KMFixture.numbers(input["time"]), event: KMFixture.numbers(input["event"]),
      weights: weights, group: KMFixture.ints(input["group"]), groupCount: Int(KMFixture.number(input["group_count"])))
    let fit = try KaplanMeier.fit(sample, confType: confType, confLevel: confLevel)
    let robust = fixture["robust"] as? Bool ?? false
    #expect(fit.variance == (robust ? .robust : .greenwood))
    let curves = fixture["curves"] as? [Any] ?? []
    try #require(curves.count == fit.curves.count)
    let times = KMFixture.numbers(fixture["times"])
    let extendTimes = KMFixture.numbers(fixture["extend_times"])
    for (g, any) in curves.enumerated() {
      let r = KMFixture.object(any)
      let c = fit.curves[g]
      let tag = "\(name) curve \(g)"
      #expect(Double(c.n) == KMFixture.number(r["n"]), "\(tag) n")
      KMFixture.expectValue(c.events, KMFixture.number(r["events"]), "\(tag) events")
      KMFixture.expectArray(c.time, KMFixture.numbers(r["time"]), "\(tag) time")
      KMFixture.expectArray(c.nRisk, KMFixture.numbers(r["n_risk"]), "\(tag) n_risk")
      KMFixture.expectArray(c.nEvent, KMFixture.numbers(r["n_event"]), "\(tag) n_event")
      KMFixture.expectArray(c.nCensor, KMFixture.numbers(r["n_censor"]), "\(tag) n_censor")
      KMFixture.expectArray(c.surv, KMFixture.numbers(r["surv"]), "\(tag) surv")
      KMFixture.expectArray(c.stdErr, KMFixture.numbers(r["std_err"]), "\(tag) std_err")
      KMFixture.expectArray(c.logStdErr, KMFixture.numbers(r["log_std_err"]), "\(tag) log_std_err")
      KMFixture.expectArray(c.lower, KMFixture.numbers(r["lower"]), "\(tag) lower")
      KMFixture.expectArray(c.upper, KMFixture.numbers(r["upper"]), "\(tag) upper")
      KMFixture.expectArray(c.cumhaz, KMFixture.numbers(r["cumhaz"]), "\(tag) cumhaz")
      KMFixture.expectArray(c.stdChaz, KMFixture.numbers(r["std_chaz"]), "\(tag) std_chaz")

      let rq = KMFixture.object(r["quantile"])
      let q = try c.quantiles(KMFixture.numbers(rq["probs"]))
      KMFixture.expectArray(q.quantile, KMFixture.numbers(rq["quantile"]), "\(tag) quantile")
      KMFixture.expectArray(q.lower, KMFixture.numbers(rq["lower"]), "\(tag) quantile lower")
      KMFixture.expectArray(q.upper, KMFixture.numbers(rq["upper"]), "\(tag) quantile upper")

      let rm = KMFixture.object(r["median"])
      KMFixture.expectValue(c.median.median, KMFixture.number(rm["median"]), "\(tag) median")
      KMFixture.expectValue(c.median.lower, KMFixture.number(rm["lower"]), "\(tag) median LCL")
      KMFixture.expectValue(c.median.upper, KMFixture.number(rm["upper"]), "\(tag) median UCL")

      let rr = KMFixture.object(r["rmean"])
      let rmean = try c.restrictedMean(tau: KMFixture.number(rr["tau"]))
      KMFixture.expectValue(rmean.rmean, KMFixture.number(rr["rmean"]), "\(tag) rmean")
      KMFixture.expectValue(rmean.stdErr, KMFixture.number(rr["std_err"]), "\(tag) se(rmean)")

      try expectAt(c.at(times), KMFixture.object(r["at"]), "\(tag) at")
      try expectAt(c.at(extendTimes, extend: true), KMFixture.object(r["at_extended"]), "\(tag) at extended")
    }
  }

  func expectAt(_ ours: SurvivalAtTimes, _ r: [String: Any], _ tag: String) throws {
    KMFixture.expectArray(ours.time, KMFixture.numbers(r["time"]), "\(tag) time")
    KMFixture.expectArray(ours.nRisk, KMFixture.numbers(r["n_risk"]), "\(tag) n_risk")
    KMFixture.expectArray(ours.nEvent, KMFixture.numbers(r["n_event"]), "\(tag) n_event")
    KMFixture.expectArray(ours.nCensor, KMFixture.numbers(r["n_censor"]), "\(tag) n_censor")
    KMFixture.expectArray(ours.surv, KMFixture.numbers(r["surv"]), "\(tag) surv")
    KMFixture.expectArray(ours.stdErr, KMFixture.numbers(r["std_err"]), "\(tag) std_err")
    KMFixture.expectArray(ours.lower, KMFixture.numbers(r["lower"]), "\(tag) lower")
    KMFixture.expectArray(ours.upper, KMFixture.numbers(r["upper"]), "\(tag) upper")
    KMFixture.expectArray(ours.cumhaz, KMFixture.numbers(r["cumhaz"]), "\(tag) cumhaz")
    KMFixture.expectArray(ours.stdChaz, KMFixture.numbers(r["std_chaz"]), "\(tag) std_chaz")
  }
}

/// R survdiff, the trend test and pairwise comparisons with p.adjust.
struct LogRankFixtureTests {
  static let cases = [
    "logrank_colon_rx", "logrank_lung_sex", "logrank_lung_sex_rho1", "logrank_veteran_trt_strata",
    "logrank_veteran_trt_strata_rho1", "logrank_veteran_celltype", "logrank_veteran_celltype_rho05", "logrank_aml",
  ]

  @Test(arguments: cases)
  func matchesR(_ name: String) throws {
    let r = try KMFixture.load(name)
    let input = KMFixture.object(r["input"])
    let time = KMFixture.numbers(input["time"])
    let event = KMFixture.numbers(input["event"])
    let group = KMFixture.ints(input["group"])
    let k = Int(KMFixture.number(input["group_count"]))
    let strata = input["strata"].map(KMFixture.ints)
    let strataCount = input["strata_count"].map { Int(KMFixture.number($0)) } ?? 1
    let rho = KMFixture.number(r["rho"])
    let test = try LogRankTest.test(
      time: time, event: event, group: group, groupCount: k, strata: strata, strataCount: strataCount, rho: rho)
    KMFixture.expectArray(test.n.map(Double.init), KMFixture.numbers(r["n"]), "\(name) n")
    KMFixture.expectArray(test.observed, KMFixture.numbers(r["observed"]), "\(name) observed")
    KMFixture.expectArray(test.expected, KMFixture.numbers(r["expected"]), "\(name) expected")
    // R's matrix obs[group, stratum] in column-major order: stratum-major, as ours.
    KMFixture.expectArray(test.observedByStratum.flatMap { $0 }, KMFixture.numbers(r["observed_by_stratum"]),
      "\(name) obs by stratum")
    KMFixture.expectArray(test.expectedByStratum.flatMap { $0 }, KMFixture.numbers(r["expected_by_stratum"]),
      "\(name) exp by stratum")
    KMFixture.expectArray(test.variance, KMFixture.numbers(r["variance"]), "\(name) variance")
    KMFixture.expectValue(test.chiSquare, KMFixture.number(r["chisq"]), "\(name) chisq")
    #expect(Double(test.df) == KMFixture.number(r["df"]))
    KMFixture.expectValue(test.p, KMFixture.number(r["p"]), "\(name) p")
    KMFixture.expectArray(test.chiSquareContributionByExpected, KMFixture.numbers(r["o_e2_e"]), "\(name) (O-E)^2/E")
    KMFixture.expectArray(test.chiSquareContributionByVariance, KMFixture.numbers(r["o_e2_v"]), "\(name) (O-E)^2/V")

    let rt = KMFixture.object(r["trend"])
    let trend = try test.trend()
    KMFixture.expectValue(trend.score, KMFixture.number(rt["score"]), "\(name) trend U")
    KMFixture.expectValue(trend.variance, KMFixture.number(rt["variance"]), "\(name) trend V")
    KMFixture.expectValue(trend.chiSquare, KMFixture.number(rt["chisq"]), "\(name) trend chisq")
    KMFixture.expectValue(trend.p, KMFixture.number(rt["p"]), "\(name) trend p")

    if let rp = r["pairwise"] as? [String: Any] {
      for adjustment in [PValueAdjustment.holm, .bonferroni, .bh] {
        let pairs = try PairwiseLogRank.test(
          time: time, event: event, group: group, groupCount: k, strata: strata, strataCount: strataCount,
          rho: rho, adjustment: adjustment)
        KMFixture.expectArray(pairs.comparisons.map { Double($0.first) }, KMFixture.numbers(rp["first"]),
          "\(name) pair first")
        KMFixture.expectArray(pairs.comparisons.map { Double($0.second) }, KMFixture.numbers(rp["second"]),
          "\(name) pair second")
        KMFixture.expectArray(pairs.comparisons.map(\.chiSquare), KMFixture.numbers(rp["chisq"]), "\(name) pair chisq")
        KMFixture.expectArray(pairs.comparisons.map(\.p), KMFixture.numbers(rp["p"]), "\(name) pair p")
        KMFixture.expectArray(
          pairs.comparisons.map(\.adjustedP), KMFixture.numbers(rp[adjustment.rawValue]), "\(name) pair \(adjustment)")
      }
    }
  }
}

/// Reverse Kaplan–Meier median follow-up as `print(survfit(Surv(time, 1 - status) ~ g))`.
struct FollowUpFixtureTests {
  @Test(arguments: ["followup_lung_sex_loglog", "followup_lung_sex_log", "followup_colon_rx_loglog"])
  func matchesR(_ name: String) throws {
    let r = try KMFixture.load(name)
    let input = KMFixture.object(r["input"])
    let confType = try #require(ConfidenceType(rawValue: r["conf_type"] as? String ?? ""))
    let followUp = try FollowUp.estimate(
      time: KMFixture.numbers(input["time"]), event: KMFixture.numbers(input["event"]),
      group: KMFixture.ints(input["group"]), groupCount: Int(KMFixture.number(input["group_count"])),
      confType: confType)
    func check(_ ours: FollowUp.Summary, _ ref: [String: Any], _ tag: String) {
      KMFixture.expectValue(ours.median.median, KMFixture.number(ref["median"]), "\(tag) median")
      KMFixture.expectValue(ours.median.lower, KMFixture.number(ref["lower"]), "\(tag) lower")
      KMFixture.expectValue(ours.median.upper, KMFixture.number(ref["upper"]), "\(tag) upper")
    }
    check(followUp.overall, KMFixture.object(r["overall"]), "\(name) overall")
    let groups = r["groups"] as? [Any] ?? []
    try #require(groups.count == followUp.groups.count)
    for (g, ref) in groups.enumerated() { check(followUp.groups[g], KMFixture.object(ref), "\(name) group \(g)") }
    KMFixture.expectValue(
      followUp.overall.medianCensoredTime, KMFixture.number(r["median_censored_overall"]), "\(name) censored median")
    KMFixture.expectArray(
      followUp.groups.map(\.medianCensoredTime), KMFixture.numbers(r["median_censored_groups"]),
        "\(name) censored medians")
  }
}
