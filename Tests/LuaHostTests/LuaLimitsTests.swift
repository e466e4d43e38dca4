import Foundation
import Testing
@testable import LuaHost

/// Issue 12, item 3: limits live in one place per state and cannot be
/// caught. Each loop below ran for ever before: the first time-limit error
/// was caught by `pcall` (or a coroutine, `load`, a `__close` handler) and
/// the hook had cleared its deadline.
struct LuaLimitsTests {
  /// The limit of these tests; every busy loop is bounded by `giveUp` of
  /// os.clock so that a broken limit fails the test instead of hanging it.
  static let limit = 0.3
  static let giveUp = "local t0 = os.clock(); local function alive() return os.clock() - t0 < 10 end\n"

  func expectTimeLimit(_ code: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let lua = try LuaState()
    lua.setTimeLimit(Self.limit)
    let started = Date()
    do {
      let r = try lua.run(Self.giveUp + code, chunkName: "=t")
      Issue.record("expected a time-limit error, got \(r)", sourceLocation: sourceLocation)
    } catch LuaError.lua(let message, _) {
      #expect(message.contains("time limit of 0.3 s exceeded (raise it with --timeout)"), "\(message)",
              sourceLocation: sourceLocation)
    }
    #expect(Date().timeIntervalSince(started) < 5, sourceLocation: sourceLocation)
    #expect(lua.stopRequested)
  }

  @Test func pcallCannotCatchTheTimeLimit() throws {
    try expectTimeLimit("while alive() do pcall(function() while alive() do end end) end")
    try expectTimeLimit(
      "local n = 0 while alive() do local ok = pcall(function() while alive() do end end) n = n + 1 end")
    try expectTimeLimit("while alive() do xpcall(function() while alive() do end end, function(m) return m end) end")
    // (A message handler that loops after the hook raised runs with hooks
    // off, as a finalizer does: the watchdog ends that run, see
    // KaplanCLITests.TimeLimitCLITests.)
  }

  @Test func coroutinesCannotCatchTheTimeLimit() throws {
    try expectTimeLimit("while alive() do coroutine.resume(coroutine.create(function() while alive() do end end)) end")
    try expectTimeLimit("""
      while alive() do
        pcall(coroutine.wrap(function() while alive() do end end))
      end
      """)
    try expectTimeLimit("""
      while alive() do
        local co = coroutine.create(function()
          local x <close> = setmetatable({}, {__close = function() while alive() do end end})
          coroutine.yield()
        end)
        coroutine.resume(co)
        coroutine.close(co)
      end
      """)
  }

  @Test func loadWithAReaderCannotCatchTheTimeLimit() throws {
    try expectTimeLimit("while alive() do load(function() while alive() do end end) end")
  }

  @Test func closeHandlersCannotReplaceTheTimeLimit() throws {
    // The error of the __close handler replaces the time-limit error on its
    // way out; the stop is reported (and re-raised by pcall) all the same.
    try expectTimeLimit("""
      local t = setmetatable({}, {__close = function() error("mine") end})
      while alive() do
        pcall(function() local x <close> = t; while alive() do end end)
      end
      """)
    try expectTimeLimit("""
      local t = setmetatable({}, {__close = function() error("mine") end})
      do local x <close> = t; while alive() do end end
      """)
  }

  @Test func swiftEntryPointsRaiseOnceStopped() throws {
    let lua = try LuaState()
    var calls = 0
    try lua.register("work") { _ in calls += 1; return [.integer(1)] }
    lua.setTimeLimit(Self.limit)
    #expect(throws: LuaError.self) { try lua.run("while true do pcall(work) end") }
    let before = calls
    // Still stopped: the Swift function is not entered again.
    #expect(throws: LuaError.self) { try lua.run("return work()") }
    #expect(calls == before)
    lua.setTimeLimit(nil)
    lua.clearStop()
    #expect(try lua.run("return work()") == [.integer(1)])
  }

  @Test func yieldingAcrossWrappedPcallStillWorks() throws {
    let lua = try LuaState()
    let r = try lua.run("""
      local co = coroutine.wrap(function()
        local ok, v = pcall(function() coroutine.yield(1); return 2 end)
        coroutine.yield(v)
        local ok2, e = pcall(error, "e", 0)
        return e
      end)
      return co(), co(), co()
      """)
    #expect(r == [.integer(1), .integer(2), .string("e")])
    #expect(try lua.run("return pcall(error, 'x', 0)") == [.boolean(false), .string("x")])
    #expect(try lua.run("return select('#', pcall(function() return 1, nil, 3 end))") == [.integer(4)])
  }

  @Test func limitsOfConcurrentStatesAreIndependent() throws {
    // State A has a limit; B, on another thread, clears its own limit and is
    // interrupted. Before, the limit was one C global: B's setTimeLimit(nil)
    // cancelled A's, and A's stop stopped B.
    final class Result: @unchecked Sendable { var a: String?; var b: [LuaValue] = [] }
    let result = Result()
    let group = DispatchGroup()
    group.enter()
    Thread {
      defer { group.leave() }
      do {
        let a = try LuaState()
        a.setTimeLimit(0.5)
        _ = try a.run(Self.giveUp + "while alive() do end return 'ran out'")
        result.a = "no error"
      } catch {
        result.a = String(describing: error)
      }
    }.start()
    let b = try LuaState()
    for _ in 0..<20 {
      b.setTimeLimit(nil)
      b.requestInterrupt()
      b.clearStop()
      usleep(10_000)
    }
    // B keeps running well past A's deadline without being stopped.
    result.b = try b.run("local t0 = os.clock() while os.clock() - t0 < 1 do end return 'b done'")
    group.wait()
    #expect(result.a?.contains("time limit of 0.5 s exceeded") == true, "\(result.a ?? "nil")")
    #expect(result.b == [.string("b done")])
  }

  @Test func interruptFromAnotherThreadCannotBeCaught() throws {
    let lua = try LuaState()
    // `requestInterrupt` is the LuaState method made to be called from another thread.
    nonisolated(unsafe) let target = lua
    Thread { usleep(200_000); target.requestInterrupt() }.start()
    do {
      _ = try lua.run(Self.giveUp + "while alive() do pcall(function() while alive() do end end) end")
      Issue.record("expected an interrupt")
    } catch LuaError.lua(let message, _) {
      #expect(message.contains("interrupted"))
    }
  }

  @Test func limitMessagesStateTheLimitAsWritten() throws {
    let lua = try LuaState()
    for (seconds, text) in [(5.0, "5"), (0.5, "0.5"), (1.25, "1.25"), (3600.0, "3600")] {
      lua.setTimeLimit(seconds)
      #expect(lua.timeLimit == seconds)
      #expect(lua.stopMessage == nil)
    }
    lua.setTimeLimit(0.001)
    usleep(5_000)
    #expect(lua.stopRequested)
    #expect(lua.stopMessage == "time limit of 0.001 s exceeded (raise it with --timeout)")
    lua.setTimeLimit(5)
    #expect(!lua.stopRequested)
    lua.setTimeLimit(nil)
    #expect(lua.timeLimit == nil && lua.deadline == nil)
  }
}
