import Foundation
import Testing
import TestSupport
@_spi(Benchmark) @testable import Survival

/// The risk-set table's scatter (`CoxRiskSetGather.scattered`, through the
/// inverse order of `CoxRowPositions`) gives the column-by-column gather's
/// arrays bit for bit, on one and two workers, for shuffled orders with and
/// without an offset and a zero coefficient; the inverse refuses what is not
/// a permutation; on the fit's order (`presorted`) the stop times come from
/// the scatter and the order is checked (`CoxPresortedRows.blockStarts`).
struct CoxRiskSetScatterTests {
  /// A reproducible shuffle of 0..<n (Fisher–Yates on a linear congruential generator).
  static func shuffled(_ n: Int, seed: UInt64) -> [Int] {
    var state = seed
    var rows = Array(0..<n)
    for i in stride(from: n - 1, to: 0, by: -1) {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      rows.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
    }
    return rows
  }

  @Test func inverseIsEachRowsPosition() throws {
    let rows = Self.shuffled(1_000, seed: 61)
    let positions = try #require(rows.withUnsafeBufferPointer { CoxRowPositions.inverse($0) })
    #expect(positions.count == rows.count)
    for (k, row) in rows.enumerated() { #expect(Int(positions[row]) == k) }
    // A repeated row (another row then missing), a row out of range, a negative row, no rows.
    for bad in [(1, rows[0]), (7, rows.count), (3, -1)] {
      var broken = rows
      broken[bad.0] = bad.1
      #expect(broken.withUnsafeBufferPointer { CoxRowPositions.inverse($0) } == nil)
    }
    #expect([Int]().withUnsafeBufferPointer { CoxRowPositions.inverse($0) } == nil)
  }

  /// Three columns (the third's coefficient 0, so η skips it), as column arrays or column-major.
  static func input(n: Int, offset: Bool, columnMajor: Bool, seed: UInt64) -> CoxDiagnosticsInput {
    let s = CoxFitMartingaleTests.sample(n: n, tied: true, seed: seed)
    let third = (0..<n).map { Double($0 % 11) / 3 - 1.5 }
    let columns = [Array(s.covariates[0..<n]), Array(s.covariates[n..<(2 * n)]), third]
    return CoxDiagnosticsInput(
      start: nil, stop: s.time, status: s.status,
      covariateColumns: columnMajor ? .columnMajor(columns.flatMap { $0 }) : .columns(columns), columns: 3,
      weights: nil, strata: nil, offset: offset ? s.offset : nil, coefficients: [0.7, -0.4, 0], ties: .efron)
  }

  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func scatterIsTheGather(offset: Bool, columnMajor: Bool) throws {
    let n = 3_001
    let input = Self.input(n: n, offset: offset, columnMajor: columnMajor, seed: offset ? 67 : 71)
    let rows = Self.shuffled(n, seed: columnMajor ? 73 : 79)
    let beta = input.coefficients
    let plain = CoxRiskSetGather.gathered(input, sortedRows: rows, beta: beta, parallelThreshold: Int.max)
    for threshold in [0, Int.max] {
      let s = try #require(
        CoxRiskSetGather.scattered(input, rows: rows, beta: beta, keys: true, parallelThreshold: threshold))
      #expect(s.x.map(\.bitPattern) == plain.x.map(\.bitPattern))
      #expect(s.risk.map(\.bitPattern) == plain.risk.map(\.bitPattern))
      #expect(s.isEvent == plain.isEvent)
      #expect(s.keys == rows.map { input.stop[$0] })
      // And through the table's entry point (no keys).
      let c = CoxRiskSetGather.centred(input, sortedRows: rows, beta: beta, parallelThreshold: threshold)
      #expect(c.x == s.x && c.risk == s.risk && c.isEvent == s.isEvent)
    }
    // The gather itself, by hand at a few positions: the row's value less its column's mean.
    var mean2 = 0.0
    for i in 0..<n { mean2 += input.covariates[2 * n + i] }
    mean2 /= Double(n)
    for k in stride(from: 0, to: n, by: 251) {
      #expect(plain.x[k * 3 + 2] == input.covariates[2 * n + rows[k]] - mean2)
      #expect(plain.isEvent[k] == (input.status[rows[k]] == 1))
    }
    var broken = rows
    broken[5] = broken[6]
    #expect(CoxRiskSetGather.scattered(input, rows: broken, beta: beta, keys: false, parallelThreshold: 0) == nil)
  }

  @Test func presortedIsTheCheckedOrderAndTheGather() throws {
    let s = CoxFitMartingaleTests.sample(n: 2_500, tied: true, seed: 83)
    for strata in [nil, s.strata] as [[Int]?] {
      let fit = try CoxModel.fit(
        time: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: nil, strata: strata)
      let input = CoxDiagnosticsInput(
        start: nil, stop: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: nil,
        strata: strata, offset: nil, coefficients: fit.coefficients, ties: .efron)
      let rows = try #require(fit.sortedRows)
      let order = RowOrder.sorted(strata: strata, key: s.time, descending: false)
      for threshold in [0, Int.max] {
        let got = try #require(
          CoxRiskSetGather.presorted(input, rows: rows, beta: fit.coefficients, parallelThreshold: threshold))
        #expect(got.order.rows == order.rows && got.order.keys == order.keys)
        #expect(got.order.blockStart == order.blockStart)
        #expect(strata != nil || order.blockStart == [0, rows.count])
        let plain = CoxRiskSetGather.gathered(input, sortedRows: rows, beta: fit.coefficients)
        #expect(got.x == plain.x && got.risk == plain.risk && got.isEvent == plain.isEvent)
      }
      // Two neighbours of different times swapped: a permutation, out of order; refused.
      var swapped = rows
      let k = try #require((1..<rows.count).first { s.time[rows[$0]] != s.time[rows[$0 - 1]] })
      swapped.swapAt(k - 1, k)
      #expect(CoxRiskSetGather.presorted(input, rows: swapped, beta: fit.coefficients) == nil)
      // (start, stop] data never take the fit's order.
      var counting = input
      counting.start = [Double](repeating: -1, count: rows.count)
      #expect(CoxRiskSetGather.presorted(counting, rows: rows, beta: fit.coefficients) == nil)
    }
  }

  /// zph's event times come from the table's death times at the events' positions (`Scores.eventTimes`):
  /// each is its row's stop time, for right-censored and (start, stop] data, with and without strata.
  @Test(arguments: [false, true]) func zphTimesAreTheEventRowsStopTimes(counting: Bool) throws {
    let s = CoxFitMartingaleTests.sample(n: 1_500, tied: true, seed: counting ? 89 : 97)
    for strata in [nil, s.strata] as [[Int]?] {
      let input = CoxDiagnosticsInput(
        start: counting ? s.time.map { $0 / 3 } : nil, stop: s.time, status: s.status, covariates: s.covariates,
        columns: 2, weights: nil, strata: strata, offset: nil, coefficients: [0.4, -0.3], ties: .efron)
      let z = try CoxZph.test(input, transform: .identity, terms: [[0], [1]], termNames: ["x1", "x2"])
      #expect(z.time.count == s.status.filter { $0 == 1 }.count)
      #expect(z.time.map(\.bitPattern) == z.eventRows.map { s.time[$0].bitPattern })
      // identity: the transformed time is the time.
      #expect(z.x == z.time)
    }
  }
}
