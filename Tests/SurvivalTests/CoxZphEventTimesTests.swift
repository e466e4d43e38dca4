import Foundation
import Testing
import TestSupport
@testable import Survival

/// zph's `km` and `rank` times read off the risk-set table
/// (`CoxZphEventTimes`) equal `CoxZph.transformedTimes` at every event row,
/// bit for bit, on tied and untied times and with case weights; with strata
/// or start times the table is not used; the whole test gives the same
/// numbers with and without the table.
struct CoxZphEventTimesTests {
  static func input(
    _ s: CoxFitMartingaleTests.Sample, strata: [Int]?, weights: [Double]?
  ) throws -> CoxDiagnosticsInput {
    let fit = try CoxModel.fit(
      time: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: weights, strata: strata)
    return CoxDiagnosticsInput(
      start: nil, stop: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: weights,
      strata: strata, offset: nil, coefficients: fit.coefficients, ties: .efron)
  }

  @Test(arguments: [true, false]) func tableTimesAreTheWalksTimesAtEvents(tied: Bool) throws {
    let s = CoxFitMartingaleTests.sample(n: 2_000, tied: tied, seed: tied ? 13 : 17)
    for weights in [nil, s.weights] {
      let input = try Self.input(s, strata: nil, weights: weights)
      let sets = try CoxRiskSets(input)
      for (transform, rank) in [(CoxZph.Transform.km, false), (.rank, true)] {
        let walk = CoxZph.transformedTimes(input, transform)
        let table = try #require(CoxZphEventTimes.values(sets.table, input: input, rank: rank))
        for i in 0..<input.n where input.status[i] == 1 {
          #expect(table[i].bitPattern == walk[i].bitPattern, "row \(i): \(table[i]) vs \(walk[i])")
        }
        let with = try CoxZph.test(input, riskSets: sets, transform: transform, terms: [[0], [1]],
                                   termNames: ["x1", "x2"])
        let without = try CoxZph.test(input, transform: transform, terms: [[0], [1]], termNames: ["x1", "x2"])
        #expect(with.x == without.x)
        #expect(with.chisq == without.chisq)
      }
    }
  }

  @Test func strataAndStartTimesTakeTheWalk() throws {
    let s = CoxFitMartingaleTests.sample(n: 300, tied: true, seed: 19)
    let stratified = try Self.input(s, strata: s.strata, weights: nil)
    #expect(CoxZphEventTimes.values(try CoxRiskSets(stratified).table, input: stratified, rank: false) == nil)
    var counting = try Self.input(s, strata: nil, weights: nil)
    counting.start = s.time.map { $0 / 4 }
    #expect(CoxZphEventTimes.values(try CoxRiskSets(counting).table, input: counting, rank: true) == nil)
  }
}
