import Foundation
import Testing
import TestSupport
@testable import Survival

/// Cumulative incidence and Gray's test against R cmprsk 2.2-11 (fixtures of
/// scripts/fixtures/competing_risks.R) and against hand-worked tiny data.
struct CompetingRisksTests {
  static let fixtures = ["colon", "myeloid", "tied"]

  @Test(arguments: fixtures)
  func cumincArraysMatchCmprsk(name: String) throws {
    let fx = try CompetingRisksFixture(name)
    let fit = CumulativeIncidence.fit(
      time: fx.time, status: fx.status, group: fx.group, groupCount: fx.groups, causeCount: fx.causes)
    let curves = try #require(fx.json["cuminc"] as? [[String: Any]])
    #expect(curves.count == fx.groups * fx.causes)
    for entry in curves {
      // cuminc names entries "<group> <cause>".
      let label = try #require(entry["name"] as? String).split(separator: " ")
      let g = try #require(Int(label[0]))
      let c = try #require(Int(label[1]))
      let curve = fit.curve(group: g, cause: c)
      let time = CompetingRisksFixture.doubles(entry["time"])
      let est = CompetingRisksFixture.doubles(entry["est"])
      let vars = CompetingRisksFixture.doubles(entry["var"])
      #expect(curve.cmprskTime == time, "\(name) \(g) \(c) time")
      #expect(allClose(curve.cmprskEstimate, est, relative: Tolerance.closedForm),
              "\(name) \(g) \(c) est \(firstMismatch(curve.cmprskEstimate, est, relative: Tolerance.closedForm))")
      #expect(allClose(curve.cmprskVariance, vars, relative: Tolerance.closedForm),
              "\(name) \(g) \(c) var \(firstMismatch(curve.cmprskVariance, vars, relative: Tolerance.closedForm))")
    }
  }

  @Test(arguments: fixtures)
  func timepointsMatchCmprsk(name: String) throws {
    let fx = try CompetingRisksFixture(name)
    let fit = CumulativeIncidence.fit(
      time: fx.time, status: fx.status, group: fx.group, groupCount: fx.groups, causeCount: fx.causes)
    let tp = try #require(fx.json["timepoints"] as? [String: Any])
    let times = CompetingRisksFixture.doubles(tp["times"])
    let names = try #require(tp["names"] as? [String])
    let est = CompetingRisksFixture.rows(tp["est"])
    let vars = CompetingRisksFixture.rows(tp["var"])
    for (row, label) in names.enumerated() {
      let parts = label.split(separator: " ")
      let curve = fit.curve(group: try #require(Int(parts[0])), cause: try #require(Int(parts[1])))
      let at = curve.at(times)
      #expect(allClose(at.estimate, est[row], relative: Tolerance.closedForm), "\(name) \(label) est")
      #expect(allClose(at.variance, vars[row], relative: Tolerance.closedForm), "\(name) \(label) var")
    }
  }

  @Test(arguments: fixtures)
  func grayTestsMatchCmprsk(name: String) throws {
    let fx = try CompetingRisksFixture(name)
    let variants: [(key: String, strata: [Int]?, rho: Double)] = [
      ("tests", nil, 0), ("tests_strata", fx.strata, 0),
      ("tests_rho1", nil, 1), ("tests_strata_rho1", fx.strata, 1),
    ]
    for variant in variants {
      let expected = try #require(fx.json[variant.key] as? [String: Any])
      let causes = CompetingRisksFixture.ints(expected["cause"])
      let stat = CompetingRisksFixture.doubles(expected["stat"])
      let pv = CompetingRisksFixture.doubles(expected["pv"])
      let df = CompetingRisksFixture.ints(expected["df"])
      let tests = GrayTest.testAll(
        time: fx.time, status: fx.status, group: fx.group, strata: variant.strata, rho: variant.rho)
      for (j, c) in causes.enumerated() {
        let t = tests[c - 1]
        #expect(approxEqual(t.statistic, stat[j], relative: Tolerance.closedForm),
          "\(name) \(variant.key) stat \(t.statistic) vs \(stat[j])")
        #expect(t.df == df[j])
        // cmprsk computes 1 - pchisq(), which carries an absolute error of
        // ~1e-16; ours is the upper tail itself.
        #expect(approxEqual(t.p, pv[j], relative: Tolerance.closedForm, absoluteFloor: 1e-15),
          "\(name) \(variant.key) p")
      }
    }
  }

  // MARK: - Hand-worked tiny data

  /// Times 1,2,2,3,4,5; causes 1,1,2,0,2,0 (one group). At t=2 a cause-1
  /// and a cause-2 event tie among 5 at risk.
  /// S: 1 → 5/6 (t=1) → 5/6·3/5 = 1/2 (t=2) → 1/2·1/2 = 1/4 (t=4).
  /// F1: 1/6 at t=1, 1/6 + (5/6)(1/5) = 1/3 at t=2.
  /// F2: (5/6)(1/5) = 1/6 at t=2, 1/6 + (1/2)(1/2) = 5/12 at t=4.
  @Test func tiesBetweenCausesByHand() {
    let fit = CumulativeIncidence.fit(
      time: [1, 2, 2, 3, 4, 5], status: [1, 1, 2, 0, 2, 0], group: [0, 0, 0, 0, 0, 0])
    let f1 = fit.curve(group: 0, cause: 1)
    let f2 = fit.curve(group: 0, cause: 2)
    #expect(f1.time == [1, 2])
    #expect(approxEqual(f1.estimate[0], 1.0 / 6, relative: 1e-15))
    #expect(approxEqual(f1.estimate[1], 1.0 / 3, relative: 1e-15))
    #expect(f1.nRisk == [6, 5])
    #expect(f2.time == [2, 4])
    #expect(approxEqual(f2.estimate[0], 1.0 / 6, relative: 1e-15))
    #expect(approxEqual(f2.estimate[1], 5.0 / 12, relative: 1e-15))
    // Variance at t=1 (first jump, r=6, d=1, S = 5/6, F = 1/6): cinc's sums
    // are v1 = v2 = v3 = (1 + F/S)²/36 = 0.04, and var = v1 + F²v3 − 2F·v2
    // = 0.04 (1 − F)² = 1/36.
    #expect(approxEqual(f1.variance[0], 1.0 / 36, relative: 1e-14))
    // Estimates and the total are consistent: F1 + F2 + S = 1 at t=4.
    #expect(approxEqual(f1.estimate[1] + f2.estimate[1] + 0.25, 1, relative: 1e-15))
    // timepoints: before 0 NA, between jumps the previous value, beyond the last time NA.
    let at = f1.at([-1, 0.5, 1, 1.5, 5, 5.5])
    #expect(at.estimate[0].isNaN && at.estimate[5].isNaN)
    #expect(at.estimate[1] == 0 && at.estimate[2] == f1.estimate[0] && at.estimate[3] == f1.estimate[0])
    #expect(at.estimate[4] == f1.estimate[1])
  }

  /// A cause that never occurs: a flat curve at 0 with no jumps (cmprsk
  /// would drop it), and a singular Gray test.
  @Test func causeThatNeverOccurs() {
    let time: [Double] = [1, 2, 3, 4, 5, 6]
    let status = [1, 0, 1, 1, 0, 1]
    let group = [0, 1, 0, 1, 0, 1]
    let fit = CumulativeIncidence.fit(time: time, status: status, group: group, causeCount: 2)
    for g in 0..<2 {
      let c = fit.curve(group: g, cause: 2)
      #expect(c.time.isEmpty && c.estimate.isEmpty)
      #expect(c.cmprskTime == [0, g == 0 ? 5 : 6] && c.cmprskEstimate == [0, 0])
      #expect(c.at([3]).estimate == [0])
    }
    let tests = GrayTest.testAll(time: time, status: status, group: group, causeCount: 2)
    #expect(tests.count == 2)
    #expect(!tests[0].isSingular && tests[0].statistic.isFinite)
    #expect(tests[1].isSingular && tests[1].statistic.isNaN)
  }

  /// All censored: every curve is flat at 0, variance 0.
  @Test func allCensored() {
    let fit = CumulativeIncidence.fit(time: [3, 1, 2], status: [0, 0, 0], group: [0, 0, 0], causeCount: 1)
    let c = fit.curve(group: 0, cause: 1)
    #expect(c.time.isEmpty)
    #expect(c.cmprskTime == [0, 3] && c.cmprskEstimate == [0, 0] && c.cmprskVariance == [0, 0])
    #expect(c.at([0, 2, 3]).estimate == [0, 0, 0])
  }

  @Test func logLogIntervalBracketsEstimate() {
    let z = Normal.quantile(0.975)
    let ci = CumulativeIncidence.confidenceInterval(estimate: 0.2, variance: 0.0025, z: z, type: .logLog)
    // est^exp(∓ z sd / (est log est)) with sd = 0.05.
    let a = z * 0.05 / (0.2 * log(0.2))
    #expect(approxEqual(ci.lower, pow(0.2, exp(-a)), relative: 1e-15))
    #expect(approxEqual(ci.upper, pow(0.2, exp(a)), relative: 1e-15))
    #expect(ci.lower < 0.2 && 0.2 < ci.upper)
  }

  @Test func radixOrderIsStableAndSorted() {
    var rng = SplitMix64(seed: 7)
    let time = (0..<5000).map { _ in Double(rng.next() % 300) / 4 }
    let order = CompetingRisksSort.ascendingOrder(time)
    let reference = (0..<time.count).sorted { time[$0] < time[$1] || (time[$0] == time[$1] && $0 < $1) }
    #expect(order == reference)
  }
}

/// The survival-package form: survfit(Surv(time, factor(status)) ~ group)
/// pstate and infinitesimal-jackknife std.err (survival 3.5-3).
struct CompetingRisksJackknifeTests {
  @Test(arguments: CompetingRisksTests.fixtures)
  func survfitMultistateMatches(name: String) throws {
    let fx = try CompetingRisksFixture(name)
    let fit = AalenJohansenJackknife.fit(
      time: fx.time, status: fx.status, group: fx.group, groupCount: fx.groups, causeCount: fx.causes)
    let blocks = try #require(fx.json["ij"] as? [[String: Any]])
    #expect(blocks.count == fx.groups)
    for block in blocks {
      let g = try #require((block["group"] as? NSNumber)?.intValue)
      let curve = fit.curves[g]
      #expect(curve.time == CompetingRisksFixture.doubles(block["time"]), "\(name) \(g) time")
      #expect(curve.nRisk == CompetingRisksFixture.ints(block["n_risk"]), "\(name) \(g) n.risk")
      let pstate = CompetingRisksFixture.rows(block["pstate"])
      let stderr = CompetingRisksFixture.rows(block["std_err"])
      for s in 0...fx.causes {
        let p = pstate.map { $0[s] }
        let e = stderr.map { $0[s] }
        #expect(allClose(curve.pstate[s], p, relative: Tolerance.closedForm),
                "\(name) \(g) pstate \(s) \(firstMismatch(curve.pstate[s], p, relative: Tolerance.closedForm))")
        #expect(allClose(curve.standardError[s], e, relative: Tolerance.closedForm),
                "\(name) \(g) std.err \(s) \(firstMismatch(curve.standardError[s], e, relative: Tolerance.closedForm))")
      }
    }
  }
}
