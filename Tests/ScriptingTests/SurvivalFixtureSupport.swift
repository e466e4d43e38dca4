import Foundation
import LuaHost
import Testing
import TestSupport

/// The km fixtures (`scripts/fixtures/km.R`), read and compared with
/// TestSupport's KMFixture, as the Survival tests do.
typealias SurvivalFixture = KMFixture

extension KMFixture {
  /// A Lua array literal of `values` (Swift's shortest round-trip text).
  static func lua(_ values: [Double]) -> String {
    "{" + values.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : "\($0)" }.joined(separator: ", ") + "}"
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
