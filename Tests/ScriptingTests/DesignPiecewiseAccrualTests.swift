import Foundation
import LuaHost
import Scripting
import Testing

import TestSupport

/// `accrual = {periods = {...}, rates = {...}}` in sample_size, power and
/// simulate_trial: the value R gives (Tests/Fixtures/design/piecewise_accrual.json,
/// case "ramp"), the protocol sentence, tidy() and errors naming the option.
@Suite struct DesignPiecewiseAccrualTests {
  @Test func sampleSizeUsesThePeriods() throws {
    let rt = try makeRuntime()
    try lua(rt, """
      s = sample_size{hr = 0.7, median_control = 12, follow_up = 12, accrual = {periods = {6, 18}, rates = {1, 3}}}
      """)
    // R, design_piecewise_accrual.R "ramp": P(event) of the control arm.
    let p = try lua(rt, "return s.prob_event_control").first?.doubleValue ?? .nan
    #expect(abs(p - 0.705272808415214) < 1e-9)
    #expect(try lua(rt, "return s.accrual").first?.doubleValue == 24)
    #expect(try lua(rt, "return s.accrual_periods").first?.stringValue == "6, 18")
    let printed = try lua(rt, "return tostring(s)").first?.stringValue ?? ""
    #expect(printed.contains("piecewise accrual over 24 months (periods of 6, 18 months at relative rates 1, 3)"),
            "\(printed)")
    #expect(try lua(rt, "return tidy(s).accrual_rates[1]").first?.stringValue == "1, 3")
    // power at the sample size's n is at least the asked 80%.
    let power = try lua(rt, """
      return power{n = s.n, hr = 0.7, median_control = 12, follow_up = 12,
                   accrual = {periods = {6, 18}, rates = {1, 3}}}.power
      """).first?.doubleValue ?? .nan
    #expect(power >= 0.8 && power < 0.81)
  }

  @Test func simulateTrialEntersByPeriod() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local d = simulate_trial{n = 400, arms = {control = {hazard = 0.05}, treatment = {hazard = 0.035}},
                               accrual = {periods = {4, 2, 10}, rates = {2, 0, 5}}, follow_up = 12, seed = 5}
      local paused, late = 0, 0
      for _, e in ipairs(d.entry:values()) do
        if e > 4 and e < 6 then paused = paused + 1 end
        if e > 16 then late = late + 1 end
      end
      return d:nrow(), paused, late
      """)
    #expect(r[0].doubleValue == 400 && r[1].doubleValue == 0 && r[2].doubleValue == 0)
  }

  @Test func badPeriodsAreErrorsNamingTheOption() throws {
    let rt = try makeRuntime()
    let base = "sample_size{hr = 0.7, median_control = 12, follow_up = 12, accrual = "
    let count = luaError(rt, base + "{periods = {6, 18}, rates = {1}}}")
    #expect(count.contains("option 'accrual' needs one rate per period (2 periods, 1 rates)"), "\(count)")
    let both = luaError(rt, base + "{duration = 24, periods = {6, 18}, rates = {1, 3}}}")
    #expect(both.contains("not both"), "\(both)")
    let zero = luaError(rt, base + "{periods = {6, 18}, rates = {0, 0}}}")
    #expect(zero.contains("needs a positive rate in some period"), "\(zero)")
    let text = luaError(rt, base + "{periods = {6, 'x'}, rates = {1, 3}}}")
    #expect(text.contains("'periods' and 'rates', arrays of numbers"), "\(text)")
  }
}
