/// The input contract shared by the competing-risks estimators
/// (`CumulativeIncidence`, `AalenJohansenJackknife`,
/// `CompetingRisksRiskTable`): one row per subject with a time, a status
/// (0 censored, c ≥ 1 an event of cause c) and an optional group.
enum CompetingRisksInput {
  /// The groups (all 0 when nil), the group count k (default: max group + 1)
  /// and the cause count m (default: max status).
  /// - Precondition: equal lengths, times finite and ≥ 0, status in 0...m,
  ///   group in 0..<k.
  static func checked(
    time: [Double], status: [Int], group: [Int]?, groupCount: Int?, causeCount: Int?
  ) -> (group: [Int], groupCount: Int, causeCount: Int) {
    let n = time.count
    let group = group ?? [Int](repeating: 0, count: n)
    precondition(status.count == n && group.count == n, "time, status and group must have equal lengths")
    let k = groupCount ?? ((group.max() ?? -1) + 1)
    let m = causeCount ?? max(status.max() ?? 0, 0)
    precondition(time.allSatisfy { $0.isFinite && $0 >= 0 }, "times must be finite and ≥ 0")
    precondition(status.allSatisfy { (0...m).contains($0) }, "status must be in 0...causeCount")
    precondition(group.allSatisfy { (0..<max(k, 1)).contains($0) }, "group must be in 0..<groupCount")
    return (group, k, m)
  }
}
