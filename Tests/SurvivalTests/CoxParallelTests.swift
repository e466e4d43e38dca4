import Foundation
import Testing
import TestSupport
@_spi(Benchmark) @testable import Survival

/// The two-worker paths (strata shared between threads) give the one-worker
/// numbers: the same sums, added in another order.
struct CoxParallelTests {
  /// Reassociating a few thousand positive terms moves the last bits only.
  static let reassociation = 1e-12

  @Test func likelihoodKernelTwoWorkersMatchesOne() throws {
    let fixture = try CoxFixture("colon_cluster")
    let cols = fixture.columns
    let time = try #require(fixture.inputDoubles("time"))
    let data = CoxPreparedData(
      n: time.count, p: cols.count, covariates: cols.flatMap { $0 }, time: time, start: nil,
      status: try #require(fixture.inputDoubles("status")), weights: nil,
      strata: fixture.inputDoubles("strata")?.map { Int($0) }, offset: nil, nocenter: [-1, 0, 1])
    let beta = [0.1, -0.2, 0.01, 0.05]
    var results: [(Double, [Double], [Double])] = []
    for threshold in [Int.max, 0] {
      let kernel = CoxRightCensoredKernel(data: data, efron: true, parallelThreshold: threshold)
      var u = [Double](repeating: 0, count: 4)
      var imat = [Double](repeating: 0, count: 16)
      let loglik = kernel.evaluate(beta: beta, score: &u, information: &imat)
      results.append((loglik, u, imat))
    }
    #expect(approxEqual(results[0].0, results[1].0, relative: Self.reassociation))
    for (a, b) in zip(results[0].1 + results[0].2, results[1].1 + results[1].2) {
      #expect(approxEqual(a, b, relative: Self.reassociation, absoluteFloor: 1e-10))
    }
  }

  @Test func concordanceTwoWorkersMatchesOne() throws {
    let fixture = try CoxFixture("heart_strata")
    let fit = try fixture.fit()
    let start = try #require(fixture.inputDoubles("start"))
    let stop = try #require(fixture.inputDoubles("stop"))
    let status = try #require(fixture.inputDoubles("status"))
    let strata = try #require(fixture.inputDoubles("strata")).map { Int($0) }
    let weights = [Double](repeating: 1, count: stop.count)
    let stopOrder = RowOrder.order(strata: strata, key: stop, descending: true)
    let startOrder = RowOrder.order(strata: strata, key: start, descending: true)
    let results = [Int.max, 0].map { threshold in
      Concordance.compute(
        time: stop, status: status, start: start, predictor: fit.linearPredictor,
        weights: weights, strata: strata, cluster: nil, reverse: true, stopOrder: stopOrder,
        startOrder: startOrder, parallelThreshold: threshold)
    }
    #expect(results[0].concordant == results[1].concordant)
    #expect(results[0].discordant == results[1].discordant)
    #expect(approxEqual(results[0].standardError, results[1].standardError, relative: Self.reassociation))
    // And the public entry point agrees with what the fit stored (R's value).
    let direct = try Concordance.compute(
      time: stop, status: status, predictor: fit.linearPredictor, start: start, strata: strata,
      reverse: true)
    #expect(approxEqual(direct.concordance, fit.concordance.concordance, relative: 1e-12))
    #expect(approxEqual(direct.standardError, fit.concordance.standardError, relative: 1e-12))
  }

  /// Right-censored concordance (the rank sweep) above the two-worker
  /// threshold, with tied times, tied predictors, censored rows tied with
  /// deaths, with case weights (the sweep counts in Double) and without
  /// (in Int32): one worker and two agree, and both agree with the
  /// Fenwick-tree sweep over rows in any order (reached through entry times
  /// before every time).
  @Test(arguments: [true, false]) func rightCensoredConcordanceMatchesTreeSweep(weighted: Bool) throws {
    var state: UInt64 = 12_345
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / 9_007_199_254_740_992
    }
    let n = 24_000
    var time = [Double](), status = [Double](), predictor = [Double](), strata = [Int]()
    var weights = [Double]()
    for _ in 0..<n {
      time.append((next() * 300).rounded(.up))
      status.append(next() < 0.6 ? 1 : 0)
      predictor.append((next() * 40).rounded() / 8)
      strata.append(Int(next() * 3))
      let w = 1 + (next() * 4).rounded() / 4
      weights.append(weighted ? w : 1)
    }
    let stopOrder = RowOrder.order(strata: strata, key: time, descending: true)
    let sorted = RowOrder.sorted(strata: strata, key: time, descending: false)
    let rows = sorted.rows
    let blocks = (0..<(sorted.blockStart.count - 1)).map { sorted.blockStart[$0]..<sorted.blockStart[$0 + 1] }
    let swept = [Int.max, 0].map { threshold in
      Concordance.rightCensored(
        time: sorted.keys, status: rows.map { status[$0] }, predictor: rows.map { predictor[$0] },
        weights: rows.map { weights[$0] }, blocks: blocks, cluster: nil, reverse: true,
        parallelThreshold: threshold)
    }
    let start = [Double](repeating: -1, count: n)
    let tree = Concordance.compute(
      time: time, status: status, start: start, predictor: predictor, weights: weights,
      strata: strata, cluster: nil, reverse: true, stopOrder: stopOrder,
      startOrder: RowOrder.order(strata: strata, key: start, descending: true), parallelThreshold: 0)
    #expect(tree.tiedX > 0 && tree.tiedY > 0 && tree.tiedXY > 0)
    for result in swept { expectSameConcordance(result, tree, relative: Self.reassociation) }
    // With a cluster index (sums of the influence by cluster).
    let cluster = (0..<n).map { $0 / 3 }
    let a = Concordance.compute(
      time: time, status: status, start: nil, predictor: predictor, weights: weights,
      strata: strata, cluster: cluster, reverse: false)
    let b = Concordance.compute(
      time: time, status: status, start: start, predictor: predictor, weights: weights,
      strata: strata, cluster: cluster, reverse: false, stopOrder: stopOrder,
      startOrder: RowOrder.order(strata: strata, key: start, descending: true))
    #expect(approxEqual(a.concordance, b.concordance, relative: Self.reassociation))
    #expect(approxEqual(a.standardError, b.standardError, relative: Self.reassociation))
  }
}
