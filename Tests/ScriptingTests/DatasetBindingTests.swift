import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// The datasets library as scripts use it: loading, column objects,
/// element-wise operations with NA, derivations, and argument errors.
@Suite struct DatasetBindingTests {
  let rt: KaplanRuntime
  init() throws { rt = try makeRuntime() }

  @Test func bundledDatasetsLoadWithRowsAndColumns() throws {
    let expected1: [LuaValue] = [.integer(228), .integer(10), .number(74), .string("double")]
    #expect(try lua(rt, "local d = dataset('lung') return #d, #d:names(), d.age[1], d:types().age") == expected1)
    let expected2: [LuaValue] = [.integer(1858), .string("Lev+5FU")]
    #expect(try lua(rt, "return #dataset('colon'), dataset('colon').rx:levels()[3]") == expected2)
    #expect(luaError(rt, "dataset('lungs')").contains("no bundled dataset 'lungs'"))
  }

  @Test func columnsPropagateMissingValues() throws {
    // lung$wt.loss[1] is NA in R; arithmetic keeps it NA, summaries skip it.
    let r = try lua(rt, """
      local d = dataset('lung')
      local w = d['wt.loss']
      local kg = w * 0.5 + 1
      return w[1], kg[1], kg[2], w:missing(), kg:missing()
      """)
    let expected3: [LuaValue] = [.nil, .nil, .number(8.5), .integer(14), .integer(14)]
    #expect(r == expected3)
  }

  @Test func comparisonsAndLogicGiveBoolColumns() throws {
    let r = try lua(rt, """
      local d = dataset('lung')
      local old_men = d.age:ge(70) & d.sex:eq(1)
      local sub = d:where(old_men)
      return #sub, sub.age:min(), (~old_men)[1]
      """)
    // R: sum(lung$age >= 70 & lung$sex == 1) is 38; lung$age[1] = 74 and sex 1.
    let expected4: [LuaValue] = [.integer(38), .number(70), .boolean(false)]
    #expect(r == expected4)
  }

  @Test func derivationsReturnNewDatasets() throws {
    let r = try lua(rt, """
      local d = dataset('aml')
      local d2 = d:with{ months = d.time / 30.4375, one = 1 }
      return #d:names(), #d2:names(), d2.one[5], d2:sort{'-time'}.time[1], d:sort{'time'}.time[1]
      """)
    let expected5: [LuaValue] = [.integer(3), .integer(5), .integer(1), .number(161), .number(5)]
    #expect(r == expected5)
  }

  @Test func datesSubtractAndConvert() throws {
    let r = try lua(rt, """
      local a, b = date('2004-03-01'), date('2005-03-01')
      local d = dataset.from{{'start', {a, a}}, {'stop', {b, date('2004-03-31')}}}
      return b - a, months_between(d.start, d.stop)[2], tostring(a + 1), years_between(d.start, d.stop)[1],
        (d.stop - d.start)[2], tostring(date('31/12/2003', '%d/%m/%Y'))
      """)
    let expected6: [LuaValue] = [.integer(365), .number(30 / 30.4375), .string("2004-03-02"), .number(365 / 365.25),
                  .integer(30), .string("2003-12-31")]
    #expect(r == expected6)
    #expect(luaError(rt, "date('2004-02-30')").contains("'2004-02-30' is not a date"))
  }

  @Test func splitAndCountFollowLevelOrder() throws {
    let r = try lua(rt, """
      local d = dataset('colon')
      local parts = d:split('rx')
      local tab = d:count{'rx'}
      return parts[1].label, #parts[1].data, tab.n[3]
      """)
    // R: table(colon$rx) is Obs 630, Lev 620, Lev+5FU 608.
    let expected7: [LuaValue] = [.string("Obs"), .integer(630), .integer(608)]
    #expect(r == expected7)
  }

  @Test func relevelMakesTheReferenceFirst() throws {
    let expected8: [LuaValue] = [.string("Lev+5FU")]
    #expect(try lua(rt, "return dataset('colon'):relevel('rx', 'Lev+5FU').rx:levels()[1]") == expected8)
  }

  @Test func rowsAreReadOnlyViews() throws {
    let expected9: [LuaValue] = [.number(678)]
    #expect(try lua(rt, "local n = 0 for i, r in dataset('aml'):rows() do n = n + r.time end return n") == expected9)
    #expect(luaError(rt, "for i, r in dataset('aml'):rows() do r.time = 1 end").contains("rows are read-only"))
  }

  @Test func wrongArgumentsGiveLuaStyleErrors() throws {
    #expect(luaError(rt, "local d = dataset('aml') d:head('x')")
      == "test:1: bad argument #1 to 'head' (number expected, got string)")
    #expect(luaError(rt, "dataset('aml'):select{'time', 'nope'}").contains("nope"))
    #expect(luaError(rt, "read_csv(42)") == "test:1: bad argument #1 to 'read_csv' (string expected, got number)")
    #expect(luaError(rt, "read_csv('x.csv', {delim = ','})").contains("unknown option 'delim'"))
    #expect(luaError(rt, "local d = dataset('aml') return d.time + {}").contains(
      "column, number, string, boolean or date expected, got table"))
    #expect(luaError(rt,
      "write_csv({}, 'x.csv')") == "test:1: bad argument #1 to 'write_csv' (dataset expected, got table)")
  }

  @Test func readCsvReturnsNilAndMessageForBadFiles() throws {
    let r = try lua(rt, "return read_csv('no-such-file.csv')")
    #expect(r.first == .nil)
    #expect(r.last?.stringValue?.contains("no-such-file.csv") == true)
  }

  @Test func writeThenReadRoundTrips() throws {
    let r = try lua(rt, """
      assert(write_csv(dataset('aml'), 'aml.csv'))
      local out = package.loaded.kaplan.settings.output_directory
      local back = assert(read_csv(out .. '/aml.csv'))
      return #back, back.x:levels()[1], back.time[23]
      """)
    let expected10: [LuaValue] = [.integer(23), .string("Maintained"), .number(45)]
    #expect(r == expected10)
  }
}
