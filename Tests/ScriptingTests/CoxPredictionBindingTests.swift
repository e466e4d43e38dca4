import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `m:predict`, `m:survfit`, `m:baseline`, `m:aic`, `m:bic`, `m:test` and
/// `m:contrast` from Lua: shapes, option placement and error wording (the
/// numbers are checked against R in AnalysisTests/CoxPredictionTests).
@Suite struct CoxPredictionBindingTests {
  static let setup = """
    local lung = dataset("lung")
    local m = cox(lung, "Surv(time, status) ~ age + sex + strata(ph.ecog)")
    local v = cox(dataset("veteran"), "Surv(time, status) ~ trt + celltype + karno")
    """

  @Test func predictReturnsAFitAndSeDatasetAlignedWithTheData() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.setup + """
      local p = m:predict(nil, {type = "risk"})
      local q = m:predict(lung:head(2), {type = "lp", reference = "sample"})
      return p:nrow(), lung:nrow(), p.fit[1] > 0, q:nrow(), table.concat(p:names(), ",")
      """)
    #expect(r[0] == .integer(228) && r[1] == .integer(228))
    #expect(r[2] == .boolean(true) && r[3] == .integer(2))
    #expect(r[4] == .string("fit,se_fit"))
  }

  @Test func survfitIsAKmResultReadableAtTimes() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.setup + """
      local c = m:survfit(lung:head(2), {conf_type = "log"})
      local a = c:at{180}
      return #c.strata, c.conf_type, tostring(c):sub(1, 29), m:survfit():quantile{0.5} ~= nil
      """)
    #expect(r[0] == .integer(2) && r[1] == .string("log"))
    #expect(r[2] == .string("Predicted survival from a Cox"))
    #expect(r[3] == .boolean(true))
  }

  @Test func testsAndCriteria() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.setup + """
      local t = v:test{"celltypesmallcell", "celltypeadeno", "celltypelarge"}
      return t.df, v:contrast{{0, 1, 0, 0, 0}, {0, 0, 1, 0, 0}}.df, m:aic() < m:bic(), m:baseline():nrow() > 0,
        tostring(t):match("on 3 df") ~= nil
      """)
    #expect(r == [.integer(3), .integer(2), .boolean(true), .boolean(true), .boolean(true)])
  }

  @Test func badArgumentsAreNamed() throws {
    let rt = try makeRuntime()
    let options = luaError(rt, Self.setup + "return m:predict({type = 'risk'})")
    #expect(options.contains("bad argument #1 to 'predict'") && options.contains("give nil for the fitted data"))
    let name = luaError(rt, Self.setup + "return v:test{'celltypehuge'}")
    #expect(name.contains("'celltypehuge' is not a coefficient"))
    let none = luaError(rt, Self.setup + "return v:test{}")
    #expect(none.contains("bad argument #1 to 'test' (no coefficient names given"), "\(none)")
    let twice = luaError(rt, Self.setup + "return v:test{'karno', 'karno'}")
    #expect(twice.contains("bad argument #1 to 'test' ('karno' is named twice)"), "\(twice)")
    let nan = luaError(rt, Self.setup + "return v:contrast{{0, 0, 0, 0/0, 0}}")
    #expect(nan.contains("row 1, entry 4 of L is NaN, not a finite number"), "\(nan)")
    let length = luaError(rt, Self.setup + "return v:contrast{1, 2}")
    #expect(length.contains("contrast row 1 has 2 values; the model has 5 coefficients"))
    let type = luaError(rt, Self.setup + "return m:predict(nil, {type = 'quantile'})")
    #expect(type.contains("option 'type'"))
    let missing = luaError(rt, Self.setup + "return m:survfit(lung:head(2):drop{'age'})")
    #expect(missing.contains("bad argument #1 to 'survfit' (newdata has no column 'age'"))
  }

  @Test func predictTermsGivesAColumnPerTermAndItsSe() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.setup + """
      local t = v:predict(dataset("veteran"):head(3), {type = "terms"})
      local all = m:predict(nil, {type = "terms", reference = "strata"})
      return table.concat(t:names(), ","), t:nrow(), all:nrow(), t.se_karno[1] > 0
      """)
    #expect(r[0] == .string("trt,celltype,karno,se_trt,se_celltype,se_karno"))
    #expect(r[1] == .integer(3) && r[2] == .integer(228) && r[3] == .boolean(true))
  }

  @Test func offsetModelsNeedTheOffsetColumn() throws {
    let rt = try makeRuntime()
    let model = """
      local lung = dataset("lung")
      lung = lung:with{off = lung.age % 4 * 0.2}
      local o = cox(lung, "Surv(time, status) ~ age + sex + offset(off)")
      """
    let r = try lua(rt, model + "return o:predict(lung:head(2), {type = 'expected'}).fit[1] > 0")
    #expect(r == [.boolean(true)])
    let missing = luaError(rt, model + "return o:survfit(lung:head(2):drop{'off'})")
    #expect(missing.contains("bad argument #1 to 'survfit' (newdata has no column 'off' (the model's offset(off)))"))
  }

  @Test func waldTestsHaveATidyForm() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.setup + """
      local t = tidy(v:test{"celltypesmallcell", "celltypeadeno"})
      local c = tidy(v:contrast{0, 1, -1, 0, 0})
      return table.concat(t:names(), ","), t.term[1], t.df[1], t.p_value[1] < 0.01, c.term[1],
        t.statistic[1] == v:test{"celltypesmallcell", "celltypeadeno"}.statistic
      """)
    #expect(r[0] == .string("term,statistic,df,p_value"))
    #expect(r[1] == .string("celltypesmallcell = celltypeadeno = 0") && r[2] == .integer(2))
    #expect(r[3] == .boolean(true) && r[4] == .string("L beta = 0") && r[5] == .boolean(true))
  }

  @Test func adjustedCurvesOptionsAndRiskTable() throws {
    let rt = try makeRuntime()
    let setup = """
      local vd = dataset("veteran")
      local s = cox(vd, "Surv(time, status) ~ celltype + karno + strata(prior)")
      """
    let r = try lua(rt, setup + """
      local a = adjusted_curves(s, vd, {by = "celltype", conf_type = "log"})
      local b1 = adjusted_curves(s, vd, {by = "celltype", ci = "bootstrap", reps = 5, seed = 3})
      local b2 = adjusted_curves(s, vd, {by = "celltype", ci = "bootstrap", reps = 5, seed = 3})
      return #a.strata, a.conf_type, a.strata[1].n_risk[1] == 35, b1.strata[2].lower[20] == b2.strata[2].lower[20],
        tostring(b1):match("bootstrap percentile CIs, 5 resamples, seed 3") ~= nil
          and tostring(b1):match("95%% CI, bootstrap percentile") ~= nil,
        plot(a, {file = "adjusted.svg", risk_table = true})
      """)
    #expect(r[0] == .integer(4) && r[1] == .string("log") && r[2] == .boolean(true))
    #expect(r[3] == .boolean(true) && r[4] == .boolean(true))
    let svg = try String(contentsOfFile: r[5].stringValue ?? "", encoding: .utf8)
    #expect(svg.contains("Number at risk") && svg.contains(">35<"))
    let reps = luaError(rt, setup + "return adjusted_curves(s, vd, {by = 'celltype', reps = 5})")
    #expect(reps.contains("bad argument #3 to 'adjusted_curves' (option 'reps' applies to ci = \"bootstrap\" only)"))
    let by = luaError(rt, setup + "return adjusted_curves(s, vd, {by = 'age'})")
    #expect(by.contains("bad argument #3 to 'adjusted_curves' (option 'by': 'age' is not a variable of the model"))
    let ci = luaError(rt, setup + "return adjusted_curves(s, vd, {by = 'celltype', ci = 'exact'})")
    #expect(ci.contains("bad argument #3 to 'adjusted_curves' (option 'ci'"))
  }
}
