import Foundation
import Testing
import TestSupport
@testable import Survival

/// The martingale residuals a right-censored fit keeps (`CoxFit.martingale`,
/// `CoxFitMartingale`) equal those of the diagnostics' risk-set table
/// (`CoxResidualKernel`, checked against R's `residuals.coxph` by the
/// fixture tests), on tied and untied times, with strata, weights and an
/// offset, for every ties method.
struct CoxFitMartingaleTests {
  /// The two compute the same sums with η centred differently (on its mean
  /// there, by R's column means here): the last bits move.
  static let centring = 1e-10

  struct Sample {
    var time: [Double] = []
    var status: [Double] = []
    var covariates: [Double] = []
    var weights: [Double] = []
    var strata: [Int] = []
    var offset: [Double] = []
  }

  static func sample(n: Int, tied: Bool, seed: UInt64) -> Sample {
    var state = seed
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / 9_007_199_254_740_992
    }
    var s = Sample()
    var x1: [Double] = [], x2: [Double] = []
    for _ in 0..<n {
      let a = next() * 2 - 1, b = next() < 0.4 ? 1.0 : 0.0
      x1.append(a)
      x2.append(b)
      let t = -log(1 - next()) * exp(-0.5 * a + 0.3 * b) * 10
      s.time.append(tied ? (t * 2).rounded(.up) / 2 : t)
      s.status.append(next() < 0.7 ? 1 : 0)
      s.weights.append(1 + (next() * 3).rounded(.down))
      s.strata.append(Int(next() * 3))
      s.offset.append(next() * 0.2)
    }
    s.covariates = x1 + x2
    return s
  }

  @Test(arguments: [(true, CoxTies.efron), (true, .breslow), (true, .exact), (false, .efron), (false, .breslow)])
  func keptResidualsMatchTheRiskSetTable(tied: Bool, ties: CoxTies) throws {
    let s = Self.sample(n: 400, tied: tied, seed: tied ? 7 : 11)
    // Exact ties take no case weights (as in R).
    let weights = ties == .exact ? nil : s.weights
    for (strata, offset) in [(nil, nil), (s.strata, s.offset)] as [([Int]?, [Double]?)] {
      let fit = try CoxModel.fit(
        time: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: weights, strata: strata,
        offset: offset, options: CoxOptions(ties: ties))
      let kept = try #require(fit.martingale)
      let input = CoxDiagnosticsInput(
        start: nil, stop: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: weights,
        strata: strata, offset: offset, coefficients: fit.coefficients, ties: ties)
      let table = try CoxResidualKernel.compute(input, score: false, schoenfeld: false).martingale
      #expect(kept.count == table.count)
      for (a, b) in zip(kept, table) {
        #expect(approxEqual(a, b, relative: Self.centring, absoluteFloor: 1e-12))
      }
      // Weighted by the case weights, martingale residuals sum to zero (per stratum, so in all).
      var total = 0.0
      for (i, m) in kept.enumerated() { total += (weights?[i] ?? 1) * m }
      #expect(abs(total) < 1e-9 * Double(kept.count))
    }
  }

  @Test func countingProcessFitsKeepNone() throws {
    let fit = try CoxModel.fit(
      start: [0, 0, 1, 2], stop: [2, 3, 4, 5], status: [1, 0, 1, 1], covariates: [0.5, 1, -1, 2], columns: 1)
    #expect(fit.martingale == nil)
  }
}
