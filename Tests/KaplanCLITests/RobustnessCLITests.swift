import Foundation
import Testing
import TestSupport

/// Inputs that crashed or hung the host process (scripts/probes/*.probes):
/// each must now end with a Lua error at the script's line and status 1.
struct RobustnessCLITests {
  func run(_ code: String) throws -> ProcessResult {
    let dir = try temporaryDirectory()
    try code.write(to: dir.appendingPathComponent("p.lua"), atomically: true, encoding: .utf8)
    return try runKaplan(["run", "p.lua", "--timeout", "20"], directory: dir)
  }

  @Test(arguments: [
    ("date(0/0)", "p.lua:1: bad argument #1 to 'date'"),
    ("print(date('2020-01-01') + math.maxinteger)", "p.lua:1: date arithmetic"),
    ("print(date(2^31 - 1) + 1)", "p.lua:1: date arithmetic"),
    ("plot({kind = 'km', strata = {{time = {1}, surv = {0.5}, n_risk = {1e300}}}})",
     "p.lua:1: bad argument #1 to 'plot' (km, cuminc, cox, finegray, cox_zph, subgroups or parametric_compare "
      + "result expected, "
       + "got a table not "
       + "made by a Kaplan function)"),
  ])
  func crashedBeforeNowAnError(code: String, message: String) throws {
    let r = try run(code)
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("kaplan: \(message)"))
    #expect(!r.stderr.contains("Fatal error"))
  }

  /// An n_risk of 1e300 written into a km result trapped in Int(_:) when
  /// the risk table was drawn from the table; plot() now draws the Swift
  /// result, so the edited fit gives the figure of the fit km() made.
  @Test func anEditedResultPlotsAsTheOriginal() throws {
    let dir = try temporaryDirectory()
    try """
      local f = km(dataset('aml'), 'Surv(time, status) ~ x')
      plot(f, {file = 'a.svg', risk_table = true})
      f.strata[1].n_risk = {1e300}
      plot(f, {file = 'b.svg', risk_table = true})
      """.write(to: dir.appendingPathComponent("p.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "p.lua", "--timeout", "20"], directory: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let a = try Data(contentsOf: dir.appendingPathComponent("a.svg"))
    let b = try Data(contentsOf: dir.appendingPathComponent("b.svg"))
    #expect(!a.isEmpty && a == b)
  }
}
