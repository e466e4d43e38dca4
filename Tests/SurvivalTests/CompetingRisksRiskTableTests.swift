import Testing

@testable import Survival

/// The risk table and the step layout of the curves, on data small enough
/// to work by hand.
@Suite struct CompetingRisksRiskTableTests {
  // Group 0: times 1 1 2 3 3 5 with status 1 0 2 0 1 0; group 1 empty; group 2: one censoring at 4.
  let time: [Double] = [3, 1, 2, 1, 5, 3, 4]
  let status = [0, 1, 2, 0, 0, 1, 0]
  let group = [0, 0, 0, 0, 0, 0, 2]

  @Test func tabulatesEveryTimeOfEachGroup() throws {
    let table = try CompetingRisksRiskTable.tabulate(
      time: time, status: status, group: group, groupCount: 3, causeCount: 2)
    #expect(table.groups.count == 3)
    let g = table.groups[0]
    #expect(g.time == [1, 2, 3, 5])
    #expect(g.nRisk == [6, 4, 3, 1])
    #expect(g.nEvent == [[1, 0, 1, 0], [0, 1, 0, 0]])
    #expect(g.nCensor == [1, 0, 1, 1])
    #expect(table.groups[1].time.isEmpty && table.groups[1].nEvent == [[], []])
    #expect(table.groups[2].time == [4] && table.groups[2].nRisk == [1] && table.groups[2].nCensor == [1])
  }

  @Test func curvesHoldTheirValueBetweenJumps() throws {
    let fit = try CumulativeIncidence.fit(time: time, status: status, group: group, groupCount: 3, causeCount: 2)
    let grid = try CompetingRisksRiskTable.tabulate(
      time: time, status: status, group: group, groupCount: 3, causeCount: 2)
      .groups[0].time
    let c1 = fit.curve(group: 0, cause: 1)
    // F1 jumps at 1 (1/6) and at 3 (S(3−) = 5/6 · 3/4 = 5/8, one of 3 at risk: + 5/24).
    #expect(c1.time == [1, 3])
    let s = c1.steps(on: grid)
    #expect(s.estimate == [1.0 / 6, 1.0 / 6, c1.estimate[1], c1.estimate[1]])
    #expect(abs(c1.estimate[1] - (1.0 / 6 + 5.0 / 24)) < 1e-15)
    #expect(s.variance == [c1.variance[0], c1.variance[0], c1.variance[1], c1.variance[1]])
    #expect(s.lower[1] == c1.lower[0] && s.upper[3] == c1.upper[1])
    // Before the first jump everything is 0.
    let c2 = fit.curve(group: 0, cause: 2).steps(on: [0.5, 1, 2])
    #expect(c2.estimate[0] == 0 && c2.estimate[1] == 0 && c2.estimate[2] > 0)
    #expect(c2.variance[0] == 0 && c2.lower[0] == 0 && c2.upper[0] == 0)
  }

  /// The table from the fit's own sort (cuminc at 10^6 rows sorted twice)
  /// equals the table and the fit computed apart, strata and ties included,
  /// on data large enough for the radix sort (512 rows and more).
  @Test func oneSortGivesTheSameTableFitAndTests() throws {
    let n = 3_000
    let time = (0..<n).map { Double(($0 * 7_919) % 613) / 4 }
    let status = (0..<n).map { ($0 * 31) % 3 }
    let group = (0..<n).map { ($0 * 13) % 3 }
    let strata = (0..<n).map { ($0 / 7) % 2 }
    let both = try CumulativeIncidence.fitWithTestsAndRiskTable(
      time: time, status: status, group: group, strata: strata, groupCount: 3, causeCount: 2,
      testCauses: [1, 2], curveCauses: [1, 2], tableCauses: [2])
    let apart = try CompetingRisksRiskTable.tabulate(
      time: time, status: status, group: group, groupCount: 3, causeCount: 2, causes: [2])
    let fit = try CumulativeIncidence.fitWithTests(
      time: time, status: status, group: group, strata: strata, groupCount: 3, causeCount: 2,
      testCauses: [1, 2], curveCauses: [1, 2])
    for g in 0..<3 {
      #expect(both.table.groups[g].time == apart.groups[g].time)
      #expect(both.table.groups[g].nRisk == apart.groups[g].nRisk)
      #expect(both.table.groups[g].nEvent == apart.groups[g].nEvent)
      #expect(both.table.groups[g].nCensor == apart.groups[g].nCensor)
      for c in 1...2 {
        #expect(both.incidence.curve(group: g, cause: c).estimate == fit.incidence.curve(group: g, cause: c).estimate)
        #expect(both.incidence.curve(group: g, cause: c).variance == fit.incidence.curve(group: g, cause: c).variance)
      }
    }
    #expect(both.tests.map(\.statistic) == fit.tests.map(\.statistic))
  }

  /// The curves laid out on the table's times in the fit's own scan equal
  /// `Curve.steps(on:)` of the fitted curves on those times, bit for bit:
  /// every cause and one cause listed, on the hand data (an empty group, a
  /// group of censorings only) and on sorted data with ties.
  @Test func stepsFromTheScanEqualStepsOnTheTable() throws {
    let n = 3_000
    let large = (
      time: (0..<n).map { Double(($0 * 7_919) % 613) / 4 }, status: (0..<n).map { ($0 * 31) % 3 },
      group: (0..<n).map { ($0 * 13) % 3 })
    for data in [(time, status, group), large] {
      for causes in [[1, 2], [2]] {
        let both = try CumulativeIncidence.fitWithTestsAndRiskTable(
          time: data.0, status: data.1, group: data.2, groupCount: 3, causeCount: 2,
          testCauses: causes, curveCauses: causes, tableCauses: causes)
        let fit = try CumulativeIncidence.fit(
          time: data.0, status: data.1, group: data.2, groupCount: 3, causeCount: 2)
        #expect(both.steps.count == 3)
        for g in 0..<3 {
          let grid = both.table.groups[g].time
          #expect(both.steps[g].count == causes.count)
          for (i, c) in causes.enumerated() {
            #expect(both.steps[g][i] == fit.curve(group: g, cause: c).steps(on: grid))
          }
        }
      }
    }
  }
}
