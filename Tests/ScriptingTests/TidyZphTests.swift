import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `tidy(z)` of a `cox_zph` result (issue 18 lists zph among the kinds
/// tidy() covers): one row per term, then GLOBAL, with the table's chisq,
/// df and p as statistic, df and p_value, equal to the printed table's
/// fields exactly (both come from the same `CoxZph.Result`).
@Suite struct TidyZphTests {
  @Test func zphIsOneRowPerTermThenGlobal() throws {
    for options in ["", "{terms = false}", "{global = false}"] {
      try TidyTests().check("""
        local m = cox(dataset("veteran"), "Surv(time, status) ~ trt + celltype + karno")
        local z = m:zph(\(options))
        local d = tidy(z)
        shape(d, {"term", "statistic", "df", "p_value"}, {"string", "double", "int", "double"}, #z.table)
        for i, row in ipairs(z.table) do
          same(d, "term", i, row.term); same(d, "statistic", i, row.chisq); same(d, "df", i, row.df)
          same(d, "p_value", i, row.p)
        end
        """, "cox_zph \(options)")
    }
  }

  @Test func zphRowsAreTheTermsAndGlobal() throws {
    let rt = try makeRuntime()
    let out = try lua(rt, """
      local m = cox(dataset("veteran"), "Surv(time, status) ~ trt + celltype + karno")
      local d = tidy(m:zph())
      return table.concat(d.term:values(), ","), #tidy(m:zph{global = false}), #tidy(m:zph{terms = false})
      """)
    #expect(out == [.string("trt,celltype,karno,GLOBAL"), .integer(3), .integer(6)])
  }
}
