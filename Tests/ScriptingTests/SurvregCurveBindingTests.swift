import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `m:predict` curve types and `m:rmst` from Lua: the dataset's shape and
/// the error wording (the numbers are checked against R in
/// AnalysisTests/SurvregCurveFixtureTests).
@Suite struct SurvregCurveBindingTests {
  static let setup = """
    local lung = dataset("lung")
    local m = survreg(lung, "Surv(time, status) ~ age + sex")
    """

  @Test func curveTypesReturnDatasets() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.setup + """
      local s = m:predict(lung:head(2), {type = "survival", times = {180, 365}})
      local a = m:predict(lung, {type = "cumhaz", times = {365}, average = true})
      local r1 = m:rmst(365)
      local r2 = m:rmst(1500, {newdata = lung:head(3)})
      local mean = m:predict(lung:head(1), {type = "mean"})
      return table.concat(s:names(), ","), s:nrow(), table.concat(a:names(), ","), r1:nrow(),
        table.concat(r2:names(), ","), r2:nrow(), table.concat(mean:names(), ","),
        s.time[2], s.row[3], r1.fit[1]
      """)
    #expect(r[0] == .string("row,time,fit,se_fit,conf_low,conf_high"))
    #expect(r[1] == .integer(4))
    #expect(r[2] == .string("time,fit,se_fit,conf_low,conf_high"))
    #expect(r[3] == .integer(1))
    #expect(r[4] == .string("row,time,fit,se_fit,conf_low,conf_high"))
    #expect(r[5] == .integer(3))
    #expect(r[6] == .string("row,fit,se_fit,conf_low,conf_high"))
    #expect(r[7].doubleValue == 365 && r[8].doubleValue == 2)
    // The average restricted mean to a year is under a year and over half of it.
    #expect((r[9].doubleValue ?? 0) > 182.5 && (r[9].doubleValue ?? 0) < 365)
  }

  @Test func bootstrapIsReproducibleFromLua() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.setup + """
      local a = m:predict(lung:head(1), {type = "rmst", tau = 1000, bootstrap = 12, seed = 3})
      local b = m:predict(lung:head(1), {type = "rmst", tau = 1000, bootstrap = 12, seed = 3})
      return a.conf_low[1] == b.conf_low[1] and a.se_fit[1] == b.se_fit[1], a.conf_low[1] < a.fit[1]
      """)
    #expect(r[0] == .boolean(true) && r[1] == .boolean(true))
  }

  @Test(arguments: [
    ("m:predict(lung:head(1), {type = 'survival', times = {-1}})",
     "bad argument #2 to 'predict' (times must be >= 0 and finite, got -1)"),
    ("m:predict(lung:head(1), {type = 'rmst', tau = 0})",
     "bad argument #2 to 'predict' (tau must be positive and finite, got 0)"),
    ("m:predict(lung:head(1), {type = 'rmst', tau = 10, bootstrap = 0})",
     "bad argument #2 to 'predict' (option 'bootstrap' must be an integer from 1 to 100000, got 0)"),
    ("m:predict(lung:select{'age'}:head(1), {type = 'survival', times = {1}})",
     "bad argument #1 to 'predict' (newdata has no column 'sex' (the model needs: age, sex))"),
    ("m:predict(lung:head(1), {type = 'survival'})",
     "bad argument #2 to 'predict' (option 'times' is needed for type = \"survival\")"),
    ("m:predict(lung:head(1), {type = 'lp', times = {1}})",
     "bad argument #2 to 'predict' (option 'times' is for the curve types (survival, hazard, ...))"),
    ("m:rmst(-3)", "bad argument #1 to 'rmst' (tau must be positive and finite, got -3)"),
    ("m:rmst(10, {bootstrap = 0.5})",
     "bad argument #2 to 'rmst' (option 'bootstrap' must be an integer from 1 to 100000, got 0.5)"),
  ])
  func badInputIsAClearError(_ code: String, _ expected: String) throws {
    let rt = try makeRuntime()
    let message = luaError(rt, Self.setup + code)
    #expect(message.hasSuffix(expected), "\(message)")
  }
}

/// `plot(m, {...})` of a survreg model: fitted curves with bands over the
/// Kaplan–Meier curve and its risk table.
@Suite struct SurvregFigureTests {
  static func svg(_ rt: KaplanRuntime, _ r: [LuaValue]) throws -> String {
    guard case .string(let path) = r.first else { throw SurvregFixtureError("no path") }
    return try String(contentsOfFile: path, encoding: .utf8)
  }

  @Test func fittedCurvesOverKaplanMeier() throws {
    let rt = try makeRuntime()
    let text = try Self.svg(rt, try lua(rt, SurvregCurveBindingTests.setup + """
      return plot(m, {file = "fit.svg", newdata = lung:head(2), km = true, horizon = 1500})
      """))
    #expect(text.contains("Kaplan–Meier"))
    #expect(text.contains("age=74, sex=1"))
    #expect(text.contains("Number at risk"))
    #expect(text.contains("fill-opacity"), "the fitted curves' bands are drawn by default")
    let hazard = try Self.svg(rt, try lua(rt, SurvregCurveBindingTests.setup + """
      return plot(m, {file = "hazard.svg", type = "hazard"})
      """))
    #expect(hazard.contains("Hazard") && hazard.contains("Fitted (average)"))
    #expect(!hazard.contains("Number at risk"))
  }

  @Test(arguments: [
    ("plot(km(lung, 'Surv(time, status) ~ 1'), {km = true})",
     "bad argument #2 to 'plot' (option 'km' applies to survreg and parametric_compare results only, "
       + "not to a km result)"),
    ("plot(m, {type = 'hazard', km = true, file = 'x.svg'})",
     "bad argument #2 to 'plot' (option 'km' draws the Kaplan–Meier curve: for type \"survival\" or \"cumhaz\")"),
    ("plot(m, {newdata = lung:select{'age'}, file = 'x.svg'})",
     "bad argument #2 to 'plot' (option 'newdata': newdata has no column 'sex' (the model needs: age, sex))"),
  ])
  func badPlotOptions(_ code: String, _ expected: String) throws {
    let rt = try makeRuntime()
    let message = luaError(rt, SurvregCurveBindingTests.setup + code)
    #expect(message.hasSuffix(expected), "\(message)")
  }
}
