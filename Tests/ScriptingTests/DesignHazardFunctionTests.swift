import Foundation
import LuaHost
import Scripting
import Testing

import TestSupport

/// `simulate_trial{arms = {x = {hazard = function(t) ... end}}}` (issue 21:
/// "hazards = piecewise rates per arm or a function"): the function is
/// tabulated at the midpoints of 500 equal steps up to the horizon, so a
/// constant function simulates the exponential and a step function the
/// piecewise hazard with the same cut (when the cut falls on a step), draw
/// for draw with the same seed.
@Suite struct DesignHazardFunctionTests {
  /// Inverting 500 equal pieces instead of one: rounding only.
  static let sameDraws = 1e-9

  static func maxRelativeDifference(_ rt: KaplanRuntime, _ a: String, _ b: String) throws -> Double {
    let r = try lua(rt, """
      local h = math.log(2) / 12
      local function sim(arms)
        return simulate_trial{n = 300, arms = arms, accrual = 10, follow_up = 15, seed = 11}
      end
      local a, b = sim(\(a)), sim(\(b))
      local ta, tb = a.time:values(), b.time:values()
      local ea, eb = a.event:values(), b.event:values()
      local worst = 0
      for i = 1, #ta do
        if ea[i] ~= eb[i] then return math.huge end
        worst = math.max(worst, math.abs(ta[i] - tb[i]) / math.max(math.abs(tb[i]), 1e-300))
      end
      return worst, #ta, #tb
      """)
    #expect(r[1] == r[2])
    return r[0].doubleValue ?? .infinity
  }

  @Test func constantFunctionIsTheExponential() throws {
    let rt = try makeRuntime()
    let d = try Self.maxRelativeDifference(
      rt, "{control = {hazard = h}, treatment = {hazard = function(t) return 0.7 * h end}}",
      "{control = {hazard = h}, treatment = {hazard = 0.7 * h}}")
    #expect(d < Self.sameDraws, "\(d)")
  }

  /// 25 / 500 = 0.05 per step, so the cut at 3 falls between two steps.
  @Test func stepFunctionIsThePiecewiseHazard() throws {
    let rt = try makeRuntime()
    let d = try Self.maxRelativeDifference(
      rt, "{control = {hazard = h}, treatment = {hazard = function(t) return t < 3 and h or 0.6 * h end}}",
      "{control = {hazard = h}, treatment = {hazard = {rates = {h, 0.6 * h}, cuts = {3}}}}")
    #expect(d < Self.sameDraws, "\(d)")
  }

  @Test func powerSimTakesAFunctionHazard() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local h = math.log(2) / 12
      local p = power_sim{design = {n = 200, arms = {control = {hazard = h},
        treatment = {hazard = function(t) return 0.6 * h end, horizon = 40}}, events = 100}, reps = 20, seed = 3}
      return p.power >= 0 and p.power <= 1, p.reps
      """)
    #expect(r[0] == .boolean(true) && r[1].doubleValue == 20)
  }

  @Test func errorsNameTheArm() throws {
    let rt = try makeRuntime()
    let base = "simulate_trial{n = 50, arms = {control = {hazard = 0.1}, treatment = {hazard = "
    let text = luaError(rt, base + "function(t) return 'x' end}}, accrual = 10, follow_up = 15}")
    #expect(text.contains("option 'arms.treatment.hazard': the hazard function returned \"x\" at t = 0.025"),
            "\(text)")
    let negative = luaError(rt, base + "function(t) return -1 end}}, accrual = 10, follow_up = 15}")
    #expect(negative.contains("must return a finite number ≥ 0"), "\(negative)")
    let zeroAtEnd = luaError(rt, base + "function(t) return t < 5 and 0.1 or 0 end}}, accrual = 10, follow_up = 15}")
    #expect(zeroAtEnd.contains("must be positive at the horizon"), "\(zeroAtEnd)")
    let events = luaError(rt, base + "function(t) return 0.1 end}}, events = 20}")
    #expect(events.contains("an event-driven design needs 'horizon' in the arm"), "\(events)")
    let stray = luaError(rt, base + "0.1, horizon = 10}}, accrual = 10, follow_up = 15}")
    #expect(stray.contains("option 'arms.treatment.horizon' applies to a hazard given as a function"), "\(stray)")
    let raising = luaError(rt, base + "function(t) error('boom') end}}, accrual = 10, follow_up = 15}")
    #expect(raising.contains("boom"), "\(raising)")
  }
}
