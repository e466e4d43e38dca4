import Testing
@testable import LuaHost

/// Argument decoding must not trust what a table says about itself (issue
/// 12, item 5): `lua_rawlen` can report a border of 2^40 for a table of
/// 41 values, and reserving that capacity aborted the process. Keys with an
/// embedded NUL (item 6) were cut at the NUL when pushed.
@Suite(.serialized)
struct LuaArgumentBoundsTests {
  func makeState() throws -> LuaState {
    let lua = try LuaState()
    try lua.register("echo") { call in [try call.value(1)] }
    try lua.register("length") { call in [.integer(try call.table(1).array.count)] }
    return lua
  }

  /// A table whose border (`#t`) is 2^40: t[1], t[2], t[4], ..., t[2^40],
  /// inserted from the top so that all live in the hash part.
  static let sparse = "local t = {}; for k = 40, 0, -1 do t[1 << k] = 1 end"

  @Test func aBorderFarBeyondTheValuesIsAnArgumentError() throws {
    let lua = try makeState()
    #expect(try lua.run("\(Self.sparse); return #t", chunkName: "=t") == [.integer(1 << 40)])
    let r = try lua.run("\(Self.sparse); return pcall(length, t)", chunkName: "=t")
    #expect(r == [
      .boolean(false),
      .string("bad argument #1 to 'length' (table is sparse: its length (border) is 1099511627776 but it holds 41 "
        + "values (pass a sequence without large holes))"),
    ])
    // Nested, the same table is refused wherever it appears.
    let nested = try lua.run("\(Self.sparse); return pcall(echo, {x = {t}})", chunkName: "=t")
    #expect(nested.first == .boolean(false))
    #expect(lua.stackTop == 0)
  }

  @Test func sequencesWithSmallHolesStillDecode() throws {
    let lua = try makeState()
    let r = try lua.run("return echo({1, nil, 3}), echo({nil, nil, nil, 4})", chunkName: "=t")
    #expect(r == [
      .table(LuaTable(array: [.integer(1), .nil, .integer(3)])),
      .table(LuaTable(array: [.nil, .nil, .nil, .integer(4)])),
    ])
  }

  @Test func keysWithEmbeddedNULRoundTrip() throws {
    let lua = try makeState()
    let r = try lua.run("""
      local t = echo({["a\\0b"] = 1, ["a\\0c"] = 2, a = 3})
      local n = 0
      for k in pairs(t) do n = n + 1 end
      return n, t["a\\0b"], t["a\\0c"], t.a
      """, chunkName: "=t")
    #expect(r == [.integer(3), .integer(1), .integer(2), .integer(3)])
  }
}
