import Foundation
import TestSupport

/// The inputs of a competing-risks fixture (TestSupport's
/// CompetingRisksFixture) as the Survival estimators take them.
extension CompetingRisksFixture {
  var time: [Double] { Self.doubles(json["time"]) }
  var status: [Int] { Self.ints(json["status"]) }
  var group: [Int] { Self.ints(json["group"]) }
  var strata: [Int] { Self.ints(json["strata"]) }
  var causes: Int { (json["causes"] as? NSNumber)?.intValue ?? 0 }
  var groups: Int { (json["groups"] as? NSNumber)?.intValue ?? 0 }
}
