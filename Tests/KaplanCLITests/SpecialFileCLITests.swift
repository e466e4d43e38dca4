import Foundation
import Testing
import TestSupport

/// Lua's own file functions (io.open, io.lines, loadfile, dofile, require)
/// open with `fopen`, which waits for ever for a writer on a named pipe: the
/// sandbox refuses pipes, devices and sockets before they are opened
/// (issue 12, item 7).
struct SpecialFileCLITests {
  @Test(arguments: [
    "io.open('fifo.lua')", "io.open('fifo.lua', 'w')", "io.lines('fifo.lua')", "loadfile('fifo.lua')",
    "dofile('fifo.lua')", "require('fifo')",
  ])
  func aNamedPipeIsRefusedNotWaitedOn(call: String) throws {
    let dir = try temporaryDirectory()
    #expect(mkfifo(dir.appendingPathComponent("fifo.lua").path, 0o600) == 0)
    try "local ok, e = pcall(function() return \(call) end)\nprint(e)\n"
      .write(to: dir.appendingPathComponent("p.lua"), atomically: true, encoding: .utf8)
    let started = Date()
    let r = try runKaplan(["run", "p.lua", "--timeout", "20"], directory: dir)
    #expect(Date().timeIntervalSince(started) < 10)
    #expect(r.status == 0)
    #expect(r.stdout.contains("fifo.lua' is not allowed: it is a named pipe (FIFO), not a regular file"))
  }
}
