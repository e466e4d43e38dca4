import Foundation
import Testing

@testable import Survival
import TestSupport

/// Piecewise-uniform accrual (`TrialAccrual(periods:rates:)`, issue 21's
/// "piecewise-exponential hazards and accrual") against hand-written R
/// (`scripts/fixtures/design_piecewise_accrual.R` → `Tests/Fixtures/design/piecewise_accrual.json`):
/// the enrolled fraction G(u), Lachin and Foulkes's P(event) by integrate(), and
/// Lakatos's sums with C(s) = G(A + F − s).
@Suite struct PiecewiseAccrualTests {
  /// Gauss–Legendre here, R's integrate() there (rel.tol 1e-11/1e-12).
  static let quadrature = 1e-9
  /// Lakatos: the same midpoint sums in the same order (exp differences only).
  static let sums = 1e-9

  static func numbers(_ x: Any?) -> [Double] {
    if let n = x as? NSNumber { return [n.doubleValue] }
    return (x as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.doubleValue }
  }
  static func number(_ x: Any?) -> Double { numbers(x).first ?? .nan }

  @Test func matchesR() throws {
    let rows = try #require(try loadFixture("design/piecewise_accrual.json") as? [[String: Any]])
    #expect(rows.count == 3)
    for r in rows {
      let name = r["name"] as? String ?? "?"
      let periods = Self.numbers(r["periods"])
      let rates = Self.numbers(r["arates"])
      #expect(TrialAccrual.problem(periods: periods, rates: rates) == nil)
      let accrual = TrialAccrual(periods: periods, rates: rates)
      for (u, g) in zip(Self.numbers(r["fraction_at"]), Self.numbers(r["fraction"])) {
        #expect(abs(accrual.fraction(enrolledBy: u) - g) < 1e-14, "\(name): G(\(u))")
      }
      let hazard = PiecewiseHazard(rates: Self.numbers(r["rates"]), cuts: Self.numbers(r["cuts"]))
      let a = SurvivalDesignAssumptions(
        control: hazard, treatment: hazard, hazardRatio: 1, accrual: accrual, followUp: Self.number(r["F"]),
        dropout: Self.number(r["eta"]))
      #expect(approxEqual(a.eventProbability(hazard), Self.number(r["p"]), relative: Self.quadrature), "\(name)")
      let lak = try #require(r["lakatos"] as? [String: Any])
      let treatment = PiecewiseHazard(rates: hazard.rates.map { 0.7 * $0 }, cuts: hazard.cuts)
      let b = SurvivalDesignAssumptions(
        control: hazard, treatment: treatment, hazardRatio: .nan, accrual: accrual,
        followUp: Self.number(r["F"]), dropout: Self.number(r["eta"]), method: .lakatos)
      let t = b.lakatosTerms
      #expect(approxEqual(t.mean, Self.number(lak["mean"]), relative: Self.sums), "\(name) Lakatos mean")
      #expect(approxEqual(t.variance, Self.number(lak["variance"]), relative: Self.sums), "\(name) Lakatos variance")
      let s = SampleSizeResult(assumptions: b, power: 0.8)
      #expect(approxEqual(s.exactPatients, Self.number(lak["n_exact"]), relative: Self.sums), "\(name) Lakatos n")
    }
  }

  /// One period is uniform accrual over its length, whatever its rate.
  @Test func onePeriodIsUniformAccrual() {
    let h = PiecewiseHazard(rates: [0.07])
    let one = SurvivalDesignAssumptions(
      control: h, treatment: h, hazardRatio: 1, accrual: TrialAccrual(periods: [20], rates: [3]), followUp: 5)
    let uniform = SurvivalDesignAssumptions(
      control: h, treatment: h, hazardRatio: 1, accrual: TrialAccrual(duration: 20), followUp: 5)
    #expect(approxEqual(one.eventProbability(h), uniform.eventProbability(h), relative: 1e-12))
  }

  /// The simulator's entries follow G: per period, the share of patients
  /// enrolled is the period's share of rate × length (4 SE, binomial), and
  /// nobody enters during a pause.
  @Test func simulatedEntriesFollowThePeriods() {
    let accrual = TrialAccrual(periods: [4, 2, 10], rates: [2, 0, 5])
    let design = TrialDesign(
      n: 20_000, arms: [TrialArm(name: "control", hazard: PiecewiseHazard(rates: [0.01]))], accrual: accrual,
      dropout: 0, cutoff: .followUp(100))
    var t = SimulatedTrial()
    TrialSimulator.simulate(design, seed: 3, into: &t)
    let n = Double(t.entry.count)
    let first = Double(t.entry.filter { $0 < 4 }.count) / n
    let share = 8.0 / 58.0
    #expect(abs(first - share) < 4 * (share * (1 - share) / n).squareRoot(), "first period: \(first)")
    #expect(!t.entry.contains { $0 > 4 && $0 < 6 }, "an entry during the pause")
    #expect(t.entry.allSatisfy { $0 >= 0 && $0 <= 16 })
  }

  @Test func badPeriodsAreNamed() {
    #expect(TrialAccrual.problem(periods: [6, 18], rates: [1]) == "needs one rate per period (2 periods, 1 rates)")
    #expect(TrialAccrual.problem(periods: [6, 0], rates: [1, 1])?.contains("period 2 must be a positive") == true)
    #expect(TrialAccrual.problem(periods: [6], rates: [-1])?.contains("rate 1 must be a non-negative") == true)
    #expect(TrialAccrual.problem(periods: [6, 2], rates: [0, 0]) == "needs a positive rate in some period")
  }
}
