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
    ("local f = km(dataset('aml'), 'Surv(time, status) ~ x'); f.strata[1].n_risk = {1e300}; plot(f, {file = 'x.svg', "
      + "risk_table = true})",
     "p.lua:1: plot: series 'Maintained': n_risk holds 1e+300, not a count"),
  ])
  func crashedBeforeNowAnError(code: String, message: String) throws {
    let r = try run(code)
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("kaplan: \(message)"))
    #expect(!r.stderr.contains("Fatal error"))
  }
}
