import LuaHost
import Scripting
import Testing
import TestSupport

/// A one-row generalised-gamma fit printed "its table was edited" (session-7 review): fewer rows than parameters
/// is now refused with a clear error, and a printout whose log-likelihood is NA prints it as NA.
struct FlexsurvDegenerateFitTests {
  @Test func fewerRowsThanParametersIsRefused() throws {
    let rt = try makeRuntime()
    let message = luaError(rt, """
      local d = dataset.from{time = {5}, status = {1}}
      print(flexsurv(d, "Surv(time, status) ~ 1", {dist = "gengamma"}))
      """)
    #expect(message.contains("flexsurv: 1 row cannot identify the 3 parameters of the"), "\(message)")
    #expect(message.contains("give at least 3 rows"), "\(message)")
    #expect(!message.contains("edited"), "\(message)")
  }

  @Test func aLoglikThatIsNAPrintsAsNA() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local m = flexsurv(dataset("lung"), "Surv(time, status) ~ 1", {dist = "gompertz"})
      m.loglik = {}
      return tostring(m)
      """)
    let text = r.first?.stringValue ?? ""
    #expect(text.contains("Log-likelihood = NA, df = 2"), "\(text)")
    #expect(text.contains("AIC = NA"), "\(text)")
  }
}
