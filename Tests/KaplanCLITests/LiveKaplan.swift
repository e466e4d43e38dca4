import Foundation
import TestSupport

/// A `kaplan` process the test talks to while it runs: feed standard input,
/// send signals, read what it printed so far (issue 12: Ctrl-C, SIGTERM,
/// SIGKILL of a run).
final class LiveKaplan: @unchecked Sendable {
  let process = Process()
  private let input = Pipe()
  private let lock = NSLock()
  private var out = Data()
  private var err = Data()
  let started = Date()

  init(_ arguments: [String], directory: URL, environment: [String: String] = [:]) throws {
    process.executableURL = kaplanExecutable()
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    env["KAPLAN_STDLIB"] = projectRoot.appendingPathComponent("stdlib").path
    process.environment = env
    let outPipe = Pipe(), errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = input
    outPipe.fileHandleForReading.readabilityHandler = { [weak self] h in
      let d = h.availableData
      self?.lock.withLock { self?.out.append(d) }
    }
    errPipe.fileHandleForReading.readabilityHandler = { [weak self] h in
      let d = h.availableData
      self?.lock.withLock { self?.err.append(d) }
    }
    try process.run()
  }

  var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
  var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }
  var elapsed: Double { Date().timeIntervalSince(started) }

  func send(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }
  func closeInput() { try? input.fileHandleForWriting.close() }
  func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

  /// Waits until `condition` holds or `seconds` pass; returns whether it held.
  @discardableResult
  func wait(upTo seconds: Double, until condition: () -> Bool) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
      if condition() { return true }
      usleep(20_000)
    }
    return condition()
  }

  /// Waits for the exit (killing it after `seconds`); returns the status.
  func finish(within seconds: Double) -> Int32 {
    if !wait(upTo: seconds, until: { !process.isRunning }) {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    process.waitUntilExit()
    usleep(50_000)  // the last output
    return process.terminationStatus
  }
}

/// Whether `pid` is gone: no such process, or a zombie waiting for init.
func processIsGone(_ pid: Int32) -> Bool {
  guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
    return kill(pid, 0) != 0
  }
  // "pid (comm) S ...": the state follows the last ')'.
  guard let close = stat.lastIndex(of: ")") else { return false }
  let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
  return state == "Z" || state == "X"
}
