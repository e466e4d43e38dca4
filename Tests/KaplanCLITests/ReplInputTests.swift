import Foundation
import Testing
import TestSupport

/// Piped REPL input that is not UTF-8 is refused with a message and the
/// session goes on (exit 1); it used to run with U+FFFD in place of the bytes.
struct ReplInputTests {
  @Test func invalidUTF8LineIsRefused() throws {
    var input = Data("print(1)\n".utf8)
    input.append(contentsOf: [0xE9, 0x74, 0xE9] + Array(" = 5\nprint(t == nil)\n".utf8))
    let r = try runKaplan(["repl"], stdinBytes: input)
    #expect(r.stdout == "1\ntrue\n")
    #expect(r.stderr.contains("stdin: line not run: byte 0xE9 at column 1 is not valid UTF-8"), "\(r.stderr)")
    #expect(r.status == 1)
  }

  @Test func pendingChunkIsDroppedWhole() throws {
    // The line inside an unfinished chunk is refused: the chunk is not run without it.
    var input = Data("x = {\n".utf8)
    input.append(contentsOf: [0x22, 0xE9, 0x22] + Array(",\n}\nprint(x == nil)\n".utf8))
    let r = try runKaplan(["repl"], stdinBytes: input)
    #expect(r.stdout.hasSuffix("true\n"), "\(r.stdout)")
    #expect(r.status == 1)
  }

  @Test func validUTF8AndCRLFPass() throws {
    let r = try runKaplan(["repl"], stdinBytes: Data("x = \"été\"\r\nprint(#x)\n".utf8))
    #expect(r.stdout == "5\n")
    #expect(r.status == 0)
  }
}
