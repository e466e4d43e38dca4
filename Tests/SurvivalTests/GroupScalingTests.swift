import Foundation
import Testing
import TestSupport
@testable import Survival

/// Issue 12, item 3: analyses of many groups cost about O(n log n + n·G)
/// rather than O(D·G²) (log-rank) or O(G²·n) (pairwise), with the same
/// numbers as the direct formulas; long kernels stop promptly when the host
/// asks (`Cancellation`) and ask the memory budget before big allocations.
struct GroupScalingTests {
  /// Relative agreement of two summation orders of the same sums.
  static let sumTolerance = 1e-11

  /// Deterministic pseudo-random data (a linear congruential generator).
  struct Data {
    var time: [Double] = []
    var event: [Double] = []
    var group: [Int] = []
    var strata: [Int] = []

    init(n: Int, groups: Int, strata strataCount: Int, distinctTimes: Int, seed: UInt64) {
      var state = seed
      func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
      }
      for _ in 0..<n {
        time.append(Double(next() % UInt64(distinctTimes) + 1))
        event.append(next() % 10 < 6 ? 1 : 0)
        group.append(Int(next() % UInt64(groups)))
        strata.append(Int(next() % UInt64(strataCount)))
      }
    }
  }

  /// The direct O(D·k²) sums of `survdiff2` (the formulas of `LogRankTest`'s
  /// doc comment, one event time at a time), as the reference.
  static func directSums(_ d: Data, k: Int, strataCount: Int, rho: Double, gamma: Double)
    -> (observed: [Double], expected: [Double], variance: [Double])
  {
    var observed = [Double](repeating: 0, count: k)
    var expected = observed
    var v = [Double](repeating: 0, count: k * k)
    for s in 0..<strataCount {
      let rows = d.time.indices.filter { d.strata[$0] == s }
      let times = Set(rows.map { d.time[$0] }).sorted()
      var km = 1.0
      for t in times {
        let atRisk = rows.filter { d.time[$0] >= t }
        let dying = rows.filter { d.time[$0] == t && d.event[$0] == 1 }
        let n = Double(atRisk.count), deaths = Double(dying.count)
        let w = pow(km, rho) * pow(1 - km, gamma)
        km *= (n - deaths) / n
        var r = [Double](repeating: 0, count: k)
        for i in atRisk { r[d.group[i]] += 1 }
        for i in dying { observed[d.group[i]] += w }
        guard deaths > 0 else { continue }
        for a in 0..<k { expected[a] += w * deaths * r[a] / n }
        guard n > 1 else { continue }
        let c = w * w * deaths * (n - deaths) / (n * (n - 1))
        for a in 0..<k {
          v[a * k + a] += c * r[a]
          for b in 0..<k { v[a * k + b] -= c * r[a] * r[b] / n }
        }
      }
    }
    return (observed, expected, v)
  }

  static func close(_ a: [Double], _ b: [Double], scale: Double) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= sumTolerance * max(scale, abs($1)) }
  }

  @Test(arguments: [(0.0, 0.0), (1.0, 0.0), (0.5, 1.5)])
  func logRankSumsMatchTheDirectFormulas(rho: Double, gamma: Double) throws {
    let k = 7, strataCount = 3
    let d = Data(n: 600, groups: k, strata: strataCount, distinctTimes: 40, seed: 12)
    let test = try LogRankTest.test(
      time: d.time, event: d.event, group: d.group, groupCount: k, strata: d.strata, strataCount: strataCount,
      rho: rho, gamma: gamma)
    let reference = Self.directSums(d, k: k, strataCount: strataCount, rho: rho, gamma: gamma)
    let scale = reference.variance.map(abs).max() ?? 1
    #expect(Self.close(test.observed, reference.observed, scale: 1))
    #expect(Self.close(test.expected, reference.expected, scale: 1))
    #expect(Self.close(test.variance, reference.variance, scale: scale))
  }

  /// Pairwise tests are the k-sample test of each pair's rows (survminer's
  /// definition), now computed by merging the two groups' sorted rows.
  @Test func pairwiseMatchesTheTestOfEachPairsRows() throws {
    let k = 6, strataCount = 2
    let d = Data(n: 500, groups: k, strata: strataCount, distinctTimes: 30, seed: 7)
    let pairwise = try PairwiseLogRank.test(
      time: d.time, event: d.event, group: d.group, groupCount: k, strata: d.strata, strataCount: strataCount,
      rho: 1, adjustment: .none)
    var index = 0
    for a in 0..<k {
      for b in (a + 1)..<k {
        let rows = d.group.indices.filter { d.group[$0] == a || d.group[$0] == b }
        let one = try LogRankTest.test(
          time: rows.map { d.time[$0] }, event: rows.map { d.event[$0] },
          group: rows.map { d.group[$0] == a ? 0 : 1 }, groupCount: 2,
          strata: rows.map { d.strata[$0] }, strataCount: strataCount, rho: 1)
        let c = pairwise.comparisons[index]
        #expect(c.first == a && c.second == b)
        #expect(abs(c.chiSquare - one.chiSquare) <= Self.sumTolerance * max(1, one.chiSquare))
        #expect(abs(c.p - one.p) <= Self.sumTolerance)
        index += 1
      }
    }
    #expect(index == pairwise.comparisons.count)
  }

  /// A check that turns true `after` seconds from now, as a time limit does.
  static func deadline(after seconds: Double) -> () -> Bool {
    let end = Date().addingTimeInterval(seconds)
    return { Date() >= end }
  }

  /// Runs `body` under a time limit of `limit` s; it must throw
  /// `ComputationCancelled` within `limit + slack` seconds.
  static func stopsPromptly(limit: Double = 0.2, slack: Double = 1.5, _ body: () throws -> Void) {
    let start = Date()
    #expect(throws: ComputationCancelled.self) {
      try Cancellation.withCheck(deadline(after: limit)) { try body() }
    }
    #expect(Date().timeIntervalSince(start) < limit + slack)
  }

  @Test func logRankOfManyGroupsStopsAtTheTimeLimit() {
    let k = 3000
    let d = Data(n: 30_000, groups: k, strata: 1, distinctTimes: 5000, seed: 3)
    Self.stopsPromptly {
      _ = try LogRankTest.test(time: d.time, event: d.event, group: d.group, groupCount: k)
    }
  }

  @Test func pairwiseOfManyGroupsStopsAtTheTimeLimit() {
    let k = 3000
    let d = Data(n: 30_000, groups: k, strata: 1, distinctTimes: 5000, seed: 4)
    Self.stopsPromptly {
      _ = try PairwiseLogRank.test(time: d.time, event: d.event, group: d.group, groupCount: k)
    }
  }

  @Test func cumulativeIncidenceOfManyGroupsStopsAtTheTimeLimit() {
    let k = 400
    let d = Data(n: 20_000, groups: k, strata: 1, distinctTimes: 5000, seed: 5)
    let status = d.event.enumerated().map { i, e in e == 0 ? 0 : 1 + i % 2 }
    Self.stopsPromptly {
      _ = try CumulativeIncidence.fitWithTests(
        time: d.time, status: status, group: d.group, testCauses: [1, 2])
    }
  }

  /// A Cox fit on a many-level factor: O(n·p²) per iteration, polled inside
  /// the sweep and the factorization, not only between iterations.
  @Test(arguments: [CoxTies.efron, .breslow])
  func coxOnAManyLevelFactorStopsAtTheTimeLimit(ties: CoxTies) {
    let n = 6000, p = 600
    let d = Data(n: n, groups: p + 1, strata: 1, distinctTimes: 3000, seed: 6)
    var x = [Double](repeating: 0, count: n * p)
    for i in 0..<n where d.group[i] > 0 { x[(d.group[i] - 1) * n + i] = 1 }
    var options = CoxOptions()
    options.ties = ties
    Self.stopsPromptly {
      _ = try CoxModel.fit(time: d.time, status: d.event, covariates: x, columns: p, options: options)
    }
  }

  @Test func fineGrayWithManyCovariatesStopsAtTheTimeLimit() {
    let n = 6000, p = 300
    let d = Data(n: n, groups: p + 1, strata: 1, distinctTimes: 3000, seed: 8)
    let status = d.event.enumerated().map { i, e in e == 0 ? 0 : 1 + i % 2 }
    var x = [Double](repeating: 0, count: n * p)
    for i in 0..<n where d.group[i] > 0 { x[(d.group[i] - 1) * n + i] = 1 }
    for i in 0..<n { x[i] = d.time[i].truncatingRemainder(dividingBy: 7) }
    Self.stopsPromptly {
      _ = try FineGray.fit(time: d.time, status: status, covariates: x, p: p)
    }
  }

  @Test func choleskyPollsWhileFactoring() {
    let n = 1500
    var a = [Double](repeating: 0.5, count: n * n)
    for i in 0..<n { a[i * n + i] = Double(n) }
    var calls = 0
    #expect(throws: ComputationCancelled.self) {
      _ = try CholeskyLDL(a, n: n, poll: {
        calls += 1
        if calls > 3 { throw ComputationCancelled() }
      })
    }
  }

  @Test func quadraticOutputsAskTheMemoryBudgetFirst() {
    let k = 20_000
    let d = Data(n: 40_000, groups: k, strata: 1, distinctTimes: 1000, seed: 9)
    let budget = FixedMemoryAccount(100 << 20)
    #expect(throws: MemoryLimitExceeded.self) {
      try MemoryBudget.withAccount(budget) {
        _ = try LogRankTest.test(time: d.time, event: d.event, group: d.group, groupCount: k)
      }
    }
    #expect(throws: MemoryLimitExceeded.self) {
      try MemoryBudget.withAccount(budget) {
        _ = try PairwiseLogRank.test(time: d.time, event: d.event, group: d.group, groupCount: k)
      }
    }
    #expect(throws: MemoryLimitExceeded.self) {
      try MemoryBudget.withAccount(budget) {
        _ = try CoxModel.fit(
          time: [1, 2, 3], status: [1, 1, 0], covariates: [Double](repeating: 0, count: 3 * 5000), columns: 5000)
      }
    }
  }

  /// Status codes beyond 2¹⁶ (a status column of 65,536 distinct codes) used
  /// to trap in the sort's packing; they now travel as row indices and give
  /// the numbers of the same data with small codes.
  @Test func statusCodesBeyondSixteenBits() throws {
    let time: [Double] = [1, 2, 2, 3, 4, 5, 6, 7]
    let small = [1, 2, 0, 1, 2, 1, 0, 2]
    let group = [0, 1, 0, 1, 0, 1, 0, 1]
    let wide = small.map { $0 == 2 ? 70_000 : $0 }
    let a = try CumulativeIncidence.fitWithTests(time: time, status: small, group: group, testCauses: [1, 2])
    let b = try CumulativeIncidence.fitWithTests(
      time: time, status: wide, group: group, causeCount: 70_000, testCauses: [1, 70_000])
    #expect(b.incidence.curves.count == 2 * 70_000)
    for (c1, c2) in [(1, 1), (2, 70_000)] {
      for g in 0..<2 {
        #expect(a.incidence.curve(group: g, cause: c1).estimate == b.incidence.curve(group: g, cause: c2).estimate)
        #expect(a.incidence.curve(group: g, cause: c1).variance == b.incidence.curve(group: g, cause: c2).variance)
      }
    }
    #expect(a.tests.map(\.statistic) == b.tests.map(\.statistic))
    let sorted = CompetingRisksSorted(
      time: time, status: wide, group: group.map { $0 << 40 }, strata: group.map { $0 << 20 })
    #expect(sorted.status == [1, 70_000, 0, 1, 70_000, 1, 0, 70_000])
    #expect(sorted.group == [0, 1 << 40, 0, 1 << 40, 0, 1 << 40, 0, 1 << 40])
  }
}
