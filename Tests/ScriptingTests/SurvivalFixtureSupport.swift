import Foundation
import LuaHost
import Testing
import TestSupport

/// Reading the fixtures of `scripts/fixtures/km.R` (numbers with 17
/// significant digits; R's NA, NaN and infinities as strings) and comparing
/// Lua results with them at the closed-form tolerance, as
/// Tests/SurvivalTests/KaplanMeierFixtureSupport.swift does. Comparisons are
/// relative (1e-10), so a last-digit misrounding by Foundation's JSON parser
/// cannot make a test fail or pass wrongly; where R's value is exactly 0 the
/// check is absolute (1e-12).
enum SurvivalFixture {
  static let absoluteZero = 1e-12

  static func load(_ name: String) throws -> [String: Any] {
    guard let object = try loadFixture("km/\(name).json") as? [String: Any] else {
      throw FixtureError.malformed(name)
    }
    return object
  }

  enum FixtureError: Error { case malformed(String) }

  /// A fixture number: JSON numbers, numbers written as strings (lifelines'
  /// repr), and R's "NA"/"NaN" (NaN) and "Inf"/"-Inf".
  static func number(_ value: Any?) -> Double {
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

  static func numbers(_ value: Any?) -> [Double] {
    if let array = value as? [Any] { return array.map(number) }
    if value is NSNumber || value is String { return [number(value)] }
    return []
  }

  static func object(_ value: Any?) -> [String: Any] { value as? [String: Any] ?? [:] }

  static func objects(_ value: Any?) -> [[String: Any]] { (value as? [Any] ?? []).map(object) }

  static func strings(_ value: Any?) -> [String] {
    if let s = value as? String { return [s] }
    return (value as? [Any] ?? []).compactMap { $0 as? String }
  }

  /// A Lua array literal of `values` (Swift's shortest round-trip text).
  static func lua(_ values: [Double]) -> String {
    "{" + values.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : "\($0)" }.joined(separator: ", ") + "}"
  }

  static func matches(_ ours: Double, _ reference: Double) -> Bool {
    if reference.isNaN { return ours.isNaN }
    if reference.isInfinite { return ours == reference }
    if reference == 0 { return abs(ours) <= absoluteZero }
    return approxEqual(ours, reference, relative: Tolerance.closedForm)
  }

  static func expectArray(
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

  static func expectValue(
    _ ours: Double, _ reference: Double, _ label: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(matches(ours, reference), "\(label): \(ours) vs R \(reference)", sourceLocation: sourceLocation)
  }
}

/// Lua prelude of the binding tests: `dense(t, n)` turns an array with NA
/// holes into one with NaN, so that it crosses to Swift with its length.
let densePrelude = """
  local function dense(t, n)
    local out = {}
    for i = 1, n do local v = t[i]; if v == nil then v = 0/0 end; out[i] = v end
    return out
  end
  local function scalar(x) if x == nil then return 0/0 end return x end

  """

/// Reading decoded Lua results in tests.
extension LuaValue {
  subscript(_ key: String) -> LuaValue { tableValue?[key] ?? .nil }
  subscript(_ index: Int) -> LuaValue {
    guard let t = tableValue, index >= 1, index <= t.array.count else { return .nil }
    return t.array[index - 1]
  }
  /// The array part as numbers (nil → NaN).
  var doubles: [Double] { (tableValue?.array ?? []).map { $0.doubleValue ?? .nan } }
  /// A number, NaN for nil.
  var double: Double { doubleValue ?? .nan }
  var items: [LuaValue] { tableValue?.array ?? [] }
}
