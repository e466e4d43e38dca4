import Foundation
import Testing
@testable import Survival

/// The O(K²)-per-time kernel of Gray's test (`GrayStratumScan`) against the
/// direct O(K³) accumulation (`referenceGray`, cmprsk's `crst` step by step)
/// on random data with many groups, tied times, several causes, censoring,
/// strata and ρ ≠ 0.
struct GrayKernelTests {
  /// Relative agreement of the two algorithms: the same sums regrouped
  /// (the telescoped Σ c E c), so only rounding differs.
  static let kernelTolerance = 1e-10

  struct Data {
    var time: [Double] = []
    var status: [Int] = []
    var group: [Int] = []
    var strata: [Int] = []

    init(n: Int, groups: Int, strata strataCount: Int, causes: Int, distinctTimes: Int, seed: UInt64) {
      var state = seed
      func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
      }
      for i in 0..<n {
        time.append(Double(next() % UInt64(distinctTimes) + 1))
        let u = next() % 10
        status.append(u < 3 ? 0 : Int(next() % UInt64(causes)) + 1)
        // Every group non-empty (the reference does not recode groups).
        group.append(i < groups ? i : Int(next() % UInt64(groups)))
        strata.append(Int(next() % UInt64(strataCount)))
      }
    }
  }

  static func relativeError(_ a: Double, _ b: Double, scale: Double) -> Double {
    abs(a - b) / max(scale, .leastNormalMagnitude)
  }

  @Test(arguments: [
    (n: 400, groups: 30, strata: 1, causes: 3, times: 40, rho: 0.0, seed: UInt64(1)),
    (n: 600, groups: 60, strata: 2, causes: 2, times: 25, rho: 1.0, seed: UInt64(2)),
    (n: 300, groups: 8, strata: 3, causes: 4, times: 12, rho: -0.5, seed: UInt64(3)),
    (n: 900, groups: 120, strata: 1, causes: 2, times: 500, rho: 0.0, seed: UInt64(4)),
    (n: 50, groups: 2, strata: 1, causes: 2, times: 10, rho: 0.0, seed: UInt64(5)),
  ])
  func fastKernelMatchesTheDirectAlgorithm(
    n: Int, groups: Int, strata: Int, causes: Int, times: Int, rho: Double, seed: UInt64
  ) throws {
    let d = Data(n: n, groups: groups, strata: strata, causes: causes, distinctTimes: times, seed: seed)
    let tests = try GrayTest.tests(
      time: d.time, status: d.status, group: d.group, strata: d.strata,
      causes: Array(1...causes), causeCount: causes, rho: rho)
    #expect(tests.count == causes)
    for (index, test) in tests.enumerated() {
      let cause = index + 1
      let ref = referenceGray(
        time: d.time, status: d.status, group: d.group, strata: d.strata, cause: cause, rho: rho)
      #expect(test.score.count == ref.score.count)
      #expect(test.variance.count == ref.variance.count)
      let sScale = ref.score.map(abs).max() ?? 0
      var worstS = 0.0
      for (a, b) in zip(test.score, ref.score) { worstS = max(worstS, Self.relativeError(a, b, scale: sScale)) }
      #expect(worstS <= Self.kernelTolerance, "cause \(cause): score error \(worstS)")
      // Entries relative to the largest diagonal entry (off-diagonal
      // covariances can be near zero after cancellation).
      let ng1 = groups - 1
      let vScale = (0..<ng1).map { abs(ref.variance[$0 * ng1 + $0]) }.max() ?? 0
      var worstV = 0.0
      for (a, b) in zip(test.variance, ref.variance) { worstV = max(worstV, Self.relativeError(a, b, scale: vScale)) }
      #expect(worstV <= Self.kernelTolerance, "cause \(cause): variance error \(worstV)")
      // Diagonal entries each relative to themselves.
      for i in 0..<ng1 where ref.variance[i * ng1 + i] != 0 {
        let e = Self.relativeError(
          test.variance[i * ng1 + i], ref.variance[i * ng1 + i], scale: abs(ref.variance[i * ng1 + i]))
        #expect(e <= Self.kernelTolerance, "cause \(cause): V[\(i)][\(i)] error \(e)")
      }
    }
  }
}
