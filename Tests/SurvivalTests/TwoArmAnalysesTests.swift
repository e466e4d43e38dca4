import Foundation
import Testing
import TestSupport

@testable import Survival

/// power_sim's built-in Cox, RMST and MaxCombo analyses (issue 21).
struct TwoArmAnalysesTests {
  static func lung() throws -> (time: [Double], event: [Int32], group: [Int32]) {
    let input = KMFixture.object(try KMFixture.load("logrank_lung_sex")["input"])
    return (KMFixture.numbers(input["time"]), KMFixture.ints(input["event"]).map { Int32($0) },
            KMFixture.ints(input["group"]).map { Int32($0) })
  }

  static func run<T>(_ body: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Int32>)
    -> T) throws -> T {
    let (time, event, group) = try lung()
    return time.withUnsafeBufferPointer { t in
      event.withUnsafeBufferPointer { e in group.withUnsafeBufferPointer { g in body(t, e, g) } }
    }
  }

  /// R survival 3.5.3 coxph(Surv(time, status) ~ sex) on lung (Efron ties; lung has tied times):
  /// scripts/fixtures/two_arm_analyses.R. Newton stops at |Δβ| < 1e-9 here; R stops when the log likelihood
  /// changes by less than 1e-9 relative, so its β̂ is converged to about 1e-8: z agrees to 1e-8 relative and
  /// the p-value, whose relative change is about z² times z's, to 1e-6.
  @Test func coxWaldMatchesR() throws {
    let f = try #require(try loadFixture("design/two_arm_analyses.json") as? [String: Any])
    let cox = KMFixture.object(f["cox"])
    var kernel = TwoSampleLogRank()
    let r = try Self.run { kernel.coxWald(time: $0, event: $1, group: $2) }
    #expect(approxEqual(r.z, KMFixture.number(cox["z"]), relative: 1e-8))
    #expect(approxEqual(r.p, KMFixture.number(cox["p"]), relative: 1e-6))
    #expect(r.events == 165)
  }

  /// R `summary(survfit(...), rmean = tau)`: rmean and se per arm; the difference and its SE to 1e-10.
  @Test func rmstMatchesR() throws {
    let f = try #require(try loadFixture("design/two_arm_analyses.json") as? [String: Any])
    var kernel = TwoSampleLogRank()
    for c in KMFixture.objects(f["rmst"]) {
      let tau = KMFixture.number(c["tau"])
      let r = try Self.run { kernel.rmstDifference(time: $0, event: $1, group: $2, tau: tau) }
      KMFixture.expectValue(r.difference, KMFixture.number(c["difference"]), "tau \(tau) difference")
      KMFixture.expectValue(r.se, KMFixture.number(c["se_difference"]), "tau \(tau) se")
      KMFixture.expectValue(r.outcome.p, KMFixture.number(c["p"]), "tau \(tau) p")
    }
  }

  /// The simulation's MaxCombo equals `MaxComboTest` on the same data (lung has no strata): the same
  /// statistic, and a p-value on the same side of alpha; where the Bonferroni bounds decide, p is a bound.
  @Test func maxComboAgreesWithTest() throws {
    let (time, event, group) = try Self.lung()
    let full = try MaxComboTest.test(time: time, event: event.map { Int($0) }, group: group.map { Int($0) })
    var kernel = TwoSampleLogRank()
    for alpha in [0.0005, 0.001, 0.003, 0.05] {
      let r = try Self.run { kernel.maxCombo(time: $0, event: $1, group: $2, alpha: alpha) }
      #expect(abs(r.z - full.statistic) < 1e-12)
      #expect((r.p < alpha) == (full.p < alpha), "alpha \(alpha): \(r.p) vs \(full.p)")
    }
  }

  /// Every built-in analysis gives the same result on 1, 2 and 3 workers (replicates are seeded by index).
  @Test func analysesIndependentOfThreads() throws {
    let h = M_LN2 / 12
    let design = TrialDesign(
      n: 120, arms: [TrialArm(name: "control", hazard: PiecewiseHazard(rates: [h])),
                     TrialArm(name: "treatment", hazard: PiecewiseHazard(rates: [0.6 * h]))],
      accrual: TrialAccrual(duration: 12), dropout: 0, cutoff: .followUp(12))
    for analysis in [SimulatedAnalysis.coxWald, .rmst(tau: 18), .maxCombo] {
      let runs = try [1, 2, 3].map {
        try PowerSimulation.run(design: design, analysis: analysis, reps: 60, seed: 7, alpha: 0.05, workers: $0)
      }
      #expect(runs[0].rejections == runs[1].rejections && runs[1].rejections == runs[2].rejections, "\(analysis)")
      #expect(runs[0].totalEvents == runs[2].totalEvents)
      #expect(runs[0].monteCarloSE == (runs[0].power * (1 - runs[0].power) / 60).squareRoot())
    }
  }

  /// Under the null (equal hazards) each analysis rejects about alpha of the time: 500 trials of 100,
  /// within 4 Monte Carlo SEs of 0.05 (a test size far off would show a wrong variance).
  @Test func sizeUnderTheNull() throws {
    let h = M_LN2 / 12
    let null = TrialDesign(
      n: 100, arms: [TrialArm(name: "a", hazard: PiecewiseHazard(rates: [h])),
                     TrialArm(name: "b", hazard: PiecewiseHazard(rates: [h]))],
      accrual: TrialAccrual(duration: 12), dropout: 0, cutoff: .followUp(18))
    for analysis in [SimulatedAnalysis.coxWald, .rmst(tau: 20), .maxCombo] {
      let sim = try PowerSimulation.run(design: null, analysis: analysis, reps: 500, seed: 11, alpha: 0.05)
      #expect(abs(sim.power - 0.05) < 4 * (0.05 * 0.95 / 500).squareRoot(), "\(analysis): \(sim.power)")
    }
  }
}
