import Foundation
import Testing
import TestSupport

/// `kaplan repl` driven through a pipe, as scripts and tests use it.
struct ReplTests {
  @Test func expressionsPrintTheirValues() throws {
    let r = try runKaplan(["repl"], stdin: "print(1+1)\n1+1\n'a' .. 'b'\n{1, 2, x = 3}\n")
    #expect(r.status == 0)
    #expect(r.stdout == "2\n2\n\"ab\"\n{\n  1,\n  2,\n  x = 3,\n}\n")
  }

  @Test func multiLineInputContinuesUntilComplete() throws {
    let r = try runKaplan(["repl"], stdin: "function sq(x)\n  return x * x\nend\nsq(12)\n")
    #expect(r.stdout == "144\n")
  }

  @Test func errorsPrintAndTheSessionGoesOn() throws {
    let r = try runKaplan(["repl"], stdin: "error('oops')\nx = = 1\nprint('still here')\n")
    #expect(r.stdout == "still here\n")
    #expect(r.stderr.contains("stdin:1: oops"))
    #expect(r.stderr.contains("unexpected symbol near '='"))
    #expect(r.status == 1)
  }

  @Test func helpListsAndDescribesFunctions() throws {
    let r = try runKaplan(["repl"], stdin: "help()\nhelp(show)\n")
    #expect(r.stdout.contains("show(x, ...)"))
    #expect(r.stdout.contains("Example:"))
  }

  @Test func noArgumentsStartsTheRepl() throws {
    let r = try runKaplan([], stdin: "print(6 * 7)\n")
    #expect(r.stdout == "42\n")
  }
}
