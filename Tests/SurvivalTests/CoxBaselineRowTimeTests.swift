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
}
