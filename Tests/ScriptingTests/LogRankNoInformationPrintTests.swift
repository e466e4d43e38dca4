import LuaHost
import Scripting
import Testing
import TestSupport

/// A log-rank test with no information prints as R's print.survdiff (session-7 review: it printed p = 0):
/// "Chisq= 0  on 0 degrees of freedom, p= 1" when one group has every expected event, and df -1 with p NA
/// when there are no events (Tests/Fixtures/logrank_no_information.json holds R's numbers).
struct LogRankNoInformationPrintTests {
  @Test func printsAsR() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local one = dataset.from{time = {1, 2, 3, 4}, status = {0, 0, 1, 1}, g = {"a", "a", "b", "b"}}
      local none = dataset.from{time = {1, 2, 3, 4}, status = {0, 0, 0, 0}, g = {"a", "a", "b", "b"}}
      return tostring(logrank(one, "Surv(time, status) ~ g")), tostring(logrank(none, "Surv(time, status) ~ g"))
      """)
    let one = r[0].stringValue ?? "", none = r[1].stringValue ?? ""
    #expect(one.hasSuffix(" Chisq= 0  on 0 degrees of freedom, p= 1"), "\(one)")
    #expect(none.hasSuffix(" Chisq= 0  on -1 degrees of freedom, p= NA"), "\(none)")
  }
}
