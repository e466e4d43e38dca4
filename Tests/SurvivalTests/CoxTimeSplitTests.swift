import Foundation
import Testing
import TestSupport
@_spi(Benchmark) @testable import Survival

/// One stratum split by time between two workers (issue 14): the worker of
/// the earlier times starts from the totals of the later block, so both
/// the likelihood sweep and the concordance give the one-worker numbers.
struct CoxTimeSplitTests {
  /// Only the final addition of the two workers' sums differs from one sweep.
  static let reassociation = 1e-12

  /// Generated rows with many tied times (and ties across the split), a
  /// factor-like 0/1 column, and optionally case weights and an offset.
  struct Rows {
    var time: [Double] = [], status: [Double] = [], x: [Double] = [], weights: [Double] = []
    var offset: [Double] = []
    let n: Int
    init(n: Int, seed: UInt64 = 99) {
      self.n = n
      var state = seed
      func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / 9_007_199_254_740_992
      }
      var columns = [[Double]](repeating: [], count: 3)
      for _ in 0..<n {
        time.append((next() * 200).rounded(.up))
        status.append(next() < 0.7 ? 1 : 0)
        columns[0].append(next() * 2 - 1)
        columns[1].append(next() < 0.4 ? 1 : 0)
        columns[2].append(next() * 10)
        weights.append(1 + (next() * 4).rounded() / 4)
        offset.append(next() * 0.2)
      }
      x = columns.flatMap { $0 }
    }
  }

  @Test(arguments: [(true, false), (false, false), (true, true), (false, true)])
  func likelihoodTimeSplitMatchesOneWorker(efron: Bool, weighted: Bool) throws {
    let rows = Rows(n: 5_000)
    let data = CoxPreparedData(
      n: rows.n, p: 3, covariates: rows.x, time: rows.time, start: nil, status: rows.status,
      weights: weighted ? rows.weights : nil, strata: nil, offset: weighted ? rows.offset : nil,
      nocenter: [-1, 0, 1])
    let one = CoxRightCensoredKernel(data: data, efron: efron, parallelThreshold: 0)
    let two = CoxRightCensoredKernel(data: data, efron: efron, parallelThreshold: 0, timeSplitThreshold: 0)
    // Off by default (see `timeSplitThreshold`): one worker for one stratum.
    #expect(one.assignment == [[CoxSweepSegment(rows: 0..<rows.n, carryFrom: rows.n)]])
    // Worker 0 sweeps the earlier rows from the later block's totals; worker 1 the later block.
    let split = try #require(two.assignment.first?.first?.carryFrom)
    #expect(two.assignment == [
      [CoxSweepSegment(rows: 0..<rows.n, carryFrom: split)],
      [CoxSweepSegment(rows: split..<rows.n, carryFrom: rows.n)],
    ])
    #expect(data.time[split - 1] != data.time[split])
    let beta = [0.3, -0.5, 0.05]
    var results: [(Double, [Double], [Double])] = []
    for kernel in [one, two] {
      var u = [Double](repeating: 0, count: 3)
      var imat = [Double](repeating: 0, count: 9)
      let loglik = kernel.evaluate(beta: beta, score: &u, information: &imat)
      results.append((loglik, u, imat))
    }
    #expect(approxEqual(results[0].0, results[1].0, relative: Self.reassociation))
    for (a, b) in zip(results[0].1 + results[0].2, results[1].1 + results[1].2) {
      #expect(approxEqual(a, b, relative: Self.reassociation, absoluteFloor: 1e-9))
    }
  }

  @Test func timeSplitStartsARunOfTiedTimes() {
    // 60% of 10 rows from the end is position 4, inside the run of 3s (2…5).
    let time: [Double] = [1, 2, 3, 3, 3, 3, 4, 5, 6, 7]
    #expect(CoxRightCensoredKernel.timeSplit(time: time, rows: 0..<10, laterShare: 0.6) == 2)
    // One time for every row: no split.
    #expect(CoxRightCensoredKernel.timeSplit(time: [Double](repeating: 2, count: 8), rows: 0..<8, laterShare: 0.6)
      == nil)
    #expect(CoxRightCensoredKernel.timeSplit(time: [1], rows: 0..<1, laterShare: 0.6) == nil)
  }

  /// The rank sweep of one stratum split by time agrees with one worker and
  /// with the Fenwick-tree sweep over rows in any order, weighted (Double
  /// tree) and not (Int32 tree).
  @Test(arguments: [true, false]) func concordanceTimeSplitMatchesOneWorker(weighted: Bool) throws {
    let rows = Rows(n: 30_000, seed: 7)
    let predictor = (0..<rows.n).map { (rows.x[$0] * 8).rounded() / 8 + rows.x[rows.n + $0] }
    let weights = weighted ? rows.weights : [Double](repeating: 1, count: rows.n)
    let sorted = RowOrder.sorted(strata: nil, key: rows.time, descending: false)
    let order = sorted.rows
    let swept = [Int.max, 0].map { threshold in
      Concordance.rightCensored(
        time: sorted.keys, status: order.map { rows.status[$0] }, predictor: order.map { predictor[$0] },
        weights: order.map { weights[$0] }, blocks: [0..<rows.n], cluster: nil, reverse: true,
        parallelThreshold: 0, timeSplitThreshold: threshold)
    }
    let start = [Double](repeating: -1, count: rows.n)
    let strata = [Int](repeating: 0, count: rows.n)
    let tree = Concordance.compute(
      time: rows.time, status: rows.status, start: start, predictor: predictor, weights: weights,
      strata: strata, cluster: nil, reverse: true,
      stopOrder: RowOrder.order(strata: strata, key: rows.time, descending: true),
      startOrder: RowOrder.order(strata: strata, key: start, descending: true), parallelThreshold: Int.max)
    #expect(tree.tiedX > 0 && tree.tiedY > 0 && tree.tiedXY > 0)
    for result in swept {
      // Quarter weights: every count is exact in all three.
      #expect(result.concordant == tree.concordant)
      #expect(result.discordant == tree.discordant)
      #expect(result.tiedX == tree.tiedX)
      #expect(result.tiedY == tree.tiedY)
      #expect(result.tiedXY == tree.tiedXY)
      #expect(approxEqual(result.concordance, tree.concordance, relative: Self.reassociation))
      #expect(approxEqual(result.standardError, tree.standardError, relative: Self.reassociation))
    }
  }
}
