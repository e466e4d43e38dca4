import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `flexsurv()`, its methods and `parametric_compare()` from Lua: printouts, fields, predictions, tidy(), plot()
/// and error wording (the numbers are checked against lifelines in AnalysisTests/FlexsurvFixtureTests).
@Suite struct FlexsurvBindingTests {
  @Test func printsAsFlexsurvAndHasTheModelMethods() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local lung = dataset("lung")
      local m = flexsurv(lung, "Surv(time, status) ~ sex", {dist = "gompertz"})
      local t = tidy(m)
      return tostring(m), m:aic(), m:bic(), m.loglik.fitted, m.df, table.concat(t:names(), ","), t:nrow(),
        m.terms[2].est, math.exp(m.terms[2].coef), m.dist, m.converged
      """)
    guard case .string(let text) = r[0] else { throw SurvregFixtureError("no text") }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[0] == "Flexible parametric survival model (flexsurv): Surv(time, status) ~ sex")
    #expect(lines[1] == "Distribution: Gompertz")
    #expect(lines[3] == "Estimates:")
    #expect(lines[4].hasSuffix("est        L95%       U95%         se  exp(est)    L95%    U95%"), "\(lines[4])")
    #expect(lines[5].hasPrefix("shape") && lines[6].hasPrefix("rate") && lines[7].hasPrefix("sex"))
    #expect(text.contains("N = 228,  Events: 165,  Censored: 63"))
    let ll = r[3].doubleValue ?? 0
    #expect(approxEqual(ll, -1150.4923601689734, relative: 1e-9))
    #expect(approxEqual(r[1].doubleValue ?? 0, -2 * ll + 6, relative: 1e-12))
    #expect(approxEqual(r[2].doubleValue ?? 0, -2 * ll + log(228) * 3, relative: 1e-12))
    #expect(r[4] == .integer(3))
    #expect(r[5] == .string("term,estimate,std_error,statistic,p_value,conf_low,conf_high") && r[6] == .integer(3))
    #expect(approxEqual(r[7].doubleValue ?? 0, r[8].doubleValue ?? 1, relative: 1e-12))
    #expect(r[9] == .string("gompertz") && r[10] == .boolean(true))
  }

  @Test func predictionsAndRestrictedMeans() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local lung = dataset("lung")
      local m = flexsurv(lung, "Surv(time, status) ~ sex", {dist = "spline", k = 1, scale = "odds"})
      local s = m:predict(lung:head(3), {type = "survival", times = {100, 365}})
      local q = m:predict(nil, {type = "quantile", p = {0.25, 0.5}})
      local r = m:rmst({365, 3000})
      local mean = m:predict(nil, {type = "mean"})
      local h = m:predict(lung:head(1), {type = "hazard", times = {200}})
      local H = m:predict(lung:head(1), {type = "cumhaz", times = {200}})
      local S = m:predict(lung:head(1), {type = "survival", times = {200}})
      return s:nrow(), table.concat(s:names(), ","), table.concat(q:names(), ","), r:nrow(),
        r.fit[1] < r.fit[2], r.fit[2] <= mean.fit[1] * 1.0000001, H.fit[1], S.fit[1], s.conf_low[1] < s.fit[1],
        s.fit[1] < s.conf_high[1], h.fit[1] > 0, m.knots[2], #m.knots
      """)
    #expect(r[0] == .integer(6))
    #expect(r[1] == .string("row,time,fit,se_fit,conf_low,conf_high"))
    #expect(r[2] == .string("row,p,fit,se_fit,conf_low,conf_high"))
    #expect(r[3] == .integer(2) && r[4] == .boolean(true) && r[5] == .boolean(true))
    #expect(approxEqual(exp(-(r[6].doubleValue ?? 0)), r[7].doubleValue ?? 1, relative: 1e-12))
    #expect(r[8] == .boolean(true) && r[9] == .boolean(true) && r[10] == .boolean(true))
    #expect(r[12] == .integer(3))
  }

  @Test func ancillaryCovariatesAreTheirOwnParameters() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local lung = dataset("lung")
      local m = flexsurv(lung, "Surv(time, status) ~ sex", {dist = "gompertz", anc = {shape = "~ sex"}})
      local m0 = flexsurv(lung, "Surv(time, status) ~ sex", {dist = "gompertz"})
      return m.terms[4].name, m.df, m.converged, m.loglik.fitted >= m0.loglik.fitted - 1e-9
      """)
    #expect(r[0] == .string("shape(sex)") && r[1] == .integer(4) && r[2] == .boolean(true))
    #expect(r[3] == .boolean(true))
    let bad = luaError(rt, """
      flexsurv(dataset("lung"), "Surv(time, status) ~ sex", {dist = "gompertz", anc = {rate = "~ sex"}})
      """)
    #expect(bad.contains("flexsurv: anc: 'rate' is not an ancillary parameter of gompertz (ancillary: shape)"),
            "\(bad)")
  }

  @Test func compareRanksByAICAndTidies() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local lung = dataset("lung")
      local fits = parametric_compare(lung, "Surv(time, status) ~ 1")
      local t = tidy(fits)
      local w = survreg(lung, "Surv(time, status) ~ 1")
      local two = parametric_compare(lung, "Surv(time, status) ~ sex",
        {dists = {"weibull", {"spline", k = 0, scale = "hazard"}}})
      return #fits.models, fits.models[1].aic <= fits.models[2].aic, fits.models[6].aic >= fits.models[5].aic,
        t:nrow(), table.concat(t:names(), ","), tostring(fits), w:aic(), fits.models[1].dist, fits.models[1].aic,
        two.models[1].loglik - two.models[2].loglik
      """)
    #expect(r[0] == .integer(6) && r[1] == .boolean(true) && r[2] == .boolean(true))
    #expect(r[3] == .integer(6) && r[4] == .string("dist,loglik,df,aic,bic,delta_aic,converged"))
    guard case .string(let text) = r[5] else { throw SurvregFixtureError("no text") }
    #expect(text.hasPrefix("Parametric survival models: Surv(time, status) ~ 1 (n = 228), sorted by AIC"))
    #expect(text.contains("Model") && text.contains("Loglik") && text.contains("BIC"))
    // On lung the Weibull has the smallest AIC, and its AIC is survreg's.
    #expect(r[7] == .string("weibull"))
    #expect(approxEqual(r[6].doubleValue ?? 0, r[8].doubleValue ?? 1, relative: 1e-12))
    #expect(abs(r[9].doubleValue ?? 1) < 1e-6)
  }

  @Test func plotsEveryCurveOverTheKaplanMeier() throws {
    let rt = try makeRuntime()
    _ = try lua(rt, """
      local fits = parametric_compare(dataset("lung"), "Surv(time, status) ~ sex",
        {dists = {"weibull", "gompertz", "lognormal"}})
      plot(fits, {file = "compare.svg", km = true, horizon = 2000})
      plot(fits, {file = "hazard.svg", type = "hazard", horizon = 2000})
      """)
    let svg = try String(contentsOfFile: rt.policy.outputDirectory + "/compare.svg", encoding: .utf8)
    for label in ["Kaplan–Meier", "Weibull", "Gompertz", "Log-normal", "2000"] {
      #expect(svg.contains(label), "\(label)")
    }
    #expect(svg.contains("Number at risk"))
    let hazard = try String(contentsOfFile: rt.policy.outputDirectory + "/hazard.svg", encoding: .utf8)
    #expect(hazard.contains("Hazard") && !hazard.contains("Kaplan–Meier"))
    let message = luaError(rt, "plot(km(dataset('lung'), 'Surv(time, status) ~ 1'), {horizon = 10})")
    #expect(message.contains("option 'horizon' applies to survreg and parametric_compare results only"), "\(message)")
  }

  @Test func badInputIsAClearError() throws {
    let rt = try makeRuntime()
    let zero = luaError(rt, "flexsurv(dataset.from{t = {0, 2, 3}, e = {1, 1, 0}}, 'Surv(t, e) ~ 1')")
    #expect(zero.contains("flexsurv: row 1: time 0 in column 't'; times must be > 0"), "\(zero)")
    let censored = luaError(rt, "flexsurv(dataset.from{t = {1, 2, 3}, e = {0, 0, 0}}, 'Surv(t, e) ~ 1')")
    #expect(censored.contains("flexsurv: all 3 rows used are censored (column 'e')"), "\(censored)")
    let dist = luaError(rt, "flexsurv(dataset('lung'), 'Surv(time, status) ~ 1', {dist = 'weibull'})")
    #expect(dist.contains("bad argument #3 to 'flexsurv' (option 'dist'"), "\(dist)")
    let k = luaError(rt, "flexsurv(dataset('lung'), 'Surv(time, status) ~ 1', {dist = 'spline', k = -1})")
    #expect(k.contains("bad argument #3 to 'flexsurv' (option 'k'"), "\(k)")
    let kForGompertz = luaError(rt, "flexsurv(dataset('lung'), 'Surv(time, status) ~ 1', {k = 2})")
    #expect(kForGompertz.contains("options 'k' and 'scale' are for dist = \"spline\""), "\(kForGompertz)")
    let unknown = luaError(rt, "parametric_compare(dataset('lung'), 'Surv(time, status) ~ 1', {dists = {'weibul'}})")
    #expect(unknown.contains("option 'dists': entry 1 is an unknown distribution \"weibul\""), "\(unknown)")
    let times = luaError(rt, """
      flexsurv(dataset('lung'), 'Surv(time, status) ~ 1'):predict(nil, {type = 'survival'})
      """)
    #expect(times.contains("option 'times' is required for type = \"survival\""), "\(times)")
    // A bad time or probability is an error on the options table (#2, self not counted), named as an option.
    let nanTime = luaError(rt, "flexsurv(dataset('lung'), 'Surv(time, status) ~ 1'):predict(nil, "
      + "{type = 'survival', times = {0/0}})")
    #expect(nanTime.contains("bad argument #2 to 'predict' (option 'times' must be finite and >= 0, got NA"),
      "\(nanTime)")
    let p = luaError(rt, "flexsurv(dataset('lung'), 'Surv(time, status) ~ 1'):predict(nil, "
      + "{type = 'quantile', p = {0}})")
    #expect(p.contains("bad argument #2 to 'predict' (option 'p' must be between 0 and 1 (exclusive), got 0"), "\(p)")
    let tau = luaError(rt, "flexsurv(dataset('lung'), 'Surv(time, status) ~ 1'):rmst(-1)")
    #expect(tau.contains("tau must be a positive finite number, got -1"), "\(tau)")
  }

  @Test func nonConvergenceWarnsAndKeepsTheLastIterate() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local m = flexsurv(dataset("lung"), "Surv(time, status) ~ sex", {dist = "gengamma", max_iter = 1})
      return m.converged, m.warnings[1], m.terms[1].coef ~= nil
      """)
    #expect(r[0] == .boolean(false))
    #expect(r[1] == .string("did not converge in 1 iterations (the last iterate is returned; raise max_iter)"))
    #expect(r[2] == .boolean(true))
  }

  /// average = true is the mixture over the rows (mean S here, checked against the per-row fits), the
  /// bootstrap is reproducible for a seed and gives percentile intervals; the names are every predict's.
  @Test func sampleAverageAndBootstrap() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local lung = dataset("lung")
      local m = flexsurv(lung, "Surv(time, status) ~ sex", {dist = "gompertz"})
      local rows = m:predict(lung, {type = "survival", times = {365}})
      local sum = 0
      for i = 1, rows:nrow() do sum = sum + rows.fit[i] end
      local avg = m:predict(nil, {type = "survival", times = {365}, average = true})
      local avg2 = m:predict(lung, {type = "survival", times = {365}, average = true})
      local h = m:predict(nil, {type = "cumhaz", times = {365}, average = true})
      local b1 = m:predict(lung:head(2), {type = "rmst", times = {500}, bootstrap = 8, seed = 4})
      local b2 = m:predict(lung:head(2), {type = "rmst", times = {500}, bootstrap = 8, seed = 4})
      return table.concat(avg:names(), ","), avg.fit[1], sum / rows:nrow(), avg2.fit[1], h.fit[1],
        table.concat(b1:names(), ","), b1.conf_low[2] == b2.conf_low[2] and b1.se_fit[1] == b2.se_fit[1],
        b1.conf_low[1] < b1.fit[1] and b1.fit[1] < b1.conf_high[1], avg.se_fit[1] > 0
      """)
    #expect(r[0] == .string("time,fit,se_fit,conf_low,conf_high"))
    #expect(approxEqual(r[1].doubleValue ?? 0, r[2].doubleValue ?? 1, relative: 1e-12))
    #expect(r[1] == r[3])
    #expect(approxEqual(r[4].doubleValue ?? 0, -log(r[1].doubleValue ?? 1), relative: 1e-12))
    #expect(r[5] == .string("row,time,fit,se_fit,conf_low,conf_high"))
    #expect(r[6] == .boolean(true) && r[7] == .boolean(true) && r[8] == .boolean(true))
    let bad = luaError(rt, """
      local m = flexsurv(dataset("lung"), "Surv(time, status) ~ 1")
      m:predict(nil, {type = "quantile", average = true})
      """)
    #expect(bad.contains("bad argument #2 to 'predict' (option 'average' is not for type = \"quantile\""), "\(bad)")
  }

  /// Surv(t1, t2, type = "interval2") from a script: left, interval, exact and right rows.
  @Test func intervalCensoredResponse() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local d = dataset("lung")
      local ev, lo = d.status:eq(2), floor(d.time / 30) * 30
      d = d:with{t1 = if_else(ev, lo, d.time), t2 = if_else(ev, lo + 30, NA)}
      local m = flexsurv(d, "Surv(t1, t2, type = 'interval2') ~ 1", {dist = "gengamma"})
      return m.converged, m.n, m.loglik.fitted, m.n_interval, m.events, tostring(m)
      """)
    #expect(r[0] == .boolean(true) && r[1] == .integer(228))
    #expect((r[2].doubleValue ?? 0) < 0)
    // Every death is an interval (9 left-censored in (0, 30]); the censored rows stay right-censored.
    #expect(r[3] == .integer(165) && r[4] == .integer(0))
    guard case .string(let text) = r[5] else { throw SurvregFixtureError("no text") }
    #expect(text.contains("N = 228,  Events: 0,  Interval-censored: 165,  Right-censored: 63"), "\(text)")
  }
}
