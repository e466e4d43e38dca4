import Testing

@testable import Survival

/// Groups given as a factor's 32-bit codes (read as they are, no list of
/// 8-byte indices) give the results of the same groups as `Int`s, bit for
/// bit, on data large enough for the radix sorts (512 rows and more), with
/// ties, and with a group count whose bits do not fit beside the times.
@Suite struct CompactGroupCodesTests {
  let n = 4_000
  var time: [Double] { (0..<n).map { Double(($0 * 7_919) % 977) / 8 } }
  var event: [Int] { (0..<n).map { ($0 * 31) % 3 == 0 ? 0 : 1 } }
  var cause: [Int] { (0..<n).map { ($0 * 31) % 3 } }
  var group: [Int] { (0..<n).map { ($0 * 13) % 4 } }

  @Test func radixOrderTakesAnyIntegerCodes() {
    let wide = RadixOrder.order(key: time, group: group, groupCount: 4, flag: event.map { UInt8($0) })
    let compact = RadixOrder.order(
      key: time, groupCodes: group.map { Int32($0) }, groupCount: 4, flag: event.map { UInt8($0) })
    #expect(wide.order == compact.order && wide.groupStart == compact.groupStart)
    #expect(wide.sortedKey == compact.sortedKey && wide.sortedFlag == compact.sortedFlag)
    // Full 64-bit times leave no room for the group: the counting pass by group.
    let spread = (0..<n).map { Double(bitPattern: UInt64($0 * 2_654_435_761 % 1_000_003) << 40 | 1) }
    let wideSpread = RadixOrder.order(key: spread, group: group, groupCount: 4)
    let compactSpread = RadixOrder.order(key: spread, groupCodes: group.map { Int32($0) }, groupCount: 4)
    #expect(wideSpread.order == compactSpread.order && wideSpread.sortedKey == compactSpread.sortedKey)
  }

  @Test func kaplanMeierAndLogRankAgree() throws {
    let codes = group.map { Int32($0) }
    let wide = try KaplanMeier.fit(SurvivalSample(time: time, eventCodes: event, group: group, groupCount: 4))
    let compact = try KaplanMeier.fit(
      SurvivalSample(time: time, eventCodes: event, groupCodes: codes, groupCount: 4))
    // Bit patterns: the limits hold NaN where R gives NA.
    func bits(_ x: [Double]) -> [UInt64] { x.map(\.bitPattern) }
    for (a, b) in zip(wide.curves, compact.curves) {
      #expect(a.time == b.time && a.nRisk == b.nRisk && a.nEvent == b.nEvent && a.surv == b.surv)
      #expect(bits(a.stdErr) == bits(b.stdErr) && bits(a.lower) == bits(b.lower) && bits(a.upper) == bits(b.upper))
    }
    #expect(try SurvivalSample(time: time, eventCodes: event, groupCodes: codes, groupCount: 4).group == group)
    let test = try LogRankTest.test(time: time, event: event, group: group, groupCount: 4)
    let compactTest = try LogRankTest.test(time: time, event: event, groupCodes: codes, groupCount: 4)
    #expect(test.chiSquare == compactTest.chiSquare && test.variance == compactTest.variance)
    #expect(test.observed == compactTest.observed && test.expected == compactTest.expected)
    #expect(throws: SurvivalInputError.invalidGroup(index: 1, value: 4, groupCount: 4)) {
      try SurvivalSample(time: [1, 2], eventCodes: [1, 0], groupCodes: [0, 4], groupCount: 4)
    }
  }

  @Test func cumulativeIncidenceAgrees() throws {
    let strata = (0..<n).map { ($0 / 7) % 2 }
    let wide = try CumulativeIncidence.fitWithTestsAndRiskTable(
      time: time, status: cause, group: group, strata: strata, groupCount: 4, causeCount: 2,
      testCauses: [1, 2], tableCauses: [1, 2])
    let compact = try CumulativeIncidence.fitWithTestsAndRiskTable(
      time: time, status: cause, groupCodes: group.map { Int32($0) }, strata: strata, groupCount: 4,
      causeCount: 2, testCauses: [1, 2], tableCauses: [1, 2])
    #expect(wide.tests.map(\.statistic) == compact.tests.map(\.statistic))
    #expect(wide.steps == compact.steps)
    for g in 0..<4 {
      #expect(wide.table.groups[g].time == compact.table.groups[g].time)
      #expect(wide.table.groups[g].nEvent == compact.table.groups[g].nEvent)
    }
    #expect(throws: SurvivalInputError.invalidGroup(index: 0, value: -1, groupCount: 4)) {
      try CumulativeIncidence.fitWithTestsAndRiskTable(
        time: [1], status: [1], groupCodes: [-1], groupCount: 4, testCauses: [], tableCauses: [])
    }
  }
}
