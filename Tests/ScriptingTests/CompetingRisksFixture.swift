import Foundation
import LuaHost
import TestSupport

/// Competing-risks fixtures (TestSupport's CompetingRisksFixture) as Lua
/// source.
extension CompetingRisksFixture {
  /// A Lua array literal of `values` at 17 significant digits (exact round trip).
  static func luaArray(_ values: [Double]) -> String {
    "{" + values.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String(format: "%.17g", $0) }
      .joined(separator: ",") + "}"
  }
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
