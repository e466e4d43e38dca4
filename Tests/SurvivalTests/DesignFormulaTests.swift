import Foundation
import Testing

@testable import Survival
import TestSupport

/// The design formulas (events, event probabilities, sample sizes, power)
/// against published worked examples and against hand-written R
/// (scripts/fixtures/design_fixtures.R → Tests/Fixtures/design/).
@Suite struct DesignFormulaTests {
  /// Closed forms (qnorm, pnorm, logs) agree with R to rounding.
  static let closedForm = Tolerance.closedForm
  /// Event probabilities: Gauss–Legendre here, R's integrate() there (rel.tol 1e-11/1e-12).
  static let quadrature = 1e-9

  /// Issue 21's worked example, which is Schoenfeld's formula as every text
  /// gives it (e.g. Collett, Modelling Survival Data in Medical Research,
  /// 3rd ed., §10.2): hr 0.7, α 0.05 two-sided, power 0.8, 1:1 → 246.8, so 247 events.
  @Test func schoenfeldIssueExample() {
    let d = LogRankEvents.events(hazardRatio: 0.7, alpha: 0.05, power: 0.8)
    #expect(abs(d - 246.787) < 1e-3)
    #expect(LogRankEvents.roundUp(d) == 247)
    // 4 (z_0.975 + z_0.8)^2 / log(hr)^2, written out with the quantiles to 6 digits.
    #expect(abs(d - 4 * pow(1.959964 + 0.841621, 2) / pow(log(0.7), 2)) < 1e-3)
  }

  /// The published example of R package factorial2x2's lgrkPower (Leifer and
  /// Troendle), which cites Schoenfeld (1981) p. 317: hr 0.5, 98 events,
  /// α 0.05 two-sided, 1:1 → power 0.9293463.
  @Test func schoenfeldPowerPublishedExample() {
    let p = LogRankEvents.power(events: 98, hazardRatio: 0.5, alpha: 0.05)
    #expect(abs(p - 0.9293463) < 5e-8)
  }

  /// Freedman (1982): D = (z_a + z_b)^2 (1 + hr)^2 / (1 − hr)^2 at 1:1; for
  /// hr 0.5, α 0.05 two-sided, power 0.8 this is 9 (z_a + z_b)^2 = 70.64, so 71
  /// events (worked by hand); Schoenfeld needs 66 for the same design.
  @Test func freedmanAgainstSchoenfeld() {
    let f = LogRankEvents.events(hazardRatio: 0.5, alpha: 0.05, power: 0.8, method: .freedman)
    let s = LogRankEvents.events(hazardRatio: 0.5, alpha: 0.05, power: 0.8)
    #expect(abs(f - 9 * pow(Normal.quantile(0.975) + Normal.quantile(0.8), 2)) < 1e-9)
    #expect(LogRankEvents.roundUp(f) == 71)
    #expect(LogRankEvents.roundUp(s) == 66)
  }

  @Test func roundUpForgivesLastBits() {
    #expect(LogRankEvents.roundUp(247.0000000000001) == 247)
    #expect(LogRankEvents.roundUp(246.2) == 247)
  }

  private func number(_ v: Any?) -> Double { (v as? NSNumber)?.doubleValue ?? .nan }
  private func numbers(_ v: Any?) -> [Double] {
    if let a = v as? [Any] { return a.map(number) }
    if let x = v as? NSNumber { return [x.doubleValue] }  // jsonlite unboxes length-1 vectors
    return []
  }

  @Test func eventsGridMatchesR() throws {
    let rows = try #require(try loadFixture("design/events.json") as? [[String: Any]])
    #expect(rows.count == 224)
    for r in rows {
      let method = LogRankEventsMethod(rawValue: r["method"] as? String ?? "") ?? .schoenfeld
      let hr = number(r["hr"]), alpha = number(r["alpha"]), ratio = number(r["ratio"])
      let sides = Int(number(r["sides"]))
      let d = LogRankEvents.events(hazardRatio: hr, alpha: alpha, power: number(r["power"]), ratio: ratio,
                                   sides: sides, method: method)
      #expect(approxEqual(d, number(r["events_exact"]), relative: Self.closedForm), "\(r)")
      let p = LogRankEvents.power(events: 100, hazardRatio: hr, alpha: alpha, ratio: ratio, sides: sides,
                                  method: method)
      #expect(approxEqual(p, number(r["power_at_100"]), relative: Self.closedForm), "\(r)")
    }
  }

  @Test func eventProbabilityMatchesR() throws {
    let rows = try #require(try loadFixture("design/event_probability.json") as? [[String: Any]])
    #expect(rows.count == 6)
    for r in rows {
      let hazard = PiecewiseHazard(rates: numbers(r["rates"]), cuts: numbers(r["cuts"]))
      let a = SurvivalDesignAssumptions(
        control: hazard, treatment: hazard, hazardRatio: 1,
        accrual: TrialAccrual(duration: number(r["A"]), shape: number(r["k"])), followUp: number(r["F"]),
        dropout: number(r["eta"]))
      let p = a.eventProbability(hazard)
      #expect(approxEqual(p, number(r["p"]), relative: Self.quadrature), "\(r["name"] ?? "")")
    }
  }

  /// Lachin and Foulkes (1986)'s closed form for exponential hazards and
  /// uniform accrual: P = 1 − (e^{−λF} − e^{−λ(A+F)}) / (λA).
  @Test func uniformAccrualClosedForm() {
    let lambda = 0.08
    let a = SurvivalDesignAssumptions(
      control: PiecewiseHazard(rates: [lambda]), treatment: PiecewiseHazard(rates: [lambda]), hazardRatio: 1,
      accrual: TrialAccrual(duration: 30), followUp: 10)
    let closed = 1 - (exp(-lambda * 10) - exp(-lambda * 40)) / (lambda * 30)
    #expect(approxEqual(a.eventProbability(a.control), closed, relative: 1e-12))
  }

  @Test func sampleSizeMatchesR() throws {
    let rows = try #require(try loadFixture("design/sample_size.json") as? [[String: Any]])
    #expect(rows.count == 4)
    for r in rows {
      let mc = number(r["median_control"]), hr = number(r["hr"])
      let control = PiecewiseHazard.exponential(median: mc)
      let a = SurvivalDesignAssumptions(
        control: control, treatment: control.scaled(by: hr), hazardRatio: hr,
        accrual: TrialAccrual(duration: number(r["accrual"])), followUp: number(r["follow_up"]),
        dropout: number(r["dropout_rate"]), alpha: number(r["alpha"]), ratio: number(r["ratio"]),
        method: LogRankEventsMethod(rawValue: r["method"] as? String ?? "") ?? .schoenfeld)
      let s = SampleSizeResult(assumptions: a, power: number(r["power"]))
      #expect(approxEqual(s.exactEvents, number(r["events_exact"]), relative: Self.closedForm))
      #expect(s.events == Int(number(r["events"])))
      #expect(approxEqual(s.pooledEventProbability, number(r["prob_event"]), relative: Self.quadrature))
      #expect(s.nControl == Int(number(r["n_control"])))
      #expect(s.nTreatment == Int(number(r["n_treatment"])))
      let p = PowerResult(n: 400, assumptions: a)
      #expect(approxEqual(p.power, number(r["power_at_n400"]), relative: Self.quadrature))
    }
  }

  /// Lakatos's sums against the same grid written out in R, proportional and
  /// non-proportional (delayed effect) hazards, shaped accrual, dropout,
  /// 2:1 allocation and a one-sided test.
  @Test func lakatosMatchesR() throws {
    let rows = try #require(try loadFixture("design/lakatos.json") as? [[String: Any]])
    #expect(rows.count == 3)
    for r in rows {
      let a = SurvivalDesignAssumptions(
        control: PiecewiseHazard(rates: numbers(r["control_rates"]), cuts: numbers(r["control_cuts"])),
        treatment: PiecewiseHazard(rates: numbers(r["treatment_rates"]), cuts: numbers(r["treatment_cuts"])),
        hazardRatio: .nan, accrual: TrialAccrual(duration: number(r["A"]), shape: number(r["k"])),
        followUp: number(r["F"]), dropout: number(r["eta"]), alpha: number(r["alpha"]),
        sides: number(r["alpha"]) == 0.025 ? 1 : 2, ratio: number(r["ratio"]), method: .lakatos)
      let t = a.lakatosTerms
      // The same sums in the same order: agreement to rounding (1e-9 allows for exp/pow differences).
      #expect(approxEqual(t.mean, number(r["mean"]), relative: 1e-9))
      #expect(approxEqual(t.variance, number(r["variance"]), relative: 1e-9))
      let s = SampleSizeResult(assumptions: a, power: number(r["power"]))
      #expect(approxEqual(s.exactPatients, number(r["n_exact"]), relative: 1e-9))
      let p = PowerResult(n: Int(number(r["n_at"])), assumptions: a)
      #expect(approxEqual(p.power, number(r["power_at_n"]), relative: 1e-9))
    }
    // With proportional hazards, Lakatos is within 1% of Schoenfeld (370.4 and 369.9 patients).
    let first = rows[0]
    #expect(abs(number(first["n_exact"]) - 247 / 0.667760749771501) < 0.01 * 370)
  }

  @Test func piecewiseHazardInversion() {
    let h = PiecewiseHazard(rates: [0.1, 0.5, 0.2], cuts: [2, 3])
    for t in [0.5, 2.0, 2.5, 3.0, 7.0] {
      #expect(abs(h.inverse(cumulative: h.cumulative(at: t)) - t) < 1e-12)
    }
    #expect(PiecewiseHazard.problem(rates: [0.1, 0.2], cuts: [3, 4]) != nil)
    #expect(PiecewiseHazard.problem(rates: [0.1, 0.2], cuts: [-1]) != nil)
    #expect(PiecewiseHazard.problem(rates: [0.1, 0], cuts: [1]) != nil)
  }
}
