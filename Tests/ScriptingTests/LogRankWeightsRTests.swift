import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `logrank(d, f, {weights = ...})` with the Gehan–Wilcoxon, Tarone–Ware and
/// Peto–Peto weights against the weighted log-rank statistic written out by hand
/// in R (`scripts/fixtures/logrank_weights_by_hand.R`, whose log-rank row is
/// checked against survdiff there), on lung by sex and veteran by trt.
@Suite struct LogRankWeightsRTests {
  /// Sums of a few hundred terms in a different order.
  static let tolerance = 1e-10

  @Test func weightsMatchRByHand() throws {
    let fixture = try #require(try loadFixture("logrank_weights/by_hand.json") as? [String: [String: [String: Any]]])
    let calls = ["lung_sex": "dataset('lung'), 'Surv(time, status) ~ sex'",
                 "veteran_trt": "dataset('veteran'), 'Surv(time, status) ~ trt'"]
    let rt = try makeRuntime()
    var checked = 0
    for (source, tests) in fixture {
      let call = try #require(calls[source])
      for (weights, r) in tests {
        let out = try lua(rt, "local r = logrank(\(call), {weights = '\(weights)'}) return r.chisq, r.p")
        let chisq = (r["chisq"] as? NSNumber)?.doubleValue ?? .nan
        let p = (r["p"] as? NSNumber)?.doubleValue ?? .nan
        #expect(approxEqual(out[0].doubleValue ?? .nan, chisq, relative: Self.tolerance), "\(source) \(weights)")
        #expect(approxEqual(out[1].doubleValue ?? .nan, p, relative: Self.tolerance), "\(source) \(weights) p")
        checked += 1
      }
    }
    #expect(checked == 8)
  }
}
