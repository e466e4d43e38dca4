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
  /// for causes 1...`causeCount`.
  /// - Precondition: as `CumulativeIncidence.fit`.
  public static func tabulate(
    time: [Double], status: [Int], group: [Int]? = nil, groupCount: Int? = nil, causeCount: Int? = nil
  ) -> CompetingRisksRiskTable {
    let (group, k, m) = CompetingRisksInput.checked(
      time: time, status: status, group: group, groupCount: groupCount, causeCount: causeCount)
    let sorted = CompetingRisksSorted(time: time, status: status, group: group, strata: nil)
    let (offsets, sTime, sStatus, _) = sorted.runs(by: sorted.group, count: k)
    let groups = (0..<k).map { g -> Group in
      let lo = offsets[g]
      let hi = offsets[g + 1]
      var times = [Double]()
      var risk = [Int]()
      var events = [[Int]](repeating: [], count: m)
      var censor = [Int]()
      var start = lo
      while start < hi {
        let t = sTime[start]
        var end = start
        while end < hi && sTime[end] == t { end += 1 }
        var counts = [Int](repeating: 0, count: m + 1)
        for i in start..<end { counts[sStatus[i]] += 1 }
        times.append(t)
        risk.append(hi - start)
        censor.append(counts[0])
        for c in 0..<m { events[c].append(counts[c + 1]) }
        start = end
      }
      return Group(time: times, nRisk: risk, nEvent: events, nCensor: censor)
    }
    return CompetingRisksRiskTable(groups: groups)
  }
}
