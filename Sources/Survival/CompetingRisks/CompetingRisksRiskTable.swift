/// The risk table of competing-risks data: for each group, every distinct
/// time at which something happens (an event of any cause or a censoring)
/// with the number at risk just before it and the events of each cause and
/// the censorings at it — the rows of R `survival::survfit(Surv(time,
/// factor(status)) ~ group)` (`time`, `n.risk[, 1]`, `n.event`,
/// `n.censor`), which plots need for their risk tables and which the
/// cumulative incidence curves are laid out on.
public struct CompetingRisksRiskTable: Sendable {
  /// One group's rows.
  public struct Group: Sendable {
    /// Distinct times, ascending.
    public let time: [Double]
    /// Subjects with time ≥ `time[j]` (at risk just before it).
    public let nRisk: [Int]
    /// `nEvent[c - 1][j]`: events of cause c at `time[j]`.
    public let nEvent: [[Int]]
    /// Censorings at `time[j]`.
    public let nCensor: [Int]
  }

  /// Groups 0..<groupCount.
  public let groups: [Group]

  /// Tabulates every group 0..<`groupCount` (an empty group has no rows)
  /// for causes 1...`causeCount`, or only for `causes` (1-based; then
  /// `nEvent[i]` counts `causes[i]`: a status column of 65,536 codes with
  /// one cause reported needs one count per time, not 65,536).
  /// - Throws: `SurvivalInputError`, as `CumulativeIncidence.fit`, and for a
  ///   listed cause outside 1...causeCount.
  public static func tabulate(
    time: [Double], status: [Int], group: [Int]? = nil, groupCount: Int? = nil, causeCount: Int? = nil,
    causes: [Int]? = nil
  ) throws -> CompetingRisksRiskTable {
    let (group, k, m) = try CompetingRisksInput.checked(
      time: time, status: status, group: group, groupCount: groupCount, causeCount: causeCount)
    let listed = causes ?? Array(1..<(m + 1))
    if let bad = listed.first(where: { $0 < 1 || $0 > m }) {
      throw SurvivalInputError.invalidOption("cause \(bad) is not one of the causes 1...\(m)")
    }
    let sorted = try CompetingRisksSorted(time: time, status: status, group: group, strata: nil)
    return tabulate(sorted: sorted, groupCount: k, causeCount: m, causes: listed)
  }

  /// The table from data already sorted by time (`CumulativeIncidence`'s
  /// sort: stable, so the order, and hence the table, do not depend on the
  /// strata it carries); `causes` checked by the caller.
  static func tabulate(
    sorted: CompetingRisksSorted, groupCount k: Int, causeCount m: Int, causes listed: [Int]
  ) -> CompetingRisksRiskTable {
    tabulate(runs: sorted.groupRuns(count: k), groupCount: k, causeCount: m, causes: listed)
  }

  /// The table from the sorted subjects regrouped by group.
  static func tabulate(
    runs: GroupRuns, groupCount k: Int, causeCount m: Int, causes listed: [Int]
  ) -> CompetingRisksRiskTable {
    let offsets = runs.offsets, sTime = runs.time, sStatus = runs.status
    // One count per status, reset after each time by the rows that set it.
    var counts = [Int](repeating: 0, count: m + 1)
    let groups = (0..<k).map { g -> Group in
      let lo = offsets[g]
      let hi = offsets[g + 1]
      var times = [Double]()
      var risk = [Int]()
      var events = [[Int]](repeating: [], count: listed.count)
      var censor = [Int]()
      var start = lo
      while start < hi {
        let t = sTime[start]
        var end = start
        while end < hi && sTime[end] == t {
          counts[sStatus[end]] += 1
          end += 1
        }
        times.append(t)
        risk.append(hi - start)
        censor.append(counts[0])
        for (i, c) in listed.enumerated() { events[i].append(counts[c]) }
        for i in start..<end { counts[sStatus[i]] = 0 }
        start = end
      }
      return Group(time: times, nRisk: risk, nEvent: events, nCensor: censor)
    }
    return CompetingRisksRiskTable(groups: groups)
  }
}
