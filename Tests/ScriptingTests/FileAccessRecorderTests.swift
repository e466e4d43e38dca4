import Foundation
import Testing
import TestSupport

@testable import Scripting

/// The recorder behind `kaplan run --record` sits in the sandbox policy
/// (issue 19): every path that passes a check is noted once, nothing before
/// `start()`, and a file the run wrote is an output, not an input.
@Suite struct FileAccessRecorderTests {
  @Test func policyNotesReadsAndWritesAfterStart() throws {
    let dir = try temporaryDirectory()
    let out = dir.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    try "a\n".write(to: dir.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
    let recorder = FileAccessRecorder()
    let policy = SandboxPolicy(
      trusted: false, readRoots: [dir.path], outputDirectory: out.path, workingDirectory: dir.path,
      recorder: recorder)
    _ = try policy.checkRead("in.csv")  // before start: not noted
    recorder.start()
    _ = try policy.checkRead("in.csv")
    _ = try policy.checkRead("./in.csv")  // the same file, once
    _ = try policy.checkWrite("result.txt")
    _ = try policy.checkRead(out.appendingPathComponent("result.txt").path)  // written, so an output
    #expect(throws: SandboxError.self) { try policy.checkRead("/etc/passwd") }  // refused: not noted
    let (reads, writes) = recorder.accesses()
    #expect(reads.map(\.written) == ["in.csv"])
    #expect(reads.map(\.resolved) == [dir.appendingPathComponent("in.csv").standardizedFileURL.path])
    #expect(writes.map(\.written) == ["result.txt"])
  }

  @Test func recordKeepsOnlyRegularFilesWithTheirHashes() throws {
    let dir = try temporaryDirectory()
    try "a\n".write(to: dir.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
    let recorder = FileAccessRecorder()
    let policy = SandboxPolicy(
      trusted: false, readRoots: [], outputDirectory: dir.path, workingDirectory: dir.path, recorder: recorder)
    recorder.start()
    _ = try policy.checkRead("in.csv")
    _ = try policy.checkRead("missing.lua")  // a require candidate that does not exist
    _ = try policy.checkWrite("never-written.txt")
    let files = RunRecord.files(of: recorder, outputDirectory: dir.path, stdlib: "/nonexistent-stdlib")
    #expect(files.inputs.map(\.path) == ["in.csv"])
    #expect(files.inputs.first?.sha256 == SHA256.hex(Data("a\n".utf8)))
    #expect(files.inputs.first?.size == 2)
    #expect(files.outputs.isEmpty)
  }
}
