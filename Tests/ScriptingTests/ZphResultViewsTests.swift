import Analysis
import Datasets
import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// zph's residuals per term (`z.y[term]`) are views of their part of the
/// result's column-major array (`ResultArray.numbers(_:range:)`), not copies:
/// each reads its own term's values, NA as nil, with the length of `z.x`,
/// and `totable()`, `ipairs` and out-of-range reads behave as for any view.
@Suite struct ZphResultViewsTests {
  @Test func termViewsReadTheirOwnPartOfTheResiduals() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local m = cox(dataset("veteran"), "Surv(time, status) ~ trt + celltype + karno + strata(prior)")
      local z = m:zph()
      local out = {}
      for i, term in ipairs(z.terms) do
        local v, t = z.y[term], z.y[term]:totable()
        local same, count = #v == #z.x, 0
        for k, x in ipairs(v) do
          count = count + 1
          if t[k] ~= x then same = false end
        end
        if v[0] ~= nil or v[#v + 1] ~= nil then same = false end
        out[#out + 1] = same and 1 or 0
        out[#out + 1] = v[1] == nil and "NA" or v[1]
        out[#out + 1] = v[#v] == nil and "NA" or v[#v]
        out[#out + 1] = count
      end
      return out
      """)
    // The same residuals from the analysis itself.
    let d = try BundledDatasets.load("veteran", stdlib: projectRoot.appendingPathComponent("stdlib").path)
    let m = try CoxAnalysis(
      dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ trt + celltype + karno + strata(prior)"))
    let z = try CoxZphAnalysis(model: m).result
    let e = z.x.count
    guard case .table(let t)? = r.first else {
      Issue.record("expected a table, got \(r)")
      return
    }
    let values = t.array
    #expect(values.count == 4 * z.termNames.count)
    for k in 0..<z.termNames.count {
      let first = z.y[k * e], last = z.y[(k + 1) * e - 1]
      #expect(values[4 * k] == .integer(1))
      #expect(values[4 * k + 1] == (first.isNaN ? .string("NA") : .number(first)))
      #expect(values[4 * k + 2] == (last.isNaN ? .string("NA") : .number(last)))
      // ipairs stops at the first NA, as on a table.
      let leading = (0..<e).first { z.y[k * e + $0].isNaN } ?? e
      #expect(values[4 * k + 3] == .integer(leading))
    }
  }
}
