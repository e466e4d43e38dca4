import Testing
@testable import LuaHost

/// Hostile uses found by the robustness probes (scripts/probes/): Swift
/// functions called from coroutines, shared and cyclic tables as
/// arguments, tables posing as registered types.
@Suite(.serialized)
struct LuaStateRobustnessTests {
  func makeState() throws -> LuaState {
    let lua = try LuaState()
    try lua.register("add") { call in [.number(try call.number(1) + call.number(2))] }
    try lua.register("echo") { call in [try call.value(1)] }
    try lua.register("callback") { call in
      // Lua → Swift → Lua → Swift, all on the caller's thread.
      try call.call(try call.value(1), [.integer(20)])
    }
    try lua.registerType(Counter.self, name: "counter")
    try lua.register("needs_counter") { call in _ = try call.object(1, as: Counter.self); return [] }
    return lua
  }

  @Test func swiftFunctionsCalledFromCoroutinesUseTheCoroutinesStack() throws {
    // The dispatcher read the arguments from (and pushed the results onto)
    // the main thread's stack: add(2, 3) in a coroutine failed or got junk.
    let lua = try makeState()
    let r = try lua.run("""
      local co = coroutine.wrap(function(a)
        local x = add(a, 3)
        local y = coroutine.yield(x)
        return add(x, y), echo({1, 2, k = 'v'}).k
      end)
      local first = co(2)
      return first, co(10)
      """, chunkName: "=co")
    #expect(r == [.number(5), .number(15), .string("v")])
    #expect(lua.stackTop == 0)
  }

  @Test func nestedCallsAcrossCoroutinesAndSwift() throws {
    let lua = try makeState()
    let r = try lua.run("""
      local function inner(n)
        return coroutine.wrap(function() return add(n, 1) end)()
      end
      return coroutine.wrap(function() return callback(inner) end)()
      """, chunkName: "=co")
    #expect(r == [.number(21)])
    let e = try lua.run("""
      local co = coroutine.create(function() add(1, {}) end)
      return coroutine.resume(co)
      """, chunkName: "=co")
    #expect(e == [.boolean(false), .string("co:1: bad argument #2 to 'add' (number expected, got table)")])
    #expect(lua.stackTop == 0)
  }

  @Test func sharedTablesAreDecodedOnceAndBounded() throws {
    // 2^40 paths through 41 tables: decoded naively this never finished
    // (and no time limit could stop it, being Swift). Now it is an error
    // as soon as the expansion passes the bound, and moderate sharing works.
    let lua = try makeState()
    let r = try lua.run("""
      local t = {1}
      for i = 1, 40 do t = {t, t} end
      return select(2, pcall(echo, t))
      """, chunkName: "=t")
    #expect(r == [.string("bad argument #1 to 'echo' (table too large: it expands to more than 100000000 values (a "
      + "table shared many times?))")])
    let ok = try lua.run("""
      local t = {1}
      for i = 1, 10 do t = {t, t} end
      local e = echo(t)
      for i = 1, 10 do e = e[2] end
      return e[1]
      """, chunkName: "=t")
    #expect(ok == [.integer(1)])
  }

  @Test func cyclicTablesAreArgumentErrors() throws {
    let lua = try makeState()
    let r = try lua.run("local t = {}; t.self = t; return select(2, pcall(echo, t))", chunkName: "=t")
    #expect(r == [.string("bad argument #1 to 'echo' (a table contains itself (a cycle cannot be passed to Kaplan))")])
    // Siblings sharing a table are not a cycle.
    let s = try lua.run("local s = {7}; return echo({a = s, b = s}).b[1]", chunkName: "=t")
    #expect(s == [.integer(7)])
  }

  @Test func tablesCannotPoseAsRegisteredTypes() throws {
    let lua = try makeState()
    let r = try lua.run("""
      return select(2, pcall(needs_counter, setmetatable({}, {__name = 'counter'}))),
             select(2, pcall(needs_counter, setmetatable({}, {__name = 'kaplan.km'})))
      """, chunkName: "=t")
    #expect(r == [.string("bad argument #1 to 'needs_counter' (counter expected, got table)"),
                  .string("bad argument #1 to 'needs_counter' (counter expected, got kaplan.km)")])
  }
}
