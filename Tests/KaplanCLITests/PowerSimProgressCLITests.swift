import Foundation
import Testing
import TestSupport

/// power_sim writes no progress bar when stderr is not a terminal (issue 21): a script's piped or redirected
/// output, and every test's captured output, stays clean.
struct PowerSimProgressCLITests {
  @Test func noProgressOnAPipe() throws {
    let dir = try temporaryDirectory()
    try """
      local h = math.log(2) / 12
      local p = power_sim{design = {n = 100, arms = {a = {hazard = h}, b = {hazard = h}}, follow_up = 12},
                          reps = 300, seed = 2}
      print(p.reps)
      """.write(to: dir.appendingPathComponent("p.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "p.lua"], directory: dir, environment: ["CI": ""])
    #expect(r.status == 0)
    #expect(r.stdout == "300\n")
    #expect(r.stderr.isEmpty, "\(r.stderr)")
  }
}
