import Foundation
import Testing
import LuaHost

/// `string.rep` of every state (CLuaShim): Lua 5.4.4's own loops n times
/// even when there is nothing to copy, so `string.rep("", 1 << 60)` spun in
/// C past every time limit (found by fuzz-lua-api).
struct StringRepTests {
  func run(_ code: String) throws -> [LuaValue] {
    try LuaState().run(code, chunkName: "=t")
  }

  @Test func nothingToCopyAnswersAtOnce() throws {
    let started = Date()
    #expect(try run("return string.rep('', 1 << 60), string.rep('', 1 << 60, ''), ('').rep('', math.maxinteger)")
      == [.string(""), .string(""), .string("")])
    #expect(Date().timeIntervalSince(started) < 1)
  }

  @Test func repeatsAsLuaDoes() throws {
    #expect(try run("return string.rep('ab', 3, ','), string.rep('ab', 3), string.rep('x', 0), string.rep('x', -5), "
      + "string.rep('', 3, '-'), string.rep(12, 2), string.rep('a\\0', 2)")
      == [
        .string("ab,ab,ab"), .string("ababab"), .string(""), .string(""), .string("--"), .string("1212"),
        .string("a\0a\0"),
      ])
  }

  @Test func badArgumentsAndHugeResultsAreErrors() throws {
    for (code, message) in [
      ("string.rep('x', 'y')", "bad argument #2 to 'rep' (number expected, got string)"),
      ("string.rep({}, 2)", "bad argument #1 to 'rep' (string expected, got table)"),
      ("string.rep('x', 1.5)", "bad argument #2 to 'rep' (number has no integer representation)"),
      ("string.rep('xy', math.maxinteger)", "resulting string too large"),
    ] {
      do {
        _ = try run(code)
        Issue.record("\(code): no error")
      } catch {
        #expect(String(describing: error).contains(message), "\(code): \(error)")
      }
    }
  }
}
