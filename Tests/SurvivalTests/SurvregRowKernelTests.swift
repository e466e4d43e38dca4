import Foundation
import Testing

import RunControl
@testable import Survival
import TestSupport

/// The blocked likelihood kernel (`SurvregRowKernel`: η per block, per-row terms, cross-products as four-lane dot
/// products) against the plain row-by-row sums it replaced, on data that cross several blocks, the two-worker split
/// and every option of a row (each law; right, exact, left and interval rows; weights, offsets, strata, a fixed
/// scale).
@Suite struct SurvregRowKernelTests {
  /// ℓ is still a row-order sum within a worker: only the additions of the gradient and information are regrouped
  /// (by lanes within a block), which moves them by a few units of the last place of their terms' sizes.
  static let regrouped = 1e-12

  struct Case: CustomStringConvertible {
    let law: SurvregDistribution.Base
    let rows: Int
    let weights: Bool
    let offset: Bool
    let strata: Int
    let interval: Bool
    let fixedScale: Double?
    var description: String {
      "\(law) n=\(rows) weights=\(weights) offset=\(offset) strata=\(strata) interval=\(interval) "
        + "fixed=\(fixedScale.map { "\($0)" } ?? "no")"
    }
  }

  static let cases: [Case] = [
    Case(law: .extremeValue, rows: 1_000, weights: false, offset: false, strata: 1, interval: false, fixedScale: nil),
    Case(law: .extremeValue, rows: 70_001, weights: false, offset: false, strata: 1, interval: false,
         fixedScale: nil),
    Case(law: .logistic, rows: 70_001, weights: true, offset: true, strata: 3, interval: true, fixedScale: nil),
    Case(law: .normal, rows: 2_777, weights: true, offset: false, strata: 2, interval: true, fixedScale: nil),
    Case(law: .normal, rows: 70_001, weights: false, offset: true, strata: 1, interval: true, fixedScale: nil),
    Case(law: .extremeValue, rows: 3_001, weights: true, offset: true, strata: 2, interval: false, fixedScale: 1),
  ]

  /// Seeded data: p = 4 (an intercept and three covariates), times on the log scale, every kind of row.
  static func data(_ c: Case) -> SurvregData {
    var rng = SplitMix64(seed: UInt64(c.rows * 7 + c.strata))
    let n = c.rows, p = 4
    var columns = [Double](repeating: 1, count: n * p)
    var y1 = [Double](repeating: 0, count: n), y2 = [Double](repeating: 0, count: c.interval ? n : 0)
    var status = [SurvregCensoring](repeating: .exact, count: n)
    var weights = [Double](repeating: 1, count: n), offset = [Double](repeating: 0, count: n)
    var strata = [Int](repeating: 0, count: n)
    for i in 0..<n {
      for j in 1..<p { columns[j * n + i] = rng.nextUnit() * 2 - 1 }
      y1[i] = rng.nextUnit() * 3 - 1
      let u = rng.nextUnit()
      status[i] = u < 0.4 ? .exact : u < 0.75 ? .right : u < 0.85 ? .left : (c.interval ? .interval : .right)
      if c.interval { y2[i] = y1[i] + 0.1 + rng.nextUnit() }
      weights[i] = 0.5 + rng.nextUnit()
      offset[i] = rng.nextUnit() * 0.2
      strata[i] = Int(rng.nextUnit() * Double(c.strata)) % c.strata
    }
    return SurvregData(
      y1: y1, y2: y2, status: status, columns: columns, p: p, weights: c.weights ? weights : nil,
      offset: c.offset ? offset : nil, strata: c.strata > 1 ? strata : nil, strataCount: c.strata)
  }

  /// The sums row by row, in row order, as the kernel computed them before it worked in blocks.
  static func reference(_ data: SurvregData, law: SurvregDistribution.Base, fixedScale: Double?, theta: [Double])
    -> (loglik: Double, gradient: [Double], information: [Double])
  {
    let n = data.n, p = data.p
    let k = fixedScale == nil ? data.strataCount : 0
    let q = p + k
    var loglik = 0.0
    var g = [Double](repeating: 0, count: q), h = [Double](repeating: 0, count: q * q)
    for i in 0..<n {
      var eta = data.offset?[i] ?? 0
      for j in 0..<p { eta += data.x[j * n + i] * theta[j] }
      let s = data.strata?[i] ?? 0
      let logSigma = fixedScale.map { log($0) } ?? theta[p + s]
      let r = law.rowTerms(
        data.status[i], y1: data.y1[i], y2: data.y2.isEmpty ? 0 : data.y2[i], eta: eta,
        sigma: fixedScale ?? exp(logSigma), logSigma: logSigma)
      let w = data.weights?[i] ?? 1
      loglik += w * r.loglik
      for j in 0..<p {
        let xj = data.x[j * n + i]
        g[j] += w * r.eta * xj
        for l in 0...j { h[j * q + l] += -w * r.etaEta * xj * data.x[l * n + i] }
      }
      if fixedScale == nil {
        let c = p + s
        g[c] += w * r.tau
        h[c * q + c] -= w * r.tauTau
        for j in 0..<p { h[c * q + j] += -w * r.etaTau * data.x[j * n + i] }
      }
    }
    for j in 0..<q { for l in 0..<j { h[l * q + j] = h[j * q + l] } }
    return (loglik, g, h)
  }

  @Test(arguments: cases) func blockedKernelMatchesRowByRowSums(_ c: Case) {
    let data = Self.data(c)
    let likelihood = SurvregLikelihood(data: data, base: c.law, fixedScale: c.fixedScale)
    let q = likelihood.parameterCount
    let theta = [0.7, 0.3, -0.2, 0.1] + (0..<(q - 4)).map { -0.3 + 0.2 * Double($0) }
    var g = [Double](repeating: 0, count: q), h = [Double](repeating: 0, count: q * q)
    let loglik = likelihood.evaluate(theta, gradient: &g, information: &h)
    let want = Self.reference(data, law: c.law, fixedScale: c.fixedScale, theta: theta)
    // One worker: ℓ the same sum in the same order; two: the halves added once.
    #expect(approxEqual(loglik, want.loglik, relative: c.rows < SurvregLikelihood.parallelRows ? 0 : 1e-14))
    let gScale = want.gradient.map(abs).max() ?? 1
    for j in 0..<q {
      #expect(abs(g[j] - want.gradient[j]) <= Self.regrouped * gScale, "gradient \(j): \(c)")
    }
    let hScale = want.information.map(abs).max() ?? 1
    for j in 0..<(q * q) {
      #expect(abs(h[j] - want.information[j]) <= Self.regrouped * hScale, "information \(j): \(c)")
    }
    var ll2 = 0.0
    var g2 = g, h2 = h
    ll2 = likelihood.evaluate(theta, gradient: &g2, information: &h2)
    #expect(ll2 == loglik && g2 == g && h2 == h, "the same numbers on every call: \(c)")
    let valueOnly = likelihood.evaluate(theta, gradient: &g2, information: &h2, derivatives: false)
    #expect(valueOnly == loglik)
  }
}
