import Foundation
import LuaHost
import RunControl
import Scripting
import Testing
import TestSupport

/// Issue 15, columns: `NA`, the element-wise functions as methods and
/// globals, if_else / case_when / coalesce / fill_na (dplyr's semantics,
/// written out by hand below since dplyr is not installed), `c:map(f)`, and
/// their errors. The numbers themselves are checked against R in
/// `DatasetsTests/ColumnMathFixtureTests`.
@Suite struct ColumnFunctionTests {
  let rt: KaplanRuntime
  init() throws { rt = try makeRuntime() }

  /// Values computed by R and typed here (R 4.2.2, printed with %.17g).
  static let printedByR = 1e-15

  private func run(_ code: String) throws -> [LuaValue] { try lua(rt, code) }

  private func warnings(_ code: String) throws -> (results: [LuaValue], warnings: [String]) {
    var list: [String] = []
    let r = try RunWarnings.withSink({ list.append($0) }) { try lua(rt, code) }
    return (r, list)
  }

  // MARK: NA

  @Test func naIsOneValueThatDecodersReadAsMissing() throws {
    let r = try run("""
      local d = dataset.from{x = {1, NA, 3}}
      local e = d:with{y = NA, z = {NA, "a", "b"}}
      return type(NA), tostring(NA), log(NA) == NA, rawequal(coalesce(NA, NA), NA), d.x[2], d:types().x,
        e.y:missing(), e:types().z, e.z:missing(), #e
      """)
    #expect(r == [.string("userdata"), .string("NA"), .boolean(true), .boolean(true), .nil, .string("int"),
                  .integer(3), .string("string"), .integer(1), .integer(3)])
  }

  @Test func arithmeticAndComparisonsWithNA() throws {
    let r = try run("""
      local aml = dataset("aml")
      return (aml.time + NA):missing(), (NA * aml.time):missing(), NA + 1 == NA, -NA == NA, (aml.time ^ NA):missing(),
        aml.time:eq(NA):missing(), rawequal("x" .. NA, NA)
      """)
    #expect(r == [.integer(23), .integer(23), .boolean(true), .boolean(true), .integer(23), .integer(23),
                  .boolean(true)])
    #expect(luaError(rt, "return NA < 1").contains("attempt to compare NA with '<'"))
    #expect(luaError(rt, "return NA + 'a'").contains("arithmetic ('+') on NA and a string"))
  }

  @Test func isNAOfValuesAndColumns() throws {
    let r = try run("""
      local lung = dataset("lung")
      return is_na(NA), is_na(nil), is_na(0/0), is_na(0), is_na("NA"), is_missing(NA),
        is_na(lung["wt.loss"]):sum(), lung["wt.loss"]:is_na():sum(), is_missing(lung["wt.loss"]):sum()
      """)
    #expect(r == [.boolean(true), .boolean(true), .boolean(true), .boolean(false), .boolean(false), .boolean(true),
                  .number(14), .number(14), .number(14)])
    #expect(luaError(rt, "return is_na({})").contains("bad argument #1 to 'is_na' (a value or a column expected"))
  }

  @Test func helpDescribesNA() throws {
    let r = try run("return kaplan_help_text == nil and package.loaded.kaplan.help.text(NA)")
    #expect(r.first?.stringValue?.hasPrefix("NA, the missing value.") == true)
    #expect(r.first?.stringValue?.contains("is_na(x)") == true)
  }

  // MARK: element-wise functions

  @Test func numbersGiveNumbersAndColumnsGiveColumns() throws {
    let r = try run("""
      local aml = dataset.from{time = {9, 13, 13, 18}}
      return log(100, 10), round(2.5), round(0.15, 1), round(1.005, 2), signif(123456, 2), abs(-3),
        math.type(abs(-3)), floor(-2.5), ceil(2.1), trunc(-2.7), exp(0), sqrt(16), pow(2, 10),
        aml.time:log():type(), aml.time:abs():type(), aml.time:round(1):type(), aml.time:cumsum():type(),
        aml.time:cumsum()[3], aml.time:lag():type(), (aml.time % 7):type(), (aml.time ^ 2):type(),
        pmax(1, 5, 3), pmin(aml.time, 10):type(), pmin(aml.time, 10.5):type()
      """)
    #expect(r == [.number(2), .number(2), .number(0.1), .number(1), .number(120000), .integer(3), .string("integer"),
                  .number(-3), .number(3), .number(-2), .number(1), .number(4), .number(1024),
                  .string("double"), .string("int"), .string("double"), .string("int"),
                  .integer(9 + 13 + 13), .string("int"), .string("int"), .string("double"),
                  .integer(5), .string("int"), .string("double")])
  }

  @Test func methodAndGlobalAgree() throws {
    let r = try run("""
      local lung = dataset("lung")
      local a, b = lung.age:log(2):round(3), round(log(lung.age, 2), 3)
      return (a - b):abs():max(), lung.age:log(2)[1]
      """)
    #expect(r.first == .number(0))
    // R: log(74, 2)
    #expect(approxEqual(r[1].doubleValue ?? .nan, 6.2094533656289501, relative: Self.printedByR))
  }

  @Test func domainErrorsGiveNAWithOneWarningPerCall() throws {
    let (r, w) = try warnings("""
      local d = dataset.from{x = {-1, 4, -9, NA}}
      return d.x:sqrt():missing(), d.x:sqrt()[2], log(-1) == NA, log1p(d.x):missing()
      """)
    // R: log1p(-1) is -Inf (no warning), log1p(-9) NaN.
    #expect(r == [.integer(3), .number(2), .boolean(true), .integer(2)])
    #expect(w == [
      "Warning in sqrt(): NaNs produced (2 values are NA)", "Warning in sqrt(): NaNs produced (2 values are NA)",
      "Warning in log(): NaNs produced (1 value is NA)", "Warning in log1p(): NaNs produced (1 value is NA)",
    ])
    // R: (-8)^(1/3) is NaN without a warning; NA^0 is 1.
    let (p, pw) = try warnings(
      "local d = dataset.from{x = {-8, NA}}; local y = d.x ^ (1/3); return y:missing(), (d.x ^ 0)[2]")
    #expect(p == [.integer(2), .number(1)])
    #expect(pw.isEmpty)
  }

  @Test func moduloHasTheSignOfTheDivisor() throws {
    // R: c(-5, 5, 5.5) %% 3; c(-5, 5) %% -3; c(-5L, 5L) %% 3L; 5L %% 0L is NA
    let r = try run("""
      local d = dataset.from{x = {-5, 5, 5.5}, i = {-5, 5, 0}}
      local m, n, k = d.x % 3, d.x % -3, d.i % 3
      return m[1], m[2], m[3], n[1], n[2], k:type(), k[1], k[2], (d.i % 0):missing()
      """)
    #expect(r == [.number(1), .number(2), .number(2.5), .number(-2), .number(-1), .string("int"), .integer(1),
                  .integer(2), .integer(3)])
  }

  @Test func pminPmaxPropagateNAUnlessNaRm() throws {
    let r = try run("""
      local d = dataset.from{a = {1, NA, 5}, b = {3, 2, NA}}
      local p, q = pmin(d.a, d.b), pmax(d.a, d.b, {na_rm = true})
      return p[1], p[2], p[3], q[1], q[2], q[3], pmin(1, NA) == NA
      """)
    #expect(r == [.integer(1), .nil, .nil, .integer(3), .integer(2), .integer(5), .boolean(true)])
    #expect(luaError(rt, "return pmin(dataset('aml').time, dataset('lung').age)")
      .contains("bad argument #2 to 'pmin' (column has 228 rows, but an earlier column has 23)"))
    #expect(luaError(rt, "return pmax(1, 2, {na_rn = true})").contains("unknown option 'na_rn'; did you mean 'na_rm'?"))
  }

  @Test func lagAndLeadWithinGroups() throws {
    // dplyr: d %>% group_by(g) %>% mutate(lag(x), lead(x, 2, default = 0)), by hand.
    let r = try run("""
      local d = dataset.from{g = {"a", "b", "a", "b", "a"}, x = {1, 2, 3, 4, 5}}
      local l, m, n = d.x:lag(1, {by = d.g}), d.x:lead(2, {default = 0, by = d.g}), lag(d.x)
      return l[1], l[2], l[3], l[4], l[5], m[1], m[2], m[3], n[1], n[5], d.g:lag(1, {default = "z"})[1],
        d.x:lag(0)[3], d.x:lead(1, {default = 0.5}):type()
      """)
    #expect(r == [.nil, .nil, .integer(1), .integer(2), .integer(3), .integer(5), .integer(0), .integer(0), .nil,
                  .integer(4), .string("z"), .integer(3), .string("double")])
    #expect(luaError(rt, "local a = dataset('aml'); return a.time:lag(-1)")
      .contains("bad argument #1 to 'lag' (k must be a whole number ≥ 0, got -1)"))
    #expect(luaError(rt, "local a = dataset('aml'); return a.time:lag(1, {by = dataset('lung').age})")
      .contains("bad argument #2 to 'lag' (option 'by' has 228 rows, the column 23)"))
    #expect(luaError(rt, "local a = dataset('aml'); return a.time:lag(1, {by = 'x'})")
      .contains("option 'by' must be a column, got \"x\""))
    #expect(luaError(rt, "local a = dataset('aml'); return a.time:lag(1, {default = 'x'})")
      .contains("bad argument #2 to 'lag' (option 'default': the default must be a double value like the column"))
  }

  @Test func rankAndScaleAsR() throws {
    // R: rank(c(3, 1, NA, 3), na.last = "keep") is 2.5 1 NA 2.5; ties "min": 2 1 NA 2; "first": 2 1 NA 3.
    let r = try run("""
      local d = dataset.from{x = {3, 1, NA, 3}}
      local a, m, f = d.x:rank(), d.x:rank{ties = "min"}, rank(d.x, {ties = "first"})
      local z = dataset("lung").age:scale()
      return a[1], a[2], a[3], a[4], m[1], m:type(), f[4], math.abs(z:mean()) < 1e-12, z:sd()
      """)
    #expect(r[0..<7] == [.number(2.5), .number(1), .nil, .number(2.5), .integer(2), .string("int"), .integer(3)])
    #expect(r[7] == .boolean(true))
    #expect(approxEqual(r[8].doubleValue ?? .nan, 1, relative: Self.printedByR))
    #expect(luaError(rt, "return dataset('aml').time:rank{ties = 'dense'}")
      .contains("option 'ties' must be one of \"average\", \"min\", \"max\", \"first\""))
  }

  @Test func badInputsAreArgumentErrors() {
    let cases: [(String, String)] = [
      ("return log('a')", "bad argument #1 to 'log' (number or column expected, got string)"),
      ("return log(dataset('colon').rx)", "bad argument #1 to 'log' (number column expected, got string column d.rx)"),
      ("return dataset('colon').rx:sqrt()",
       "calling 'sqrt' on bad self (number column expected, got string column d.rx)"),
      ("return round(dataset('aml').time, 'x')", "bad argument #2 to 'round' (digits must be a number, got \"x\")"),
      ("return dataset('aml').time:round(1, 2)", "bad argument #2 to 'round' (no more arguments expected"),
      ("return log(1, 2, 3)", "bad argument #3 to 'log' (no more arguments expected, got number)"),
      ("return pow(dataset('aml').time, dataset('lung').age)", "'^': columns have different lengths (23 and 228)"),
      ("return dataset('aml').time:exp(2)", "bad argument #1 to 'exp' (no more arguments expected, got number)"),
    ]
    for (code, message) in cases {
      let error = luaError(rt, code)
      #expect(error.contains(message), "\(code): \(error)")
    }
  }

  // MARK: if_else, case_when, coalesce, fill_na

  @Test func ifElseAsDplyr() throws {
    // dplyr::if_else(c(TRUE, FALSE, NA), 1L, 2.5) is c(1, 2.5, NA); with missing = 0: c(1, 2.5, 0).
    let r = try run("""
      local d = dataset.from{c = {true, false, NA}, x = {10, 20, 30}}
      local a, b = if_else(d.c, 1, 2.5), if_else(d.c, 1, 2.5, 0)
      local s = if_else(d.c, "yes", "no")
      local x = if_else(d.c, d.x, NA)
      return a:type(), a[1], a[2], a[3], b[3], s:type(), s[1], s[3], table.concat(s:levels(), ","), x[1], x[2],
        if_else(true, 1, 2), if_else(NA, 1, 2) == NA, if_else(true, d.x, 0)[3]
      """)
    #expect(r == [.string("double"), .number(1), .number(2.5), .nil, .number(0), .string("string"), .string("yes"),
                  .nil, .string("no,yes"), .integer(10), .nil, .integer(1), .boolean(true), .integer(30)])
  }

  @Test func ifElseErrorsNameTheArgument() {
    let cases: [(String, String)] = [
      ("return if_else(dataset('aml').time, 1, 2)",
       "bad argument #1 to 'if_else' (bool column or boolean expected, got double column)"),
      ("return if_else(1, 1, 2)", "bad argument #1 to 'if_else' (bool column or boolean expected, got number)"),
      ("local a = dataset('aml'); return if_else(a.time:gt(10), 1, 'x')",
       "bad argument #3 to 'if_else' (no must be the same type as yes (int), got string)"),
      ("local a = dataset('aml'); return if_else(a.time:gt(10), 1, 2, true)",
       "bad argument #4 to 'if_else' (missing must be the same type as yes and no (int), got bool)"),
      ("local a = dataset('aml'); return if_else(a.time:gt(10), dataset('lung').age, 2)",
       "bad argument #2 to 'if_else' (yes column has 228 rows, but an earlier column has 23)"),
      ("local a = dataset('aml'); return if_else(a.time:gt(10), {}, 2)",
       "bad argument #2 to 'if_else' (yes must be a value or a column, got table)"),
    ]
    for (code, message) in cases {
      let error = luaError(rt, code)
      #expect(error.contains(message), "\(code): \(error)")
    }
  }

  @Test func caseWhenFirstTrueWins() throws {
    // dplyr::case_when(x < 2 ~ "low", x < 4 ~ "mid", TRUE ~ "high") on c(1, 3, 5, NA): low mid high high
    // (NA < 2 is NA: not matched, so the default).
    let r = try run("""
      local d = dataset.from{x = {1, 3, 5, NA}}
      local g = case_when{ {d.x:lt(2), "low"}, {d.x:lt(4), "mid"}, default = "high" }
      local h = case_when{ {d.x:lt(2), 1}, {d.x:lt(4), 2.5} }
      return g[1], g[2], g[3], g[4], h:type(), h[1], h[2], h[3], case_when{ {false, 1}, {true, 2} }
      """)
    #expect(r == [.string("low"), .string("mid"), .string("high"), .string("high"), .string("double"), .number(1),
                  .number(2.5), .nil, .integer(2)])
    let cases: [(String, String)] = [
      ("local d = dataset('aml'); return case_when{ {d.time, 1} }",
       "bad argument #1 to 'case_when' (the cond of entry 1 must be a bool column or boolean, got double column)"),
      ("local d = dataset('aml'); return case_when{ {d.time:gt(1), 1}, {true, 'a'} }",
       "(the value of entry 2 is string, but the values before are int)"),
      ("local d = dataset('aml'); return case_when{ {d.time:gt(1), 1}, default = 'a' }",
       "(the value of default is string, but the values before are int)"),
      ("return case_when{ {true, 1}, other = 2 }", "unknown field 'other'"),
      ("return case_when{ {true} }", "entry 1 must be {cond, value}"),
      ("return case_when{}", "at least one {cond, value} entry expected"),
    ]
    for (code, message) in cases {
      let error = luaError(rt, code)
      #expect(error.contains(message), "\(code): \(error)")
    }
  }

  @Test func coalesceAndFillNA() throws {
    // dplyr::coalesce(c(NA, 2L, NA), c(1L, NA, NA), 0L) is c(1L, 2L, 0L).
    let r = try run("""
      local d = dataset.from{a = {NA, 2, NA}, b = {1, NA, NA}}
      local c = coalesce(d.a, d.b, 0)
      local f = d.a:fill_na(0.5)
      return c:type(), c[1], c[2], c[3], f:type(), f[1], f[2], coalesce(nil, NA, "x"), d.a:missing()
      """)
    #expect(r == [.string("int"), .integer(1), .integer(2), .integer(0), .string("double"), .number(0.5),
                  .number(2), .string("x"), .integer(2)])
    #expect(luaError(rt, "local d = dataset('aml'); return coalesce(d.time, 'x')")
      .contains("bad argument #2 to 'coalesce' (string where the arguments before are double)"))
    #expect(luaError(rt, "return dataset('aml').time:fill_na('x')")
      .contains("bad argument #1 to 'fill_na' (value must be double like the column, got string)"))
    #expect(luaError(rt, "return dataset('aml').time:fill_na()")
      .contains("bad argument #1 to 'fill_na' (a value expected, got no value)"))
  }

  // MARK: map

  @Test func mapPassesNAAsNilAndInfersTheType() throws {
    let r = try run("""
      local d = dataset.from{x = {1, NA, 3}}
      local seen = {}
      local y = d.x:map(function(v) seen[#seen + 1] = tostring(v); if v then return v * 2 end end)
      local s = d.x:map(function(v) return v and "n" .. v or NA end)
      local b = d.x:map(function(v) return v == 3 end)
      return table.concat(seen, ","), y:type(), y[1], y[2], y[3], s:type(), s[1], s[2], b:type(), b[3]
      """)
    #expect(r == [.string("1,nil,3"), .string("int"), .integer(2), .nil, .integer(6), .string("string"),
                  .string("n1"), .nil, .string("bool"), .boolean(true)])
  }

  @Test func mapErrorsNameTheRow() {
    let cases: [(String, String)] = [
      ("local d = dataset('aml'); return d.time:map(function(t) if t > 40 then error('too long') end return t end)",
       "map: the function failed at row 9: test:1: too long"),
      ("return dataset('aml').time:map(5)", "bad argument #1 to 'map' (function expected, got number)"),
      ("return dataset('aml').time:map(function(t) return {} end)",
       "map: the function returned a table for row 1 (a number, string, boolean, date or nil expected)"),
      ("return dataset('aml').time:map(function(t) if t > 40 then return 'x' end return t end)",
       "map: the function's results must have one type: value 9 is string, but earlier values are double"),
      ("return dataset('aml').time:map(function(t) return t end, 2)",
       "bad argument #2 to 'map' (no more arguments expected, got number)"),
    ]
    for (code, message) in cases {
      let error = luaError(rt, code)
      #expect(error.contains(message), "\(code): \(error)")
    }
  }

  @Test func mapStopsAtTheTimeLimitEvenUnderPcall() throws {
    let runtime = try makeRuntime()
    runtime.lua.setTimeLimit(0.3)
    defer { runtime.lua.setTimeLimit(nil) }
    let error = luaError(runtime, """
      local ok = pcall(function() return dataset('aml').time:map(function(t) while true do end end) end)
      return ok
      """)
    #expect(error.contains("time limit of 0.3 s exceeded"), "\(error)")
  }
}
