import Foundation
import LuaHost
import RunControl
import Scripting
import TestSupport
import Testing

/// Issue 17's leftovers: special missing codes of value-labelled columns,
/// infinite values in write_dta/write_xpt, labels with NUL, the dataset's
/// label (d:set_label) and write_xpt's version message.
@Suite struct StatFileLeftoverTests {
  /// The runtime of StatFileBindingTests: fixtures readable as F .. name, the output directory as OUT.
  func runtime() throws -> KaplanRuntime { try StatFileBindingTests().runtime() }

  /// haven.dta's SCORE has value labels (Low = -8, "Not done" = .a) and the
  /// tagged missing values .a (row 2) and .b (row 4): read as a string
  /// column, its codes are kept (fixture: scripts/fixtures/stat_files.R).
  @Test func missingCodesOfAValueLabelledStataColumn() throws {
    let rt = try runtime()
    let r = try lua(rt, """
      local d = assert(read_dta(F .. "haven.dta"))
      local codes = d:missing_codes("SCORE")
      local later = d:where(d.ID:ge(2)):sort{"-ID"}:missing_codes("SCORE")
      return d:types().SCORE, d.SCORE[7], d.SCORE[2], codes[2], codes[4], codes[5], codes[1], later[7], later[5]
      """)
    #expect(r == [
      .string("string"), .string("Low"), .nil, .string(".a"), .string(".b"), .nil, .nil, .string(".a"),
      .string(".b"),
    ])
  }

  /// haven.sav's SCORE is labelled (Refused = 99) with user-missing values
  /// 98 and 99 (rows 4 and 2).
  @Test func missingCodesOfAValueLabelledSpssColumn() throws {
    let rt = try runtime()
    let r = try lua(rt, """
      local d = assert(read_sav(F .. "haven.sav"))
      local codes = d:missing_codes("SCORE")
      local n = 0
      for i = 1, #codes do if codes[i] ~= nil then n = n + 1 end end
      return d:types().SCORE, d.SCORE[2], codes[2], codes[4], codes[5], n
      """)
    #expect(r == [.string("string"), .nil, .string("99"), .string("98"), .nil, .integer(2)])
  }

  @Test func writeDtaNamesTheColumnAndRowOfAnInfinity() throws {
    let rt = try runtime()
    let e = luaError(rt, "write_dta(dataset.from{ {'a', {1, 2}}, {'x', {1, -math.huge}} }, 'x.dta')")
    #expect(e == "test:1: bad argument #1 to 'write_dta' (column 'x': row 2 is -Inf, which Stata cannot hold "
      + "(make it NA or a finite value first))")
  }

  /// haven's write_xpt writes Inf as NA; Kaplan writes missing with one
  /// warning per column.
  @Test func writeXptWritesInfinityAsMissingWithAWarning() throws {
    let rt = try runtime()
    var warnings: [String] = []
    let r = try RunWarnings.withSink({ warnings.append($0) }) {
      try lua(rt, """
        assert(write_xpt(dataset.from{ {'x', {1, math.huge, -math.huge, 4}}, {'y', {1, 2, 3, 4}} }, 'inf.xpt'))
        local e = read_xpt(OUT .. 'inf.xpt')
        return e.x[1], e.x[2], e.x[3], e.x[4], #e
        """)
    }
    #expect(r == [.number(1), .nil, .nil, .number(4), .integer(4)])
    #expect(warnings == [
      "write_xpt: column 'x' has 2 infinite values, written as missing (.), as SAS transport has no infinity"
    ])
  }

  @Test func labelsWithNulAreRefused() throws {
    let rt = try runtime()
    let set = luaError(rt, "dataset('aml'):label('time', 'Weeks\\0to relapse')")
    #expect(set == "test:1: bad argument #2 to 'label' (the label of column 'time' contains a NUL character (\\0))")
    let own = luaError(rt, "dataset('aml'):set_label('AML\\0')")
    #expect(own == "test:1: bad argument #1 to 'set_label' (the label of the dataset contains a NUL character (\\0))")
    // Labels given to the writer are checked too, naming the column.
    let option = luaError(rt, "write_xpt(dataset('aml'), 'x.xpt', {labels = {time = 'a\\0b'}})")
    #expect(option.contains("column 'time': the label contains a NUL character (\\0), which XPT version 5 "
      + "cannot hold"), "\(option)")
    let dta = luaError(rt, "write_dta(dataset('aml'), 'x.dta', {labels = {x = 'a\\0b'}})")
    #expect(dta.contains("column 'x': the label contains a NUL character (\\0), which Stata cannot hold"), "\(dta)")
  }

  @Test func datasetLabelIsSetWithSetLabel() throws {
    let rt = try runtime()
    let r = try lua(rt, """
      local d = dataset("aml"):set_label("AML trial")
      assert(write_dta(d, "own.dta"))
      return d:label(), d:set_label(nil):label(), read_dta(OUT .. "own.dta"):label()
      """)
    #expect(r == [.string("AML trial"), .nil, .string("AML trial")])
    let e = luaError(rt, "dataset('aml'):label(nil, 'AML trial')")
    #expect(e == "test:1: bad argument #1 to 'label' (column name expected, got nil (set the dataset's label "
      + "with d:set_label(text)))")
  }

  @Test func writeXptVersionSaysWhichVersionsExist() throws {
    let rt = try runtime()
    for v in [4, 7, 9] {
      let e = luaError(rt, "write_xpt(dataset('aml'), 'x.xpt', {version = \(v)})")
      #expect(e == "test:1: bad argument #3 to 'write_xpt' (option 'version' must be 5 or 8 (the SAS transport "
        + "versions), got \(v))")
    }
  }
}
