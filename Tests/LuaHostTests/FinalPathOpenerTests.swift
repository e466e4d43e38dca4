import Foundation
import Testing
@testable import LuaHost

/// `finalPathOpener()`: io.open with O_NOFOLLOW, for paths the sandbox has
/// already resolved (issue 12).
struct FinalPathOpenerTests {
  @Test func opensFilesButNotLinks() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kaplan-open-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let file = dir.appendingPathComponent("f.txt").path
    let link = dir.appendingPathComponent("l.txt").path
    try FileManager.default.createSymbolicLink(
      atPath: link, withDestinationPath: dir.appendingPathComponent("t.txt").path)
    let lua = try LuaState()
    try lua.setGlobal("open_final", try lua.finalPathOpener())
    let results = try lua.run("""
      local F, L = '\(file)', '\(link)'
      local f = assert(open_final(F, "w", "shown.txt")); f:write("one\\n", 2); f:close()
      local a = assert(open_final(F, "a+")); a:write("three"); a:seek("set"); local text = a:read("a"); a:close()
      local ok, message = open_final(L, "w", "l.txt")
      local closed = pcall(f.write, f, "x")
      return text, ok, message, io.type(a), closed, select(2, pcall(open_final, "x", "q"))
      """, chunkName: "=t")
    #expect(results.count == 6)
    #expect(results[0] == .string("one\n2three"))
    #expect(results[1] == .nil)
    #expect(results[2] == .string("l.txt: Too many levels of symbolic links"))
    #expect(results[3] == .string("closed file"))
    #expect(results[4] == .boolean(false))
    #expect(results.last?.stringValue?.contains("invalid mode") == true)
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("t.txt").path))
  }
}
