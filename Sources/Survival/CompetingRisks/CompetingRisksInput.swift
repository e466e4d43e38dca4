/// The input contract shared by the competing-risks estimators
/// (`CumulativeIncidence`, `AalenJohansenJackknife`,
/// `CompetingRisksRiskTable`, `GrayTest`): one row per subject with a time, a
/// status (0 censored, c ≥ 1 an event of cause c: the `Int` codes of
/// `ModelFrame.event`, used unchanged from the model frame to the kernels)
/// and an optional group.
///
/// Bad input is a thrown `SurvivalInputError` naming the argument and the
/// 0-based index, as for `SurvivalSample`, never a trap.
enum CompetingRisksInput {
  /// The groups (all 0 when nil), the group count k (default: max group + 1)
  /// and the cause count m (default: max status), after checking equal
  /// lengths, times finite and ≥ 0, status in 0...m and group in 0..<k.
  static func checked(
    time: [Double], status: [Int], group: [Int]?, groupCount: Int?, causeCount: Int?
  ) throws -> (group: [Int], groupCount: Int, causeCount: Int) {
    let n = time.count
    try SurvivalInputError.checkRowCount(n)
    try checkLength("status", status.count, n)
    if let group { try checkLength("group", group.count, n) }
    let group = group ?? [Int](repeating: 0, count: n)
    let (k, m) = try bounds(time: time, status: status, group: group, groupCount: groupCount, causeCount: causeCount)
    return (group, k, m)
  }

  /// The checks of `checked` for groups given as integers of any width (a
  /// factor's 32-bit codes, read as they are): the group count and the
  /// cause count.
  static func bounds<Code: BinaryInteger>(
    time: [Double], status: [Int], group: [Code], groupCount: Int?, causeCount: Int?
  ) throws -> (groupCount: Int, causeCount: Int) {
    let n = time.count
    try SurvivalInputError.checkRowCount(n)
    try checkLength("status", status.count, n)
    try checkLength("group", group.count, n)
    try checkTimes(time)
    if let groupCount, groupCount < 0 {
      throw SurvivalInputError.invalidOption("groupCount must be 0 or more, got \(groupCount)")
    }
    if let causeCount, causeCount < 0 {
      throw SurvivalInputError.invalidOption("causeCount must be 0 or more, got \(causeCount)")
    }
    let k = groupCount ?? (group.max().map { Int($0) } ?? -1) + 1
    let m = causeCount ?? max(status.max() ?? 0, 0)
    for (i, s) in status.enumerated() where !(0...m).contains(s) {
      throw SurvivalInputError.invalidStatus(index: i, value: s, causeCount: m)
    }
    let groupLimit = max(k, 1)
    for (i, g) in group.enumerated() where g < 0 || Int(g) >= groupLimit {
      throw SurvivalInputError.invalidGroup(index: i, value: Int(g), groupCount: groupLimit)
    }
    return (k, m)
  }

  /// Throws `lengthMismatch` unless buffer `argument` has `n` values, as `time` has.
  static func checkLength(_ argument: String, _ count: Int, _ n: Int) throws {
    if count != n { throw SurvivalInputError.lengthMismatch(argument: argument, expected: n, actual: count) }
  }

  /// Throws `invalidTime` at the first time that is not finite and ≥ 0.
  static func checkTimes(_ time: [Double]) throws {
    for (i, t) in time.enumerated() where !(t.isFinite && t >= 0) {
      throw SurvivalInputError.invalidTime(argument: "time", index: i, value: t)
    }
  }
}
