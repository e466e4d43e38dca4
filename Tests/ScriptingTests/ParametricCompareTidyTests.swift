import LuaHost
import Scripting
import Testing
import TestSupport

/// `tidy(parametric_compare(...))` has a `converged` column (session-7 review), equal to each model's field.
struct ParametricCompareTidyTests {
  @Test func tidyHasTheConvergedColumn() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local fits = parametric_compare(dataset("lung"), "Surv(time, status) ~ 1", {dists = {"weibull", "gompertz"}})
      local t = tidy(fits)
      local v, same = t.converged:values(), true
      for i = 1, t:nrow() do
        if v[i] ~= fits.models[i].converged then same = false end
      end
      return t.converged:type(), same, v[1]
      """)
    #expect(r[0] == .string("bool"), "\(r)")
    #expect(r[1] == .boolean(true))
    #expect(r[2] == .boolean(true))
  }
}
