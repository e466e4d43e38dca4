import Foundation
import Testing
import TestSupport

/// Piped REPL input that is not UTF-8 is refused with a message and the
/// session goes on (exit 1); it used to run with U+FFFD in place of the bytes.
struct ReplInputTests {
  @Test func invalidUTF8LineIsRefused() throws {
    var input = Data("print(1)\n".utf8)
    input.append(contentsOf: [0xE9, 0x74, 0xE9] + Array(" = 5\nprint(t == nil)\n".utf8))
    let r = try runKaplanBytes(["repl"], stdin: input)
    #expect(r.stdout == "1\ntrue\n")
    #expect(r.stderr.contains("stdin: line not run: byte 0xE9 at column 1 is not valid UTF-8"), "\(r.stderr)")
    #expect(r.status == 1)
  }

  @Test func pendingChunkIsDroppedWhole() throws {
    // The line inside an unfinished chunk is refused: the chunk is not run without it.
    var input = Data("x = {\n".utf8)
    input.append(contentsOf: [0x22, 0xE9, 0x22] + Array(",\n}\nprint(x == nil)\n".utf8))
    let r = try runKaplanBytes(["repl"], stdin: input)
    #expect(r.stdout.hasSuffix("true\n"), "\(r.stdout)")
    #expect(r.status == 1)
  }

  @Test func validUTF8AndCRLFPass() throws {
    let r = try runKaplanBytes(["repl"], stdin: Data("x = \"été\"\r\nprint(#x)\n".utf8))
    #expect(r.stdout == "5\n")
    #expect(r.status == 0)
  }
}

/// runKaplan with raw bytes on stdin (runKaplan takes a String, which cannot
/// hold bytes that are not UTF-8).
func runKaplanBytes(_ arguments: [String], stdin: Data) throws -> (status: Int32, stdout: String, stderr: String) {
  let dir = try temporaryDirectory()
  let input = dir.appendingPathComponent("stdin.bin")
  try stdin.write(to: input)
  let process = Process()
  process.executableURL = kaplanExecutable()
  process.arguments = arguments
  process.currentDirectoryURL = projectRoot
  var env = ProcessInfo.processInfo.environment
  env["KAPLAN_STDLIB"] = projectRoot.appendingPathComponent("stdlib").path
  process.environment = env
  let out = Pipe(), err = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = try FileHandle(forReadingFrom: input)
  try process.run()
  final class Sink: @unchecked Sendable { var data = Data() }
  let outSink = Sink()
  let group = DispatchGroup()
  group.enter()
  DispatchQueue.global().async { outSink.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: outSink.data, as: UTF8.self),
          String(decoding: errData, as: UTF8.self))
}
