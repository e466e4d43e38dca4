import Foundation
import Testing
@testable import Survival

/// The concordance's dense ranks from two workers (`SharedDenseRanks`, issue
/// 14) are the one-worker ranks exactly: same ranks, count and middle rank.
struct SharedDenseRanksTests {
  static func ranks(_ values: [Double], shared: Bool) -> ([Int32], Int, Int32) {
    var rankOf = [Int32](repeating: -1, count: values.count)
    let result = rankOf.withUnsafeMutableBufferPointer { rank in
      values.withUnsafeBufferPointer { pr in
        shared
          ? SharedDenseRanks.compute(predictor: pr, into: rank, parallelThreshold: 0)
          : ConcordanceRankSweep.denseRanks(predictor: pr, into: rank)
      }
    }
    return (rankOf, result.count, result.median)
  }

  /// Ties within and across the halves, −0 beside +0, negatives, odd and even
  /// lengths, and runs long enough for the radix sort (≥ 256 per half).
  @Test(arguments: [2, 3, 601, 2_000, 5_001]) func sharedRanksEqualOneWorker(n: Int) {
    var state: UInt64 = 42
    let values = (0..<n).map { i -> Double in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let u = Double(state >> 11) / 9_007_199_254_740_992
      if i % 7 == 0 { return i % 2 == 0 ? -0.0 : 0.0 }
      return ((u * 40).rounded() - 20) / 4  // about 160 distinct values: many ties
    }
    let one = Self.ranks(values, shared: false)
    let two = Self.ranks(values, shared: true)
    #expect(one.0 == two.0)
    #expect(one.1 == two.1)
    #expect(one.2 == two.2)
    #expect(!two.0.contains(-1))
  }

  @Test func allEqualValuesShareRankZero() {
    let two = Self.ranks([Double](repeating: 3.5, count: 1_000), shared: true)
    #expect(two.0.allSatisfy { $0 == 0 } && two.1 == 1 && two.2 == 0)
  }
}
