import ArgumentParser
import Foundation
import RunControl
import Scripting

/// Restricts this process with Landlock before the script runs (not with
/// `--trust`); says once on stderr when the kernel cannot (issue 12).
func restrictWithKernelSandbox(_ runtime: KaplanRuntime) {
  guard !runtime.options.trusted else { return }
  let outcome = KernelSandbox.plan(for: runtime).enforce()
  if let line = KernelSandbox.statusLine(outcome) { printError(line) }
}

/// `kaplan run --sandbox-info [SCRIPT]`: what the sandbox of such a run
/// enforces, and how.
func printSandboxInfo(sandbox: SandboxOptions, script: String?) throws {
  let directory = script.map { URL(fileURLWithPath: $0).standardizedFileURL.deletingLastPathComponent().path }
  let options = try sandbox.runtimeOptions(
    scriptDirectory: directory, scriptName: script ?? "kaplan", arguments: [])
  let runtime = try KaplanRuntime(options: options)
  print(KernelSandbox.plan(for: runtime).describe(trusted: options.trusted))
}

/// `kaplan sandbox-probe SCRIPT [run options] -- OP...` (hidden, for the
/// tests): sets up as `kaplan run SCRIPT` would, enforces the kernel layer,
/// then tries each OP with the system calls themselves, past the Lua path
/// checks, and prints `OP: ok` or `OP: <errno name>`. OP is `read:PATH`,
/// `write:PATH`, `list:PATH`, `exec:PATH` or `thread-stat:` (another
/// thread's /proc/<tid>/stat, as libdispatch reads it).
struct SandboxProbe: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sandbox-probe", abstract: "Test the kernel sandbox (for Kaplan's tests).", shouldDisplay: false)

  @Argument(help: "The script whose run is set up.")
  var script: String

  @OptionGroup var sandbox: SandboxOptions

  @Argument(parsing: .postTerminator, help: "read:PATH, write:PATH, list:PATH or exec:PATH")
  var operations: [String] = []

  func run() throws {
    let directory = URL(fileURLWithPath: script).standardizedFileURL.deletingLastPathComponent().path
    let runtime = try KaplanRuntime(options: try sandbox.runtimeOptions(
      scriptDirectory: directory, scriptName: script, arguments: []))
    switch KernelSandbox.plan(for: runtime).enforce() {
    case .enforced(let abi, _): print("landlock: ABI \(abi)")
    case .unavailable(let reason): print("landlock: unavailable: \(reason)")
    }
    for op in operations {
      guard let colon = op.firstIndex(of: ":") else { throw ValidationError("bad operation '\(op)'") }
      let path = String(op[op.index(after: colon)...])
      let result: Int32
      switch op[..<colon] {
      case "read": result = probeOpen(path, O_RDONLY)
      case "write": result = probeOpen(path, O_WRONLY | O_CREAT | O_TRUNC)
      case "list": result = probeOpen(path, O_RDONLY | O_DIRECTORY)
      case "exec": result = probeExec(path)
      case "thread-stat": result = probeThreadStat()
      default: throw ValidationError("bad operation '\(op)'")
      }
      print("\(op): \(result == 0 ? "ok" : errorName(result).prefix(while: { $0 != ":" }))")
    }
    StandardStreams.flushOutput()
  }

  private func probeOpen(_ path: String, _ flags: Int32) -> Int32 {
    let fd = open(path, flags | O_CLOEXEC, 0o644)
    guard fd >= 0 else { return errno }
    close(fd)
    return 0
  }

  /// Opens /proc/<tid>/stat of a second, live thread of this process, as
  /// libdispatch's worker-pool monitor does for its workers (`thread-stat:`).
  private func probeThreadStat() -> Int32 {
    final class Box: @unchecked Sendable {  // written by the thread before `started` is signalled
      var tid: Int32 = 0
    }
    let box = Box()
    let started = DispatchSemaphore(value: 0)
    let finish = DispatchSemaphore(value: 0)
    let thread = Thread {
      // /proc/thread-self links to "<pid>/task/<tid>" (gettid is not imported).
      var link = [CChar](repeating: 0, count: 64)
      let n = readlink("/proc/thread-self", &link, link.count - 1)
      let text = n > 0 ? String(decoding: link.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
      box.tid = Int32(text.split(separator: "/").last.map(String.init) ?? "") ?? 0
      started.signal()
      finish.wait()
    }
    thread.start()
    started.wait()
    defer { finish.signal() }
    return probeOpen("/proc/\(box.tid)/stat", O_RDONLY)
  }

  /// Runs `path` with no arguments; 0 when it could be started.
  private func probeExec(_ path: String) -> Int32 {
    var pid: pid_t = 0
    guard let program = strdup(path) else { return ENOMEM }
    defer { free(program) }
    var argv: [UnsafeMutablePointer<CChar>?] = [program, nil]
    let status = posix_spawn(&pid, program, nil, nil, &argv, environ)
    guard status == 0 else { return status }
    // glibc's posix_spawn returns execve's error itself.
    var exit: Int32 = 0
    waitpid(pid, &exit, 0)
    return 0
  }
}
