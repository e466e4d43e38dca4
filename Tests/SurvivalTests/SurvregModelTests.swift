import Foundation
import Testing

@testable import Survival
import TestSupport

/// The parametric fitter on data worked by hand, and its derivatives
/// against finite differences (every law, every kind of censoring).
@Suite struct SurvregModelTests {
  /// Closed forms computed in doubles: agreement to the last bits of a
  /// converged Newton–Raphson (which stops at |Δℓ/ℓ| ≤ 1e-9, so the estimate
  /// is exact to about the square of the last step).
  static let exact = 1e-9
  /// Central differences of a smooth function with step 1e-5: error ~1e-9 relative.
  static let finiteDifference = 1e-6

  /// times 2, 3, 5, 7, 11 with events 1, 0, 1, 1, 0: total time 28, 3 events.
  static func tiny(_ x: [Double] = [1, 1, 1, 1, 1], p: Int = 1) -> SurvregData {
    let t: [Double] = [2, 3, 5, 7, 11]
    let status: [SurvregCensoring] = [.exact, .right, .exact, .exact, .right]
    return SurvregData(y1: t.map { log($0) }, y2: [], status: status, x: x, p: p)
  }

  @Test func exponentialWithoutCovariatesIsEventsOverTotalTime() throws {
    let fit = try SurvregModel.fit(Self.tiny(), distribution: .exponential)
    // λ̂ = d/T = 3/28; survreg's intercept is log(1/λ̂); ℓ = d log λ̂ − d on the time scale.
    #expect(approxEqual(fit.coefficients[0], log(28.0 / 3), relative: Self.exact))
    #expect(approxEqual(fit.loglik, 3 * log(3.0 / 28) - 3, relative: Self.exact))
    // The information of log-mean is d: var = 1/3.
    #expect(approxEqual(fit.variance[0], 1.0 / 3, relative: 1e-7))
    #expect(fit.converged && fit.logScales.isEmpty && fit.scales == [1])
    #expect(fit.loglikNull == fit.loglik && fit.df == 0)
  }

  @Test func weightsCountAsRepeatedRows() throws {
    // Weight 2 on the first row equals the row written twice.
    let t: [Double] = [2, 2, 3, 5, 7, 11]
    let status: [SurvregCensoring] = [.exact, .exact, .right, .exact, .exact, .right]
    let doubled = SurvregData(y1: t.map { log($0) }, y2: [], status: status, x: [1, 1, 1, 1, 1, 1], p: 1)
    let base = Self.tiny()
    let weighted = SurvregData(
      y1: base.y1, y2: [], status: base.status, x: base.x, p: 1, weights: [2, 1, 1, 1, 1])
    let a = try SurvregModel.fit(doubled, distribution: .weibull)
    let b = try SurvregModel.fit(weighted, distribution: .weibull)
    #expect(approxEqual(a.coefficients[0], b.coefficients[0], relative: Tolerance.iterative))
    #expect(approxEqual(a.scales[0], b.scales[0], relative: Tolerance.iterative))
    #expect(approxEqual(a.loglik, b.loglik, relative: Tolerance.iterative))
  }

  /// A seeded sample with every kind of censoring, two covariates and two strata.
  static func mixed() -> SurvregData {
    var state: UInt64 = 12345
    func uniform() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    let n = 60
    var y1: [Double] = [], y2: [Double] = [], status: [SurvregCensoring] = [], x: [Double] = []
    var strata: [Int] = []
    for i in 0..<n {
      let a = uniform(), b = uniform() < 0.5 ? 0.0 : 1.0
      let y = 1 + 0.5 * a - 0.3 * b + 0.7 * log(-log(max(1e-12, uniform())))
      x += [1, a, b]
      strata.append(i % 2)
      switch i % 4 {
      case 0: status.append(.exact); y1.append(y); y2.append(0)
      case 1: status.append(.right); y1.append(y - 0.2); y2.append(0)
      case 2: status.append(.left); y1.append(y + 0.3); y2.append(0)
      default: status.append(.interval); y1.append(y - 0.4); y2.append(y + 0.25)
      }
    }
    return SurvregData(y1: y1, y2: y2, status: status, x: x, p: 3, strata: strata, strataCount: 2)
  }

  @Test(arguments: [SurvregDistribution.weibull, .lognormal, .loglogistic])
  func gradientAndInformationMatchFiniteDifferences(_ dist: SurvregDistribution) {
    let data = Self.mixed()
    let l = SurvregLikelihood(data: data, base: dist.base, fixedScale: nil)
    let q = l.parameterCount
    let theta: [Double] = [0.9, 0.4, -0.2, log(0.8), log(0.6)]
    var g = [Double](repeating: 0, count: q), h = [Double](repeating: 0, count: q * q)
    _ = l.evaluate(theta, gradient: &g, information: &h)
    var g2 = g, h2 = h
    let step = 1e-5
    for j in 0..<q {
      var up = theta, down = theta
      up[j] += step
      down[j] -= step
      let numeric = (l.evaluate(up, gradient: &g2, information: &h2, derivatives: false)
        - l.evaluate(down, gradient: &g2, information: &h2, derivatives: false)) / (2 * step)
      #expect(approxEqual(g[j], numeric, relative: Self.finiteDifference, absoluteFloor: 1e-7), "score \(j)")
      // Column j of the information: −∂g/∂θ_j.
      var gu = [Double](repeating: 0, count: q), gd = gu
      _ = l.evaluate(up, gradient: &gu, information: &h2)
      _ = l.evaluate(down, gradient: &gd, information: &h2)
      for k in 0..<q {
        let numericH = -(gu[k] - gd[k]) / (2 * step)
        #expect(approxEqual(h[k * q + j], numericH, relative: Self.finiteDifference, absoluteFloor: 1e-6),
                "information \(k),\(j)")
      }
    }
  }

  @Test(arguments: SurvregDistribution.allCases)
  func theScoreIsZeroAtTheOptimum(_ dist: SurvregDistribution) throws {
    let fit = try SurvregModel.fit(Self.mixed(), distribution: dist)
    #expect(fit.converged)
    for (j, u) in fit.score.enumerated() { #expect(abs(u) < 1e-4, "score \(j) = \(u)") }
  }

  @Test func nonConvergenceIsAWarningWithTheLastIterate() throws {
    var options = SurvregOptions()
    options.maxIterations = 1
    let fit = try SurvregModel.fit(Self.mixed(), distribution: .weibull, options: options)
    #expect(!fit.converged && fit.warnings == [.didNotConverge(iterations: 1)])
    let finite = fit.coefficients.allSatisfy { $0.isFinite }
    #expect(finite)
  }

  @Test func twoWorkersSumWhatOneWorkerSums() throws {
    // 70,000 rows go to two workers; each half alone (35,000 rows) to one.
    let n = 70_000
    var state: UInt64 = 99
    func uniform() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    var y: [Double] = [], x: [Double] = [], status: [SurvregCensoring] = []
    for _ in 0..<n {
      let a = uniform()
      y.append(0.5 + a + 0.8 * log(-log(max(1e-12, uniform()))))
      x += [1, a]
      status.append(uniform() < 0.3 ? .right : .exact)
    }
    func likelihood(_ rows: Range<Int>) -> SurvregLikelihood {
      let data = SurvregData(
        y1: Array(y[rows]), y2: [], status: Array(status[rows]),
        x: Array(x[(2 * rows.lowerBound)..<(2 * rows.upperBound)]), p: 2)
      return SurvregLikelihood(data: data, base: .extremeValue, fixedScale: nil)
    }
    let theta = [0.4, 1.1, log(0.9)]
    var g = [Double](repeating: 0, count: 3), h = [Double](repeating: 0, count: 9)
    var g1 = g, h1 = h, g2 = g, h2 = h
    let whole = likelihood(0..<n).evaluate(theta, gradient: &g, information: &h)
    let first = likelihood(0..<(n / 2)).evaluate(theta, gradient: &g1, information: &h1)
    let second = likelihood((n / 2)..<n).evaluate(theta, gradient: &g2, information: &h2)
    // The same additions in the same order: equal to the last bit.
    #expect(whole == first + second)
    #expect(g == zip(g1, g2).map { $0 + $1 })
    #expect(h == zip(h1, h2).map { $0 + $1 })
  }
}
