import Foundation

/// Multiple-comparison adjustment of p-values, as R `p.adjust`.
public enum PValueAdjustment: String, Sendable, CaseIterable {
  /// Holm's step-down: pmin(1, cummax((m − i + 1)·p₍ᵢ₎)).
  case holm
  /// pmin(1, m·p).
  case bonferroni
  /// Benjamini–Hochberg step-up: pmin(1, cummin(m/i·p₍ᵢ₎)) from the largest.
  case bh = "BH"
  /// Unadjusted.
  case none

  /// Adjusts `p` (NaN entries stay NaN and do not count in m), R semantics
  /// including its stable ordering of ties.
  public func adjust(_ p: [Double]) -> [Double] {
    let valid = p.indices.filter { !p[$0].isNaN }
    let m = valid.count
    var out = p
    if m <= 1 || self == .none { return out }
    let values = valid.map { p[$0] }
    var adjusted = [Double](repeating: 0, count: m)
    switch self {
    case .none:
      break
    case .bonferroni:
      for i in 0..<m { adjusted[i] = min(1, Double(m) * values[i]) }
    case .holm:
      let o = (0..<m).sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
      var running = -Double.infinity
      for (rank, idx) in o.enumerated() {
        running = max(running, Double(m - rank) * values[idx])
        adjusted[idx] = min(1, running)
      }
    case .bh:
      // order(p, decreasing = TRUE) is stable, ties keep their input order.
      let o = (0..<m).sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
      var running = Double.infinity
      for (position, idx) in o.enumerated() {
        let i = Double(m - position)
        running = min(running, Double(m) / i * values[idx])
        adjusted[idx] = min(1, running)
      }
    }
    for (j, i) in valid.enumerated() { out[i] = adjusted[j] }
    return out
  }
}

/// Log-rank tests of every pair of groups, as survminer `pairwise_survdiff`
/// (R `survdiff` on the subset of each pair, strata kept, then
/// `p.adjust` over all pairs).
public struct PairwiseLogRank: Sendable {
  /// One comparison.
  public struct Comparison: Sendable, Equatable {
    /// The two group indices, `first < second`.
    public let first: Int
    public let second: Int
    public let chiSquare: Double
    public let p: Double
    public let adjustedP: Double
  }

  public let adjustment: PValueAdjustment
  /// Pairs in the order (0,1), (0,2), …, (1,2), …
  public let comparisons: [Comparison]

  public static func test(
    time: [Double], event: [Double], group: [Int], groupCount: Int,
    strata: [Int]? = nil, strataCount: Int = 1, rho: Double = 0, gamma: Double = 0,
    adjustment: PValueAdjustment = .holm
  ) throws -> PairwiseLogRank {
    // Validate everything once on the full data.
    _ = try SurvivalSample(time: time, event: event, group: strata, groupCount: strataCount)
    guard group.count == time.count else {
      throw SurvivalInputError.lengthMismatch(argument: "group", expected: time.count, actual: group.count)
    }
    var raw: [(Int, Int, Double, Double)] = []
    for a in 0..<groupCount {
      for b in (a + 1)..<max(a + 1, groupCount) {
        let rows = group.indices.filter { group[$0] == a || group[$0] == b }
        if rows.isEmpty { raw.append((a, b, .nan, .nan)); continue }
        let result = try LogRankTest.test(
          time: rows.map { time[$0] }, event: rows.map { event[$0] },
          group: rows.map { group[$0] == a ? 0 : 1 }, groupCount: 2,
          strata: strata.map { s in rows.map { s[$0] } }, strataCount: strataCount, rho: rho, gamma: gamma)
        raw.append((a, b, result.chiSquare, result.p))
      }
    }
    let adjusted = adjustment.adjust(raw.map(\.3))
    return PairwiseLogRank(
      adjustment: adjustment,
      comparisons: raw.indices.map {
        Comparison(first: raw[$0].0, second: raw[$0].1, chiSquare: raw[$0].2, p: raw[$0].3, adjustedP: adjusted[$0])
      })
  }
}
