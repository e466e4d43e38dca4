import Foundation
import Testing
import TestSupport

/// Issue 14, robustness: a Cox fit on a factor of thousands of levels stops
/// cleanly at `--timeout`, with the time-limit message and within the
/// cooperative stop's slack, wherever the deadline falls (the design
/// matrix, the column scaling beside the sort, the scatter, the sweeps):
/// never by the watchdog's hard stop `Watchdog.grace` (2 s) after it.
struct CoxStopCLITests {
  /// Seconds allowed past the deadline: a debug or AddressSanitizer build
  /// next to the rest of the suite on a shared machine (the stop itself
  /// takes milliseconds; the process start and exit take a few tenths), as
  /// GroupScalingCLITests allows. What tells a clean stop from the
  /// watchdog's hard stop is the absence of its "did not stop within".
  static let slack = 3.0

  @Test(.serialized, arguments: [0.5, 1.0, 1.5, 2.5])
  func aManyLevelFactorStopsCleanly(limit: Double) throws {
    let dir = try temporaryDirectory()
    let code = """
      local time, status, grp = {}, {}, {}
      for i = 1, 10000 do
        time[i] = (i * 7919) % 5003 + 1
        status[i] = (i % 5 < 3) and 1 or 0
        grp[i] = "g" .. ((i * 31) % 2000)
      end
      local d = dataset.from{ time = time, status = status, grp = grp }
      local r = cox(d, 'Surv(time, status) ~ grp')
      print("finished")
      """
    try code.write(to: dir.appendingPathComponent("c.lua"), atomically: true, encoding: .utf8)
    let start = Date()
    let r = try runKaplan(["run", "c.lua", "--timeout", "\(limit)"], directory: dir)
    let elapsed = Date().timeIntervalSince(start)
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
    #expect(r.stderr.contains("time limit"), "\(r.stderr)")
    #expect(!r.stderr.contains("did not stop within"), "\(r.stderr)")
    #expect(!r.stdout.contains("finished"))
    #expect(elapsed < limit + Self.slack, "ran \(elapsed) s")
  }
}
