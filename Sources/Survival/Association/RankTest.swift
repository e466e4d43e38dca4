import Foundation

/// Rank tests of a continuous variable across groups, as gtsummary's
/// `add_p()` chooses them: the Wilcoxon rank-sum test for two groups
/// (R 4.x `wilcox.test(x ~ g, exact = FALSE, correct = TRUE)`) and the
/// Kruskal–Wallis test for more (R `kruskal.test`).
///
/// Ranks are mid-ranks of the pooled values (ties share the mean rank).
/// Wilcoxon: W = Σ ranks of the first group − n₁(n₁ + 1)/2; with
/// z = W − n₁n₂/2 and σ² = n₁n₂/12 · (n + 1 − Σ(t³ − t)/(n(n − 1))) over the
/// tie groups t, the statistic is (z − ½ sign(z))/σ and p = 2 min(Φ, 1 − Φ).
/// Kruskal–Wallis: H = (12/(n(n+1)) Σ R_g²/n_g − 3(n + 1)) / (1 − Σ(t³ − t)/(n³ − n))
/// on k − 1 degrees of freedom, k the groups with values.
public struct RankTest: Sendable, Equatable {
  public enum Method: String, Sendable {
    case wilcoxon = "wilcoxon"
    case kruskal = "kruskal"
  }

  public let method: Method
  /// W (Wilcoxon, of the first group with values) or H (Kruskal–Wallis).
  public let statistic: Double
  /// Degrees of freedom of H; nil for the Wilcoxon test.
  public let df: Int?
  public let p: Double

  /// The test of `values` by `groups` (0-based group codes; NaN values and
  /// negative codes are left out). Nil when fewer than two groups have values.
  public static func test(values: [Double], groups: [Int32]) -> RankTest? {
    var x: [Double] = []
    var g: [Int32] = []
    for i in 0..<min(values.count, groups.count) where !values[i].isNaN && groups[i] >= 0 {
      x.append(values[i])
      g.append(groups[i])
    }
    // Codes are levels of a factor; a code beyond any plausible level count is refused.
    guard let top = g.max(), top < 1 << 24 else { return nil }
    let groupCount = Int(top) + 1
    var rankSums = [Double](repeating: 0, count: groupCount)
    var sizes = [Double](repeating: 0, count: groupCount)
    let (ranks, tieSum) = midRanks(x)
    for i in 0..<x.count {
      rankSums[Int(g[i])] += ranks[i]
      sizes[Int(g[i])] += 1
    }
    let present = (0..<groupCount).filter { sizes[$0] > 0 }
    guard present.count >= 2 else { return nil }
    let n = Double(x.count)
    if present.count == 2 {
      let (n1, n2) = (sizes[present[0]], sizes[present[1]])
      let w = rankSums[present[0]] - n1 * (n1 + 1) / 2
      let z = w - n1 * n2 / 2
      let sigma = (n1 * n2 / 12 * ((n1 + n2 + 1) - tieSum / ((n1 + n2) * (n1 + n2 - 1)))).squareRoot()
      let correction = z > 0 ? 0.5 : (z < 0 ? -0.5 : 0)
      let statistic = (z - correction) / sigma
      let p = 2 * min(Normal.cdf(statistic), Normal.upperTail(statistic))
      return RankTest(method: .wilcoxon, statistic: w, df: nil, p: min(1, p))
    }
    var sum = 0.0
    for k in present { sum += rankSums[k] * rankSums[k] / sizes[k] }
    let h = (12 * sum / (n * (n + 1)) - 3 * (n + 1)) / (1 - tieSum / (n * n * n - n))
    let df = present.count - 1
    return RankTest(method: .kruskal, statistic: h, df: df, p: ChiSquare.upperTail(h, df: Double(df)))
  }

  /// Mid-ranks (1-based) of `x` and Σ(t³ − t) over its tie groups.
  static func midRanks(_ x: [Double]) -> (ranks: [Double], tieSum: Double) {
    let order = x.indices.sorted { x[$0] < x[$1] }
    var ranks = [Double](repeating: 0, count: x.count)
    var tieSum = 0.0
    var start = 0
    while start < order.count {
      var end = start
      while end + 1 < order.count && x[order[end + 1]] == x[order[start]] { end += 1 }
      let rank = Double(start + end + 2) / 2
      for k in start...end { ranks[order[k]] = rank }
      let t = Double(end - start + 1)
      tieSum += t * t * t - t
      start = end + 1
    }
    return (ranks, tieSum)
  }
}
