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
    let length = luaError(rt, Self.setup + "return v:contrast{1, 2}")
    #expect(length.contains("contrast row 1 has 2 values; the model has 5 coefficients"))
    let type = luaError(rt, Self.setup + "return m:predict(nil, {type = 'terms'})")
    #expect(type.contains("option 'type'"))
    let missing = luaError(rt, Self.setup + "return m:survfit(lung:head(2):drop{'age'})")
    #expect(missing.contains("newdata has no column 'age'"))
  }
}
