import Foundation
import Testing
import TestSupport

/// What `kaplan run` and `kaplan repl` print when something goes wrong:
/// errors with the script's frames only (`--traceback` and
/// `debug_traceback()` for the full one), and a fit's warnings on stderr
/// once per call (`--quiet` and `options{warnings = false}` silence them).
struct ErrorReportingTests {
  static let stdlibFrame = "stdlib/kaplan/"

  func script(_ text: String) throws -> (URL, String) {
    let directory = try temporaryDirectory()
    let path = directory.appendingPathComponent("analysis.lua").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return (directory, path)
  }

  static let failing = """
    local function analyse(d)
      local fit = km(d, "Surv(tme, status) ~ x")
      return fit
    end
    analyse(dataset("aml"))
    """

  @Test func runErrorsShowTheScriptsFramesNotTheStdlibs() throws {
    let (directory, path) = try script(Self.failing)
    let r = try runKaplan(["run", path], directory: directory)
    #expect(r.status == 1)
    #expect(r.stderr.contains("analysis.lua:2: km: column 'tme' not found (did you mean 'time'?)"), "\(r.stderr)")
    #expect(!r.stderr.contains(Self.stdlibFrame), "\(r.stderr)")
    #expect(!r.stderr.contains("[C]"), "\(r.stderr)")
    // The script's own frames stay: the function and the line that called it.
    #expect(r.stderr.contains("analysis.lua:2: in "), "\(r.stderr)")
    #expect(r.stderr.contains("analysis.lua:5: in main chunk"), "\(r.stderr)")

    let full = try runKaplan(["run", "--traceback", path], directory: directory)
    #expect(full.status == 1)
    #expect(full.stderr.contains(Self.stdlibFrame + "bind.lua"), "\(full.stderr)")
    #expect(full.stderr.contains("[C]"))
  }

  @Test func oneLineErrorIsJustTheMessage() throws {
    let (directory, path) = try script("local d = dataset('aml')\nkm(d, 'Surv(tme, status) ~ x')\n")
    let r = try runKaplan(["run", path], directory: directory)
    // Lua shortens a long script path ("...<end of path>").
    #expect(r.stderr.hasPrefix("kaplan: "))
    #expect(r.stderr.hasSuffix("analysis.lua:2: km: column 'tme' not found (did you mean 'time'?)\n"), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    _ = path
  }

  @Test func replErrorsPointAtTheLineAndDebugTracebackShowsAll() throws {
    // An expression line used to run as `return km(...)`, a tail call: the
    // error pointed inside the REPL ("repl:2:") instead of at stdin:1.
    let r = try runKaplan(["repl"], stdin: """
      km(dataset("aml"), "Surv(tme, status) ~ x")
      help("no_such_function")
      debug_traceback()
      print("still here")
      """ + "\n")
    #expect(r.stderr.contains("stdin:1: km: column 'tme' not found (did you mean 'time'?)\n"), "\(r.stderr)")
    #expect(r.stderr.contains("stdin:1: no help for \"no_such_function\""), "\(r.stderr)")
    #expect(!r.stderr.contains(Self.stdlibFrame), "\(r.stderr)")
    #expect(!r.stderr.contains("repl:"), "\(r.stderr)")
    // debug_traceback() prints the last error in full, stdlib frames included.
    #expect(r.stdout.contains("stdin:1: no help for"), "\(r.stdout)")
    #expect(r.stdout.contains("stack traceback:") && r.stdout.contains(Self.stdlibFrame + "help.lua"), "\(r.stdout)")
    #expect(r.stdout.hasSuffix("still here\n"))

    let full = try runKaplan(["repl", "--traceback"], stdin: "km(dataset('aml'), 'Surv(tme, status) ~ x')\n")
    #expect(full.stderr.contains(Self.stdlibFrame + "bind.lua"), "\(full.stderr)")
  }

  /// A result with warnings, made through the binding layer's bind.result
  /// as every declared function's result is.
  static let warningScript = """
    local bind = require("kaplan").bind
    local r = bind.result("cox", {warnings = {"first warning", "second warning"}}, nil, "cox")
    print("warnings kept: " .. #r.warnings)
    bind.result("cox", {warnings = {}}, nil, "cox")
    options{warnings = false}
    bind.result("cox", {warnings = {"silenced warning"}}, nil, "cox")
    print("after: " .. tostring(options().warnings))
    """

  @Test func warningsPrintOncePerCallUnlessSilenced() throws {
    let (directory, path) = try script(Self.warningScript)
    let r = try runKaplan(["run", path], directory: directory)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "warnings kept: 2\nafter: false\n")
    #expect(r.stderr == "Warning in cox(): first warning\nWarning in cox(): second warning\n")

    let quiet = try runKaplan(["run", "--quiet", path], directory: directory)
    #expect(quiet.status == 0)
    #expect(quiet.stdout == "warnings kept: 2\nafter: false\n")
    #expect(quiet.stderr == "")

    let repl = try runKaplan(["repl", "--quiet"], stdin: "print(options().warnings)\n")
    #expect(repl.stdout == "false\n")
  }

  @Test func optionsChecksItsTable() throws {
    let r = try runKaplan(["repl"], stdin: "options{warning = false}\n")
    #expect(r.stderr.contains("bad argument #1 to 'options' (unknown option 'warning'; did you mean 'warnings'?"),
            "\(r.stderr)")
  }

  /// A covariate that separates events perfectly: R's coxph warns "Loglik
  /// converged before variable 1; coefficient may be infinite." Runs once
  /// cox is declared through the layer (the cox-competing branch of issue 13).
  @Test
  func nonConvergingCoxWarnsOnStderrOnce() throws {
    let (directory, path) = try script("""
      local d = dataset.from{{"time", {1, 2, 3, 4, 5, 6, 7, 8}}, {"status", {1, 1, 1, 1, 1, 0, 1, 0}},
                             {"x", {1, 1, 1, 1, 0, 0, 0, 0}}}
      local m = cox(d, "Surv(time, status) ~ x")
      print(#m.warnings)
      """)
    let r = try runKaplan(["run", path], directory: directory)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "1\n")
    let lines = r.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(r.stderr)")
    #expect(r.stderr.hasPrefix("Warning in cox(): Loglik converged before variable 1"), "\(r.stderr)")
    let quiet = try runKaplan(["run", "--quiet", path], directory: directory)
    #expect(quiet.stderr == "" && quiet.stdout == "1\n")
  }
}
