import Datasets
import Foundation
import RunControl
import Testing
import TestSupport
@testable import Analysis

/// Issue 12, item 7: a status column of 65,536 distinct codes (a trap in
/// the sort before) gives a result when one cause is reported, and a clean
/// memory error before the allocation when all 65,536 curves are asked for.
struct CompetingRisksScalingTests {
  /// 70,000 rows: codes 1...65,536 once each, then censorings.
  static func data() throws -> Dataset {
    let n = 70_000
    let time = (1...n).map(Double.init)
    let status = (1...n).map { Double($0 <= 65_536 ? $0 : 0) }
    return try Dataset(names: ["time", "status"], columns: [.double(time), .double(status)])
  }

  @Test func oneCauseOfSixtyFiveThousand() throws {
    var options = CompetingRisksOptions()
    options.cause = .code(65_536)
    let a = try CompetingRisksAnalysis(
      dataset: try Self.data(), formula: Formula(parsing: "Surv(time, status) ~ 1"), options: options)
    #expect(a.allCauses.count == 65_536)
    #expect(a.curves.count == 1)
    // One event of that cause, at time 65,536: S(t−) = 4,465/70,000 with
    // 4,465 at risk, so F jumps by 1/70,000 (a product of 65,535 factors:
    // rounding well below 1e-9 relative).
    #expect(a.curves[0].events == 1)
    let jump = try #require(a.curves[0].estimate.first { $0 > 0 })
    #expect(abs(jump * 70_000 - 1) < 1e-9)
  }

  @Test func allCausesAskTheBudgetFirst() throws {
    let d = try Self.data()
    #expect(throws: MemoryLimitExceeded.self) {
      try MemoryBudget.withAccount(FixedMemoryAccount(1 << 30)) {
        _ = try CompetingRisksAnalysis(dataset: d, formula: Formula(parsing: "Surv(time, status) ~ 1"))
      }
    }
  }
}
