import Foundation
import LuaHost
import RunControl
import Scripting
import Testing
import TestSupport

/// read_xlsx from Lua: options, sandbox, errors returned as nil + message.
@Suite struct SpreadsheetBindingTests {
  static let fixture = projectRoot.appendingPathComponent("Tests/Fixtures/xlsx/trial.xlsx").path

  @Test func readsASheetWithOptions() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local d = assert(read_xlsx('\(Self.fixture)', {select = {'id', 'randomized', 'arm'}, n_max = 3,
        levels = {arm = {'systemic', 'combined'}}}))
      local s = assert(read_xlsx('\(Self.fixture)', {sheet = 2, skip = 3, col_names = false,
        types = {['...2'] = 'double'}}))
      return #d, table.concat(d:names(), ','), tostring(d.randomized[1]), d.arm:levels()[2], #s, s['...2'][1],
        (function() local t = {} for _, n in ipairs(s:names()) do t[#t + 1] = s:types()[n] end
          return table.concat(t, ',') end)()
      """)
    #expect(r[0] == .integer(3))
    #expect(r[1] == .string("id,randomized,arm"))
    #expect(r[2] == .string("2002-01-11"))
    #expect(r[3] == .string("combined"))
    #expect(r[4] == .integer(6))
    #expect(r[5] == .number(10))
    #expect(r[6] == .string("string,double,string,double,string"))
  }

  @Test func errorsAreNilAndAMessage() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, "return read_xlsx('\(Self.fixture)', {sheet = 'Nope'})")
    #expect(r[0] == .nil)
    #expect(r[1] == .string("\(Self.fixture): no sheet 'Nope' (sheets: 'Trial', 'Offset', 'Empty')"))
    let missing = try lua(rt, "return read_xlsx('no-such.xlsx')")
    #expect(missing[1].stringValue?.hasPrefix("cannot open 'no-such.xlsx'") == true, "\(missing)")
    #expect(luaError(rt, "read_xlsx('\(Self.fixture)', {sheet = 0})").contains(
      "bad argument #2 to 'read_xlsx' (option 'sheet' must be a string or an integer"))
    #expect(luaError(rt, "read_xlsx('\(Self.fixture)', {sheets = 1})").contains("unknown option 'sheets'"))
    #expect(luaError(rt, "read_xlsx('\(Self.fixture)', {types = {id = 'number'}})").contains(
      "bad argument #2 to 'read_xlsx' (option 'types': type of 'id' must be one of"))
  }

  @Test func sandboxRefusesPathsOutside() throws {
    let rt = try makeRuntime()
    let m = luaError(rt, "read_xlsx('/etc/passwd')")
    #expect(m.contains("read_xlsx") && m.contains("/etc/passwd"), "\(m)")
  }

  @Test func warningNamesTheFileAsTheScriptGaveIt() throws {
    let rt = try makeRuntime()
    var warnings: [String] = []
    // Relative to the working directory (the package root under swift test).
    let relative = "Tests/Fixtures/xlsx/trial.xlsx"
    guard FileManager.default.fileExists(atPath: relative) else { return }
    try RunWarnings.withSink({ warnings.append($0) }) {
      _ = try lua(rt, "assert(read_xlsx('\(relative)'))")
    }
    #expect(warnings == ["\(relative): sheet 'Trial': 2 error cells read as NA (first: G3 #N/A)"])
  }
}
