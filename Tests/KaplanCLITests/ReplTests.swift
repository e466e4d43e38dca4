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

  @Test func incompleteChunkAtEndOfInputIsReported() throws {
    // Found by the robustness probes: the unfinished chunk was dropped
    // silently and the session exited 0.
    let r = try runKaplan(["repl"], stdin: "print(1+1)\nfor i = 1, 3 do\n  print(i)\n")
    #expect(r.stdout == "2\n")
    #expect(r.stderr == "stdin:3: 'end' expected (to close 'for' at line 1) near <eof>\n")
    #expect(r.status == 1)
    let r2 = try runKaplan(["repl"], stdin: "x = ")
    #expect(r2.stderr == "stdin:2: unexpected symbol near <eof>\n")
    #expect(r2.status == 1)
  }

  @Test func helpListsAndDescribesFunctions() throws {
    let r = try runKaplan(["repl"], stdin: "help()\nhelp(show)\n")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("\n  show(x) "))
    #expect(r.stdout.contains("\nshow(x)\n"))
    #expect(r.stdout.contains("Example:"))
  }

  @Test func resultObjectsPrintTheirSummary() throws {
    // Values shown by the REPL keep their metatables (and so their __tostring).
    let r = try runKaplan(["repl"],
      stdin: "fit = km(dataset('aml'), 'Surv(time, status) ~ x')\nfit:quantile()\ndataset('aml'):describe()\n")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("Quantiles of survival time: Surv(time, status) ~ x"))
    #expect(r.stdout.contains("Maintained 11, Nonmaintained 12"))
  }

  @Test func plotWithoutFileDrawsAPreview() throws {
    // aml's Nonmaintained curve reaches 0: its last confidence limits are NA.
    let r = try runKaplan(["repl"], stdin: "plot(km(dataset('aml'), 'Surv(time, status) ~ x'), {color = false})\n")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("Nonmaintained"))
    #expect(r.stdout.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
  }

  @Test func noArgumentsStartsTheRepl() throws {
    let r = try runKaplan([], stdin: "print(6 * 7)\n")
    #expect(r.stdout == "42\n")
  }
}
