import Foundation
import LuaHost
import TestSupport

/// A fixture written by scripts/fixtures/competing_risks.R (survival 3.5-3,
/// cmprsk 2.2-11), read as Tests/SurvivalTests/CompetingRisksFixture.swift
/// reads it: Foundation objects, numbers through NSNumber, null as NaN. The
/// values carry 17 significant digits, so a last-digit misrounding by a JSON
/// parser stays far below the 1e-10 and 1e-6 tolerances.
struct CompetingRisksFixture {
  let json: [String: Any]

  init(_ name: String) throws {
    guard let object = try loadFixture("competing_risks/\(name).json") as? [String: Any] else {
      throw FixtureError.malformed(name)
    }
    json = object
  }

  enum FixtureError: Error { case malformed(String) }

  subscript(_ key: String) -> Any? { json[key] }

  /// A JSON number or array of numbers (null → NaN) as [Double].
  static func doubles(_ value: Any?) -> [Double] {
    if let n = value as? NSNumber { return [n.doubleValue] }
    guard let array = value as? [Any] else { return [] }
    return array.map { ($0 as? NSNumber)?.doubleValue ?? .nan }
  }

  static func ints(_ value: Any?) -> [Int] { doubles(value).map { Int($0) } }

  static func strings(_ value: Any?) -> [String] { (value as? [Any])?.compactMap { $0 as? String } ?? [] }

  /// A row-major JSON matrix (array of rows) as rows of doubles.
  static func rows(_ value: Any?) -> [[Double]] {
    guard let array = value as? [Any] else { return [] }
    return array.map { doubles($0) }
  }

  /// A Lua array literal of `values` at 17 significant digits (exact round trip).
  static func luaArray(_ values: [Double]) -> String {
    "{" + values.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String(format: "%.17g", $0) }
      .joined(separator: ",") + "}"
  }
}

/// Element-wise comparison at `relative` tolerance; where R's value is
/// exactly 0 the bound is absolute (as the Survival fixture tests compare).
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

/// The first mismatch, for readable failure messages.
func firstMismatch(_ ours: [Double], _ theirs: [Double], relative: Double) -> String {
  if ours.count != theirs.count { return "count \(ours.count) vs \(theirs.count)" }
  for (i, (a, b)) in zip(ours, theirs).enumerated() {
    let ok = b == 0 ? abs(a) <= relative : approxEqual(a, b, relative: relative)
    if !ok { return "[\(i)] \(a) vs \(b)" }
  }
  return "none"
}

/// Numbers of a decoded Lua array (integers widened; anything else NaN).
func luaDoubles(_ value: LuaValue?) -> [Double] {
  guard case .table(let t)? = value else { return [] }
  return t.array.map { $0.doubleValue ?? .nan }
}

/// Field `key` of a decoded Lua table.
func luaField(_ value: LuaValue?, _ key: String) -> LuaValue? {
  guard case .table(let t)? = value else { return nil }
  return t[key]
}

/// Entry `i` (1-based) of a decoded Lua array.
func luaItem(_ value: LuaValue?, _ i: Int) -> LuaValue? {
  guard case .table(let t)? = value, i >= 1, i <= t.array.count else { return nil }
  return t.array[i - 1]
}
