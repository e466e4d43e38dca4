import Foundation
import Testing
import TestSupport

/// Each forbidden capability is tried from a script and must fail cleanly,
/// saying what was refused and which flag allows it; `--trust` allows the
/// allowed ones. Limits (time, memory) stop runaway scripts cleanly.
struct SandboxTests {
  struct Case: CustomStringConvertible, Sendable {
    let code: String
    let refusal: String
    let flag: String
    let trustedRuns: Bool
    var description: String { code }
  }

  static let cases: [Case] = [
    Case(code: "os.execute('true')", refusal: "os.execute is not allowed in the sandbox", flag: "--trust",
      trustedRuns: true),
    Case(code: "io.popen('ls')", refusal: "io.popen is not allowed in the sandbox", flag: "--trust", trustedRuns: true),
    Case(code: "os.remove('nothing-here')", refusal: "os.remove is not allowed in the sandbox", flag: "--trust",
      trustedRuns: true),
    Case(code: "os.getenv('HOME')", refusal: "os.getenv is not allowed in the sandbox", flag: "--trust",
      trustedRuns: true),
    Case(code: "os.exit(0)", refusal: "os.exit is not allowed in the sandbox", flag: "--trust", trustedRuns: true),
    Case(code: "package.loadlib('libc.so.6', 'puts')", refusal: "package.loadlib is not allowed in the sandbox",
      flag: "--trust", trustedRuns: true),
    Case(code: "debug.traceback()", refusal: "debug.traceback is not allowed in the sandbox", flag: "--trust",
      trustedRuns: true),
    Case(code: "string.dump(print)", refusal: "string.dump (binary chunks) is not allowed in the sandbox",
      flag: "--trust", trustedRuns: false),
    Case(code: "load('\\27Lua', 'x', 'b')", refusal: "only text chunks are allowed in the sandbox", flag: "--trust",
      trustedRuns: true),
    Case(code: "io.open('/etc/passwd')", refusal: "reading '/etc/passwd' is not allowed in the sandbox",
      flag: "--trust", trustedRuns: true),
    Case(code: "io.lines('/etc/hostname')", refusal: "reading '/etc/hostname' is not allowed in the sandbox",
      flag: "--data NAME=PATH", trustedRuns: true),
    Case(code: "io.open('/tmp/kaplan-sandbox-test.txt', 'w')", refusal: "writing '/tmp/kaplan-sandbox-test.txt' is not "
      + "allowed in the sandbox", flag: "--out DIR", trustedRuns: true),
    Case(code: "io.open('../escape.txt', 'w')", refusal: "writing '../escape.txt' is not allowed in the sandbox",
      flag: "--out DIR", trustedRuns: true),
  ]

  @Test(arguments: cases)
  func forbiddenCapabilityIsRefused(_ c: Case) throws {
    let dir = try temporaryDirectory()
    try "\(c.code)\nprint('after')\n".write(to: dir.appendingPathComponent("s.lua"), atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("out")
    let r = try runKaplan(["run", "s.lua", "--out", out.path], directory: dir)
    #expect(r.status == 1)
    #expect(r.stderr.contains(c.refusal), "stderr: \(r.stderr)")
    #expect(r.stderr.contains(c.flag))
    #expect(!r.stdout.contains("after"))
    let t = try runKaplan(["run", "s.lua", "--trust", "--out", out.path], directory: dir)
    if c.trustedRuns {
      #expect(!t.stderr.contains("not allowed"), "trusted stderr: \(t.stderr)")
    }
  }

  @Test(arguments: [
    ("local f = io.open('/etc/passwd')", "kaplan: s.lua:1: reading '/etc/passwd' is not allowed"),
    ("local f = io.lines('/etc/passwd')", "kaplan: s.lua:1: reading '/etc/passwd' is not allowed"),
    ("local f = loadfile('/etc/passwd')", "kaplan: s.lua:1: reading '/etc/passwd' is not allowed"),
    ("dofile('/etc/passwd')", "kaplan: s.lua:1: reading '/etc/passwd' is not allowed"),
    ("package.path = '/etc/?'\nlocal m = require('passwd')", "kaplan: s.lua:2: reading '/etc/passwd' is not allowed"),
    ("local f = io.open('x.csv', 5)", "kaplan: s.lua:1: bad argument #2 to 'open' (string expected, got number)"),
    ("local f = io.open('x.csv', 'x')", "kaplan: s.lua:1: bad argument #2 to 'open' (invalid mode 'x'"),
  ])
  func refusalsAndBadModesPointAtTheScript(code: String, message: String) throws {
    // Found by the robustness probes: these pointed at sandbox.lua (or said
    // "attempt to index a number value (local 'mode')").
    let dir = try temporaryDirectory()
    try code.write(to: dir.appendingPathComponent("s.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "s.lua"], directory: dir)
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix(message), "stderr: \(r.stderr)")
  }

  @Test func writesInsideOutDirectoryAreAllowed() throws {
    let dir = try temporaryDirectory()
    try ("local f = assert(io.open('result.txt', 'w')) f:write('ok') f:close() "
      + "print(io.open('out/result.txt'):read('a'))")
      .write(to: dir.appendingPathComponent("s.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "s.lua", "--out", "out"], directory: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "ok\n")
  }

  @Test func infiniteLoopHitsTheTimeout() throws {
    let dir = try temporaryDirectory()
    try "while true do end".write(to: dir.appendingPathComponent("s.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "s.lua", "--timeout", "0.3"], directory: dir)
    #expect(r.status == 1)
    #expect(r.stderr.contains("s.lua:1: time limit of 0.3 s exceeded (raise it with --timeout)"))
  }

  @Test func hugeStringsFailCleanly() throws {
    let dir = try temporaryDirectory()
    // 1e10 bytes exceeds Lua's own string size limit; 1e9 exceeds --max-memory.
    try "local s = string.rep('x', 1e10)"
      .write(to: dir.appendingPathComponent("s.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "s.lua", "--max-memory", "64M"], directory: dir)
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("kaplan: s.lua:1: resulting string too large"))
    try "local s = string.rep('x', 1e9)"
      .write(to: dir.appendingPathComponent("s.lua"), atomically: true, encoding: .utf8)
    let r2 = try runKaplan(["run", "s.lua", "--max-memory", "64M"], directory: dir)
    #expect(r2.status == 1)
    #expect(r2.stderr.hasPrefix("kaplan: not enough memory"))
  }

  @Test func endlessTableHitsTheMemoryLimit() throws {
    let dir = try temporaryDirectory()
    try "local t = {} while true do t[#t + 1] = {i = #t} end"
      .write(to: dir.appendingPathComponent("s.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "s.lua", "--max-memory", "64M"], directory: dir)
    #expect(r.status == 1)
    #expect(r.stderr.contains("not enough memory"))
  }
}
