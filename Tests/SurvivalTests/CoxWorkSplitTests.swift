import Foundation
import Testing
import TestSupport
@_spi(Benchmark) @testable import Survival

/// One stratum (or one holding most rows) shared by two workers (issue 14):
/// the likelihood sweep by its sums when no tie boundary lies near the
/// middle (else it is cut by time: `CoxTimeSplitTests`), the concordance
/// by predictor ranks.
/// The plan depends on the data only, so the numbers do not depend on the
/// threads; the likelihood gives the one-worker bits exactly, and so does
/// the unweighted concordance.
struct CoxWorkSplitTests {
  /// Weighted concordance totals added in another order: last bits only.
  static let reassociation = 1e-12

  /// Generated rows with many tied times, a factor-like 0/1 column, case
  /// weights (quarters) and an offset. `tiedBlock`: every time up to 160
  /// becomes 100, so that one block of ties holds about 80% of the rows
  /// (of each stratum) and no tie boundary lies near the middle.
  struct Rows {
    var time: [Double] = [], status: [Double] = [], x: [Double] = [], weights: [Double] = []
    var offset: [Double] = [], strata: [Int] = []
    let n: Int
    init(n: Int, seed: UInt64 = 99, tiedBlock: Bool = false) {
      self.n = n
      var state = seed
      func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / 9_007_199_254_740_992
      }
      var columns = [[Double]](repeating: [], count: 3)
      for _ in 0..<n {
        let t = (next() * 200).rounded(.up)
        time.append(tiedBlock && t <= 160 ? 100 : t)
        status.append(next() < 0.7 ? 1 : 0)
        columns[0].append(next() * 2 - 1)
        columns[1].append(next() < 0.4 ? 1 : 0)
        columns[2].append(next() * 10)
        weights.append(1 + (next() * 4).rounded() / 4)
        offset.append(next() * 0.2)
        // Uneven strata: 90%, 6%, 4% of the rows.
        let s = next()
        strata.append(s < 0.9 ? 0 : s < 0.96 ? 1 : 2)
      }
      x = columns.flatMap { $0 }
    }
  }

  static func evaluate(_ kernel: CoxRightCensoredKernel, beta: [Double]) -> [Double] {
    var u = [Double](repeating: 0, count: kernel.p)
    var imat = [Double](repeating: 0, count: kernel.p * kernel.p)
    let loglik = kernel.evaluate(beta: beta, score: &u, information: &imat)
    return [loglik] + u + imat
  }

  @Test(arguments: [(true, false, false), (false, false, false), (true, true, false), (false, true, true)])
  func likelihoodSumSplitGivesTheOneWorkerBits(efron: Bool, weighted: Bool, uneven: Bool) throws {
    let rows = Rows(n: 5_000, tiedBlock: true)
    let data = CoxPreparedData(
      n: rows.n, p: 3, covariates: rows.x, time: rows.time, start: nil, status: rows.status,
      weights: weighted ? rows.weights : nil, strata: uneven ? rows.strata : nil,
      offset: weighted ? rows.offset : nil, nocenter: [-1, 0, 1])
    let one = CoxRightCensoredKernel(data: data, efron: efron, parallelThreshold: Int.max)
    let two = CoxRightCensoredKernel(data: data, efron: efron, parallelThreshold: 0)
    #expect(one.plan == .strata([data.strataBlocks()]))
    #expect(two.plan == .sums(blocks: data.strataBlocks(), split: 2))  // p = 3: S1 0…1 and rows 0…1 of S2
    let beta = [0.3, -0.5, 0.05]
    // Every entry: the same additions in the same order, on either thread.
    #expect(Self.evaluate(one, beta: beta) == Self.evaluate(two, beta: beta))
    // Again (the kernel's buffers are reused between evaluations).
    let beta2 = [0.1, 0.2, -0.01]
    #expect(Self.evaluate(one, beta: beta2) == Self.evaluate(two, beta: beta2))
  }

  /// The fit of the 8-column width (a specialised sweep) and of 9 columns
  /// (p read at run time) through the sum split equals the one-worker fit.
  @Test(arguments: [8, 9]) func wideSumSplitGivesTheOneWorkerBits(p: Int) {
    let rows = Rows(n: 3_000, seed: 5, tiedBlock: true)
    let x = (0..<p).flatMap { j in
      (0..<rows.n).map { i in rows.x[(j % 3) * rows.n + i] * Double(j + 1) + Double(i % (j + 2)) }
    }
    let data = CoxPreparedData(
      n: rows.n, p: p, covariates: x, time: rows.time, start: nil, status: rows.status, weights: rows.weights,
      strata: nil, offset: nil, nocenter: [-1, 0, 1])
    let one = CoxRightCensoredKernel(data: data, efron: true, parallelThreshold: Int.max)
    let two = CoxRightCensoredKernel(data: data, efron: true, parallelThreshold: 0)
    #expect(two.plan == .sums(blocks: [0..<rows.n], split: CoxRightCensoredKernel.sumSplit(p: p)))
    let beta = (0..<p).map { 0.01 * Double($0 % 3) - 0.005 }
    #expect(Self.evaluate(one, beta: beta) == Self.evaluate(two, beta: beta))
  }

  @Test func planSharesStrataWhenTheyBalanceAndSumsOtherwise() {
    let even = [0..<300, 300..<600, 600..<1_000]
    // Times tied in one block from row 100 to 899: no tie boundary near the middle.
    let tied = (0..<1_000).map { $0 >= 100 && $0 < 900 ? 100 : Double($0) }
    #expect(CoxRightCensoredKernel.plan(n: 1_000, p: 7, blocks: even, time: tied, parallelThreshold: 0)
      == .strata([[600..<1_000], [0..<300, 300..<600]]))
    #expect(CoxRightCensoredKernel.plan(n: 1_000, p: 7, blocks: [0..<1_000], time: tied, parallelThreshold: 0)
      == .sums(blocks: [0..<1_000], split: 5))
    // 80% in one stratum: whole strata would leave one worker 4/5 of the rows.
    let uneven = [0..<800, 800..<1_000]
    #expect(CoxRightCensoredKernel.plan(n: 1_000, p: 7, blocks: uneven, time: tied, parallelThreshold: 0)
      == .sums(blocks: uneven, split: 5))
    // One column cannot be split; small data stay on one worker.
    #expect(CoxRightCensoredKernel.plan(n: 1_000, p: 1, blocks: [0..<1_000], time: tied, parallelThreshold: 0)
      == .strata([[0..<1_000]]))
    #expect(CoxRightCensoredKernel.plan(n: 1_000, p: 7, blocks: even, time: tied, parallelThreshold: 1_001)
      == .strata([even]))
    // Worker 0: s sums of S1 and s(s+1)/2 of S2; worker 1: all p of S1 and the rest of S2.
    #expect((2...9).map { CoxRightCensoredKernel.sumSplit(p: $0) } == [1, 2, 3, 3, 4, 5, 6, 6])
  }

  /// The rank split of one stratum (and of uneven strata) agrees with one
  /// worker and with the Fenwick-tree sweep over rows in any order,
  /// weighted (Double trees) and not (Int32 trees, bit for bit).
  @Test(arguments: [(true, false), (false, false), (true, true), (false, true)])
  func concordanceRankSplitMatchesOneWorker(weighted: Bool, uneven: Bool) throws {
    let rows = Rows(n: 30_000, seed: 7)
    let predictor = (0..<rows.n).map { (rows.x[$0] * 8).rounded() / 8 + rows.x[rows.n + $0] }
    let weights = weighted ? rows.weights : [Double](repeating: 1, count: rows.n)
    let strata = uneven ? rows.strata : [Int](repeating: 0, count: rows.n)
    let sorted = RowOrder.sorted(strata: strata, key: rows.time, descending: false)
    let order = sorted.rows
    let blocks = (0..<(sorted.blockStart.count - 1)).map { sorted.blockStart[$0]..<sorted.blockStart[$0 + 1] }
    #expect(StrataSharing.balanced(blocks, rows: rows.n) == nil)
    let swept = [Int.max, 0].map { threshold in
      Concordance.rightCensored(
        time: sorted.keys, status: order.map { rows.status[$0] }, predictor: order.map { predictor[$0] },
        weights: order.map { weights[$0] }, blocks: blocks, cluster: nil, reverse: true,
        parallelThreshold: threshold)
    }
    let start = [Double](repeating: -1, count: rows.n)
    let tree = Concordance.compute(
      time: rows.time, status: rows.status, start: start, predictor: predictor, weights: weights,
      strata: strata, cluster: nil, reverse: true,
      stopOrder: RowOrder.order(strata: strata, key: rows.time, descending: true),
      startOrder: RowOrder.order(strata: strata, key: start, descending: true), parallelThreshold: Int.max)
    #expect(tree.tiedX > 0 && tree.tiedY > 0 && tree.tiedXY > 0)
    for result in swept { expectSameConcordance(result, tree, relative: Self.reassociation) }
    expectSameConcordance(swept[0], swept[1], relative: weighted ? Self.reassociation : 0)
  }

  /// The two halves of the rank split run one after the other on one
  /// thread give the bits of the two run concurrently: nothing depends on
  /// the threads.
  @Test(arguments: [true, false]) func rankSplitHalvesDoNotDependOnThreads(weighted: Bool) {
    let rows = Rows(n: 20_000, seed: 11)
    let predictor = (0..<rows.n).map { (rows.x[$0] * 4).rounded() / 4 }
    let sorted = RowOrder.sorted(strata: nil, key: rows.time, descending: false)
    let order = sorted.rows
    let time = sorted.keys, status = order.map { rows.status[$0] }
    let weights = order.map { weighted ? rows.weights[$0] : 1 }
    let sortedPredictor = order.map { predictor[$0] }
    let concurrent = ConcordanceRankSplit.compute(
      time: time, status: status, predictor: sortedPredictor, weights: weights, blocks: [0..<rows.n],
      unweighted: !weighted)
    var rankOf = [Int32](repeating: 0, count: rows.n)
    let ranks = rankOf.withUnsafeMutableBufferPointer { rank in
      sortedPredictor.withUnsafeBufferPointer { ConcordanceRankSweep.denseRanks(predictor: $0, into: rank) }
    }
    var influence = [Double](repeating: .nan, count: 3 * rows.n)
    var counts = [Double](repeating: 0, count: 5)
    for upper in [false, true] {
      let part = influence.withUnsafeMutableBufferPointer { infl in
        rankOf.withUnsafeBufferPointer { rk in
          time.withUnsafeBufferPointer { tm in
            status.withUnsafeBufferPointer { st in
              weights.withUnsafeBufferPointer { wt in
                ConcordanceRankHalf(upper: upper).run(
                  Double.self, blocks: [0..<rows.n], ranks: [ranks], rankOf: rk, time: tm, status: st,
                  weights: wt, influence: infl)
              }
            }
          }
        }
      }
      for c in 0..<5 { counts[c] += part[c] }
    }
    #expect(counts == concurrent.counts)
    #expect(influence == concurrent.influence)
  }
}
