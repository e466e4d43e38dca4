import Foundation
import LuaHost
import RunControl
import Scripting
import Testing
import TestSupport

/// Parametric predictions far from the data (found by review): a restricted
/// mean to a τ far beyond follow-up is the mean, not 0; a degenerate fit's
/// integrals end; the bootstrap's count is bounded.
@Suite struct ParametricExtremesTests {
  /// RMST(τ) rises to the mean as τ grows: at τ = 1e50 the Weibull's restricted mean is its closed-form mean
  /// e^η·Γ(1 + σ) (the integration window used to start at log τ − 40, above all the mass: 0).
  @Test func survregRestrictedMeanFarBeyondFollowUpIsTheMean() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local lung = dataset("lung")
      local m = survreg(lung, "Surv(time, status) ~ 1")
      local one = lung:head(1)
      return m:predict(one, {type = "mean"}).fit[1], m:predict(one, {type = "rmst", tau = 1e50}).fit[1],
        m:predict(one, {type = "rmst", tau = 1e12}).fit[1], m:predict(one, {type = "rmst", tau = 1e300}).fit[1]
      """)
    let mean = r[0].doubleValue ?? 0
    #expect(mean > 380 && mean < 390)
    for i in 1...3 { #expect(approxEqual(r[i].doubleValue ?? 0, mean, relative: 1e-9), "\(r[i])") }
  }

  @Test func flexsurvRestrictedMeanFarBeyondFollowUpIsTheMean() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local lung = dataset("lung")
      local out = {}
      for _, dist in ipairs{"gompertz", "spline"} do
        local m = flexsurv(lung, "Surv(time, status) ~ 1", {dist = dist, k = dist == "spline" and 1 or nil})
        out[#out + 1] = m:predict(nil, {type = "mean"}).fit[1]
        out[#out + 1] = m:rmst(1e12).fit[1]
        out[#out + 1] = m:rmst(1e50).fit[1]
      end
      return table.unpack(out)
      """)
    for family in 0..<2 {
      let mean = r[3 * family].doubleValue ?? 0
      #expect(mean > 300 && mean < 450, "\(mean)")
      for i in 1...2 {
        #expect(approxEqual(r[3 * family + i].doubleValue ?? 0, mean, relative: 1e-7), "\(family) \(r[3 * family + i])")
      }
    }
  }

  /// A generalised gamma fitted to one row has a NaN integrand: its mean and restricted mean used to refine
  /// the Simpson rule without end; now they return (not finite) at once.
  @Test func degenerateFitIntegralsEnd() throws {
    let rt = try makeRuntime()
    let started = Date()
    _ = try? lua(rt, """
      local d = dataset.from{{"t", {5}}, {"e", {1}}}
      local m = flexsurv(d, "Surv(t, e) ~ 1", {dist = "gengamma"})
      return m:predict(nil, {type = "mean"}), m:rmst(10)
      """)
    #expect(Date().timeIntervalSince(started) < 20)
  }

  @Test func bootstrapCountIsBounded() throws {
    let rt = try makeRuntime()
    let message = luaError(rt, """
      local lung = dataset("lung")
      local m = survreg(lung, "Surv(time, status) ~ sex")
      return m:predict(lung:head(1), {type = "mean", bootstrap = 1e12})
      """)
    #expect(message.hasSuffix("(option 'bootstrap' must be an integer from 1 to 100000, got 1000000000000)"))
  }

  /// The Gompertz hazard is b·e^{at} in closed form: exp(log f − log S) cancelled to 1 at t = 3e4 (log S ≈ −1e15).
  @Test func gompertzHazardFarOutIsItsClosedForm() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local m = flexsurv(dataset("lung"), "Surv(time, status) ~ 1", {dist = "gompertz"})
      local shape, rate = m.terms[1].est, m.terms[2].est
      return m:predict(nil, {type = "hazard", times = {3e4}}).fit[1], rate * math.exp(shape * 3e4)
      """)
    let h = r[0].doubleValue ?? 0
    #expect(h > 1e14 && approxEqual(h, r[1].doubleValue ?? 0, relative: 1e-12), "\(r)")
  }

  /// Hazard plots far beyond follow-up: every S underflows (survreg's average is 0/0): the curve is drawn up
  /// to there with a warning instead of refusing the figure. The generalised gamma's log S, computed in logs
  /// (`GeneralizedGammaTerms`), stays finite out to the horizon, so its curve is drawn whole.
  @Test func hazardPlotsFarOutAreDrawnUpToWhereTheyAreFinite() throws {
    let rt = try makeRuntime()
    var warnings: [String] = []
    try RunWarnings.withSink({ warnings.append($0) }) {
      _ = try lua(rt, """
        local lung = dataset("lung")
        plot(parametric_compare(lung, "Surv(time, status) ~ 1"), {type = "hazard", horizon = 36500, file = "h1.svg"})
        plot(survreg(lung, "Surv(time, status) ~ sex"), {type = "hazard", horizon = 1e6, file = "h2.svg"})
        """)
    }
    for file in ["h1.svg", "h2.svg"] {
      #expect(FileManager.default.fileExists(atPath: rt.policy.outputDirectory + "/" + file), "\(file)")
    }
    #expect(!warnings.contains { $0.contains("the Generalized gamma curve is not finite") }, "\(warnings)")
    #expect(warnings.contains { $0.contains("the Fitted (average) curve is not finite beyond t = ") }, "\(warnings)")
  }
}
