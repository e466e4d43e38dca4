import Foundation
import Testing
import TestSupport
@_spi(Benchmark) @testable import Survival

/// The risk-set table's passes on two workers (`CoxRiskSetTableSplit`) and
/// zph's per-event gathers (`CoxZphEventGather`) give the numbers of one
/// worker bit for bit; the fit's order is accepted without a table of seen
/// rows, and an order that repeats a row is still refused (`CoxPresortedRows`).
struct CoxRiskSetTableSplitTests {
  @Test(arguments: [true, false]) func twoWorkersGiveOneWorkersNumbers(tied: Bool) throws {
    let s = CoxFitMartingaleTests.sample(n: 3_000, tied: tied, seed: tied ? 23 : 29)
    for strata in [nil, s.strata] as [[Int]?] {
      for ties in [CoxTies.efron, .breslow] {
        var options = CoxOptions()
        options.ties = ties
        let fit = try CoxModel.fit(
          time: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: s.weights, strata: strata,
          options: options)
        let input = CoxDiagnosticsInput(
          start: nil, stop: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: s.weights,
          strata: strata, offset: nil, coefficients: fit.coefficients, ties: ties)
        let t = try CoxRiskSets(input, sortedRows: fit.sortedRows).table
        let deaths = t.deathTime.count
        let one = CoxRiskSetTableSplit.scatter(
          risk: t.risk, weight: t.weight, x: t.x, isEvent: t.isEvent, lo: t.lo, hi: t.hi, p: 2, deaths: deaths,
          parallelThreshold: Int.max)
        let two = CoxRiskSetTableSplit.scatter(
          risk: t.risk, weight: t.weight, x: t.x, isEvent: t.isEvent, lo: t.lo, hi: t.hi, p: 2, deaths: deaths,
          parallelThreshold: 0)
        #expect(one.addAt == two.addAt && one.deathRiskSum == two.deathRiskSum && one.deathXSum == two.deathXSum)
        #expect(one.deathRiskSum == t.deathRiskSum && one.deathXSum == t.deathXSum)
        let h1 = CoxRiskSetTableSplit.hazards(
          efron: t.efron, deathCount: t.deathCount, deathWeight: t.deathWeight, riskSum: t.riskSum,
          deathRiskSum: t.deathRiskSum, xSum: t.xSum, deathXSum: t.deathXSum, p: 2, rows: t.n,
          parallelThreshold: Int.max)
        let h2 = CoxRiskSetTableSplit.hazards(
          efron: t.efron, deathCount: t.deathCount, deathWeight: t.deathWeight, riskSum: t.riskSum,
          deathRiskSum: t.deathRiskSum, xSum: t.xSum, deathXSum: t.deathXSum, p: 2, rows: t.n, parallelThreshold: 0)
        #expect(h1.hazard == h2.hazard && h1.deadHazard == h2.deadHazard)
        #expect(h1.xHazard == h2.xHazard && h1.deadXHazard == h2.deadXHazard && h1.deadMean == h2.deadMean)
        #expect(h1.hazard == t.hazard && h1.deadMean == t.deadMean)
        // zph's per-event columns.
        let rows = t.eventRows
        #expect(
          CoxZphEventGather.values(s.time, at: rows, parallelThreshold: 0)
            == CoxZphEventGather.values(s.time, at: rows, parallelThreshold: Int.max))
        #expect(CoxZphEventGather.values(s.time, at: rows, parallelThreshold: 0) == rows.map { s.time[$0] })
        #expect(CoxZphEventGather.strata(strata, at: rows) == rows.map { strata?[$0] ?? 0 })
      }
    }
  }

  @Test func anOrderRepeatingARowIsRefused() throws {
    let s = CoxFitMartingaleTests.sample(n: 500, tied: true, seed: 31)
    let fit = try CoxModel.fit(
      time: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: s.weights, strata: s.strata)
    var rows = try #require(fit.sortedRows)
    func order(_ rows: [Int], strata: [Int]?) -> (rows: [Int], keys: [Double], blockStart: [Int])? {
      let input = CoxDiagnosticsInput(
        start: nil, stop: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: s.weights,
        strata: strata, offset: nil, coefficients: fit.coefficients, ties: .efron)
      return CoxRiskSetGather.presorted(input, rows: rows, beta: fit.coefficients)?.order
    }
    #expect(order(rows, strata: s.strata) != nil)
    rows[1] = rows[0]
    #expect(order(rows, strata: s.strata) == nil)
    #expect(order(rows, strata: nil) == nil)
    rows[1] = s.time.count
    #expect(order(rows, strata: s.strata) == nil)
  }
}
