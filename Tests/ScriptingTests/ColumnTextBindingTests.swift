import Foundation
import LuaHost
import RunControl
import Scripting
import Testing
import TestSupport

/// The column functions of issue 15 as scripts call them: globals and
/// methods alike, single values, error wording (function, argument,
/// offending value), recode's number keys, paste's options, and Lua
/// patterns through the runtime's own string.gsub.
@Suite struct ColumnTextBindingTests {
  let rt: KaplanRuntime
  init() throws { rt = try makeRuntime() }

  private func strings(_ code: String) throws -> [String] {
    try lua(rt, code).map { $0.stringValue ?? "<\($0.typeName)>" }
  }

  @Test func globalsAndMethodsGiveTheSameColumns() throws {
    let r = try strings("""
      local lung, colon = dataset("lung"), dataset("colon")
      local function same(a, b)
        if #a ~= #b or a:type() ~= b:type() then return "different" end
        for i = 1, #a do if a[i] ~= b[i] then return "row " .. i end end
        return "same"
      end
      return same(cut(lung.age, {0, 50, 100}), lung.age:cut({0, 50, 100})),
        same(quantile_groups(lung.age, 3), lung.age:quantile_groups(3)),
        same(recode(colon.rx, {Obs = "o"}), colon.rx:recode({Obs = "o"})),
        same(upper(colon.rx), colon.rx:upper()), same(gsub(colon.rx, "v", "w"), colon.rx:gsub("v", "w")),
        same(contains(colon.rx, "+"), colon.rx:contains("+")),
        same(as_string(lung.age), lung.age:as_string())
      """)
    #expect(r == Array(repeating: "same", count: 7))
  }

  @Test func cutLevelsAreInBreakOrder() throws {
    let r = try strings("""
      local d = dataset.from{ {"age", {70, 40, 50, 30}} }
      local g = d.age:cut({0, 45, 60, math.huge}, {labels = {"<45", "45-59", "60+"}})
      return table.concat(g:levels(), ","), g[1], g[4], table.concat(d.age:cut({0, 45, 60, math.huge}):levels(), ",")
      """)
    #expect(r == ["<45,45-59,60+", "60+", "<45", "(0,45],(45,60],(60,Inf]"])
  }

  @Test func singleValuesGiveValues() throws {
    let r = try lua(rt, """
      return upper("ab"), trim("  x "), str_len("héllo"), gsub("a.b", "%.", "-"), starts_with("Lev", "Le"),
        as_number(" 2.5 "), as_string(0.1 + 0.2), year(date("2004-03-01")), tostring(add_days(date("2004-02-28"), 2)),
        tostring(as_date("01MAR2004", "%d%b%Y")), paste("a", 1, true), concat("x", 2.5)
      """)
    #expect(r == [.string("AB"), .string("x"), .integer(5), .string("a-b"), .boolean(true), .number(2.5),
                  .string("0.3"), .integer(2004), .string("2004-03-01"), .string("2004-03-01"), .string("a 1 TRUE"),
                  .string("x2.5")])
  }

  @Test func badInputsNameFunctionArgumentAndValue() {
    let cases: [(String, String)] = [
      ("cut(d.x, {0, 10, 5})", "bad argument #2 to 'cut' (breaks must be increasing, got 5 after 10)"),
      ("d.x:cut({0, 10, 5})", "bad argument #1 to 'cut' (breaks must be increasing, got 5 after 10)"),
      ("cut(d.x, {0, 5, 10}, {labels = {'a'}})",
       "bad argument #3 to 'cut' (option 'labels': 2 labels expected (one per interval between 3 breaks), got 1)"),
      ("d.x:cut({0, 5, 10}, {labels = {'a'}})",
       "bad argument #2 to 'cut' (option 'labels': 2 labels expected (one per interval between 3 breaks), got 1)"),
      ("cut(d.x, 1)", "bad argument #2 to 'cut' (the number of intervals must be a whole number from 2 to 100000, "
        + "got 1)"),
      ("cut(d.s, 3)", "bad argument #1 to 'cut' (a number column (double or int) expected, got a string column)"),
      ("upper(d.x)", "bad argument #1 to 'upper' (a string column expected, got a double column)"),
      ("d.x:upper()", "calling 'upper' on bad self (a string column expected, got a double column)"),
      ("as_number(d.s)", "bad argument #1 to 'as_number' (row 2: \"b\" is not a number (use {strict = false} to make "
        + "such values NA))"),
      ("as_date(d.s, '%d/%m/%Y')", "bad argument #1 to 'as_date' (row 1: \"1\" is not a date in format %d/%m/%Y "
        + "(use {strict = false} to make such values NA))"),
      ("as_date(d.s, '%Q')", "bad argument #2 to 'as_date' (date format '%Q': unknown conversion '%Q' (known: %Y %y "
        + "%m %d %b %%))"),
      ("quantile_groups(d.t, 4)", "bad argument #2 to 'quantile_groups' (the 0 and 0.25 quantiles are both 1: too "
        + "many ties for 4 groups)"),
      ("quantile_groups(d.x, 2.5)", "bad argument #2 to 'quantile_groups' (the number of groups must be a whole "
        + "number, got 2.5)"),
      ("d.x:quantile_groups(0/0)", "bad argument #1 to 'quantile_groups' (the number of groups must be a whole "
        + "number, got nan)"),
      ("quantile_groups(d.x, NA)", "bad argument #2 to 'quantile_groups' (the number of groups must be a whole "
        + "number, got NA)"),
      ("recode(d.s, {[1] = 'x'})", "bad argument #2 to 'recode' (key 1 is a number, but the column is string)"),
      ("recode(d.t, {[1] = 'one'})", "bad argument #2 to 'recode' (row 5: 2 has no new value and cannot be kept "
        + "among string values; map it or give a default)"),
      ("gsub(d.s, '%', 'x')", "bad argument #2 to 'gsub' (malformed pattern (ends with '%'))"),
      ("gsub(d.s, '(b)', '%2')", "bad argument #3 to 'gsub' (invalid capture index %2 in the replacement)"),
      ("year(d.x)", "bad argument #1 to 'year' (a date column expected, got a double column)"),
      ("add_days(date('2020-01-01'), 0.5)", "bad argument #2 to 'add_days' (row 1: a date moves by whole days, got "
        + "0.5)"),
      ("paste(d.s, {1, 2})", "bad argument #2 to 'paste' (options are named, as {sep = ...}; got a list (options: "
        + "sep))"),
      ("paste(d.s, {sepp = '-'})", "bad argument #2 to 'paste' (unknown option 'sepp'; did you mean 'sep'? "
        + "(options: sep))"),
      ("concat(d.s, {})", "bad argument #2 to 'concat' (column or value expected, got table)"),
      ("upper(d.s, 1)", "bad argument #2 to 'upper' (no more arguments expected, got number)"),
    ]
    for (code, expected) in cases {
      let message = luaError(rt, """
        local d = dataset.from{ {"x", {1.5, 2, 3, 4, 5}}, {"s", {"1", "b", "c", "d", "e"}}, {"t", {1, 1, 1, 1, 2}} }
        return \(code)
        """)
      #expect(message == "test:2: " + expected, "\(code)")
    }
  }

  @Test func recodeTakesNumberKeysOfAnyKindAndPairs() throws {
    let r = try strings("""
      local d = dataset.from{ {"status", {0, 1, 2, 1}} }
      local a = recode(d.status, {[0] = "alive", [1] = "died", [2] = "lost"})
      local b = d.status:recode({{2, "lost"}, {1, "died"}, {0, "alive"}})
      local c = recode(d.status, {[1] = 10}, {default = 0})
      return table.concat(a:levels(), ","), table.concat(b:levels(), ","), a[3], c:type(), tostring(c[2] + c[1])
      """)
    #expect(r == ["alive,died,lost", "lost,died,alive", "lost", "int", "10"])
  }

  @Test func recodeTakesNAAsANewValueAndAsTheDefault() throws {
    // dplyr: recode(s, a = NA_character_) and recode(s, b = "B", .default = NA_character_), by hand.
    let r = try strings("""
      local d = dataset.from{ {"s", {"a", "b", "c", "a"}}, {"n", {1, 2, 3, 1}} }
      local function shown(c)
        local t = {}
        for i = 1, #c do t[i] = c[i] == nil and "NA" or tostring(c[i]) end
        return table.concat(t, ",")
      end
      return shown(recode(d.s, {a = NA})), table.concat(recode(d.s, {a = NA}):levels(), ","),
        shown(d.s:recode({b = "B"}, {default = NA})), shown(recode(d.n, {{1, NA}, {2, 20}})),
        recode(d.n, {[2] = NA}):type()
      """)
    #expect(r == ["NA,b,c,NA", "b,c", "NA,B,NA,NA", "NA,20,3,NA", "int"])
    #expect(luaError(rt, "return recode(dataset.from{ {'s', {'a'}} }.s, {a = function() end})")
      == "test:1: bad argument #2 to 'recode' (the new value of \"a\" is a function; strings, numbers, booleans, "
      + "dates or NA expected)")
    #expect(luaError(rt, "return recode(dataset.from{ {'s', {'a'}} }.s, {[NA] = 'x'})")
      == "test:1: bad argument #2 to 'recode' (a key is NA, but NA stays NA in recode (c:fill_na(value) gives it a "
      + "value))")
    #expect(luaError(rt, "return recode(dataset.from{ {'n', {1}} }.n, {{NA, 5}})")
      == "test:1: bad argument #2 to 'recode' (the old value of pair 1 is NA, but NA stays NA in recode "
      + "(c:fill_na(value) gives it a value))")
  }

  @Test func pasteSeparatesWithTheOptionAndWritesNA() throws {
    let r = try strings("""
      local d = dataset.from{ {"arm", {"b", "a"}}, {"n", {1, 2.5}} }
      local p = paste(d.arm, d.n, "x", {sep = "/"})
      return p[1], p[2], concat(d.arm, d.n)[2], table.concat(p:levels(), " ")
      """)
    #expect(r == ["b/1/x", "a/2.5/x", "a2.5", "a/2.5/x b/1/x"])
  }

  @Test func patternsUseTheRuntimesOwnStringFunctions() throws {
    // A script that replaces string.gsub does not change what gsub does.
    let r = try strings("""
      string.gsub = function() return "hijacked" end
      string.find = function() return nil end
      local d = dataset.from{ {"s", {"Lev+5FU", "Obs"}} }
      return d.s:gsub("%+", " and ")[1], tostring(contains(d.s, "^O", {pattern = true})[2])
      """)
    #expect(r == ["Lev and 5FU", "true"])
  }

  @Test func gsubLevelsThatBecomeEqualMerge() throws {
    let r = try strings("""
      local d = dataset.from{ {"s", {"a1", "a2", "b1"}} }
      local g = d.s:gsub("%d", "")
      -- A column of fewer rows keeps all its levels; Lua runs only on those in use.
      local h = d:head(1).s:gsub("%d", "")
      return table.concat(g:levels(), ","), g[2], tostring(#g), table.concat(h:levels(), ",")
      """)
    #expect(r == ["a,b", "a", "3", "a"])
  }

  @Test func looseConversionsWarnOnce() throws {
    var warnings: [String] = []
    let r = try RunWarnings.withSink({ warnings.append($0) }) {
      try strings("""
        local d = dataset.from{ {"s", {"1", "x", "2001-01-01"}} }
        return tostring(as_number(d.s, {strict = false})[2]), tostring(as_date(d.s, {strict = false})[3])
        """)
    }
    #expect(r == ["nil", "2001-01-01"])
    #expect(warnings == [
      "as_number: 2 values became NA (the first: row 2, \"x\", is not a number)",
      "as_date: 2 values became NA (the first: row 1, \"1\", is not a date in format %Y-%m-%d)",
    ])
  }
}

/// Lua patterns run per level in C, where the count hook cannot reach: the
/// loop over levels polls the run's stop, so a slow pattern over many
/// levels ends at the time limit.
@Suite struct ColumnPatternStopTests {
  @Test func gsubOverManyLevelsStopsAtTheTimeLimit() throws {
    let runtime = try makeRuntime()
    _ = try lua(runtime, """
      local t = {}
      for i = 1, 3000 do t[i] = string.rep("a", 40) .. i end
      slow = dataset.from{ {"s", t} }
      """)
    runtime.lua.setTimeLimit(0.3)
    let started = Date()
    do {
      // Each level backtracks (a-a-a-a-b never matches): about 10^6 steps a
      // level, some seconds for all of them.
      _ = try runtime.stoppable { try runtime.lua.run("return slow.s:gsub('a-a-a-a-b', '')", chunkName: "=p") }
      Issue.record("expected the time limit")
    } catch {
      #expect(String(describing: error).contains("time limit of 0.3 s exceeded"), "\(error)")
    }
    #expect(Date().timeIntervalSince(started) < 3)
  }
}
