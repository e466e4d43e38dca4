import CLua
import CLuaShim

extension LuaState {
  /// `open_final(path, mode, shown)`: `io.open` for a path a sandbox has
  /// already resolved, opened with `O_NOFOLLOW` so that a symbolic link
  /// swapped in after the check is refused, not followed (the C function
  /// `kh_open_final`, which runs under Lua's own protection).
  public func finalPathOpener() throws -> LuaValue {
    let top = lua_gettop(L)
    guard lua_checkstack(L, 2) != 0 else { throw LuaError.memory("stack overflow") }
    // A light C function: pushing it allocates nothing.
    lua_pushcclosure(L, kh_open_final, 0)
    defer { lua_settop(L, top) }
    return .reference(try reference(at: -1))
  }
}
