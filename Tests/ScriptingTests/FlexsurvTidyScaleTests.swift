import LuaHost
import Scripting
import Testing
import TestSupport

/// flexsurv's `tidy()`: natural-scale estimates for the family parameters with no test beside them (NA, as
/// flexsurv's tidy), and for covariate effects the Wald z and two-sided p of the fitted scale (session-7 review:
/// a z on the log scale sat beside a natural-scale estimate).
struct FlexsurvTidyScaleTests {
  @Test func familyParametersHaveNoTestCovariatesTheFittedScalesWald() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local m = flexsurv(dataset("lung"), "Surv(time, status) ~ sex", {dist = "gompertz"})
      local t = tidy(m)
      local z, p, est, term = t.statistic:values(), t.p_value:values(), t.estimate:values(), t.term:values()
      return t:nrow(), z[1], z[2], p[1], p[2], z[3], m.terms[3].z, p[3], m.terms[3].p, est[1], m.terms[1].est,
        term[3], est[3], m.terms[3].coef
      """)
    #expect(r[0] == .integer(3))
    for k in 1...4 { #expect(r[k] == .nil, "\(k): \(r[k])") }
    #expect(r[5] == r[6] && r[5].doubleValue != nil)
    #expect(r[7] == r[8] && r[7].doubleValue != nil)
    #expect(r[9] == r[10])
    #expect(r[11] == .string("sex"))
    #expect(r[12] == r[13])
  }
}
