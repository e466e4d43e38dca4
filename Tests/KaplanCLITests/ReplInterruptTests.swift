import Foundation
import Testing
import TestSupport

/// Issue 12, item 7 (REPL part): a first Ctrl-C stops the chunk
/// cooperatively and the session goes on; a chunk the hook cannot reach (a
/// pattern bomb) is abandoned by a second Ctrl-C within a second; `--timeout`
/// limits each chunk. The REPL reads piped input here; the terminal
/// (re-executing a fresh session) is checked by hand with tmux.
struct ReplInterruptTests {
  @Test func firstCtrlCStopsTheChunkAndTheSessionGoesOn() throws {
    let dir = try temporaryDirectory()
    let repl = try LiveKaplan(["repl"], directory: dir)
    repl.send("x = 41\nprint('go') io.stdout:flush() while true do pcall(function() while true do end end) end\n")
    #expect(repl.wait(upTo: 10) { repl.stdout.contains("go") })
    usleep(200_000)
    repl.signal(SIGINT)
    #expect(repl.wait(upTo: 5) { repl.stderr.contains("interrupted") }, "\(repl.stderr)")
    repl.send("print(x + 1)\n")
    #expect(repl.wait(upTo: 5) { repl.stdout.contains("42") }, "\(repl.stdout)")
    // (Not waiting for end of input: under parallel tests another child
    // may hold the pipe's write end open.)
    repl.signal(SIGKILL)
    _ = repl.finish(within: 5)
  }

  @Test func secondCtrlCAbandonsAChunkTheHookCannotReach() throws {
    let dir = try temporaryDirectory()
    let repl = try LiveKaplan(["repl"], directory: dir)
    repl.send("print('go') io.stdout:flush() print(string.rep('a', 4e4):find('.-.-.-.-b'))\n")
    #expect(repl.wait(upTo: 10) { repl.stdout.contains("go") })
    usleep(200_000)
    repl.signal(SIGINT)
    usleep(300_000)
    #expect(repl.process.isRunning)
    repl.signal(SIGINT)
    // Piped input: the session ends (a terminal session starts afresh).
    #expect(repl.finish(within: 5) == 130)
    #expect(repl.stderr.contains("interrupted twice: the chunk did not stop at the first Ctrl-C"), "\(repl.stderr)")
  }

  @Test func timeoutLimitsEachChunk() throws {
    let dir = try temporaryDirectory()
    let repl = try LiveKaplan(["repl", "--timeout", "1"], directory: dir)
    // Session time beyond the limit does not count: only each chunk's.
    repl.send("x = 1\n")
    usleep(1_300_000)
    repl.send("while true do pcall(function() while true do end end) end\nprint('x is', x)\n")
    #expect(repl.wait(upTo: 8) { repl.stdout.contains("x is\t1") }, "\(repl.stdout) \(repl.stderr)")
    #expect(repl.stderr.contains("stdin:1: time limit of 1 s exceeded (raise it with --timeout)"), "\(repl.stderr)")
    // A chunk out of the hook's reach is abandoned after the grace period.
    repl.send("print(string.rep('a', 4e4):find('.-.-.-.-b'))\n")
    #expect(repl.finish(within: 8) == 1)
    #expect(repl.stderr.contains("time limit of 1 s exceeded (raise it with --timeout), and the chunk did not stop"), "\(repl.stderr)")
  }
}
