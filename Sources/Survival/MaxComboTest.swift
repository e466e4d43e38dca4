import Foundation

/// The MaxCombo test of two groups: the largest in absolute value of the
/// standardised Fleming–Harrington statistics FH(0,0), FH(0,1), FH(1,0),
/// FH(1,1) (Lee 2007, "On the versatility of the combination of the
/// weighted log-rank statistics", Comput. Stat. Data Anal. 51, 6557–6564;
/// Karrison 2016, Stat. Med. 35, 2873–2890), two-sided.
///
/// Per stratum, at each event time with n at risk (n₂ in the second
/// group), d events (d₂ in the second group) and weights wₐ =
/// S(t−)^ρₐ (1 − S(t−))^γₐ from the stratum's pooled Kaplan–Meier:
///
///     Uₐ = Σ wₐ (d₂ − d n₂/n),  Cₐᵦ = Σ wₐ wᵦ d (n − d) n₂ (n − n₂) / (n² (n − 1))
///
/// summed over strata (Cₐₐ is `survdiff`'s variance of each weighted test).
/// zₐ = Uₐ/√Cₐₐ; under the null (zₐ) is asymptotically normal with
/// correlation Rₐᵦ = Cₐᵦ/√(CₐₐCᵦᵦ), so with m = maxₐ |zₐ| the p-value is
/// 1 − P(|Zₐ| < m for every a), computed by `MultivariateNormal.box`
/// (Genz's sequential conditioning; with rank 3, as here, by nested
/// adaptive Gauss–Kronrod quadrature) with its error estimate `pError`. A statistic with
/// variance 0 (FH(0,1) and FH(1,1) when every event is at the first event
/// time) is left out, and so is one whose correlation with an earlier one
/// exceeds 1 − 1e-9 (the same statistic twice would make R singular).
public struct MaxComboTest: Sendable {
  /// (ρ, γ) of the four statistics, in order.
  public static let components: [(rho: Double, gamma: Double)] = [(0, 0), (0, 1), (1, 0), (1, 1)]

  /// Uₐ, Cₐₐ and zₐ per component (z is NaN when Cₐₐ = 0).
  public let score: [Double]
  public let variance: [Double]
  public let z: [Double]
  /// Rₐᵦ, row-major 4 × 4 (NaN on rows of a statistic with variance 0).
  public let correlation: [Double]
  /// Which components enter the maximum.
  public let used: [Bool]
  /// max |zₐ| over the used components.
  public let statistic: Double
  public let p: Double
  /// The error estimate of `p` (the quadrature's; Genz's 99% bound in higher rank).
  public let pError: Double

  /// Two groups as 32-bit codes 0/1 (a factor's own codes).
  public static func test(
    time: [Double], event: [Int], groupCodes group: [Int32], strata: [Int]? = nil, strataCount: Int = 1,
    absoluteError: Double = 1e-9
  ) throws -> MaxComboTest {
    try run(time: time, event: event, group: group, strata: strata, strataCount: strataCount,
            absoluteError: absoluteError)
  }

  /// Two groups as indices 0/1.
  public static func test(
    time: [Double], event: [Int], group: [Int], strata: [Int]? = nil, strataCount: Int = 1,
    absoluteError: Double = 1e-9
  ) throws -> MaxComboTest {
    try run(time: time, event: event, group: group, strata: strata, strataCount: strataCount,
            absoluteError: absoluteError)
  }

  private static func run<Code: BinaryInteger>(
    time: [Double], event: [Int], group: [Code], strata: [Int]?, strataCount: Int, absoluteError: Double
  ) throws -> MaxComboTest {
    let sample = try SurvivalSample(time: time, event: event, group: strata, groupCount: strataCount)
    guard group.count == time.count else {
      throw SurvivalInputError.lengthMismatch(argument: "group", expected: time.count, actual: group.count)
    }
    for i in 0..<group.count where group[i] < 0 || group[i] > 1 {
      throw SurvivalInputError.invalidGroup(index: i, value: Int(group[i]), groupCount: 2)
    }
    var score = [Double](repeating: 0, count: 4)
    var cov = [Double](repeating: 0, count: 16)
    var w = [Double](repeating: 0, count: 4)
    let order = sample.order
    let t = sample.sortedTime
    let e = sample.sortedEvent
    for s in 0..<sample.groupCount {
      let lo = sample.groupStart[s], hi = sample.groupStart[s + 1]
      var atRisk2 = 0
      for p in lo..<hi where group[Int(order[p])] == 1 { atRisk2 += 1 }
      var km = 1.0
      var p = lo
      while p < hi {
        if p % 4096 == 0 { try Cancellation.check() }
        var q = p, d = 0, d2 = 0, m2 = 0
        while q < hi && t[q] == t[p] {
          let g = Int(group[Int(order[q])])
          d += Int(e[q])
          d2 += Int(e[q]) * g
          m2 += g
          q += 1
        }
        let n = Double(hi - p), n2 = Double(atRisk2), dd = Double(d)
        if d > 0 {
          for (a, c) in components.enumerated() {
            w[a] = (c.rho != 0 ? km : 1) * (c.gamma != 0 ? 1 - km : 1)
            score[a] += w[a] * (Double(d2) - dd * n2 / n)
          }
          if n > 1 {
            let v = dd * (n - dd) * n2 * (n - n2) / (n * n * (n - 1))
            for a in 0..<4 { for b in 0..<4 { cov[a * 4 + b] += w[a] * w[b] * v } }
          }
          km *= (n - dd) / n
        }
        atRisk2 -= m2
        p = q
      }
    }
    return finish(score: score, covariance: cov, absoluteError: absoluteError)
  }

  /// z, R, the components kept and the p-value from the scores and their covariance.
  static func finish(score: [Double], covariance cov: [Double], absoluteError: Double) -> MaxComboTest {
    let variance = (0..<4).map { cov[$0 * 4 + $0] }
    let z = (0..<4).map { variance[$0] > 0 ? score[$0] / variance[$0].squareRoot() : .nan }
    var r = [Double](repeating: .nan, count: 16)
    for a in 0..<4 where variance[a] > 0 {
      for b in 0..<4 where variance[b] > 0 { r[a * 4 + b] = cov[a * 4 + b] / (variance[a] * variance[b]).squareRoot() }
    }
    var used = variance.map { $0 > 0 }
    for a in 0..<4 where used[a] {
      for b in 0..<a where used[b] && r[a * 4 + b] > 1 - 1e-9 { used[a] = false }
    }
    let kept = (0..<4).filter { used[$0] }
    guard !kept.isEmpty else {
      return MaxComboTest(score: score, variance: variance, z: z, correlation: r, used: used, statistic: .nan,
                          p: .nan, pError: .nan)
    }
    let m = kept.map { abs(z[$0]) }.max() ?? .nan
    var sub = [Double](repeating: 0, count: kept.count * kept.count)
    for (i, a) in kept.enumerated() { for (j, b) in kept.enumerated() { sub[i * kept.count + j] = r[a * 4 + b] } }
    let inside = MultivariateNormal.box(
      lower: Array(repeating: -m, count: kept.count), upper: Array(repeating: m, count: kept.count),
      correlation: sub, absoluteError: absoluteError)
    return MaxComboTest(score: score, variance: variance, z: z, correlation: r, used: used, statistic: m,
                        p: min(1, max(0, 1 - inside.value)), pError: inside.error)
  }
}
