import CLua
import CLuaShim

extension LuaCall {
  /// Every entry of the table at argument `index`, whatever its keys'
  /// types: a mapping such as `{[0] = "no", [1] = "yes", [2.5] = "x"}`,
  /// whose keys `value(_:)` refuses (it keeps only names and list
  /// positions). Keys and values are decoded as `value(_:)` decodes them
  /// (a function or table key becomes a reference or a table). The order
  /// is Lua's `next` order, which is not the order the table was written
  /// in: callers sort. Raw access (no `__pairs`, no `__index`); `lua_next`
  /// raises only for a key changed during the walk, which cannot happen
  /// here. Stack: balanced.
  public func entries(_ index: Int) throws -> [(key: LuaValue, value: LuaValue)] {
    let t = Int32(index)
    guard lua_type(L, t) == LUA_TTABLE else {
      throw argumentError(index, "table expected, got \(typeName(index))")
    }
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    guard lua_checkstack(L, 4) != 0 else { throw LuaError.memory("stack overflow") }
    var out: [(key: LuaValue, value: LuaValue)] = []
    lua_pushnil(L)
    while lua_next(L, t) != 0 {
      // key at -2, value at -1; the key is only read, never converted.
      out.append((try state.value(at: -2), try state.value(at: -1)))
      kh_pop(L, 1)
    }
    return out
  }
}
