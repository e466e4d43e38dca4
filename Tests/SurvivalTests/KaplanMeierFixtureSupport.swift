import Foundation
import Testing
import TestSupport

/// Decoding and comparison helpers for the fixtures written by
/// `scripts/fixtures/km.R` (numbers with 17 significant digits; R's NA, NaN
/// and infinities as the strings "NA", "NaN", "Inf", "-Inf").
enum KMFixture {
  /// Where R's value is exactly 0 a relative tolerance means nothing, so the
  /// check is absolute. Zeros come from empty sums (no event yet: std.err,
  /// cumhaz, n.event between times) that are exactly 0 here too, and from
  /// R's O − E style cancellations; 1e-12 is far below any printed digit.
  static let absoluteZero = 1e-12

  static func load(_ name: String) throws -> [String: Any] {
    guard let object = try loadFixture("km/\(name).json") as? [String: Any] else {
      throw FixtureError.malformed(name)
    }
    return object
  }

  enum FixtureError: Error { case malformed(String) }

  static func number(_ value: Any?) -> Double {
    switch value {
    case let n as NSNumber: return n.doubleValue
    case let s as String:
      switch s {
      case "Inf": return .infinity
      case "-Inf": return -.infinity
      default: return .nan
      }
    default: return .nan
    }
  }

  static func numbers(_ value: Any?) -> [Double] {
    guard let array = value as? [Any] else { return [] }
    return array.map(number)
  }

  static func ints(_ value: Any?) -> [Int] {
    numbers(value).map { Int($0) }
  }

  static func object(_ value: Any?) -> [String: Any] {
    value as? [String: Any] ?? [:]
  }

  /// Whether `ours` equals R's `reference` under the closed-form tolerance.
  static func matches(_ ours: Double, _ reference: Double) -> Bool {
    if reference.isNaN { return ours.isNaN }
    if reference.isInfinite { return ours == reference }
    if reference == 0 { return abs(ours) <= absoluteZero }
    return approxEqual(ours, reference, relative: Tolerance.closedForm)
  }

  /// Expects every element to match, naming the first mismatches.
  static func expectArray(
    _ ours: [Double], _ reference: [Double], _ label: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(ours.count == reference.count, "\(label): \(ours.count) values, R has \(reference.count)", sourceLocation: sourceLocation)
    guard ours.count == reference.count else { return }
    var bad: [String] = []
    for i in ours.indices where !matches(ours[i], reference[i]) {
      bad.append("[\(i)] \(ours[i]) vs R \(reference[i])")
    }
    #expect(bad.isEmpty, "\(label): \(bad.count) mismatches: \(bad.prefix(5).joined(separator: "; "))", sourceLocation: sourceLocation)
  }

  static func expectValue(
    _ ours: Double, _ reference: Double, _ label: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(matches(ours, reference), "\(label): \(ours) vs R \(reference)", sourceLocation: sourceLocation)
  }
}
