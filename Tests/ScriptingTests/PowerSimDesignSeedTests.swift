import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// Issue 21's power_sim example puts the seed in the design:
/// `power_sim{design = {n = 600, arms = ..., events = 247, seed = 1}, analysis = "logrank", reps = ...}`.
/// That seed is the master seed (the same result as `seed = 1` beside the design), replicate 1 is
/// simulate_trial's trial with that design, and giving the seed twice is an error.
@Suite struct PowerSimDesignSeedTests {
  static let design = """
    local h = math.log(2) / 12
    local function design(seed)
      return {n = 600, arms = {control = {hazard = h}, treatment = {hazard = 0.7 * h}}, events = 247, seed = seed}
    end

    """

  @Test func issueExampleRunsWithTheSeedInTheDesign() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.design + """
      local a = power_sim{design = design(1), analysis = "logrank", reps = 200}
      local b = power_sim{design = design(nil), analysis = "logrank", reps = 200, seed = 1}
      local c = power_sim{design = design(2), analysis = "logrank", reps = 200}
      return a.rejections, b.rejections, a.seed, c.seed, a.mc_se
      """)
    #expect(r[0] == r[1])
    #expect(r[2].doubleValue == 1 && r[3].doubleValue == 2)
    #expect((r[4].doubleValue ?? 0) > 0)
  }

  @Test func replicateOneIsSimulateTrialsTrial() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.design + """
      local first
      power_sim{design = design(7), reps = 1, analysis = function(d)
        first = first or d.time:values()
        return false
      end}
      local same = simulate_trial(design(7)).time:values()
      for i = 1, #same do if same[i] ~= first[i] then return false end end
      return #same == #first
      """)
    #expect(r.first == .boolean(true))
  }

  @Test func theSeedTwiceIsAnError() throws {
    let rt = try makeRuntime()
    let twice = luaError(rt, Self.design + "power_sim{design = design(1), reps = 10, seed = 1}")
    #expect(twice.contains("bad argument #1 to 'power_sim' (give the seed once: in 'design' or beside it"),
            "\(twice)")
  }
}
