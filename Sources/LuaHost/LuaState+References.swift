import CLua

/// A registry reference to any value, so that Swift can hand Lua the very
/// same value again later (a unique constant such as Kaplan's `NA`:
/// pushing `.object(x)` twice makes two userdata, which Lua's `==` and
/// table keys tell apart; pushing `.reference(r)` twice gives one).
extension LuaState {
  /// Pushes `value` and keeps it in the registry. Stack: balanced.
  public func reference(to value: LuaValue) throws -> LuaRef {
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    try push(value)
    return try reference(at: -1)
  }
}
