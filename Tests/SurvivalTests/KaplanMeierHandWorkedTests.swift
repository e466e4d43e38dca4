import Foundation
import Testing
import TestSupport
@testable import Survival

/// Tiny data worked by hand; every expected value is derived in the comment
/// above it from the product-limit, Greenwood and Nelson–Aalen formulas.
struct KaplanMeierHandWorkedTests {
  func close(_ a: Double, _ b: Double) -> Bool { approxEqual(a, b, relative: Tolerance.closedForm) }
  func close(_ a: [Double], _ b: [Double]) -> Bool { a.count == b.count && zip(a, b).allSatisfy { close($0, $1) } }

  // time 1 2 2 2 3 4, event 1 1 1 0 0 1: at t = 2 two events and a censoring
  // tie; R counts the censored subject at risk at 2 (events precede censorings).
  // t=1: n 6, d 1 → S 5/6; t=2: n 5, d 2, c 1 → S 1/2; t=3: n 2, c 1; t=4: n 1, d 1 → S 0.
  @Test func tiedEventsAndCensorings() throws {
    let fit = try KaplanMeier.fit(time: [1, 2, 2, 2, 3, 4], event: [1, 1, 1, 0, 0, 1], confType: .log)
    let c = fit.curves[0]
    #expect(c.time == [1, 2, 3, 4])
    #expect(c.nRisk == [6, 5, 2, 1])
    #expect(c.nEvent == [1, 2, 0, 1])
    #expect(c.nCensor == [0, 1, 1, 0])
    #expect(close(c.surv, [5.0 / 6, 0.5, 0.5, 0]))
    // Greenwood: Σ d/(n(n−d)) = 1/30, then + 2/15; the last term 1/(1·0) is infinite.
    let g1: Double = 1.0 / 30
    let g2: Double = g1 + 2.0 / 15
    let greenwood: [Double] = [g1.squareRoot(), g2.squareRoot(), g2.squareRoot()]
    #expect(close(Array(c.logStdErr.prefix(3)), greenwood))
    #expect(c.logStdErr[3] == .infinity)
    // Nelson–Aalen Σ d/n and Σ d/n².
    let h1: Double = 1.0 / 6
    let cumhaz: [Double] = [h1, h1 + 0.4, h1 + 0.4, h1 + 1.4]
    #expect(close(c.cumhaz, cumhaz))
    let a1: Double = 1.0 / 36
    let a2: Double = a1 + 2.0 / 25
    let aalen: [Double] = [a1, a2, a2, a2 + 1]
    #expect(close(c.stdChaz, aalen.map { $0.squareRoot() }))
    // S = 1/2 on [2, 4): the median is the midpoint 3 (print.survfit and quantile agree).
    #expect(close(c.median.median, 3))
    #expect(close(try c.quantiles([0.5]).quantile[0], 3))
    // Area to τ = 4: 1·1 + 1·5/6 + 1·1/2 + 1·1/2.
    #expect(close(try c.restrictedMean(tau: 4).rmean, 1 + 5.0 / 6 + 1))
    // S = 0 has no log-scale interval (R: NA).
    #expect(c.lower[3].isNaN && c.upper[3].isNaN)
  }

  // Everybody censored: S stays 1 with zero variance; log-log limits are NA
  // where S = 1 (R), log limits are exactly 1; no median.
  @Test func allCensored() throws {
    let c = try KaplanMeier.fit(time: [1, 2, 3], event: [0, 0, 0]).curves[0]
    #expect(c.surv == [1, 1, 1])
    #expect(c.stdErr == [0, 0, 0])
    #expect(c.cumhaz == [0, 0, 0])
    #expect(c.events == 0)
    #expect(c.lower.allSatisfy { $0.isNaN })
    #expect(c.median.median.isNaN)
    let log = try KaplanMeier.fit(time: [1, 2, 3], event: [0, 0, 0], confType: .log).curves[0]
    #expect(log.lower == [1, 1, 1] && log.upper == [1, 1, 1])
    let noMedian = try log.quantiles([0.5]).quantile[0]
    #expect(noMedian.isNaN)
  }

  // One subject with an event at 5: S drops to 0 at 5, the median is 5.
  @Test func singleSubject() throws {
    let c = try KaplanMeier.fit(time: [5], event: [1]).curves[0]
    #expect(c.time == [5] && c.nRisk == [1] && c.surv == [0])
    #expect(c.median.median == 5)
    #expect(c.cumhaz == [1])
  }

  // An event at time 0 is a row at 0; summary at 0 then reads that row
  // instead of adding S(0) = 1 (R survfit0 adds a row only when the curve
  // does not start at 0). t=0: n 3, d 1 → 2/3; t=2: n 1, d 1 → 0.
  @Test func eventAtTimeZero() throws {
    let c = try KaplanMeier.fit(time: [0, 1, 2], event: [1, 0, 1]).curves[0]
    #expect(c.time == [0, 1, 2])
    #expect(close(c.surv, [2.0 / 3, 2.0 / 3, 0]))
    let at = try c.at([0, 1.5])
    #expect(close(at.surv, [2.0 / 3, 2.0 / 3]))
    #expect(at.nRisk == [3, 1])
    #expect(at.nEvent == [1, 0])
    #expect(at.nCensor == [0, 1])
  }

  // Summary between rows: S carried forward, n at risk from the next row, 0 past the end.
  @Test func atTimesBetweenRowsAndBeyond() throws {
    let c = try KaplanMeier.fit(time: [1, 2, 2, 2, 3, 4], event: [1, 1, 1, 0, 0, 1]).curves[0]
    let at = try c.at([2.5, 0.5, 10])  // sorted; 10 dropped without extend
    #expect(at.time == [0.5, 2.5])
    #expect(at.nRisk == [6, 2])
    #expect(at.nEvent == [0, 3])
    #expect(close(at.surv, [1, 0.5]))
    let extended = try c.at([10], extend: true)
    #expect(extended.nRisk == [0] && extended.surv == [0] && extended.nEvent == [4])
    #expect(throws: SurvivalInputError.self) { try c.at([10]) }
  }

  // R's rmean = "common" horizon is the largest last time over the curves;
  // byte events give the same fit as Double events.
  @Test func commonHorizonAndByteEvents() throws {
    let sample = try SurvivalSample(time: [1, 5, 2, 3], eventCodes: [1, 0, 1, 1], group: [0, 0, 1, 1], groupCount: 2)
    let fit = try KaplanMeier.fit(sample)
    #expect(fit.commonRestrictionTime == 5)
    let same = try KaplanMeier.fit(time: [1, 5, 2, 3], event: [1, 0, 1, 1], group: [0, 0, 1, 1], groupCount: 2)
    #expect(fit.curves.map(\.surv) == same.curves.map(\.surv))
  }

  // Weights 2 on one subject equal duplicating it (Greenwood with weighted counts).
  @Test func wholeNumberWeightsEqualDuplication() throws {
    let weighted = try KaplanMeier.fit(time: [1, 2, 3], event: [1, 1, 0], weights: [2, 1, 1]).curves[0]
    let duplicated = try KaplanMeier.fit(time: [1, 1, 2, 3], event: [1, 1, 1, 0]).curves[0]
    #expect(weighted.nRisk == duplicated.nRisk)
    #expect(close(weighted.surv, duplicated.surv))
    #expect(close(weighted.stdErr, duplicated.stdErr))
  }

  // Delayed entry: at risk when entry < t ≤ exit. Subject 3 enters at 2, so at t = 2
  // (entry not < 2) it is not at risk: n = 1 there, then n = 1 at t = 4.
  @Test func delayedEntryRiskSet() throws {
    let sample = try SurvivalSample(entry: [0, 0, 2], time: [1, 2, 4], event: [1, 1, 1])
    let c = try KaplanMeier.fit(sample).curves[0]
    #expect(c.time == [1, 2, 4])
    #expect(c.nRisk == [2, 1, 1])
    #expect(c.surv == [0.5, 0, 0])
  }

  // Two groups, one event per time: t=1 n 4 (2+2) E0 1/2 V 1/4; t=2 n 3 (1+2)
  // E0 1/3 V 2/9; t=3 n 2 (1+1) E0 1/2 V 1/4; t=4 n 1 (group 1) no variance.
  // O0 = 2, E0 = 4/3, V = 13/18, χ² = (2/3)²/(13/18) = 8/13.
  @Test func logRankByHand() throws {
    let t = try LogRankTest.test(time: [1, 2, 3, 4], event: [1, 1, 1, 1], group: [0, 1, 0, 1], groupCount: 2)
    #expect(t.observed == [2, 2])
    #expect(close(t.expected, [4.0 / 3, 8.0 / 3]))
    let v: Double = 13.0 / 18
    let variance: [Double] = [v, -v, -v, v]
    #expect(close(t.variance, variance))
    #expect(close(t.chiSquare, 8.0 / 13))
    #expect(t.df == 1)
    #expect(close(t.p, ChiSquare.upperTail(8.0 / 13, df: 1)))
    // Two groups: the trend test is the log-rank test.
    #expect(close(try t.trend().chiSquare, 8.0 / 13))
  }

  // R p.adjust(c(0.01, 0.04, 0.03, 0.2), m): holm 0.04 0.09 0.09 0.2;
  // bonferroni 0.04 0.16 0.12 0.8; BH 0.04 0.0533… 0.0533… 0.2.
  @Test func pValueAdjustments() {
    let p = [0.01, 0.04, 0.03, 0.2]
    #expect(close(PValueAdjustment.holm.adjust(p), [0.04, 0.09, 0.09, 0.2]))
    #expect(close(PValueAdjustment.bonferroni.adjust(p), [0.04, 0.16, 0.12, 0.8]))
    #expect(close(PValueAdjustment.bh.adjust(p), [0.04, 0.16 / 3, 0.16 / 3, 0.2]))
    // NaN stays NaN and does not count: one valid p is left unadjusted.
    let withMissing = PValueAdjustment.holm.adjust([0.5, .nan])
    #expect(withMissing[0] == 0.5 && withMissing[1].isNaN)
  }

  // Difference of restricted means: d = 1.8 − 1.2, se = √(0.3² + 0.4²) = 0.5,
  // z = 1.2, 95% limits d ∓ 1.959963984540054·0.5.
  @Test func restrictedMeanDifference() throws {
    let a = RestrictedMean(tau: 2, rmean: 1.8, stdErr: 0.3)
    let b = RestrictedMean(tau: 2, rmean: 1.2, stdErr: 0.4)
    let d = try a.difference(from: b)
    #expect(close(d.difference, 0.6))
    #expect(close(d.stdErr, 0.5))
    #expect(close(d.z, 1.2))
    #expect(close(d.lower, 0.6 - 1.959963984540054 * 0.5))
    #expect(close(d.p, 0.23013934044341655))  // R: print(2 * pnorm(-1.2), digits = 17)
    #expect(throws: SurvivalInputError.self) { try a.difference(from: RestrictedMean(tau: 3, rmean: 1, stdErr: 0)) }
  }
}

/// Fleming–Harrington G(ρ, γ) against lifelines 0.30
/// `multivariate_logrank_test(weightings = "fleming-harrington", p = ρ, q = γ)`.
struct FlemingHarringtonTests {
  @Test func matchesLifelines() throws {
    let fixture = try KMFixture.load("fleming_harrington_lifelines")
    let cases = fixture["cases"] as? [[String: Any]] ?? []
    #expect(cases.count == 12)
    for c in cases {
      let source = c["source"] as? String ?? ""
      let input = KMFixture.object(try KMFixture.load(source)["input"])
      let rho = KMFixture.number(c["rho"]), gamma = KMFixture.number(c["gamma"])
      let test = try LogRankTest.test(
        time: KMFixture.numbers(input["time"]), event: KMFixture.numbers(input["event"]),
        group: KMFixture.ints(input["group"]), groupCount: Int(KMFixture.number(input["group_count"])),
        rho: rho, gamma: gamma)
      let chisq = Double(c["chisq"] as? String ?? "") ?? .nan
      let p = Double(c["p"] as? String ?? "") ?? .nan
      KMFixture.expectValue(test.chiSquare, chisq, "\(source) rho \(rho) gamma \(gamma) chisq")
      KMFixture.expectValue(test.p, p, "\(source) rho \(rho) gamma \(gamma) p")
    }
  }
}

/// Bad input is a thrown error with a clear message, never a crash.
struct SurvivalInputErrorTests {
  func message(_ body: () throws -> Void) -> String {
    do { try body() } catch { return "\(error)" }
    return "no error"
  }

  @Test func rejectsMalformedBuffers() {
    #expect(message { _ = try KaplanMeier.fit(time: [], event: []) } == "no subjects: the survival data are empty")
    #expect(message { _ = try KaplanMeier.fit(time: [1, 2], event: [1]) } == "'event' has 1 values but 'time' has 2")
    #expect(message { _ = try KaplanMeier.fit(time: [1, -2], event: [1, 0]) }
      == "'time' at index 1 is -2.0; times must be finite and non-negative")
    #expect(message { _ = try KaplanMeier.fit(time: [.nan], event: [1]) }
      == "'time' at index 0 is nan; times must be finite and non-negative")
    #expect(message { _ = try KaplanMeier.fit(time: [1, 2], event: [1, 2]) }
      == "'event' at index 1 is 2.0; events must be 0 (censored) or 1 (event)")
    #expect(message { _ = try KaplanMeier.fit(time: [1], event: [1], weights: [-1]) }
      == "'weights' at index 0 is -1.0; weights must be finite and non-negative")
    #expect(message { _ = try KaplanMeier.fit(time: [1], event: [1], weights: [1, 2]) }
      == "'weights' has 2 values but 'time' has 1")
    #expect(message { _ = try KaplanMeier.fit(time: [1, 2], event: [1, 1], group: [0, 2], groupCount: 2) }
      == "'group' at index 1 is 2; groups must be in 0..<2")
    #expect(message { _ = try SurvivalSample(entry: [0, 3], time: [1, 2], event: [1, 1]) }
      == "entry time 3.0 is not before exit time 2.0 at index 1")
    #expect(message { _ = try SurvivalSample(entry: [0], time: [1, 2], event: [1, 1]) }
      == "'entry' has 1 values but 'time' has 2")
    // The model frame's Int codes are checked as the numeric events are.
    #expect(message { _ = try SurvivalSample(time: [1, 2], eventCodes: [1, 2]) }
      == "'event' at index 1 is 2.0; events must be 0 (censored) or 1 (event)")
    #expect(message { _ = try SurvivalSample(time: [1, -2], eventCodes: [1, 2]) }
      == "'time' at index 1 is -2.0; times must be finite and non-negative")
  }

  /// `SurvivalSample(eventCodes:)`, which the Analysis layer uses, holds
  /// the same sample as the numeric events.
  @Test func eventCodesMatchNumericEvents() throws {
    let time: [Double] = [3, 1, 4, 1, 5, 9, 2, 6]
    let codes = [1, 0, 1, 1, 0, 1, 0, 1]
    let a = try SurvivalSample(time: time, eventCodes: codes, group: [0, 1, 0, 1, 0, 1, 0, 1], groupCount: 2)
    let b = try SurvivalSample(
      time: time, event: codes.map(Double.init), group: [0, 1, 0, 1, 0, 1, 0, 1], groupCount: 2)
    #expect(a.event == b.event && a.sortedEvent == b.sortedEvent && a.order == b.order)
  }

  @Test func rejectsBadOptions() throws {
    #expect(message { _ = try KaplanMeier.fit(time: [1], event: [1], confLevel: 1.5) }
      == "conf_level must be strictly between 0 and 1, got 1.5")
    let c = try KaplanMeier.fit(time: [1, 2], event: [1, 0]).curves[0]
    #expect(message { _ = try c.quantiles([1.5]) } == "quantile probabilities must be in [0, 1], got 1.5")
    #expect(message { _ = try c.restrictedMean(tau: -1) }
      == "the restricted-mean horizon tau must be finite and non-negative, got -1.0")
    #expect(message { _ = try LogRankTest.test(time: [1, 2], event: [1, 1], group: [0, 0], groupCount: 1) }
      == "the log-rank test needs at least 2 groups, got 1")
    #expect(message { _ = try LogRankTest.test(time: [1, 2], event: [1, 1], group: [0], groupCount: 2) }
      == "'group' has 1 values but 'time' has 2")
    let t = try LogRankTest.test(time: [1, 2], event: [1, 1], group: [0, 1], groupCount: 2)
    #expect(message { _ = try t.trend(scores: [1]) } == "trend scores: 1 given for 2 groups")
  }
}
