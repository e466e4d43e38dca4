import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `plot(m:survfit(newdata), {risk_table = true})` (issue 16: predicted curves
/// "plottable like a KM fit with a risk table"): one curve per profile, each
/// with the numbers at risk of its own stratum of the fitted data (R's
/// survfit.coxph n.risk: ph.ecog 1 has 113 rows, ph.ecog 0 has 63).
@Suite struct CoxSurvfitPlotTests {
  @Test func plotsWithARiskTable() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local lung = dataset("lung")
      local m = cox(lung, "Surv(time, status) ~ age + sex + strata(ph.ecog)")
      return plot(m:survfit(lung:head(2)), {file = "survfit.svg", risk_table = true, breaks = 200})
      """)
    let svg = try String(contentsOfFile: r.first?.stringValue ?? "", encoding: .utf8)
    let texts = svg.components(separatedBy: "<text").dropFirst().compactMap { chunk -> String? in
      guard let open = chunk.firstIndex(of: ">"), let close = chunk.range(of: "</text>") else { return nil }
      return String(chunk[chunk.index(after: open)..<close.lowerBound])
    }
    let table = Array(texts.drop { $0 != "Number at risk" })
    #expect(table.first == "Number at risk")
    #expect(Array(table.dropFirst().prefix(9)) == ["1", "113", "71", "31", "13", "3", "1", "0", "2"])
    #expect(table.contains("63"))
    #expect(svg.components(separatedBy: "<path").count > 2)
  }
}
