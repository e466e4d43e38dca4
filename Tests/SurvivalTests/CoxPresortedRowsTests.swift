import Foundation
import Testing
import TestSupport
@_spi(Benchmark) @testable import Survival

/// The diagnostics' risk-set table built on the fit's own sort
/// (`CoxFit.sortedRows`, `CoxPresortedRows`) is the table built with a sort
/// of its own, bit for bit; an order that is not the sort's is refused.
struct CoxPresortedRowsTests {
  @Test(arguments: [true, false]) func fitOrderGivesTheSameTable(tied: Bool) throws {
    let s = CoxFitMartingaleTests.sample(n: 2_000, tied: tied, seed: tied ? 13 : 17)
    for strata in [nil, s.strata] as [[Int]?] {
      let fit = try CoxModel.fit(
        time: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: s.weights, strata: strata)
      let rows = try #require(fit.sortedRows)
      let sorted = RowOrder.sorted(strata: strata, key: s.time, descending: false)
      #expect(rows == sorted.rows)
      let input = CoxDiagnosticsInput(
        start: nil, stop: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: s.weights,
        strata: strata, offset: nil, coefficients: fit.coefficients, ties: .efron)
      let accepted = try #require(CoxRiskSetGather.presorted(input, rows: rows, beta: fit.coefficients)?.order)
      #expect(accepted.rows == sorted.rows && accepted.keys == sorted.keys)
      let own = try CoxRiskSets(input).table
      let reused = try CoxRiskSets(input, sortedRows: rows).table
      #expect(own.order == reused.order)
      #expect(own.x == reused.x)
      #expect(own.risk == reused.risk)
      #expect(own.lo == reused.lo && own.hi == reused.hi)
      #expect(own.hazard == reused.hazard && own.deadHazard == reused.deadHazard)
      #expect(own.eventPositions == reused.eventPositions)
      // Not the sort's order: refused (the table then sorts for itself).
      let shuffled = Array(rows.reversed())
      #expect(CoxRiskSetGather.presorted(input, rows: shuffled, beta: fit.coefficients) == nil)
      var counting = input
      counting.start = [Double](repeating: -1, count: rows.count)
      #expect(CoxRiskSetGather.presorted(counting, rows: rows, beta: fit.coefficients) == nil)
      #expect(try CoxRiskSets(input, sortedRows: shuffled).table.order == own.order)
    }
  }
}
