import Foundation
import Survival

/// A Wald test of linear hypotheses L β = 0 on a Cox model's coefficients.
public struct CoxWaldTest: Sendable {
  /// (Lβ)ᵀ (L V Lᵀ)⁻¹ (Lβ), with the fit's variance (robust when robust).
  public let statistic: Double
  public let df: Int
  public let p: Double
  /// Lβ per row of L, and its standard error √(L V Lᵀ)ᵢᵢ.
  public let estimate: [Double]
  public let se: [Double]
}

extension CoxAnalysis {
  /// R `AIC(fit)`: −2ℓ + 2k with k the coefficients estimated.
  public var aic: Double { -2 * fit.loglik + 2 * Double(fit.estimatedCount) }
  /// R `BIC(fit)`: −2ℓ + log(n)·k, with n = the number of events (`nobs.coxph`).
  public var bic: Double { -2 * fit.loglik + Foundation.log(Double(fit.events)) * Double(fit.estimatedCount) }

  /// The Wald test of L β = 0 (rows of `L`, each as long as the coefficients),
  /// as `survival`'s internal `coxph.wtest` / car's `linearHypothesis`.
  public func contrast(_ L: [[Double]]) throws -> CoxWaldTest {
    let p = fit.coefficients.count
    guard !L.isEmpty else { throw ModelFrameError("no contrast rows given") }
    for (r, row) in L.enumerated() where row.count != p {
      throw ModelFrameError(
        "contrast row \(r + 1) has \(row.count) value\(row.count == 1 ? "" : "s"); the model has \(p) coefficients")
    }
    let beta = fit.coefficients
    let v = fit.variance
    let k = L.count
    var est = [Double](repeating: 0, count: k)
    var m = [Double](repeating: 0, count: k * k)
    for a in 0..<k {
      for j in 0..<p where L[a][j] != 0 { est[a] += L[a][j] * beta[j] }
      for b in 0..<k {
        var s = 0.0
        for i in 0..<p where L[a][i] != 0 {
          for j in 0..<p where L[b][j] != 0 { s += L[a][i] * v[i * p + j] * L[b][j] }
        }
        m[a * k + b] = s
      }
    }
    if est.contains(where: { $0.isNaN }) {
      throw ModelFrameError("the contrast involves a coefficient that is NA (singular)")
    }
    let se = (0..<k).map { m[$0 * k + $0].squareRoot() }
    let (x, rank) = Self.solve(m, est, k)
    let stat = zip(est, x).reduce(0) { $0 + $1.0 * $1.1 }
    return CoxWaldTest(
      statistic: stat, df: rank, p: ChiSquare.upperTail(stat, df: Double(rank)), estimate: est, se: se)
  }

  /// Solves M x = b for symmetric non-negative M by Gaussian elimination with
  /// full pivoting on the diagonal, dropping directions of M below 1e-10
  /// relative (a generalised inverse, as R's `coxph.wtest` with its toler.chol).
  static func solve(_ m0: [Double], _ b0: [Double], _ k: Int) -> ([Double], Int) {
    var m = m0, b = b0
    var x = [Double](repeating: 0, count: k)
    let scale = (0..<k).map { m0[$0 * k + $0] }.max() ?? 0
    var used = [Bool](repeating: false, count: k)
    var pivots: [Int] = []
    for _ in 0..<k {
      var best = -1
      var bestValue = 0.0
      for i in 0..<k where !used[i] && m[i * k + i] > bestValue {
        best = i
        bestValue = m[i * k + i]
      }
      if best < 0 || bestValue <= 1e-10 * scale { break }
      used[best] = true
      pivots.append(best)
      for i in 0..<k where i != best {
        let f = m[i * k + best] / bestValue
        if f == 0 { continue }
        for j in 0..<k { m[i * k + j] -= f * m[best * k + j] }
        b[i] -= f * b[best]
      }
    }
    for i in pivots { x[i] = b[i] / m[i * k + i] }
    return (x, pivots.count)
  }
}
