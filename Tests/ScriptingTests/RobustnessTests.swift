import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// Hostile and clumsy calls found by the robustness probes
/// (scripts/probes/*.probes): each is a clear Lua error at the script's
/// line, never a trap of the host.
@Suite struct RobustnessTests {
  let rt: KaplanRuntime
  init() throws { rt = try makeRuntime() }

  // MARK: show

  @Test func showLooksOnlyAtTheItemsItShows() throws {
    // A __len of 2^62 made show() scan 2^62 items for nested tables (found
    // in the review of issue 12: the REPL prints every result with show).
    rt.lua.setTimeLimit(5)
    defer { rt.lua.setTimeLimit(nil) }
    let r = try lua(rt, """
      return require('kaplan.show').render(setmetatable({1, 2}, {__len = function() return 1 << 62 end}))
      """)
    #expect(r.first.map { "\($0)" }?.contains("more") == true, "\(r)")
  }

  // MARK: dates

  @Test func datesOutOfRangeAreErrorsNotTraps() throws {
    // Each of these trapped in Int32(_:) or in Int32 arithmetic.
    let range = "days since 1970-01-01 must be a whole number between -2147483647 and 2147483647"
    #expect(luaError(rt, "date(0/0)") == "test:1: bad argument #1 to 'date' (\(range), got nan)")
    #expect(luaError(rt, "date(1e300)") == "test:1: bad argument #1 to 'date' (\(range), got 1e+300)")
    #expect(luaError(rt, "date(2^31)") == "test:1: bad argument #1 to 'date' (\(range), got 2147483648)")
    #expect(luaError(rt, "date(1.5)") == "test:1: bad argument #1 to 'date' (\(range), got 1.5)")
    #expect(luaError(rt, "return date('2020-01-01') + math.maxinteger")
      == "test:1: date arithmetic: a date moves by whole days, got 9.223372e+18")
    #expect(luaError(rt, "return date('2020-01-01') - 0/0")
      == "test:1: date arithmetic: a date moves by whole days, got nan")
    #expect(luaError(rt, "return date(2^31 - 1) + 1")
      == "test:1: date arithmetic: 5881580-07-11 + 1 days is out of the range of dates")
    #expect(luaError(rt, "return date(-2^31 + 1) - 1").contains("is out of the range of dates"))
    let ok = try lua(rt, "return tostring(date(0)), tostring(date('2020-01-01') + 31), tostring(3 + "
      + "date('2020-01-01')), tostring(date('2020-01-01') - 1)")
    #expect(ok == [.string("1970-01-01"), .string("2020-02-01"), .string("2020-01-04"), .string("2019-12-31")])
  }

  @Test func monthsBetweenTwoDatesIsANumber() throws {
    // help(months_between) promises dates or date columns; two dates gave
    // "'-': at least one operand must be a column".
    let r = try lua(rt, """
      return months_between(date('2020-01-01'), date('2020-01-31')),
             years_between(date('2020-01-01'), '2021-01-01'),
             months_between(dataset.from{d = {date('2020-01-01')}}.d, date('2020-01-31'))[1]
      """)
    let expected: [LuaValue] = [.number(30 / 30.4375), .number(366 / 365.25), .number(30 / 30.4375)]
    #expect(r == expected)
    #expect(luaError(rt, "return months_between(1, 2)")
      == "test:1: months_between: two dates expected (dates, date columns or ISO date texts)")
  }

  @Test func closedColumnsAndDatesAsOperandsSaySo() throws {
    #expect(luaError(rt, "local c = dataset('aml').time; do local x <close> = c end; return c + 1")
      == "test:1: bad argument #1 to '__add' (column has been closed)")
    #expect(luaError(rt, "local c = dataset('aml').time; do local x <close> = c end; return c:lt(3)")
      == "test:1: calling 'lt' on bad self (column has been closed)")
    #expect(luaError(rt, "local t = date('2020-01-01'); do local x <close> = t end; return dataset('aml').time:lt(t)")
      == "test:1: bad argument #1 to 'lt' (date has been closed)")
  }

  // MARK: messages at the script's line

  @Test func whereNamesItselfAndTheScriptLine() throws {
    // These named the internal 'where_mask' at datasets.lua:189.
    let d = "local d = dataset('aml')\n"
    #expect(luaError(rt, d + "local x = d.where(d.time:lt(3))")
      == "test:2: calling 'where' on bad self (dataset expected, got column; call it as d:where(...))")
    #expect(luaError(rt, d + "local x = d:where(5)") == "test:2: bad argument #1 to 'where' (bool column or function "
      + "expected, got number)")
    #expect(luaError(rt, d + "local x = d:where(d.x)") == "test:2: where: filter needs a bool column, got string")
    #expect(luaError(rt,
      d + "local x = d:where(dataset.from{m = {true}}.m)") == "test:2: where: filter mask has 1 rows, the dataset 23")
    let ok = try lua(rt, d + "return #d:where(d.time:lt(10)), #d:where(function(r) return r.time < 10 end)")
    #expect(ok == [.integer(5), .integer(5)])
  }

  @Test func plotOfAChangedResultIsTheOriginalAndOfAFakeOneAnErrorAtTheScriptLine() throws {
    let fit = "local f = km(dataset('aml'), 'Surv(time, status) ~ x')\n"
    // Int(1e300) trapped when the risk table was built from the edited
    // table; plot() now draws the Swift result, so the edit changes nothing.
    let r = try lua(rt, fit + """
      local a = plot(f, {file = 'a.svg', risk_table = true})
      f.strata[1].n_risk = {1e300}
      return a, plot(f, {file = 'b.svg', risk_table = true})
      """)
    let a = try String(contentsOfFile: r[0].stringValue ?? "", encoding: .utf8)
    let b = try String(contentsOfFile: r[1].stringValue ?? "", encoding: .utf8)
    #expect(!a.isEmpty && a == b)
    // A table that only claims a kind: "attempt to index a nil value" without a position.
    #expect(luaError(rt, "plot({kind = 'km'})")
      == "test:1: bad argument #1 to 'plot' (km, cuminc, cox, finegray, cox_zph, subgroups or parametric_compare "
      + "result expected, "
      + "got a table "
      + "not made by a Kaplan function)")
    // Errors of the renderer pointed at plots.lua.
    #expect(luaError(rt, fit + "plot(f, {file = 'x.svg', width = 1e300})")
      == "test:2: bad argument #2 to 'plot' (option 'width' must be a number from 200 to 10000 or a string, "
        + "got 1e+300)")
    #expect(luaError(rt, "plot(cox(dataset('aml'), 'Surv(time, status) ~ x'))")
      == "test:1: plot: forest plots have no terminal preview; give {file = \"forest.svg\"}")
  }

  @Test func readCsvLevelsMustBeAnArrayOfDistinctStrings() throws {
    let dir = try temporaryDirectory()
    var o = RuntimeOptions(workingDirectory: dir.path)
    o.stdlibPath = projectRoot.appendingPathComponent("stdlib").path
    let rt = try KaplanRuntime(options: o)
    try "time,arm\n1,a\n2,b\n".write(to: dir.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
    #expect(luaError(rt, "local d = read_csv('s.csv', {levels = {arm = 'b'}})")
      == "test:1: bad argument #2 to 'read_csv' (option 'levels': levels of 'arm' must be an array of strings, "
        + "got \"b\")")
    #expect(luaError(rt, "local d = read_csv('s.csv', {levels = {arm = {'b', 'b', 'a'}}})")
      == "test:1: bad argument #2 to 'read_csv' (option 'levels': level 'b' of 'arm' is given twice)")
    #expect(try lua(rt, "return read_csv('s.csv', {levels = {arm = {'b', 'a'}}}).arm:levels()[1]") == [.string("b")])
  }
}
