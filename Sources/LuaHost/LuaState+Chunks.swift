import CLua
import CLuaShim

extension LuaState {
  /// Compiles `code` as a text chunk named `chunkName` (`@file.lua` names a
  /// file, as Lua's convention; `=stdin` names it verbatim). Binary chunks are
  /// refused unless `allowBinary`. Stack: balanced.
  public func load(_ code: String, chunkName: String, allowBinary: Bool = false) throws -> LuaValue {
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    let status = withCChars(code) { chars, count in
      kh_loadbuffer(L, chars, count, chunkName, allowBinary ? "bt" : "t")
    }
    if status == LUA_ERRSYNTAX {
      let message = errorMessage(at: -1)
      throw LuaError.syntax(message: message, incomplete: message.hasSuffix("<eof>"))
    }
    try check(status, top: top)
    return .reference(try reference(at: -1))
  }

  /// Calls `function` with `arguments` in protected mode. At the top level
  /// (`traceback: true`) the error message carries a traceback, as `lua.c`.
  /// Stack: balanced.
  public func call(_ function: LuaValue, _ arguments: [LuaValue] = [], traceback: Bool = true) throws -> [LuaValue] {
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    guard lua_checkstack(L, Int32(arguments.count) + 8) != 0 else { throw LuaError.memory("stack overflow") }
    try push(function)
    for a in arguments { try push(a) }
    let nargs = Int32(arguments.count)
    let status = traceback ? kh_docall(L, nargs, LUA_MULTRET) : kh_pcall(L, nargs, LUA_MULTRET, 0)
    try check(status, top: top)
    var results: [LuaValue] = []
    let newTop = lua_gettop(L)
    if newTop > top {
      for i in (top + 1)...newTop { results.append(try value(at: i)) }
    }
    return results
  }

  /// Compiles and runs `code`; returns its results.
  @discardableResult
  public func run(_ code: String, chunkName: String = "=chunk") throws -> [LuaValue] {
    try call(try load(code, chunkName: chunkName))
  }

  /// Renders a value as Lua's `tostring` would (through `__tostring`), protected.
  public func tostring(_ value: LuaValue) throws -> String {
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    try push(value)
    var out: UnsafePointer<CChar>?
    var len = 0
    try check(kh_ptolstring(L, -1, &out, &len), top: top)
    guard let out else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: out, count: len), as: UTF8.self)
  }
}
