import Foundation
import Testing
import TestSupport
@testable import Survival

/// The proportional-hazards test's row sums on two workers (`CoxZphRowSums`)
/// give one worker's numbers to the last bits, on tied and untied times,
/// with and without strata, weights and an offset; the gather of the
/// risk-set table (`CoxRiskSetGather`) is the same bit for bit.
struct CoxZphParallelTests {
  /// Two partial sums added instead of one running sum: reassociation only.
  static let reassociation = 1e-12

  @Test(arguments: [true, false]) func twoWorkersMatchOne(tied: Bool) throws {
    let s = CoxFitMartingaleTests.sample(n: 3_000, tied: tied, seed: tied ? 3 : 5)
    for (strata, weights, offset) in [(nil, nil, nil), (s.strata, s.weights, s.offset)]
      as [([Int]?, [Double]?, [Double]?)]
    {
      let fit = try CoxModel.fit(
        time: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: weights, strata: strata,
        offset: offset)
      let input = CoxDiagnosticsInput(
        start: nil, stop: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: weights,
        strata: strata, offset: offset, coefficients: fit.coefficients, ties: .efron)
      let g = CoxZph.transformedTimes(input, .km)
      let one = try CoxZphKernel.scores(input, g: g, parallelThreshold: Int.max)
      let two = try CoxZphKernel.scores(input, g: g, parallelThreshold: 0)
      #expect(one.u == two.u)
      #expect(one.schoenfeld == two.schoenfeld)
      #expect(one.information.count == two.information.count)
      for (a, b) in zip(one.information, two.information) {
        #expect(approxEqual(a, b, relative: Self.reassociation, absoluteFloor: 1e-12))
      }
      // The gather is the same on one and two workers, and is what the table holds.
      let rows = try CoxRiskSets(input).table
      let single = CoxRiskSetGather.centred(
        input, sortedRows: rows.order, beta: fit.coefficients, parallelThreshold: Int.max)
      let split = CoxRiskSetGather.centred(input, sortedRows: rows.order, beta: fit.coefficients, parallelThreshold: 0)
      #expect(single.x == split.x)
      #expect(single.risk == split.risk)
      #expect(single.x == rows.x)
      #expect(single.risk == rows.risk)
    }
  }
}
