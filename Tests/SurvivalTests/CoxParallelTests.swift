import Foundation
import Testing
import TestSupport
@testable import Survival

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
}
