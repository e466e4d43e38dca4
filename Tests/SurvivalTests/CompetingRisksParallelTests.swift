import Testing
import TestSupport
@testable import Survival

/// Issue 14, cuminc from a script: the sort shared by two workers from
/// `CompetingRisksSort.parallelRows` keys, the sort's scratch reused for the
/// group runs, the codes kept packed, and the curves computed beside Gray's
/// tests (`CurvesBesideTests`) give exactly the numbers of the sequential
/// calls (each worker does the same operations in the same order).
struct CompetingRisksParallelTests {
  /// Competing-risks data with ties (times on a grid of 1/100), 3 groups
  /// (groups 0 and 2 only when `emptyGroup`), 2 causes, 2 strata.
  struct Data {
    var time: [Double] = []
    var status: [Int] = []
    var group: [Int] = []
    var strata: [Int] = []

    init(rows: Int, seed: UInt64, emptyGroup: Bool = false) {
      var rng = SplitMix64(seed: seed)
      for _ in 0..<rows {
        time.append(Double(rng.next() % 3_000) / 100)
        status.append(Int(rng.next() % 3))
        group.append(emptyGroup ? Int(rng.next() % 2) * 2 : Int(rng.next() % 3))
        strata.append(Int(rng.next() % 2))
      }
    }
  }

  /// A stable ascending order: a permutation, times non-decreasing, tied
  /// times in input order (checked in one pass, so large sizes stay fast).
  static func isStableOrder(_ order: [Int], of time: [Double]) -> Bool {
    guard order.count == time.count else { return false }
    var seen = [Bool](repeating: false, count: time.count)
    for (position, i) in order.enumerated() {
      guard i >= 0, i < time.count, !seen[i] else { return false }
      seen[i] = true
      if position > 0 {
        let previous = order[position - 1]
        if time[previous] > time[i] || (time[previous] == time[i] && previous > i) { return false }
      }
    }
    return true
  }

  @Test func twoWorkerRadixSortIsStable() {
    var rng = SplitMix64(seed: 11)
    let n = CompetingRisksSort.parallelRows + 4_321
    // Many ties, both zeros, and values spanning several exponents.
    var time = [Double]()
    for i in 0..<n {
      let zero: Double = i % 2 == 0 ? 0.0 : -0.0
      let scale = Double(1 << (i % 5))
      let value = Double(rng.next() % 5_000) / 7 * scale
      time.append(i % 997 == 0 ? zero : value)
    }
    let order = CompetingRisksSort.ascendingOrder(time)
    #expect(Self.isStableOrder(order, of: time))
    // Below the two-worker size the one-worker passes give the same order.
    let head = Array(time[0..<(CompetingRisksSort.parallelRows - 1)])
    #expect(Self.isStableOrder(CompetingRisksSort.ascendingOrder(head), of: head))
  }

  /// The group runs (each group's subjects in time order) written by two
  /// workers from `CompetingRisksSort.parallelRows` subjects, and by one
  /// below, are the stable partition of the sorted subjects by group; the
  /// sorted times hold +0.0 for -0.0 (the keys are made in the histogram's
  /// loop).
  @Test func groupRunsAreTheStablePartitionByGroup() throws {
    for rows in [CompetingRisksSort.parallelRows + 777, 5_000] {
      var d = Data(rows: rows, seed: 21, emptyGroup: true)
      for i in stride(from: 0, to: rows, by: 101) { d.time[i] = -0.0 }
      let sorted = try CompetingRisksSorted(time: d.time, status: d.status, group: d.group, strata: nil)
      #expect(sorted.time.allSatisfy { $0 != 0 || $0.bitPattern == 0 })
      let runs = sorted.groupRuns(count: 3)
      let group = sorted.group, status = sorted.status
      var offsets = [0], time = [Double](), codes = [Int]()
      for g in 0..<3 {
        for i in group.indices where group[i] == g {
          time.append(sorted.time[i])
          codes.append(status[i])
        }
        offsets.append(time.count)
      }
      #expect(runs.offsets == offsets)
      #expect(runs.time.map(\.bitPattern) == time.map(\.bitPattern))
      #expect(runs.status == codes)
    }
  }

  @Test func curvesBesideTestsMatchSequentialCalls() throws {
    let d = Data(rows: CurvesBesideTests.parallelRows + 1_000, seed: 5)
    for strata in [nil, d.strata] {
      let together = try CumulativeIncidence.fitWithTestsAndRiskTable(
        time: d.time, status: d.status, group: d.group, strata: strata, rho: 0.5, groupCount: 3, causeCount: 2,
        testCauses: [1, 2], curveCauses: [1, 2], tableCauses: [1, 2])
      let curves = try CumulativeIncidence.fit(time: d.time, status: d.status, group: d.group)
      let tests = try GrayTest.tests(
        time: d.time, status: d.status, group: d.group, strata: strata, causes: [1, 2], causeCount: 2, rho: 0.5)
      let table = try CompetingRisksRiskTable.tabulate(time: d.time, status: d.status, group: d.group)
      #expect(together.tests.map(\.statistic) == tests.map(\.statistic))
      #expect(together.tests.map(\.variance) == tests.map(\.variance))
      for g in 0..<3 {
        #expect(together.table.groups[g].time == table.groups[g].time)
        #expect(together.table.groups[g].nRisk == table.groups[g].nRisk)
        #expect(together.table.groups[g].nEvent == table.groups[g].nEvent)
        for c in 1...2 {
          let curve = curves.curve(group: g, cause: c)
          #expect(together.incidence.curve(group: g, cause: c).estimate == curve.estimate)
          #expect(together.incidence.curve(group: g, cause: c).variance == curve.variance)
          #expect(together.steps[g][c - 1] == curve.steps(on: table.groups[g].time))
        }
      }
      // The fitWithTests entries share the path.
      let both = try CumulativeIncidence.fitWithTests(
        time: d.time, status: d.status, group: d.group, strata: strata, rho: 0.5)
      #expect(both.tests.map(\.statistic) == tests.map(\.statistic))
      #expect(both.incidence.curve(group: 1, cause: 2).upper == curves.curve(group: 1, cause: 2).upper)
    }
  }

  /// A group without subjects is dropped from Gray's test (its codes are
  /// renumbered in place of the packed codes).
  @Test func emptyGroupRecodedInPackedCodes() throws {
    let d = Data(rows: CurvesBesideTests.parallelRows + 10, seed: 9, emptyGroup: true)
    let together = try CumulativeIncidence.fitWithTests(
      time: d.time, status: d.status, group: d.group, groupCount: 3, testCauses: [1, 2])
    let present = d.group.map { $0 == 2 ? 1 : 0 }
    let alone = try GrayTest.tests(time: d.time, status: d.status, group: present, causes: [1, 2], causeCount: 2)
    #expect(together.tests.map(\.statistic) == alone.map(\.statistic))
    #expect(together.tests.allSatisfy { $0.df == 1 })
  }

  /// Status and group codes that do not fit one word together are refused
  /// with a clean error, never a trap.
  @Test func codesBeyondSixtyFourBitsAreRefused() {
    #expect(throws: SurvivalInputError.self) {
      _ = try CompetingRisksSorted(time: [1, 2], status: [0, 1 << 40], group: [0, 1 << 30], strata: nil)
    }
  }
}
