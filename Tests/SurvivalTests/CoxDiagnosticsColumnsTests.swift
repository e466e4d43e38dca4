import Foundation
import Testing
import TestSupport
@testable import Survival

/// The diagnostics read the design as column arrays (`CoxCovariates.columns`,
/// the dataset's own columns) as they read a column-major matrix, bit for
/// bit; the scaled Schoenfeld residuals of zph and the fitted rows' lp and
/// risk (`CoxFittedLinear`) are the same on one worker and on two.
struct CoxDiagnosticsColumnsTests {
  static func columns(_ values: [Double], n: Int, p: Int) -> CoxCovariates {
    .columns((0..<p).map { Array(values[($0 * n)..<(($0 + 1) * n)]) })
  }

  @Test(arguments: [true, false]) func columnArraysGiveTheColumnMajorNumbers(tied: Bool) throws {
    let s = CoxFitMartingaleTests.sample(n: 3_000, tied: tied, seed: tied ? 7 : 11)
    for (strata, weights, offset) in [(nil, nil, nil), (s.strata, s.weights, s.offset)]
      as [([Int]?, [Double]?, [Double]?)]
    {
      let fit = try CoxModel.fit(
        time: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: weights, strata: strata,
        offset: offset)
      let major = CoxDiagnosticsInput(
        start: nil, stop: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: weights,
        strata: strata, offset: offset, coefficients: fit.coefficients, ties: .efron)
      var arrays = major
      arrays.covariateColumns = Self.columns(s.covariates, n: s.time.count, p: 2)
      let a = try CoxRiskSets(major).table, b = try CoxRiskSets(arrays).table
      #expect(a.x == b.x && a.risk == b.risk && a.isEvent == b.isEvent && a.hazard == b.hazard)
      let one = try CoxZph.test(major, transform: .km, terms: [[0], [1]], termNames: ["a", "b"])
      let two = try CoxZph.test(arrays, transform: .km, terms: [[0], [1]], termNames: ["a", "b"])
      #expect(one.chisq == two.chisq)
      #expect(one.y == two.y)
      // A column with an NA coefficient is left out of either form alike.
      var dropped = arrays
      dropped.coefficients = [fit.coefficients[0], .nan]
      var droppedMajor = major
      droppedMajor.coefficients = dropped.coefficients
      let c = try CoxZph.test(dropped, transform: .km, terms: [[0], [1]], termNames: ["a", "b"])
      let d = try CoxZph.test(droppedMajor, transform: .km, terms: [[0], [1]], termNames: ["a", "b"])
      #expect(c.chisq == d.chisq && c.y == d.y && c.names == ["a", "GLOBAL"])
    }
  }

  @Test func scaledResidualsOnTwoWorkersMatchOne() throws {
    let s = CoxFitMartingaleTests.sample(n: 3_000, tied: true, seed: 13)
    for strata in [nil, s.strata] as [[Int]?] {
      let fit = try CoxModel.fit(
        time: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: nil, strata: strata,
        offset: nil)
      let input = CoxDiagnosticsInput(
        start: nil, stop: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: nil,
        strata: strata, offset: nil, coefficients: fit.coefficients, ties: .efron)
      let terms = [[0, 1]]
      let one = try CoxZph.test(input, transform: .km, terms: terms, termNames: ["ab"], scaleThreshold: Int.max)
      let two = try CoxZph.test(input, transform: .km, terms: terms, termNames: ["ab"], scaleThreshold: 0)
      #expect(one.y.count == two.y.count && !one.y.isEmpty)
      #expect(zip(one.y, two.y).allSatisfy { $0.bitPattern == $1.bitPattern })
      #expect(one.chisq == two.chisq)
    }
  }

  @Test(arguments: [false, true]) func fittedLinearOnTwoWorkersMatchesOne(risk: Bool) throws {
    let s = CoxFitMartingaleTests.sample(n: 3_000, tied: false, seed: 17)
    let n = s.time.count
    let fit = try CoxModel.fit(
      time: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: nil, strata: nil, offset: nil)
    let variance = fit.variance
    let beta = fit.coefficients
    let columns = Self.columns(s.covariates, n: n, p: 2)
    let centres = [[0.25, -0.5], [1.0, 2.0], [0, 0]]
    let strata = s.strata.map { $0 % 3 }
    let meanOffset = s.offset.reduce(0, +) / Double(n)
    for (lp, strata, offset) in [(nil, strata, s.offset), (fit.linearPredictor, nil, nil)]
      as [([Double]?, [Int]?, [Double]?)]
    {
      let used = strata == nil ? [fit.means] : centres
      func run(_ threshold: Int) -> (fit: [Double], se: [Double]) {
        CoxFittedLinear.compute(
          covariates: columns, n: n, p: 2, beta: beta, variance: variance, centres: used, strata: strata,
          offset: offset, offsetMean: offset == nil ? 0 : meanOffset, linearPredictor: lp, risk: risk,
          parallelThreshold: threshold)
      }
      let one = run(Int.max), two = run(0)
      #expect(one.fit == two.fit && one.se == two.se)
      // Row by row, the operations of the one-row form.
      for i in [0, 1, n / 2, n - 1] {
        let c = used[strata?[i] ?? 0]
        let z = [s.covariates[i] - c[0], s.covariates[n + i] - c[1]]
        var q = 0.0
        for a in 0..<2 { q += z[a] * (variance[a * 2] * z[0] + variance[a * 2 + 1] * z[1]) }
        var value = lp?[i] ?? (0 + z[0] * beta[0] + z[1] * beta[1] + (offset?[i] ?? 0) - meanOffset)
        var se = q.squareRoot()
        if risk {
          value = Foundation.exp(value)
          se *= value.squareRoot()
        }
        #expect(one.fit[i] == value && one.se[i] == se)
      }
      if let lp, !risk {
        // lp is the fit's own array, not a copy.
        #expect(one.fit.withUnsafeBufferPointer { $0.baseAddress } == lp.withUnsafeBufferPointer { $0.baseAddress })
      }
    }
  }
}
