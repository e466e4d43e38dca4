import Foundation
import Testing
import TestSupport

/// `kaplan repl` at a terminal (a pseudo-terminal), where it reads through
/// libedit: the history file and the bytes typed.
struct TerminalReplTests {
  @Test func historyGoesToHomeFromTheEnvironment() throws {
    // $HOME first: the history used to go to the password database's home.
    let home = try temporaryDirectory()
    let r = try runKaplanInTerminal(typing: ["answer = 6 * 7"], environment: ["HOME": home.path])
    #expect(r.status == 0, "\(r.stderr)")
    let history = try String(contentsOf: home.appendingPathComponent(".kaplan_history"), encoding: .utf8)
    #expect(history.contains("answer"))
    #expect(!r.stderr.contains("history"))
  }

  @Test func unwritableHistoryIsSaidOnce() throws {
    // A home that does not exist: the session works, and says once that
    // its history is not kept (it used to say nothing).
    let home = "/nonexistent-kaplan-home-\(UUID().uuidString)"
    let r = try runKaplanInTerminal(typing: ["print(6 * 7)", "print(7 * 8)"], environment: ["HOME": home])
    #expect(r.status == 0)
    #expect(r.screen.contains("42") && r.screen.contains("56"))
    #expect(r.stderr.components(separatedBy: "history is not saved").count == 2, "\(r.stderr)")
    #expect(r.stderr.contains(home + "/.kaplan_history"))
  }

  @Test func utf8TypedReachesLua() throws {
    // "été" is 5 bytes. libedit used to drop every non-ASCII byte (no
    // locale set), so x was "t" and this printed 100.
    let home = try temporaryDirectory()
    let r = try runKaplanInTerminal(
      typing: [Array("x = \"été\"".utf8), Array("print(#x * 100)".utf8)],
      environment: ["HOME": home.path, "LANG": "", "LC_ALL": ""])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.screen.contains("500"), "\(r.screen)")
  }

  @Test func tabCompletesMethodsColumnsAndOptionNames() throws {
    // Each Tab has one candidate, so libedit inserts it in the line. The
    // option name needs the whole line (libedit's word is "conf_t").
    let home = try temporaryDirectory()
    let r = try runKaplanInTerminal(typing: [
      "fit = km(dataset('aml'), 'Surv(time, status) ~ x')",
      "print(fit:qu\t().probs[2] * 1000)",
      "d = dataset('lung')",
      "print(#d.ag\t * 3)",
      "print(km(d, 'Surv(time, status) ~ 1', {conf_t\t = 'log'}).conf_type:upper())",
    ], environment: ["HOME": home.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.isEmpty, "\(r.stderr)")
    #expect(r.screen.contains("500"), "\(r.screen)")
    #expect(r.screen.contains("684"), "\(r.screen)")
    #expect(r.screen.contains("LOG"), "\(r.screen)")
  }

  @Test func invalidUTF8TypedIsRefusedNotAltered() throws {
    // "\xE9t\xE9 = 5" used to run as "t = 5".
    let home = try temporaryDirectory()
    let r = try runKaplanInTerminal(
      typing: [[0xE9, 0x74, 0xE9] + Array(" = 5".utf8), Array("print(t == nil and 6 * 7 or -1)".utf8)],
      environment: ["HOME": home.path])
    #expect(r.stderr.contains("line not run"), "\(r.stderr)")
    #expect(r.stderr.contains("not valid UTF-8"))
    #expect(r.screen.contains("42"), "\(r.screen)")
  }
}

struct TerminalResult {
  let status: Int32
  /// Everything written to the terminal (prompts, echo, stdout).
  let screen: String
  let stderr: String
}

/// Runs `kaplan repl` with stdin and stdout on a pseudo-terminal and stderr
/// on a pipe; types each line (with Return) once the REPL prompts for it,
/// then Ctrl-D. Fails after `timeout` seconds rather than hanging.
func runKaplanInTerminal(
  typing lines: [[UInt8]], environment: [String: String], timeout: Double = 30
) throws -> TerminalResult {
  let pty = try PseudoTerminalCalls()
  let master = pty.open(O_RDWR | O_NOCTTY)
  guard master >= 0, pty.grant(master) == 0, pty.unlock(master) == 0, let name = pty.name(master) else {
    throw TerminalError.noPseudoTerminal
  }
  defer { close(master) }
  let slave = open(String(cString: name), O_RDWR | O_NOCTTY)
  guard slave >= 0 else { throw TerminalError.noPseudoTerminal }
  let process = Process()
  process.executableURL = kaplanExecutable()
  process.arguments = ["repl"]
  var env = ProcessInfo.processInfo.environment
  env["TERM"] = "xterm"
  for (k, v) in environment { env[k] = v }
  env["KAPLAN_STDLIB"] = projectRoot.appendingPathComponent("stdlib").path
  process.environment = env
  let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
  process.standardInput = terminal
  process.standardOutput = terminal
  let err = Pipe()
  process.standardError = err
  try process.run()
  close(slave)

  final class Screen: @unchecked Sendable {
    let lock = NSLock()
    var bytes: [UInt8] = []
    var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
  }
  let screen = Screen()
  let reader = Thread {
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = read(master, &buffer, buffer.count)
      if n <= 0 { break }  // EIO once the REPL has closed the terminal
      screen.lock.withLock { screen.bytes += buffer[0..<n] }
    }
  }
  reader.start()
  let deadline = Date().addingTimeInterval(timeout)
  func waitForPrompts(_ count: Int) {
    while Date() < deadline && screen.text.components(separatedBy: "> ").count - 1 < count {
      usleep(20_000)
    }
  }
  for (i, line) in lines.enumerated() {
    waitForPrompts(i + 1)
    _ = (line + [0x0D]).withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
  }
  waitForPrompts(lines.count + 1)
  var eof: UInt8 = 0x04
  _ = write(master, &eof, 1)
  while process.isRunning && Date() < deadline { usleep(20_000) }
  if process.isRunning { process.terminate() }
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return TerminalResult(
    status: process.terminationStatus, screen: screen.text,
    stderr: String(decoding: errData, as: UTF8.self))
}

func runKaplanInTerminal(
  typing lines: [String], environment: [String: String], timeout: Double = 30
) throws -> TerminalResult {
  try runKaplanInTerminal(typing: lines.map { Array($0.utf8) }, environment: environment, timeout: timeout)
}

enum TerminalError: Error { case noPseudoTerminal }

/// posix_openpt, grantpt, unlockpt and ptsname: in the C library, but not
/// exported by Swift's Glibc module, so looked up by name.
struct PseudoTerminalCalls {
  let open: @convention(c) (Int32) -> Int32
  let grant: @convention(c) (Int32) -> Int32
  let unlock: @convention(c) (Int32) -> Int32
  let name: @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?

  init() throws {
    guard let library = dlopen(nil, RTLD_NOW),
      let o = dlsym(library, "posix_openpt"), let g = dlsym(library, "grantpt"),
      let u = dlsym(library, "unlockpt"), let n = dlsym(library, "ptsname")
    else { throw TerminalError.noPseudoTerminal }
    open = unsafeBitCast(o, to: (@convention(c) (Int32) -> Int32).self)
    grant = unsafeBitCast(g, to: (@convention(c) (Int32) -> Int32).self)
    unlock = unsafeBitCast(u, to: (@convention(c) (Int32) -> Int32).self)
    name = unsafeBitCast(n, to: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)
  }
}
