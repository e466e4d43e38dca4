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
    #expect(repl.stderr.contains("time limit of 1 s exceeded (raise it with --timeout), and the chunk did not stop"),
      "\(repl.stderr)")
  }

  @Test func terminalSessionStartsAfreshAfterTheSecondCtrlC() throws {
    // A terminal through util-linux `script`: Ctrl-C is the byte 0x03 that
    // the pty turns into SIGINT, as a person's keyboard does.
    let script = "/usr/bin/script"
    guard FileManager.default.isExecutableFile(atPath: script) else { return }
    let dir = try temporaryDirectory()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: script)
    process.arguments = ["-qfec", "'\(kaplanExecutable().path)' repl", "/dev/null"]
    process.currentDirectoryURL = dir
    var env = ProcessInfo.processInfo.environment
    env["KAPLAN_STDLIB"] = projectRoot.appendingPathComponent("stdlib").path
    env["HOME"] = dir.path
    process.environment = env
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    final class Sink: @unchecked Sendable { let lock = NSLock(); var data = Data() }
    let sink = Sink()
    output.fileHandleForReading.readabilityHandler = { h in
      let d = h.availableData
      sink.lock.withLock { sink.data.append(d) }
    }
    try process.run()
    func text() -> String { sink.lock.withLock { String(decoding: sink.data, as: UTF8.self) } }
    func waitFor(_ s: String, _ seconds: Double = 10) -> Bool {
      let end = Date().addingTimeInterval(seconds)
      while Date() < end { if text().contains(s) { return true }; usleep(20_000) }
      return false
    }
    func send(_ s: String) { input.fileHandleForWriting.write(Data(s.utf8)) }
    #expect(waitFor("Ctrl-D quits"))
    send("x = 3\nprint('go') print(string.rep('a', 4e4):find('.-.-.-.-b'))\n")
    #expect(waitFor("go\r\n"))
    usleep(300_000)
    send("\u{03}")
    usleep(300_000)
    send("\u{03}")
    #expect(waitFor("Starting a fresh session (globals are lost)."), "\(text())")
    send("print(x, 'fresh')\n")
    #expect(waitFor("nil\tfresh"), "\(text())")
    send("\u{04}")
    let end = Date().addingTimeInterval(10)
    while process.isRunning && Date() < end { usleep(20_000) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
  }
}
