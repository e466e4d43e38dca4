import Foundation
import Testing

/// Decoding and comparison helpers for the fixtures written by
/// `scripts/fixtures/km.R` (numbers with 17 significant digits; R's NA, NaN
/// and infinities as the strings "NA", "NaN", "Inf", "-Inf"), shared by the
/// Survival tests and the Lua binding tests. Comparisons are relative
/// (closed-form tolerance, 1e-10), so a last-digit misrounding by
/// Foundation's JSON parser cannot make a test fail or pass wrongly.
public enum KMFixture {
  /// Where R's value is exactly 0 a relative tolerance means nothing, so the
  /// check is absolute. Zeros come from empty sums (no event yet: std.err,
  /// cumhaz, n.event between times) that are exactly 0 here too, and from
  /// R's O − E style cancellations; 1e-12 is far below any printed digit.
  public static let absoluteZero = 1e-12

  public static func load(_ name: String) throws -> [String: Any] {
    guard let object = try loadFixture("km/\(name).json") as? [String: Any] else {
      throw FixtureError.malformed(name)
    }
    return object
  }

  public enum FixtureError: Error { case malformed(String) }

  /// A fixture number: JSON numbers, numbers written as strings (lifelines'
  /// repr), and R's "NA"/"NaN" (NaN) and "Inf"/"-Inf".
  public static func number(_ value: Any?) -> Double {
    switch value {
    case let n as NSNumber: return n.doubleValue
    case let s as String:
      switch s {
      case "Inf": return .infinity
      case "-Inf": return -.infinity
      default: return Double(s) ?? .nan
      }
    default: return .nan
    }
  }

  /// An array of fixture numbers; a single number or string is an array of one.
  public static func numbers(_ value: Any?) -> [Double] {
    if let array = value as? [Any] { return array.map(number) }
    if value is NSNumber || value is String { return [number(value)] }
    return []
  }

  public static func ints(_ value: Any?) -> [Int] { numbers(value).map { Int($0) } }

  public static func object(_ value: Any?) -> [String: Any] { value as? [String: Any] ?? [:] }

  public static func objects(_ value: Any?) -> [[String: Any]] { (value as? [Any] ?? []).map(object) }

  public static func strings(_ value: Any?) -> [String] {
    if let s = value as? String { return [s] }
    return (value as? [Any] ?? []).compactMap { $0 as? String }
  }

  /// Whether `ours` equals R's `reference` under the closed-form tolerance.
  public static func matches(_ ours: Double, _ reference: Double) -> Bool {
    if reference.isNaN { return ours.isNaN }
    if reference.isInfinite { return ours == reference }
    if reference == 0 { return abs(ours) <= absoluteZero }
    return approxEqual(ours, reference, relative: Tolerance.closedForm)
  }

  /// Expects every element to match, naming the first mismatches.
  public static func expectArray(
    _ ours: [Double], _ reference: [Double], _ label: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(ours.count == reference.count, "\(label): \(ours.count) values, R has \(reference.count)",
            sourceLocation: sourceLocation)
    guard ours.count == reference.count else { return }
    var bad: [String] = []
    for i in ours.indices where !matches(ours[i], reference[i]) {
      bad.append("[\(i)] \(ours[i]) vs R \(reference[i])")
    }
    #expect(bad.isEmpty, "\(label): \(bad.count) mismatches: \(bad.prefix(5).joined(separator: "; "))",
            sourceLocation: sourceLocation)
  }

  public static func expectValue(
    _ ours: Double, _ reference: Double, _ label: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(matches(ours, reference), "\(label): \(ours) vs R \(reference)", sourceLocation: sourceLocation)
  }
}
