import Foundation
import LuaHost
import Scripting
import Survival
import Testing
import TestSupport

/// Issue 12, item 3: once the time limit passed, the Swift kernels stopped
/// polling it (the hook had cleared the one global deadline), and a Ctrl-C
/// served by the hook was gone before a kernel could see it. The stop is now
/// sticky per state: every `Cancellation.check()` throws until the run ends.
struct CancellationBindingTests {
  @Test func everyKernelPollThrowsOnceTheLimitPassed() throws {
    let runtime = try makeRuntime()
    final class Polls: @unchecked Sendable { var thrown = 0 }
    let polls = Polls()
    // A kernel that swallows the first cancellation and polls on: every
    // later poll throws too.
    try runtime.lua.register("kernel") { _ in
      for _ in 0..<5 {
        while true {
          do { try Cancellation.check() } catch { polls.thrown += 1; break }
        }
      }
      return [.string("kernel finished")]
    }
    runtime.lua.setTimeLimit(0.3)
    let started = Date()
    do {
      _ = try runtime.stoppable { try runtime.lua.run("while true do pcall(kernel) end", chunkName: "=k") }
      Issue.record("expected the time limit")
    } catch {
      #expect(String(describing: error).contains("k:1: time limit of 0.3 s exceeded (raise it with --timeout)"),
        "\(error)")
    }
    #expect(polls.thrown == 5)
    #expect(Date().timeIntervalSince(started) < 5)
    #expect(throws: ComputationCancelled.self) { try runtime.stoppable { try Cancellation.check() } }
  }

  @Test func statesInterruptedOneAtATime() throws {
    // Two runtimes (as the Scripting tests create concurrently): stopping
    // one leaves the other's kernels running.
    let a = try makeRuntime(), b = try makeRuntime()
    a.lua.requestInterrupt()
    #expect(throws: ComputationCancelled.self) { try a.stoppable { try Cancellation.check() } }
    #expect(throws: Never.self) { try b.stoppable { try Cancellation.check() } }
    a.lua.clearStop()
    #expect(throws: Never.self) { try a.stoppable { try Cancellation.check() } }
  }

  @Test func xpcallHandlersAreSkippedOnceStopped() throws {
    // The count hook's stop reaches xpcall's message handler with hooks
    // off, so a handler that looped was never stopped (review of issue 12).
    // Once stopped, the handler is not run and the stop is raised again.
    let runtime = try makeRuntime()
    runtime.lua.setTimeLimit(0.3)
    do {
      _ = try runtime.stoppable {
        try runtime.lua.run(
          "xpcall(function() while true do end end, function(m) handled = true; return m end)", chunkName: "=x")
      }
      Issue.record("expected the time limit")
    } catch {
      #expect(String(describing: error).contains("time limit of 0.3 s exceeded"), "\(error)")
    }
    runtime.lua.setTimeLimit(nil)
    runtime.lua.clearStop()
    #expect(try runtime.lua.run("return handled", chunkName: "=h") == [.nil])
    // Before a stop, the handler runs as in Lua.
    #expect(try runtime.lua.run(
      "return select(2, xpcall(error, function(m) return 'handled: ' .. m end, 'boom'))", chunkName: "=e")
      == [.string("handled: boom")])
  }
}
