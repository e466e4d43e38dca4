import Foundation
import LuaHost
import Scripting
import Testing

import TestSupport

/// events_needed, sample_size, power, simulate_trial and power_sim through
/// the binding layer: numbers (the formulas themselves are checked against R
/// in SurvivalTests/DesignFormulaTests), printed sentences, tidy(), errors.
@Suite struct DesignLibraryTests {
  private func number(_ rt: KaplanRuntime, _ code: String) throws -> Double {
    try lua(rt, code).first?.doubleValue ?? .nan
  }

  private func text(_ rt: KaplanRuntime, _ code: String) throws -> String {
    try lua(rt, code).first?.stringValue ?? ""
  }

  @Test func eventsNeededIssueExample() throws {
    let rt = try makeRuntime()
    #expect(try number(rt, "return events_needed{hr = 0.7, alpha = 0.05, power = 0.8}.events") == 247)
    let exact = try number(rt, "return events_needed{hr = 0.7}.events_exact")
    #expect(abs(exact - 246.787104547358) < 1e-9)
    let printed = try text(rt, "return tostring(events_needed{hr = 0.7})")
    #expect(printed.contains("A total of 247 events (246.8 before rounding up) are needed to detect a hazard ratio "
      + "of 0.7 with 80% power using a two-sided log-rank test at the 5% significance level (Schoenfeld's "
      + "method, 1:1 allocation)."))
    #expect(try number(rt, "return events_needed{hr = 0.5, method = 'freedman'}.events") == 71)
    #expect(try number(rt, "return tidy(events_needed{hr = 0.7}):nrow()") == 1)
    #expect(try number(rt, "return tidy(events_needed{hr = 0.7}).events[1]") == 247)
  }

  /// Therneau and Grambsch (2000, p. 63), printed in epiR's epi.sscomps example 1: survival 0.30 against 0.45
  /// at 5 years, two-sided 0.05, power 0.90: 250 events (see PublishedDesignExamplesTests).
  @Test func therneauGrambschExampleThroughTheBinding() throws {
    let rt = try makeRuntime()
    #expect(try number(rt, "return events_needed{hr = math.log(0.45) / math.log(0.30), power = 0.9}.events") == 250)
    #expect(try number(rt, "return sample_size{surv_at = {5, 0.30, 0.45}, follow_up = 5, power = 0.9}.events")
      == 250)
  }

  /// R: scripts/fixtures/design_fixtures.R, first sample_size case
  /// (hr 0.7, median 12, uniform accrual 24, follow-up 12): 185 + 185 patients.
  @Test func sampleSizeAndPower() throws {
    let rt = try makeRuntime()
    try lua(rt, "s = sample_size{hr = 0.7, median_control = 12, accrual = {duration = 24}, follow_up = 12}")
    #expect(try number(rt, "return s.n") == 370)
    #expect(try number(rt, "return s.n_control") == 185)
    #expect(try number(rt, "return s.events") == 247)
    #expect(abs(try number(rt, "return s.prob_event") - 0.667760749771501) < 1e-9)
    let printed = try text(rt, "return tostring(s)")
    #expect(printed.contains("so 370 patients (185 control, 185 treatment) must be enrolled to observe the 247 events"))
    // The same design by medians, and by survival at a time.
    #expect(try number(rt, "return sample_size{median_control = 12, median_treatment = 12 / 0.7, accrual = 24, "
      + "follow_up = 12}.n") == 370)
    let viaSurv = try number(rt, "return sample_size{surv_at = {12, 0.5, 0.5^0.7}, accrual = 24, follow_up = 12}.n")
    #expect(viaSurv == 370)
    // power is the inverse: at 400 patients, R gives 0.830126035832072.
    let p = try number(rt, "return power{n = 400, hr = 0.7, median_control = 12, accrual = 24, follow_up = 12}.power")
    #expect(abs(p - 0.830126035832072) < 1e-9)
    #expect(abs(try number(rt, "return power{events = 98, hr = 0.5}.power") - 0.9293463) < 5e-8)
    #expect(try number(rt, "return tidy(s).n[1]") == 370)
  }

  @Test func designErrorsNameTheOption() throws {
    let rt = try makeRuntime()
    #expect(luaError(rt, "events_needed{alpha = 0.05}").contains("option 'hr' is required"))
    #expect(luaError(rt, "events_needed{hr = 0.7, power = 1.5}").contains(
      "bad argument #1 to 'events_needed' (option 'power' must be a number between 0 and 1 (exclusive), got 1.5)"))
    #expect(luaError(rt, "sample_size{hr = 0.7, median_control = 12}").contains("option 'follow_up'"))
    #expect(luaError(rt, "sample_size{hr = 0.7, follow_up = 1}").contains("control arm needs"))
    #expect(luaError(rt, "sample_size{hr = 0.7, median_control = 12, follow_up = 1, accrual = {durtion = 3}}")
      .contains("unknown field 'durtion'"))
    #expect(luaError(rt, "sample_size{hr = 0.7, hazard_control = {rates = {0.1, 0.2}, cuts = {5, 6}}, follow_up = 1}")
      .contains("needs one cut fewer than rates"))
    #expect(luaError(rt, "power{events = 100}").contains("option 'hr'"))
    #expect(luaError(rt, "simulate_trial{n = 10, arms = {a = {hazard = -1}}, follow_up = 1}")
      .contains("option 'arms.a.hazard' must be a positive number, got -1"))
    #expect(luaError(rt, "simulate_trial{n = 10, arms = {a = {median = 1}}}").contains("give 'follow_up'"))
    #expect(luaError(rt, "power_sim{design = {n = 10, arms = {a = {median = 1}}, follow_up = 1, sed = 1}}")
      .contains("option 'design': unknown option 'sed'"))
    #expect(luaError(rt, "power_sim{design = {n = 10, arms = {a = {median = 1}}, follow_up = 1}}")
      .contains("compare two arms"))
    #expect(luaError(rt, "power_sim{design = {n = 10, arms = {a = {median = 1}, b = {median = 2}}, follow_up = 1}, "
      + "rho = 1}").contains("'rho' and 'gamma' apply to analysis = \"fh\" only"))
    #expect(luaError(rt, "power_sim{design = {n = 10, arms = {a = {median = 1}, b = {median = 2}}, follow_up = 1}, "
      + "reps = 2, analysis = function(d) return 1 end}").contains("must return true (significant) or false"))
  }

  /// The reviewer's traps (session 5): a hazard ratio of 1 reached through
  /// equal medians, one within 1e-12 of 1 and a near-zero event probability
  /// overflowed Int() and crashed the host; a power below alpha/sided
  /// squared a negative z-sum into a positive number of events.
  @Test func degenerateDesignsAreErrorsNotTraps() throws {
    let rt = try makeRuntime()
    #expect(luaError(rt, "sample_size{median_control = 12, median_treatment = 12, accrual = 12, follow_up = 12}")
      .contains("option 'median_treatment' must differ from 'median_control', got 12 for both"))
    #expect(luaError(rt, "events_needed{hr = 1 - 1e-12}").contains(
      "events_needed: the design needs more than 10^12 events"))
    #expect(luaError(rt, "sample_size{hr = 1 - 1e-12, median_control = 12, accrual = 12, follow_up = 12}")
      .contains("sample_size: the design needs more than 10^12 events"))
    #expect(luaError(rt, "sample_size{hazard_control = {rates = {0.1, 0.1}, cuts = {6}}, hr = 1 + 1e-13, "
      + "accrual = 12, follow_up = 12}").contains("the hazard ratio is too close to 1"))
    #expect(luaError(rt, "sample_size{hr = 0.7, median_control = 1e300, accrual = 12, follow_up = 12}")
      .contains("the probability of an event is too small"))
    #expect(luaError(rt, "events_needed{hr = 0.7, power = 0.01, alpha = 0.99}").contains(
      "option 'power' must be above alpha/sided (0.495), got 0.01"))
  }

  /// simulate_trial's data are replicate 1 of power_sim: a function analysis
  /// on it sees the same trial, so logrank() there and the Swift kernel agree.
  @Test func simulateTrialAndPowerSim() throws {
    let rt = try makeRuntime()
    try lua(rt, """
      design = {n = 300, arms = {control = {median = 12}, treatment = {median = 18}}, accrual = 12, follow_up = 6}
      local o = {}
      for k, v in pairs(design) do o[k] = v end
      o.seed = 5
      d = simulate_trial(o)
      """)
    #expect(try number(rt, "return d:nrow()") == 300)
    #expect(try text(rt, "return table.concat(d:names(), ',')") == "id,arm,entry,time,event")
    let p1 = try number(rt, "return logrank(d, 'Surv(time, event) ~ arm').p")
    // Replicate 1 of power_sim with one rep and the same seed: built-in and function agree.
    let builtIn = try number(
      rt, "return power_sim{design = design, reps = 1, seed = 5, alpha = \(p1 * 1.000001)}.power")
    #expect(builtIn == 1)
    let below = try number(rt, "return power_sim{design = design, reps = 1, seed = 5, alpha = \(p1 * 0.999999)}.power")
    #expect(below == 0)
    let seen = try number(rt, """
      local p
      power_sim{design = design, reps = 1, seed = 5, analysis = function(x) p = logrank(x, 'Surv(time, event) ~ arm').p
        return p < 0.05 end}
      return p
      """)
    #expect(abs(seen - p1) < 1e-12)
    // Same seed, same data; the printed result gives power and its Monte Carlo SE.
    #expect(try number(rt, "local o = {seed = 5}; for k, v in pairs(design) do o[k] = v end; "
      + "return simulate_trial(o).time[7] == d.time[7] and 1 or 0") == 1)
    let printed = try text(rt, "return tostring(power_sim{design = design, reps = 200, seed = 2})")
    #expect(printed.contains("In 200 simulated trials (seed 2), the logrank test was significant at the 5% level"))
    #expect(printed.contains("mc_se"))
  }

  /// A time limit stops power_sim, both in the Swift simulation (its workers
  /// poll the run's stop) and in a loop of Lua function analyses.
  @Test func timeLimitStopsPowerSim() throws {
    for analysis in ["'logrank'", "function(d) return false end"] {
      let runtime = try makeRuntime()
      runtime.lua.setTimeLimit(0.3)
      let started = Date()
      do {
        _ = try runtime.stoppable {
          try runtime.lua.run("""
            power_sim{design = {n = 2000, arms = {a = {median = 1}, b = {median = 2}}, follow_up = 1},
                      reps = 10000000, analysis = \(analysis)}
            """, chunkName: "=p")
        }
        Issue.record("expected the time limit")
      } catch {
        #expect(String(describing: error).contains("time limit of 0.3 s exceeded"), "\(error)")
      }
      #expect(Date().timeIntervalSince(started) < 10)
    }
  }
}
