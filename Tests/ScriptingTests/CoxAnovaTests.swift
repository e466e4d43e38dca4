import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `m:anova()`: the sequential analysis of deviance of one Cox model, from
/// Lua on the bundled datasets, against R `anova(coxph(...))` (the fixture
/// of scripts/fixtures/cox_anova.R) at `Tolerance.iterative`.
@Suite struct CoxAnovaTests {
  /// Lua that builds each case's data as the R script does, leaving it in `d`.
  static let data: [String: String] = [
    "lung": "local d = dataset('lung')",
    "lung_breslow": "local d = dataset('lung'):where(function(r) return r['ph.ecog'] ~= nil end)",
    "lung_interaction": "local d = dataset('lung'):where(function(r) return r['ph.ecog'] ~= nil end)",
    "veteran": "local d = dataset('veteran')",
    "colon_strata": "local colon = dataset('colon')\nlocal d = colon:where(colon.etype:eq(2))",
    "heart": "local d = dataset('heart')",
  ]

  static func cases() throws -> [[String: Any]] {
    try #require(try loadFixture("cox/anova.json") as? [[String: Any]])
  }

  static func number(_ value: Any?) -> Double? {
    if let s = value as? String { return s == "NA" ? nil : Double(s) }
    return (value as? NSNumber)?.doubleValue
  }

  @Test(arguments: ["lung", "lung_breslow", "lung_interaction", "veteran", "colon_strata", "heart"])
  func sequentialTableMatchesR(name: String) throws {
    let reference = try #require(try Self.cases().first { $0["name"] as? String == name })
    let formula = try #require(reference["formula"] as? String)
    let ties = try #require(reference["ties"] as? String)
    let rt = try makeRuntime()
    let r = try lua(rt, (Self.data[name] ?? "") + """

      local a = cox(d, '\(formula)', {ties = '\(ties)'}):anova()
      local terms, loglik, chisq, df, p = {}, {}, {}, {}, {}
      local NA = 0 / 0
      for i, row in ipairs(a.rows) do
        terms[i], loglik[i] = row.term, row.loglik
        chisq[i], df[i], p[i] = row.chisq or NA, row.df or -1, row.p or NA
      end
      return table.concat(terms, ","), loglik, chisq, df, p, getmetatable(a).__name
      """)
    let terms = try #require(reference["terms"] as? [String])
    #expect(r[0].stringValue == terms.joined(separator: ","), "\(name) terms")
    func values(_ v: LuaValue) -> [Double] {
      guard case .table(let t) = v else { return [] }
      return t.array.map { $0.doubleValue ?? .nan }
    }
    let loglik = values(r[1]), chisq = values(r[2]), df = values(r[3]), p = values(r[4])
    let rLoglik = (reference["loglik"] as? [Any] ?? []).map { Self.number($0) ?? .nan }
    let rChisq = (reference["chisq"] as? [Any] ?? []).map { Self.number($0) ?? .nan }
    let rDf = (reference["df"] as? [Any] ?? []).map { Self.number($0) ?? .nan }
    let rP = (reference["p"] as? [Any] ?? []).map { Self.number($0) ?? .nan }
    #expect(loglik.count == terms.count && rLoglik.count == terms.count)
    for i in 0..<min(loglik.count, rLoglik.count) {
      #expect(approxEqual(loglik[i], rLoglik[i], relative: Tolerance.iterative), "\(name) loglik[\(i)]")
      #expect(df[i] == rDf[i], "\(name) df[\(i)]")
      if i == 0 {
        #expect(chisq[0].isNaN && p[0].isNaN, "\(name): the NULL row has no test")
      } else {
        // The statistic is a difference of log-likelihoods: compare on the
        // scale of the log-likelihood (a relative 1e-6 of ℓ), and p on its own.
        #expect(abs(chisq[i] - rChisq[i]) <= Tolerance.iterative * abs(rLoglik[i]), "\(name) chisq[\(i)]")
        #expect(approxEqual(p[i], rP[i], relative: 1e-4), "\(name) p[\(i)]")
      }
    }
    #expect(r[5].stringValue == "kaplan.cox_anova")
  }

  @Test func printsRsTable() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local m = cox(dataset('veteran'), 'Surv(time, status) ~ trt + celltype + karno')
      return tostring(m:anova())
      """)
    let text = r[0].stringValue ?? ""
    #expect(text.hasPrefix("Analysis of deviance of a Cox model: Surv(time, status) ~ trt + celltype + karno"))
    #expect(text.contains("terms added sequentially (first to last); ties: efron; n = 137"))
    // R: NULL -505.45; trt -505.44 0.0096 1; celltype ... 3; karno ... 1
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("NULL") && $0.contains("-505.45") })
    #expect(
      lines.contains { $0.hasPrefix("trt") && $0.contains("-505.44") && $0.contains(" 0.0096 ") && $0.hasSuffix(
        "0.922") })
    #expect(lines.contains { $0.hasPrefix("celltype") && $0.contains("25.8478   3  1.03e-05") })
    #expect(lines.contains { $0.hasPrefix("karno") && $0.hasSuffix("35.2116   1  2.96e-09") })
  }

  /// The last row is the model itself; with case weights every row uses
  /// them (R drops them from the nested fits; see CoxDevianceTable).
  @Test func weightedTableEndsAtTheModel() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local lung = dataset('lung'):where(function(r) return r['ph.ecog'] ~= nil end)
      local w = {}
      for i = 1, #lung do w[i] = 1 + (i % 4) end
      lung = lung:with{w = w}
      local m = cox(lung, 'Surv(time, status) ~ age + sex + ph.ecog', {weights = 'w'})
      local a = m:anova()
      local small = cox(lung, 'Surv(time, status) ~ age + sex', {weights = 'w'})
      return a.rows[#a.rows].loglik, m.loglik.fitted, a.rows[1].loglik, m.loglik.null,
        a.rows[3].loglik, small.loglik.fitted
      """)
    #expect(r[0].doubleValue == r[1].doubleValue)
    #expect(r[2].doubleValue == r[3].doubleValue)
    #expect(approxEqual(r[4].doubleValue ?? .nan, r[5].doubleValue ?? .nan, relative: 1e-12))
  }

  @Test func refusals() throws {
    let rt = try makeRuntime()
    #expect(luaError(rt, """
      local lung = dataset('lung')
      local m = cox(lung, 'Surv(time, status) ~ age + sex + cluster(inst)')
      m:anova()
      """).contains("test:3: anova: no analysis of deviance with a robust variance"))
    #expect(luaError(rt, """
      local m = cox(dataset('lung'), 'Surv(time, status) ~ age')
      local fake = setmetatable({}, getmetatable(m))
      fake:anova()
      """) == "test:3: calling 'anova' on bad self (cox result expected, got a table not made by a Kaplan function)")
    #expect(luaError(rt, """
      local m = cox(dataset('lung'), 'Surv(time, status) ~ age')
      m.anova(42)
      """) == "test:2: calling 'anova' on bad self (cox result expected, got number)")
  }
}
