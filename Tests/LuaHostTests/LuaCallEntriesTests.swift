import Testing
@testable import LuaHost

/// `LuaCall.entries`: every key of a table, whatever its type (recode's
/// `{[0] = "no", [1] = "yes"}`, which `value(_:)` refuses), read raw.
@Suite struct LuaCallEntriesTests {
  func makeState() throws -> LuaState {
    let lua = try LuaState()
    // Returns the keys and values as two lists, sorted by the key's text.
    try lua.register("entries") { call in
      let sorted = try call.entries(1).sorted { "\($0.key)" < "\($1.key)" }
      return [.array(sorted.map(\.key)), .array(sorted.map(\.value))]
    }
    return lua
  }

  @Test func keysOfEveryScalarTypeAreKept() throws {
    let lua = try makeState()
    let r = try lua.run("return entries({[0] = 'no', [1] = 'yes', [2.5] = 'x', [true] = 'b', s = {1, 2}})",
                        chunkName: "=t")
    guard r.count == 2, case .table(let keys) = r[0], case .table(let values) = r[1] else {
      Issue.record("unexpected results \(r)")
      return
    }
    #expect(Set(keys.array.map { "\($0)" }) == Set(["integer(0)", "integer(1)", "number(2.5)", "boolean(true)",
                                                     "string(\"s\")"]))
    #expect(values.array.count == 5)
    #expect(values.array.contains(.table(LuaTable(array: [.integer(1), .integer(2)]))))
    #expect(lua.stackTop == 0)
  }

  @Test func noMetamethodIsCalledAndOtherValuesAreRefused() throws {
    let lua = try makeState()
    let r = try lua.run("""
      local t = setmetatable({a = 1}, {__pairs = function() error("pairs called") end,
                                       __index = function() error("index called") end})
      local keys = entries(t)
      return #keys, pcall(entries, 5)
      """, chunkName: "=t")
    #expect(r == [.integer(1), .boolean(false), .string("bad argument #1 to 'entries' (table expected, got number)")])
    #expect(lua.stackTop == 0)
  }
}
