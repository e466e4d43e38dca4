import Foundation
import TestSupport

/// A fixture written by scripts/fixtures/competing_risks.R (R 4.x, survival
/// 3.5-3, cmprsk 2.2-11): inputs and R's outputs at 17 significant digits.
struct CompetingRisksFixture {
  let json: [String: Any]
  let time: [Double]
  let status: [Int]
  let group: [Int]
  let strata: [Int]
  let causes: Int
  let groups: Int

  init(_ name: String) throws {
    guard let object = try loadFixture("competing_risks/\(name).json") as? [String: Any] else {
      throw FixtureError.malformed(name)
    }
    json = object
    time = CompetingRisksFixture.doubles(object["time"])
    status = CompetingRisksFixture.ints(object["status"])
    group = CompetingRisksFixture.ints(object["group"])
    strata = CompetingRisksFixture.ints(object["strata"])
    causes = (object["causes"] as? NSNumber)?.intValue ?? 0
    groups = (object["groups"] as? NSNumber)?.intValue ?? 0
  }

  enum FixtureError: Error { case malformed(String) }

  /// A JSON number or array of numbers (null → NaN) as [Double].
  static func doubles(_ value: Any?) -> [Double] {
    if let n = value as? NSNumber { return [n.doubleValue] }
    guard let array = value as? [Any] else { return [] }
    return array.map { ($0 as? NSNumber)?.doubleValue ?? .nan }
  }

  static func ints(_ value: Any?) -> [Int] {
    doubles(value).map { Int($0) }
  }

  /// A row-major JSON matrix (array of rows) as rows of doubles.
  static func rows(_ value: Any?) -> [[Double]] {
    guard let array = value as? [Any] else { return [] }
    return array.map { doubles($0) }
  }
}

/// Compares arrays element by element at `relative` tolerance. Elements that
/// are exactly 0 in R (estimates before the first event, variances of a
/// zero estimate) are compared with an absolute bound of `relative` instead:
/// a relative test against 0 would demand an exact 0, and a value of order
/// 1e-17 produced by a different summation order is as correct.
func allClose(_ ours: [Double], _ theirs: [Double], relative: Double) -> Bool {
  guard ours.count == theirs.count else { return false }
  for (a, b) in zip(ours, theirs) {
    if b == 0 {
      if abs(a) > relative { return false }
    } else if !approxEqual(a, b, relative: relative) {
      return false
    }
  }
  return true
}

/// Index of the first mismatch, for readable failure messages.
func firstMismatch(_ ours: [Double], _ theirs: [Double], relative: Double) -> String {
  if ours.count != theirs.count { return "count \(ours.count) vs \(theirs.count)" }
  for (i, (a, b)) in zip(ours, theirs).enumerated() {
    let ok = b == 0 ? abs(a) <= relative : approxEqual(a, b, relative: relative)
    if !ok { return "[\(i)] \(a) vs \(b)" }
  }
  return "none"
}
