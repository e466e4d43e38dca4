import Testing
@testable import LuaHost

final class Counter {
  var value = 0
  // Made and released only by the serialized suite below, on its thread.
  nonisolated(unsafe) static var live = 0
  init() { Counter.live += 1 }
  deinit { Counter.live -= 1 }
}

final class Other {}

struct Boom: Error, CustomStringConvertible {
  var description: String { "boom from Swift" }
}

/// Every path by which an error can cross the Lua ↔ Swift boundary; after
/// each, the stack is balanced and the state still works.
@Suite(.serialized)
struct LuaStateSafetyTests {
  func makeState() throws -> LuaState {
    let lua = try LuaState()
    try lua.register("add") { call in [.number(try call.number(1) + call.number(2))] }
    try lua.register("fail") { _ in throw Boom() }
    try lua.register("needs_string") { call in [.string(try call.string(2))] }
    return lua
  }

  @Test func swiftErrorBecomesLuaErrorWithPosition() throws {
    let lua = try makeState()
    let r = try lua.run("local ok, e = pcall(function() fail() end); return ok, e", chunkName: "=t")
    #expect(r == [.boolean(false), .string("t:1: boom from Swift")])
    #expect(lua.stackTop == 0)
    #expect(try lua.run("return add(2, 3)") == [.number(5)])
  }

  @Test func badArgumentMessagesFollowLua() throws {
    let lua = try makeState()
    let r = try lua.run("return select(2, pcall(function() needs_string(1) end))", chunkName: "=s")
    #expect(r == [.string("s:1: bad argument #2 to 'needs_string' (string expected, got no value)")])
    let r2 = try lua.run("return select(2, pcall(function() add(1, {}) end))", chunkName: "=s")
    #expect(r2 == [.string("s:1: bad argument #2 to 'add' (number expected, got table)")])
  }

  @Test func luaErrorInFunctionCalledFromSwiftIsThrownWithTraceback() throws {
    let lua = try makeState()
    try lua.run("function f(x) error('bad ' .. x) end", chunkName: "@script.lua")
    let f = try lua.global("f")
    do {
      _ = try lua.call(f, [.string("news")])
      Issue.record("expected an error")
    } catch LuaError.lua(let message, _) {
      #expect(message.hasPrefix("script.lua:1: bad news"))
      #expect(message.contains("stack traceback:"))
    }
    #expect(lua.stackTop == 0)
  }

  @Test func errorRaisedByMetamethodIsCaught() throws {
    let lua = try LuaState()
    try lua.registerType(Counter.self, name: "counter",
      metamethods: ["__add": { _ in throw LuaError.runtime("cannot add counters") }],
      index: { call in throw LuaError.runtime("no field '\(try call.string(2))'") })
    try lua.setGlobal("c", .object(Counter()))
    let r = try lua.run("local ok, e = pcall(function() return c + c end); return e", chunkName: "=m")
    #expect(r == [.string("m:1: cannot add counters")])
    do {
      try lua.run("return c.missing", chunkName: "=m")
      Issue.record("expected an error")
    } catch LuaError.lua(let message, _) {
      #expect(message.hasPrefix("m:1: no field 'missing'"))
    }
    #expect(lua.stackTop == 0)
  }

  @Test func memoryLimitWhileSwiftPushesIsACleanError() throws {
    let lua = try LuaState()
    try lua.register("big") { _ in [.numbers([Double](repeating: 1, count: 2_000_000), nanAsNil: false)] }
    try lua.register("many") { _ in [.array((0..<200_000).map { .string("item \($0)") })] }
    lua.memoryLimit = lua.memoryUsed + 4 << 20
    let r = try lua.run("local ok, e = pcall(big); return ok, e")
    #expect(r.first == .boolean(false))
    #expect(r.last == .string("not enough memory"))
    let r2 = try lua.run("local ok, e = pcall(many); return ok, e")
    #expect(r2.first == .boolean(false))
    #expect(lua.stackTop == 0)
    #expect(try lua.run("return 40 + 2") == [.integer(42)])
  }

  @Test func memoryLimitStopsRunawayScripts() throws {
    let lua = try LuaState()
    lua.memoryLimit = lua.memoryUsed + 8 << 20
    #expect(throws: LuaError.self) { try lua.run("local t = {} while true do t[#t + 1] = {} end") }
    #expect(throws: LuaError.self) { try lua.run("return string.rep('x', 1e10)") }
    #expect(lua.stackTop == 0)
    #expect(try lua.run("return 1") == [.integer(1)])
  }

  @Test func nestedCallsPropagateErrorFromTheBottom() throws {
    let lua = try makeState()
    try lua.register("call_lua") { call in try call.call(call.value(1), [try call.value(2)]) }
    // Lua → Swift → Lua → Swift (fail) → error surfaces at the top, once.
    let r = try lua.run("""
      local ok, e = pcall(call_lua, function(x) return fail(x) end, 1)
      return ok, e
      """, chunkName: "=n")
    #expect(r == [.boolean(false), .string("n:1: boom from Swift")])
    // And values travel back up when nothing fails.
    #expect(try lua.run("return call_lua(function(x) return add(x, 1) end, 41)") == [.number(42)])
    #expect(lua.stackTop == 0)
  }

  @Test func userdataTypesCannotBeConfused() throws {
    let lua = try LuaState()
    try lua.registerType(Counter.self, name: "counter", methods: [
      "bump": { call in
        let c = try call.object(1, as: Counter.self)
        c.value += 1
        return [.integer(c.value)]
      }])
    try lua.registerType(Other.self, name: "other")
    try lua.register("count_of") { call in [.integer(try call.object(1, as: Counter.self).value)] }
    try lua.setGlobal("c", .object(Counter()))
    try lua.setGlobal("o", .object(Other()))
    #expect(try lua.run("c:bump(); return count_of(c)") == [.integer(1)])
    let r = try lua.run("return select(2, pcall(function() count_of(o) end))", chunkName: "=u")
    #expect(r == [.string("u:1: bad argument #1 to 'count_of' (counter expected, got other)")])
    let r2 = try lua.run("return select(2, pcall(function() c.bump(o) end))", chunkName: "=u")
    #expect(r2 == [.string("u:1: calling 'bump' on bad self (counter expected, got other; call it as c:bump(...))")])
    let r3 = try lua.run("return select(2, pcall(function() count_of(io.stdout) end))", chunkName: "=u")
    #expect(r3 == [.string("u:1: bad argument #1 to 'count_of' (counter expected, got FILE*)")])
  }

  @Test func gcAndCloseReleaseSwiftObjects() throws {
    let lua = try LuaState()
    try lua.registerType(Counter.self, name: "counter")
    try lua.register("new_counter") { _ in [.object(Counter())] }
    try lua.register("count_of") { call in [.integer(try call.object(1, as: Counter.self).value)] }
    let before = Counter.live
    try lua.run("for i = 1, 100 do new_counter() end collectgarbage() collectgarbage()")
    #expect(Counter.live == before)
    let r = try lua.run("""
      local kept
      do local c <close> = new_counter(); kept = c end
      return select(2, pcall(function() count_of(kept) end))
      """, chunkName: "=c")
    #expect(r == [.string("c:3: bad argument #1 to 'count_of' (counter has been closed)")])
    #expect(Counter.live == before)
  }

  @Test func timeLimitStopsInfiniteLoop() throws {
    let lua = try LuaState()
    lua.setTimeLimit(0.2)
    do {
      try lua.run("while true do end", chunkName: "=loop")
      Issue.record("expected a time-limit error")
    } catch LuaError.lua(let message, _) {
      #expect(message.contains("time limit of 0.2 s exceeded"))
    }
    lua.setTimeLimit(nil)
    #expect(try lua.run("return 1") == [.integer(1)])
  }

  @Test func interruptStopsRunningChunk() throws {
    let lua = try LuaState()
    lua.setTimeLimit(nil)
    try lua.register("interrupt_me") { [unowned lua] _ in lua.requestInterrupt(); return [] }
    do {
      try lua.run("interrupt_me() while true do end")
      Issue.record("expected an interrupt")
    } catch LuaError.lua(let message, _) {
      #expect(message.contains("interrupted"))
    }
    // The stop is sticky until the host clears it for the next run.
    #expect(lua.interruptRequested)
    lua.clearStop()
    #expect(try lua.run("return 1") == [.integer(1)])
  }

  @Test func syntaxErrorsReportIncompleteInput() throws {
    let lua = try LuaState()
    #expect(throws: LuaError.syntax(message: "[string \"x\"]:1: 'end' expected near <eof>", incomplete: true)) {
      _ = try lua.load("function f()", chunkName: "x")
    }
    do {
      _ = try lua.load("x = = 1", chunkName: "=x")
      Issue.record("expected a syntax error")
    } catch LuaError.syntax(_, let incomplete) {
      #expect(!incomplete)
    }
  }

  @Test func binaryChunksAreRefusedByDefault() throws {
    let lua = try LuaState()
    let dumped = try lua.run("return string.dump(function() return 1 end)")
    guard case .string(let bytes)? = dumped.first else { Issue.record("no dump"); return }
    #expect(throws: LuaError.self) { _ = try lua.load(bytes, chunkName: "=bin") }
  }
}
