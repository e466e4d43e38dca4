import Foundation
import Testing
import TestSupport

/// Issue 12, item 3: analyses of many groups, and a Cox fit on a many-level
/// factor, end at `--timeout` (status 1, the time-limit message) within
/// about a second of the deadline, rather than running for minutes; and a
/// status column of 65,536 codes is no longer a trap.
struct GroupScalingCLITests {
  /// Seconds allowed past the deadline: a debug build, run next to the
  /// rest of the suite on a shared machine (release: within about 1 s).
  /// At worst the watchdog ends the process `Watchdog.grace` (2 s) after the
  /// deadline; under AddressSanitizer a Cox fit on a 2,000-level factor can
  /// reach that hard stop (its column scaling runs beside the sort, where no
  /// poll can throw), and the process's exit then takes a few tenths more.
  static let slack = 3.0
  static let limit = 2.0

  /// n rows in g groups (`grp`), a time, a 0/1 status, a cause 0/1/2, x.
  static func script(n: Int, g: Int, _ call: String) -> String {
    """
    local time, status, cause, grp, x = {}, {}, {}, {}, {}
    for i = 1, \(n) do
      time[i] = (i * 7919) % 5003 + 1
      status[i] = (i % 5 < 3) and 1 or 0
      cause[i] = (i % 5 < 2) and 1 or ((i % 5 == 2) and 2 or 0)
      grp[i] = "g" .. ((i * 31) % \(g))
      x[i] = (i % 13) / 13
    end
    local d = dataset.from{ time = time, status = status, cause = cause, grp = grp, x = x }
    local r = \(call)
    print("finished")
    """
  }

  @Test(.serialized, arguments: [
    (20_000, 5_000, "logrank(d, 'Surv(time, status) ~ grp')"),
    (20_000, 5_000, "pairwise_logrank(d, 'Surv(time, status) ~ grp')"),
    (20_000, 1_000, "cuminc(d, 'Surv(time, cause) ~ grp')"),
    (10_000, 2_000, "cox(d, 'Surv(time, status) ~ grp')"),
    (10_000, 1_000, "finegray(d, 'Surv(time, cause) ~ grp')"),
  ])
  func manyGroupsEndAtTheTimeLimit(n: Int, g: Int, call: String) throws {
    let dir = try temporaryDirectory()
    try Self.script(n: n, g: g, call).write(to: dir.appendingPathComponent("g.lua"), atomically: true, encoding: .utf8)
    let start = Date()
    let r = try runKaplan(["run", "g.lua", "--timeout", "\(Self.limit)"], directory: dir)
    let elapsed = Date().timeIntervalSince(start)
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
    #expect(r.stderr.contains("time limit"), "\(r.stderr)")
    #expect(!r.stdout.contains("finished"))
    #expect(elapsed < Self.limit + Self.slack, "ran \(elapsed) s")
  }

  /// 70,000 rows with 65,536 distinct cause codes: one cause reported is an
  /// ordinary, quick analysis (before: a trap in the sort's 16-bit packing).
  @Test func sixtyFiveThousandCauseCodes() throws {
    let dir = try temporaryDirectory()
    let code = """
      local time, status = {}, {}
      for i = 1, 70000 do
        time[i] = i
        status[i] = (i <= 65536) and i or 0
      end
      local d = dataset.from{ time = time, status = status }
      local ci = cuminc(d, 'Surv(time, status) ~ 1', {cause = 1})
      print(#ci.causes, ci.curves[1].est[1])
      """
    try code.write(to: dir.appendingPathComponent("c.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "c.lua", "--timeout", "30"], directory: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasPrefix("1\t"), "\(r.stdout)")
  }
}
