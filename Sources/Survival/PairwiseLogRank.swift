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

  public static func test<Event: EventCode>(
    time: [Double], event: [Event], group: [Int], groupCount: Int,
    strata: [Int]? = nil, strataCount: Int = 1, rho: Double = 0, gamma: Double = 0,
    adjustment: PValueAdjustment = .holm
  ) throws -> PairwiseLogRank {
    guard rho.isFinite, gamma.isFinite, gamma >= 0 else {
      throw SurvivalInputError.invalidOption("rho must be finite and gamma finite and non-negative, got rho \(rho), "
        + "gamma \(gamma)")
    }
    // Validate everything once on the full data, and sort it once by (stratum, time).
    let sample = try SurvivalSample(time: time, event: event, group: strata, groupCount: strataCount)
    guard group.count == time.count else {
      throw SurvivalInputError.lengthMismatch(argument: "group", expected: time.count, actual: group.count)
    }
    for i in 0..<group.count where group[i] < 0 || group[i] >= groupCount {
      throw SurvivalInputError.invalidGroup(index: i, value: group[i], groupCount: groupCount)
    }
    let k = max(groupCount, 0)
    let pairs = k * (k - 1) / 2
    // The comparisons are the output, G(G − 1)/2 of them: asked of the budget first.
    try MemoryBudget.require(
      count: pairs, stride: MemoryLayout<Comparison>.stride + 2 * MemoryLayout<Double>.stride,
      for: "the \(pairs) pairwise comparisons of \(k) groups")
    // Each group's sorted positions, ascending: a pair's rows in (stratum,
    // time) order are the merge of two lists, which is what sorting the
    // pair's subset (ties in input order) gives, in O(n_a + n_b).
    let n = sample.count
    var stratumAt = [Int32](repeating: 0, count: n)
    for s in 0..<sample.groupCount {
      for position in sample.groupStart[s]..<sample.groupStart[s + 1] { stratumAt[position] = Int32(s) }
    }
    var groupStart = [Int](repeating: 0, count: k + 1)
    for g in group { groupStart[g + 1] += 1 }
    for g in 0..<k { groupStart[g + 1] += groupStart[g] }
    var positions = [Int32](repeating: 0, count: n)
    var fill = groupStart
    for position in 0..<n {
      let g = group[Int(sample.order[position])]
      positions[fill[g]] = Int32(position)
      fill[g] += 1
    }
    let poll = KernelPoll()
    var kernel = LogRankKernel(groups: 2, rho: rho, gamma: gamma)
    // One pair's rows, written in place (the largest pair fits).
    var largest = 0
    for g in 0..<k { largest = max(largest, groupStart[g + 1] - groupStart[g]) }
    var pairTime = [Double](repeating: 0, count: 2 * largest)
    var pairEvent = [UInt8](repeating: 0, count: 2 * largest)
    var pairGroup = [Int32](repeating: 0, count: 2 * largest)
    var comparisons = [Comparison]()
    comparisons.reserveCapacity(pairs)
    var raw = [Double]()
    raw.reserveCapacity(pairs)
    var strataStart = [Int]()
    var work = 0
    try sample.sortedTime.withUnsafeBufferPointer { sortedTime in
    try sample.sortedEvent.withUnsafeBufferPointer { sortedEvent in
    try positions.withUnsafeBufferPointer { positions in
    try stratumAt.withUnsafeBufferPointer { stratumAt in
    try pairTime.withUnsafeMutableBufferPointer { pairTime in
    try pairEvent.withUnsafeMutableBufferPointer { pairEvent in
    try pairGroup.withUnsafeMutableBufferPointer { pairGroup in
      for a in 0..<k {
        for b in (a + 1)..<max(a + 1, k) {
          let rowsA = groupStart[a]..<groupStart[a + 1], rowsB = groupStart[b]..<groupStart[b + 1]
          if rowsA.isEmpty && rowsB.isEmpty {
            comparisons.append(Comparison(first: a, second: b, chiSquare: .nan, p: .nan, adjustedP: .nan))
            raw.append(.nan)
            continue
          }
          strataStart.removeAll(keepingCapacity: true)
          strataStart.append(0)
          var i = rowsA.lowerBound, j = rowsB.lowerBound
          var count = 0
          var lastStratum: Int32 = -1
          while i < rowsA.upperBound || j < rowsB.upperBound {
            let fromA = j >= rowsB.upperBound || (i < rowsA.upperBound && positions[i] < positions[j])
            let position = Int(fromA ? positions[i] : positions[j])
            if fromA { i += 1 } else { j += 1 }
            if stratumAt[position] != lastStratum {
              if lastStratum >= 0 { strataStart.append(count) }
              lastStratum = stratumAt[position]
            }
            pairTime[count] = sortedTime[position]
            pairEvent[count] = sortedEvent[position]
            pairGroup[count] = fromA ? 0 : 1
            count += 1
          }
          strataStart.append(count)
          kernel.run(
            time: UnsafeBufferPointer(rebasing: pairTime[0..<count]),
            event: UnsafeBufferPointer(rebasing: pairEvent[0..<count]),
            group: UnsafeBufferPointer(rebasing: pairGroup[0..<count]), strataStart: strataStart, poll: {})
          var observed = [0.0, 0.0], expected = [0.0, 0.0]
          for s in 0..<(strataStart.count - 1) {
            for g in 0..<2 {
              observed[g] += kernel.observed[s * 2 + g]
              expected[g] += kernel.expected[s * 2 + g]
            }
          }
          let (chi, df) = LogRankTest.quadraticStatistic(
            observed: observed, expected: expected, variance: kernel.variance, k: 2, poll: {})
          // survminer's pairwise_survdiff takes 1 df per pair: a pair with no information has p = 1.
          let p = LogRankTest.chiSquarePValue(chi, df: max(df, 1))
          comparisons.append(Comparison(first: a, second: b, chiSquare: chi, p: p, adjustedP: p))
          raw.append(p)
          work += count + 64
          if work > KernelPoll.interval / 16 {
            work = 0
            try poll.check()
          }
        }
      }
    }}}}}}}
    try poll.check()
    let adjusted = adjustment.adjust(raw)
    for i in comparisons.indices {
      let c = comparisons[i]
      comparisons[i] = Comparison(
        first: c.first, second: c.second, chiSquare: c.chiSquare, p: c.p, adjustedP: adjusted[i])
    }
    return PairwiseLogRank(adjustment: adjustment, comparisons: comparisons)
  }
}
