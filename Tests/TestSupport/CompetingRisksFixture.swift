import Foundation

/// A fixture written by scripts/fixtures/competing_risks.R (R 4.x, survival
/// 3.5-3, cmprsk 2.2-11): inputs and R's outputs at 17 significant digits,
/// read as Foundation objects, numbers through NSNumber, null as NaN. A
/// last-digit misrounding by the JSON parser stays far below the 1e-10 and
/// 1e-6 tolerances.
public struct CompetingRisksFixture {
  public let json: [String: Any]

  public init(_ name: String) throws {
    guard let object = try loadFixture("competing_risks/\(name).json") as? [String: Any] else {
      throw FixtureError.malformed(name)
    }
    json = object
  }

  public enum FixtureError: Error { case malformed(String) }

  public subscript(_ key: String) -> Any? { json[key] }

  /// A JSON number or array of numbers (null → NaN) as [Double].
  public static func doubles(_ value: Any?) -> [Double] {
    if let n = value as? NSNumber { return [n.doubleValue] }
    guard let array = value as? [Any] else { return [] }
    return array.map { ($0 as? NSNumber)?.doubleValue ?? .nan }
  }

  public static func ints(_ value: Any?) -> [Int] { doubles(value).map { Int($0) } }

  public static func strings(_ value: Any?) -> [String] { (value as? [Any])?.compactMap { $0 as? String } ?? [] }

  /// A row-major JSON matrix (array of rows) as rows of doubles.
  public static func rows(_ value: Any?) -> [[Double]] {
    guard let array = value as? [Any] else { return [] }
    return array.map { doubles($0) }
  }
}

/// Compares arrays element by element at `relative` tolerance. Elements that
/// are exactly 0 in R (estimates before the first event, variances of a
/// zero estimate) are compared with an absolute bound of `relative` instead:
/// a relative test against 0 would demand an exact 0, and a value of order
/// 1e-17 produced by a different summation order is as correct.
public func allClose(_ ours: [Double], _ theirs: [Double], relative: Double) -> Bool {
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
public func firstMismatch(_ ours: [Double], _ theirs: [Double], relative: Double) -> String {
  if ours.count != theirs.count { return "count \(ours.count) vs \(theirs.count)" }
  for (i, (a, b)) in zip(ours, theirs).enumerated() {
    let ok = b == 0 ? abs(a) <= relative : approxEqual(a, b, relative: relative)
    if !ok { return "[\(i)] \(a) vs \(b)" }
  }
  return "none"
}
