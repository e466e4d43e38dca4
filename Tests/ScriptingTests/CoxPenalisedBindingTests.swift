import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `cox(d, "Surv(t, e) ~ pspline(x, df = k) + ...")` from a script: the
/// bundled lung and veteran data against R's `coxph` (Tests/Fixtures/cox/
/// pspline.json, scripts/fixtures/pspline.R), its print and tidy, and the
/// refusals.
@Suite struct CoxPenalisedBindingTests {
  static func rFit(_ name: String) throws -> [String: Any] {
    let root = try #require(try loadFixture("cox/pspline.json") as? [String: Any])
    let fits = try #require(root["fits"] as? [[String: Any]])
    return try #require(fits.first { $0["name"] as? String == name })
  }

  /// JSON numbers (an array, or one number), null as NaN.
  static func doubles(_ value: Any?) -> [Double]? {
    switch value {
    case let number as NSNumber: return [number.doubleValue]
    case let array as [Any]: return array.map { ($0 as? NSNumber)?.doubleValue ?? .nan }
    default: return nil
    }
  }

  static func numbers(_ values: [LuaValue]) -> [Double] {
    values.compactMap { v -> Double? in
      switch v {
      case .number(let x): return x
      case .integer(let i): return Double(i)
      case .nil: return .nan
      default: return nil
      }
    }
  }

  /// The table R prints, read from the script's tidy(m), column by column.
  @Test(arguments: [
    ("lung_df4_sex", "lung", "Surv(time, status) ~ pspline(age, df = 4) + sex", ""),
    ("lung_theta", "lung", "Surv(time, status) ~ pspline(age, theta = 0.5)", ""),
    ("lung_df3_breslow", "lung", "Surv(time, status) ~ sex + pspline(age, df = 3)", ", {ties = \"breslow\"}"),
    ("veteran_df4_strata", "veteran", "Surv(time, status) ~ pspline(karno, df = 4) + trt + strata(celltype)", ""),
    ("veteran_two", "veteran", "Surv(time, status) ~ pspline(karno, df = 3) + pspline(age, df = 2)", ""),
  ])
  func tableMatchesR(name: String, data: String, formula: String, options: String) throws {
    let runtime = try makeRuntime()
    let r = try Self.rFit(name)
    let table = try #require(r["table"] as? [[Any]])
    let rows = table.first?.count ?? 0
    for (c, column) in ["estimate", "std_error", "std_error2", "statistic", "df", "p_value"].enumerated() {
      let out = try lua(runtime, """
        local m = cox(dataset("\(data)"), "\(formula)"\(options))
        local t = tidy(m)
        local out = {}
        for i = 1, \(rows) do out[i] = t.\(column)[i] end
        return table.unpack(out, 1, \(rows))
        """)
      let got = Self.numbers(out)
      let expected = Self.doubles(table[c]) ?? []
      #expect(got.count == expected.count, "\(name) \(column)")
      for (g, e) in zip(got, expected) {
        #expect(approxEqual(g, e, relative: Tolerance.iterative), "\(name) \(column): \(g) vs R \(e)")
      }
    }
    let fit = try lua(runtime, """
      local m = cox(dataset("\(data)"), "\(formula)"\(options))
      return m.loglik.null, m.loglik.fitted, m.iterations.outer, m.iterations.newton, m.theta_next[1], m.n
      """)
    let got = Self.numbers(fit)
    let loglik = Self.doubles(r["loglik"]) ?? []
    let iter = Self.doubles(r["iter"]) ?? []
    let theta = Self.doubles(r["theta_next"]) ?? []
    #expect(approxEqual(got[0], loglik[0], relative: Tolerance.iterative))
    #expect(approxEqual(got[1], loglik[1], relative: Tolerance.iterative))
    #expect(got[2] == iter[0] && got[3] == iter[1])
    #expect(approxEqual(got[4], theta[0], relative: Tolerance.iterative))
  }

  /// The boundary knots are the range of x over every row with x present
  /// (R's model.frame), also when the rows holding the extremes are dropped
  /// for another column: z is NA where age is 39 (the youngest).
  @Test func rangeIsTakenBeforeRowsAreDropped() throws {
    let runtime = try makeRuntime()
    let root = try #require(try loadFixture("cox/pspline.json") as? [String: Any])
    let r = try #require(root["range_case"] as? [String: Any])
    let out = try lua(runtime, """
      local d = dataset("lung")
      d = d:with{ z = if_else(d.age:eq(39), NA, d.sex) }
      local m = cox(d, "Surv(time, status) ~ pspline(age, df = 4) + z")
      local out = { m.n, m.loglik.null, m.loglik.fitted, m.df[1].df, m.df[2].df }
      for i = 1, #m.coefficients do out[#out + 1] = m.coefficients[i].coef end
      return table.unpack(out)
      """)
    let got = Self.numbers(out)
    let expected = (Self.doubles(r["n"]) ?? []) + (Self.doubles(r["loglik"]) ?? []) + (Self.doubles(r["df"]) ?? [])
      + (Self.doubles(r["coef"]) ?? [])
    #expect(got.count == expected.count)
    for (i, (g, e)) in zip(got, expected).enumerated() {
      #expect(approxEqual(g, e, relative: Tolerance.iterative), "value \(i): \(g) vs R \(e)")
    }
  }

  @Test func printShowsRsTable() throws {
    let runtime = try makeRuntime()
    let out = try lua(runtime, """
      return tostring(cox(dataset("lung"), "Surv(time, status) ~ pspline(age, df = 4) + sex"))
      """)
    guard case .string(let s) = out.first else {
      Issue.record("print gave \(out)")
      return
    }
    for piece in [
      "pspline(age, df = 4), linear", "pspline(age, df = 4), nonlin", "se(coef)", "se2", "Chisq",
      "Iterations: 4 outer, 11 Newton-Raphson", "Theta= 0.809246", "Degrees of freedom for terms= 4.1 1.0",
      "Likelihood ratio test=17.77  on 5.09 df", "n= 228, number of events= 165",
    ] {
      #expect(s.contains(piece), "missing \(piece) in\n\(s)")
    }
  }

  @Test(arguments: [
    ("km(dataset(\"lung\"), \"Surv(time, status) ~ pspline(age, df = 4)\")", "regression basis"),
    ("survreg(dataset(\"lung\"), \"Surv(time, status) ~ pspline(age, df = 4)\")", "fitted by cox() only"),
    ("cox(dataset(\"lung\"), \"Surv(time, status) ~ pspline(sex, df = 4)\")", "2 distinct values carry at most 1 df"),
    ("cox(dataset(\"lung\"), \"Surv(time, status) ~ pspline(age, df = 1)\")", "df must be greater than 1"),
    ("cox(dataset(\"lung\"), \"Surv(time, status) ~ pspline(age, df = 12, nterm = 10)\")", "too small"),
    ("cox(dataset(\"lung\"), \"Surv(time, status) ~ pspline(age, df = 4)\", {ties = \"exact\"})", "exact"),
    ("cox(dataset(\"lung\"), \"Surv(time, status) ~ pspline(age, df = 4) + cluster(inst)\")", "cluster()"),
    ("cox(dataset(\"lung\"), \"Surv(time, status) ~ pspline(age, df = 4):sex\")", "term of its own"),
    ("cox(dataset(\"lung\"), \"Surv(time, status) ~ pspline(age, df = 4)\"):predict()", "not available"),
    ("cox(dataset(\"lung\"), \"Surv(time, status) ~ pspline(age, df = 4)\"):anova()", "not available"),
  ])
  func refuses(script: String, fragment: String) throws {
    let runtime = try makeRuntime()
    do {
      _ = try lua(runtime, "return \(script)")
      Issue.record("\(script) did not fail")
    } catch {
      #expect("\(error)".contains(fragment), "\(script): \(error)")
    }
  }

  /// A pspline of a non-numeric column is refused naming it.
  @Test func refusesAStringColumn() throws {
    let runtime = try makeRuntime()
    do {
      _ = try lua(runtime, """
        local d = dataset("lung"):with{ grp = function(r) return r.sex == 1 and "m" or "f" end }
        return cox(d, "Surv(time, status) ~ pspline(grp, df = 4)")
        """)
      Issue.record("no error")
    } catch {
      #expect("\(error)".contains("grp"), "\(error)")
    }
  }
}
