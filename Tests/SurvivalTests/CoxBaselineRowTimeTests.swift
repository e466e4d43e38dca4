import Foundation
import Testing
import TestSupport
@testable import Survival

/// `CoxBaselineHazard.rowTimeIndex` is, for every row given, the index of its
/// own exit time, as `index(atOrBefore:)` finds it (`predict` of the fitted
/// rows reads it instead of searching), for a subset of rows in any order,
/// with tied times and start times.
struct CoxBaselineRowTimeTests {
  @Test(arguments: [true, false]) func rowTimeIndexIsTheSearchedIndex(tied: Bool) throws {
    let s = CoxFitMartingaleTests.sample(n: 1_000, tied: tied, seed: tied ? 23 : 29)
    let rows = (0..<s.time.count).filter { $0 % 3 != 1 }.reversed().map { $0 }
    let risk = s.offset.map { Foundation.exp($0) }
    for start in [nil, s.time.map { $0 / 3 }] as [[Double]?] {
      let b = CoxBaselineHazard.compute(
        rows: rows, start: start, stop: s.time, status: s.status.map { Int($0) }, weights: s.weights, risk: risk,
        x: s.covariates, columns: 2, centre: [0.1, 0.4], efron: true)
      #expect(b.rowTimeIndex.count == rows.count)
      for (a, i) in rows.enumerated() {
        #expect(Int(b.rowTimeIndex[a]) == b.index(atOrBefore: s.time[i]), "row \(i)")
      }
    }
  }

  /// Given the fit's order (positions by time, ties by position), the
  /// baseline is the sorted one bit for bit without sorting; an order that
  /// is not one (a repeat, out of range, out of time order, too short) is
  /// refused and the baseline sorts as before.
  @Test(arguments: [true, false]) func theFitsOrderGivesTheSortedBaseline(tied: Bool) throws {
    let s = CoxFitMartingaleTests.sample(n: 1_000, tied: tied, seed: tied ? 31 : 37)
    let rows = (0..<s.time.count).filter { $0 % 3 != 1 }
    let risk = s.offset.map { Foundation.exp($0) }
    let status = s.status.map { Int($0) }
    let order = rows.indices.sorted { (s.time[rows[$0]], $0) < (s.time[rows[$1]], $1) }
    func baseline(_ positions: [Int]?) -> CoxBaselineHazard {
      CoxBaselineHazard.compute(
        rows: rows, start: nil, stop: s.time, status: status, weights: s.weights, risk: risk,
        x: s.covariates, columns: 2, centre: [0.1, 0.4], efron: true, sortedPositions: positions)
    }
    #expect(CoxBaselineHazard.timesInOrder(rows: rows, stop: s.time, sortedPositions: order) != nil)
    let sorted = baseline(nil), given = baseline(order)
    #expect(given.time == sorted.time)
    #expect(given.rowTimeIndex == sorted.rowTimeIndex)
    #expect(zip(given.cumhaz, sorted.cumhaz).allSatisfy { $0.bitPattern == $1.bitPattern })
    #expect(zip(given.xbar, sorted.xbar).allSatisfy { $0.bitPattern == $1.bitPattern })
    var repeated = order
    repeated[5] = repeated[4]
    var swapped = order
    swapped.swapAt(0, order.count - 1)
    var outside = order
    outside[3] = rows.count
    for bad in [repeated, swapped, outside, Array(order.dropLast())] {
      #expect(CoxBaselineHazard.timesInOrder(rows: rows, stop: s.time, sortedPositions: bad) == nil)
      #expect(baseline(bad).cumhaz == sorted.cumhaz)
    }
  }
}
