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

/// simulate_trial{start_date =, time_unit =}: issue 21's "entry date" column.
@Suite struct TrialCalendarTests {
  @Test func entryDatesFollowTheEntries() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local d = simulate_trial{n = 50, arms = {control = {median = 12}}, accrual = 12, follow_up = 12, seed = 3,
                               start_date = "2026-01-15"}
      local w = simulate_trial{n = 50, arms = {control = {median = 12}}, accrual = 12, follow_up = 12, seed = 3,
                               start_date = "2026-01-15", time_unit = "weeks"}
      local plain = simulate_trial{n = 50, arms = {control = {median = 12}}, accrual = 12, follow_up = 12, seed = 3}
      local e = d.entry:values()
      return table.concat(d:names(), ","), tostring(d.entry_date[#e]), tostring(w.entry_date[#e]),
        math.floor(e[#e] * 365.25 / 12), math.floor(e[#e] * 7), table.concat(plain:names(), ",")
      """)
    #expect(r[0].stringValue == "id,arm,entry,entry_date,time,event")
    #expect(r[5].stringValue == "id,arm,entry,time,event")
    // The last entry's date is the start plus its whole days.
    let start = try #require(ISO8601DateFormatter().date(from: "2026-01-15T00:00:00Z"))
    func shifted(_ days: Double) -> String {
      let f = ISO8601DateFormatter()
      f.formatOptions = [.withFullDate]
      return f.string(from: start.addingTimeInterval(days * 86400))
    }
    #expect(r[1].stringValue == shifted(r[3].doubleValue ?? .nan))
    #expect(r[2].stringValue == shifted(r[4].doubleValue ?? .nan))
  }

  @Test func errorsNameTheOption() throws {
    let rt = try makeRuntime()
    let base = "simulate_trial{n = 10, arms = {control = {median = 12}}, accrual = 12, follow_up = 12, "
    #expect(luaError(rt, base + "start_date = '15/01/2026'}").contains(
      "option 'start_date' must be a date as \"YYYY-MM-DD\", got \"15/01/2026\""))
    #expect(luaError(rt, base + "time_unit = 'weeks'}").contains("option 'time_unit' applies with 'start_date'"))
    #expect(luaError(rt, "simulate_trial{n = 10, arms = {control = {median = 12}}, accrual = 1e7, follow_up = 1, "
      + "start_date = '2026-01-01', time_unit = 'years'}").contains("would fall after the year 9999"))
  }
}
