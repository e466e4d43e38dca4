import Foundation
import Testing
import TestSupport

@testable import Survival

/// A log-rank test with no information printed p = 0 on 0 df (session-7
/// review). R survival 3.5.3's survdiff gives χ² 0 on 0 df with p = 1 when one
/// group has every expected event, and χ² 0 on −1 df with p NaN when there
/// are no events (scripts/fixtures/logrank_no_information.R).
struct LogRankNoInformationTests {
  static let tolerance = 1e-10

  @Test(arguments: ["one_group_at_risk", "no_events", "three_groups_one_empty"])
  func matchesR(_ name: String) throws {
    let all = try #require(try loadFixture("logrank_no_information.json") as? [String: Any])
    let c = try #require(all[name] as? [String: Any])
    let time = try #require(c["time"] as? [Double])
    let event = try #require(c["status"] as? [Int])
    let group = try #require(c["group"] as? [Int])
    let t = try LogRankTest.test(
      time: time, event: event, group: group, groupCount: (group.max() ?? 0) + 1)
    #expect(abs(t.chiSquare - (try #require(c["chisq"] as? Double))) < Self.tolerance)
    #expect(t.df == (try #require(c["df"] as? Int)))
    if let p = c["p"] as? Double {
      #expect(abs(t.p - p) < Self.tolerance, "\(t.p)")
    } else {
      #expect(t.p.isNaN, "\(t.p)")
    }
  }

  /// survminer's pairwise_survdiff gives a pair with no information p = 1 (1 df per pair).
  @Test func aPairWithNoInformationHasPOne() throws {
    let p = LogRankTest.chiSquarePValue(0, df: 0)
    #expect(p == 1)
    #expect(LogRankTest.chiSquarePValue(0, df: -1).isNaN)
    #expect(LogRankTest.chiSquarePValue(2, df: 0) == 0)
  }
}
