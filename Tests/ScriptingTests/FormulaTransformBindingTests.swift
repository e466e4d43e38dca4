import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// Formula transforms from a script: `cox(..., {tt = function(x, t) ... end})`
/// (R's `coxph(tt =)`), called once per event time with the column of the
/// rows at risk, through the protected Lua → Swift → Lua call (errors,
/// time limit); transforms in km; bad input.
@Suite struct FormulaTransformBindingTests {
  /// R 4.x `coxph(Surv(time, status) ~ age + tt(age), lung, tt = function(x, t, ...) x * log(t))`
  /// (Tests/Fixtures/formulas/formula_transforms.json).
  static func rFit(_ formula: String) throws -> [String: Any] {
    let root = try #require(try loadFixture("formulas/formula_transforms.json") as? [String: Any])
    let fits = try #require(root["fits"] as? [[String: Any]])
    return try #require(fits.first { $0["formula"] as? String == formula })
  }

  static func numbers(_ values: [LuaValue]) -> [Double] {
    values.compactMap { v -> Double? in
      switch v {
      case .number(let x): return x
      case .integer(let i): return Double(i)
      default: return nil
      }
    }
  }

  @Test func ttColumnFunctionMatchesR() throws {
    let runtime = try makeRuntime()
    let out = try lua(runtime, """
      local m = cox(dataset("lung"), "Surv(time, status) ~ age + tt(age)",
                    {tt = function(x, t) return x * math.log(t) end})
      return m.terms[1].coef, m.terms[2].coef, m.terms[1].se, m.terms[2].se, m.n, m.terms[2].name
      """)
    let r = try Self.rFit("Surv(time, status) ~ age + tt(age)")
    let coef = try #require(r["coef"] as? [Double]), se = try #require(r["se"] as? [Double])
    let got = Self.numbers(out)
    for (g, e) in zip(got[0..<4], coef + se) {
      #expect(approxEqual(g, e, relative: Tolerance.iterative), "\(g) vs R \(e)")
    }
    #expect(got[4] == 228)
    #expect(out[5] == .string("tt(age)"))
  }

  @Test func ttTableFunctionWithStrataMatchesR() throws {
    let runtime = try makeRuntime()
    let out = try lua(runtime, """
      local m = cox(dataset("veteran"), "Surv(time, status) ~ trt + karno + tt(karno) + strata(celltype)",
        {tt = function(x, t)
          local out = {}
          for i = 1, #x do out[i] = x[i] * math.log(t + 20) end
          return out
        end})
      return m.terms[1].coef, m.terms[2].coef, m.terms[3].coef
      """)
    let r = try Self.rFit("Surv(time, status) ~ trt + karno + tt(karno) + strata(celltype)")
    for (g, e) in zip(Self.numbers(out), try #require(r["coef"] as? [Double])) {
      #expect(approxEqual(g, e, relative: Tolerance.iterative), "\(g) vs R \(e)")
    }
  }

  @Test func ttIsCalledOncePerEventTimeWithTheRowsAtRisk() throws {
    let runtime = try makeRuntime()
    let out = try lua(runtime, """
      local d = dataset("lung")
      local calls, rows, last = 0, 0, 0
      local ordered = true
      cox(d, "Surv(time, status) ~ tt(age)", {tt = function(x, t)
        calls = calls + 1
        rows = rows + #x
        if t <= last then ordered = false end
        last = t
        return x
      end})
      -- distinct death times, and the rows at risk at each (time >= t)
      local seen, times = {}, {}
      local time, status = d.time, d.status
      for i = 1, #d do
        if status[i] == 2 and not seen[time[i]] then seen[time[i]] = true; times[#times + 1] = time[i] end
      end
      local expected = 0
      for _, t in ipairs(times) do
        for i = 1, #d do if time[i] >= t then expected = expected + 1 end end
      end
      return calls, #times, rows, expected, ordered
      """)
    #expect(out[0] == out[1])
    #expect(out[2] == out[3])
    #expect(out[4] == .boolean(true))
  }

  @Test(arguments: [
    ("cox(dataset('lung'), 'Surv(time, status) ~ age + tt(age)')",
     "tt(age) needs a time-transform function: cox(d, formula, {tt = function(x, t) ... end}) at position 28"),
    ("cox(dataset('lung'), 'Surv(time, status) ~ age', {tt = function(x, t) return x end})",
     "the tt option is given but formula 'Surv(time, status) ~ age' has no tt() term"),
    ("cox(dataset('lung'), 'Surv(time, status) ~ tt(age)', {tt = function(x, t) return {1, 2} end})",
     "the tt function returned 2 values for tt(age) at time 5; it must return one per row at risk (228)"),
    ("cox(dataset('lung'), 'Surv(time, status) ~ tt(age)', {tt = function(x, t) return 'a' end})",
     "cox: the tt function returned string for tt(age) at time 5; it must return a column or an array of "
       + "numbers, one per row at risk"),
    ("cox(dataset('lung'), 'Surv(time, status) ~ tt(age)', {tt = function(x, t) error('boom') end})",
     "boom"),
    ("cox(dataset('lung'), 'Surv(time, status) ~ tt(age)', {tt = function(x, t) return x / 0 end})",
     "the tt function gave Inf for tt(age) at time 5 (row 57); values must be finite"),
    ("cox(dataset('lung'), 'Surv(time, status) ~ tt(age)', {tt = 3})",
     "option 'tt' must be a function"),
    ("cox(dataset('veteran'), 'Surv(time, status) ~ log(celltype)')",
     "log(celltype) needs numbers, but column 'celltype' holds strings at position 22"),
    ("cox(dataset('lung'), 'Surv(time, status) ~ poly(meal.cal, 2)')",
     "poly(meal.cal, 2): missing values are not allowed in poly() (as R), as in row 3 at position 22"),
    ("cox(dataset('lung'), 'Surv(time, status) ~ ns(sex, df = 3)')",
     "ns(sex, df = 3): 3 basis columns but only 2 distinct values; lower df (or the number of knots) at position 22"),
    ("cox(dataset('lung'), 'Surv(time, status) ~ ns(agee, df = 3)')", "column 'agee' not found (did you mean 'age'?)"),
    ("km(dataset('lung'), 'Surv(time, status) ~ ns(age, df = 2)')",
     "ns(age, df = 2) is a regression basis; km groups curves by the values of its terms at position 22"),
    ("km(dataset('lung'), 'Surv(time, status) ~ tt(age)')", "tt() is for cox() only, not km at position 22"),
    ("cox(dataset('lung'), 'Surv(time, status == \"Dead\") ~ age')",
     "Surv(..., status == \"Dead\"): column 'status' holds numbers, so compare it with a number, not the string "
       + "\"Dead\""),
    ("cox(dataset('lung'), 'Surv(time, status == 3) ~ age')",
     "no events: all 228 rows used are censored (column 'status')"),
  ])
  func badInput(code: String, message: String) throws {
    let runtime = try makeRuntime()
    let error = luaError(runtime, code)
    #expect(error.contains(message), "\(error)")
  }

  @Test func ttFunctionStopsAtTheTimeLimit() throws {
    let runtime = try makeRuntime()
    runtime.lua.setTimeLimit(0.3)
    let started = Date()
    do {
      _ = try runtime.stoppable {
        try runtime.lua.run(
          "cox(dataset('lung'), 'Surv(time, status) ~ tt(age)', {tt = function(x, t) while true do end end})",
          chunkName: "=k")
      }
      Issue.record("expected the time limit")
    } catch {
      #expect(String(describing: error).contains("time limit of 0.3 s exceeded"), "\(error)")
    }
    #expect(Date().timeIntervalSince(started) < 5)
  }

  @Test func undefinedValuesWarnAsRAndDropTheirRows() throws {
    let runtime = try makeRuntime()
    let out = try lua(runtime, """
      options{warnings = false}
      local d = dataset("lung")
      local m = cox(d, "Surv(time, status) ~ log(wt.loss + 5.5) + age")
      local negative, missing = 0, 0
      local w = d["wt.loss"]
      for i = 1, #d do
        if w[i] == nil then missing = missing + 1 elseif w[i] + 5.5 < 0 then negative = negative + 1 end
      end
      return m.warnings[1], m.n_dropped, negative + missing, negative
      """)
    guard case .integer(let negative) = out[3] else {
      Issue.record("\(out)")
      return
    }
    #expect(out[0] == .string("log(wt.loss + 5.5): NaNs produced (\(negative) rows dropped as missing)"))
    #expect(out[1] == out[2])
  }

  @Test func anovaOfATimeTransformModelIsRefused() throws {
    let runtime = try makeRuntime()
    let error = luaError(runtime, """
      cox(dataset("lung"), "Surv(time, status) ~ age + tt(age)", {tt = function(x, t) return x end}):anova()
      """)
    #expect(error.contains("no analysis of deviance for a model with tt(age)"), "\(error)")
  }

  @Test func kmGroupsByAOneColumnTransform() throws {
    let runtime = try makeRuntime()
    let out = try lua(runtime, """
      local fit = km(dataset("lung"), "Surv(time, status) ~ I(sex * 10)")
      return #fit.strata, fit.strata[1].label, fit.strata[2].label
      """)
    // R: names(survfit(Surv(time, status) ~ I(sex * 10), lung)$strata).
    #expect(out == [.integer(2), .string("I(sex * 10)=10"), .string("I(sex * 10)=20")])
  }
}

/// `help("formulas")`: the formula language's reference, whose example runs.
@Suite struct FormulaHelpTests {
  @Test func topicDescribesTheLanguageAndItsExampleRuns() throws {
    let runtime = try makeRuntime()
    let text = try lua(runtime, "return require('kaplan.help').text('formulas')")
    guard case .string(let s) = text.first else {
      Issue.record("help('formulas') gave \(text)")
      return
    }
    let pieces = [
      "Surv(time, state == \"Dead\")", "ns(x, df =", "bs(x, df =", "poly(x, degree", "tt(x)", "pspline(x, df = 4",
    ]
    for piece in pieces {
      #expect(s.contains(piece), "missing \(piece)")
    }
    #expect(throws: Never.self) {
      try lua(runtime, "local print = function() end; assert(load(require('kaplan.formula_help').example, "
        + "'=example', 't', setmetatable({print = print}, {__index = _G})))()")
    }
    let catalogue = try lua(runtime, "return require('kaplan.help').text()")
    guard case .string(let c) = catalogue.first else { return }
    #expect(c.contains("help(\"formulas\") the formula language"))
  }
}
