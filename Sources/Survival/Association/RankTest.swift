import Foundation

/// Rank tests of a continuous variable across groups, as gtsummary's
/// `add_p()` chooses them: the Wilcoxon rank-sum test for two groups
/// (R 4.x `wilcox.test(x ~ g)` with its default choice: the exact
/// distribution of W when both groups have fewer than 50 values and no
/// value is tied, else the normal approximation with continuity
/// correction) and the Kruskal–Wallis test for more (R `kruskal.test`).
///
/// Ranks are mid-ranks of the pooled values (ties share the mean rank).
/// Wilcoxon: W = Σ ranks of the first group − n₁(n₁ + 1)/2; with
/// z = W − n₁n₂/2 and σ² = n₁n₂/12 · (n + 1 − Σ(t³ − t)/(n(n − 1))) over the
/// tie groups t, the statistic is (z − ½ sign(z))/σ and p = 2 min(Φ, 1 − Φ);
/// exact: p = min(1, 2 P(W ≤ w)) for w ≤ n₁n₂/2, else min(1, 2 P(W ≥ w)),
/// P from the counts of rank arrangements (`exactDistribution`).
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
  /// Wilcoxon: p from the exact distribution of W (not the normal approximation).
  public var exact = false

  /// R's `wilcox.test` is exact below this many values in each group (without ties).
  public static let exactLimit = 50

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
      if tieSum == 0, n1 < Double(exactLimit), n2 < Double(exactLimit) {
        let p = exactPValue(w: Int(w.rounded()), n1: Int(n1), n2: Int(n2))
        return RankTest(method: .wilcoxon, statistic: w, df: nil, p: p, exact: true)
      }
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

  /// The two-sided exact p of W = w for groups of n1 and n2 values, as R's
  /// `wilcox.test`: twice the smaller tail (P(W ≤ w) when w ≤ n1·n2/2,
  /// else P(W ≥ w)), at most 1.
  static func exactPValue(w: Int, n1: Int, n2: Int) -> Double {
    let counts = exactDistribution(n1: n1, n2: n2)
    let total = counts.reduce(0, +)
    guard w >= 0, w < counts.count, total > 0 else { return .nan }
    let tail = 2 * w > n1 * n2 ? counts[w...].reduce(0, +) : counts[...w].reduce(0, +)
    return min(1, 2 * tail / total)
  }

  /// The number of arrangements of n1 + n2 distinct values giving each W =
  /// 0...n1·n2 (the Mann–Whitney counts), by the recurrence
  /// f(u; m, n) = f(u − n; m − 1, n) + f(u; m, n − 1) (Mann and Whitney
  /// 1947), built up in n with one array per m; only additions, so the
  /// tails keep their relative precision (the counts reach C(98, 49) ≈ 2.5e28
  /// below R's limit of 50 per group, well inside a Double's range).
  static func exactDistribution(n1: Int, n2: Int) -> [Double] {
    let top = n1 * n2
    // f[m][u] for the current n; n = 0: W = 0 in one way for every m.
    var f = [[Double]](repeating: [Double](repeating: 0, count: top + 1), count: n1 + 1)
    for m in 0...n1 { f[m][0] = 1 }
    if n2 == 0 { return f[n1] }
    for n in 1...n2 {
      // f(u; 0, n) = 1 at u = 0; for m ≥ 1 add f(u − n; m − 1, n) (already for this n) to f(u; m, n − 1).
      if n1 == 0 { continue }
      for m in 1...n1 {
        let limit = min(m * n, top)
        guard limit >= n else { continue }
        for u in stride(from: limit, through: n, by: -1) { f[m][u] += f[m - 1][u - n] }
      }
    }
    return f[n1]
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
