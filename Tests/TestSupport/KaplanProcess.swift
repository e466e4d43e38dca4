import Foundation

/// The result of running the built `kaplan` executable.
public struct ProcessResult {
  public let status: Int32
  public let stdout: String
  public let stderr: String
}

/// The `kaplan` executable of this build (next to the test bundle).
public func kaplanExecutable() -> URL {
  var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
  for _ in 0..<4 {
    let candidate = dir.appendingPathComponent("kaplan")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    dir.deleteLastPathComponent()
  }
  return projectRoot.appendingPathComponent(".build/debug/kaplan")
}

/// Runs `kaplan` with `arguments`, feeding `stdin`, in `directory`.
public func runKaplan(_ arguments: [String], stdin: String? = nil, directory: URL? = nil,
                      environment: [String: String] = [:]) throws -> ProcessResult {
  try runKaplan(arguments, stdinBytes: stdin.map { Data($0.utf8) }, directory: directory, environment: environment)
}

/// `runKaplan` with raw bytes on stdin (a String cannot hold bytes that are
/// not UTF-8, which the REPL's input tests send).
public func runKaplan(_ arguments: [String], stdinBytes: Data?, directory: URL? = nil,
                      environment: [String: String] = [:]) throws -> ProcessResult {
  let process = Process()
  process.executableURL = kaplanExecutable()
  process.arguments = arguments
  process.currentDirectoryURL = directory ?? projectRoot
  var env = ProcessInfo.processInfo.environment
  for (k, v) in environment { env[k] = v }
  env["KAPLAN_STDLIB"] = projectRoot.appendingPathComponent("stdlib").path
  process.environment = env
  let out = Pipe(), err = Pipe(), input = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = input
  try process.run()
  if let stdinBytes { input.fileHandleForWriting.write(stdinBytes) }
  try input.fileHandleForWriting.close()
  // Read both pipes fully before waiting, so a large output cannot block.
  final class Sink: @unchecked Sendable { var data = Data() }
  let outSink = Sink()
  let group = DispatchGroup()
  group.enter()
  DispatchQueue.global().async { outSink.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  let outData = outSink.data
  process.waitUntilExit()
  return ProcessResult(status: process.terminationStatus,
                       stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData, as: UTF8.self))
}

/// A fresh temporary directory for one test.
public func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("kaplan-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
