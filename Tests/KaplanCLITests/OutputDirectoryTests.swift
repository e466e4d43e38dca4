import Foundation
import Testing
import TestSupport

/// `--out` that cannot be a directory is a usage error naming the option and
/// the path; it printed a raw NSCocoaErrorDomain message.
struct OutputDirectoryTests {
  @Test func outThatIsAFileIsNamed() throws {
    let r = try runKaplan(["run", "scripts/example.lua", "--out", "/dev/null"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("--out: '/dev/null' exists and is not a directory"), "\(r.stderr)")
    #expect(!r.stderr.contains("NSCocoaErrorDomain"))
  }

  @Test func outUnderAFileIsNamed() throws {
    let dir = try temporaryDirectory()
    let file = dir.appendingPathComponent("plain.txt")
    try Data("x".utf8).write(to: file)
    let r = try runKaplan(["run", "scripts/example.lua", "--out", file.path + "/sub/dir"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("--out: '\(file.path)' (in '\(file.path)/sub/dir') is not a directory"), "\(r.stderr)")
  }

  @Test func outIsCreatedWithItsParents() throws {
    let dir = try temporaryDirectory()
    let script = dir.appendingPathComponent("w.lua")
    try Data("write_csv(dataset('aml'), 'aml.csv')".utf8).write(to: script)
    let out = dir.appendingPathComponent("a/b/c")
    let r = try runKaplan(["run", script.path, "--out", out.path], directory: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("aml.csv").path))
  }
}
