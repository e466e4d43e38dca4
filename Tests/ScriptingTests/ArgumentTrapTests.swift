import Foundation
import LuaHost
import RunControl
import Scripting
import Testing
import TestSupport

/// Script inputs that trapped or silently changed values (issue 12, items
/// 5 and 6), through the Lua API: a table whose border is 2^40, an
/// integer equal to `math.mininteger`, strings with an embedded NUL.
@Suite struct ArgumentTrapTests {
  let rt: KaplanRuntime
  init() throws { rt = try makeRuntime() }

  /// A table of 41 values whose border (`#t`) is 2^40.
  static let sparse = "local t = {}; for k = 40, 0, -1 do t[1 << k] = 1 end; "
  static let sparseMessage = "table is sparse: its length (border) is 1099511627776 but it holds 41 values"

  @Test(arguments: [
    ("dataset.from{x = t}", "bad argument #1 to 'dataset.from' (\(sparseMessage)"),
    ("dataset('aml'):select(t)", "bad argument #1 to 'select' (\(sparseMessage)"),
    ("km(dataset('aml'), 'Surv(time, status) ~ 1'):at(t)", sparseMessage),
    ("km(dataset('aml'), 'Surv(time, status) ~ 1', t)", sparseMessage),
    ("cox(dataset('aml'), 'Surv(time, status) ~ x', {init = t})", sparseMessage),
  ])
  func aTableWithAHugeBorderIsAnArgumentError(code: String, message: String) {
    let error = luaError(rt, Self.sparse + "return " + code)
    #expect(error.contains(message), "\(error)")
  }

  @Test func minintegerIsKeptWithAWarning() throws {
    var warnings: [String] = []
    let r = try RunWarnings.withSink({ warnings.append($0) }) {
      try lua(rt, """
        local d = dataset.from{x = {math.mininteger, 1}}
        return d:types().x, d.x[1] == math.mininteger, d.x:missing()
        """)
    }
    #expect(r == [.string("double"), .boolean(true), .integer(0)])
    #expect(warnings.count == 1)
    #expect(warnings.first?.hasPrefix("column 'x': value 1 is -9223372036854775808") == true)
  }

  @Test func minintegerInACSVWarnsWithTheScriptsPath() throws {
    let dir = try temporaryDirectory()
    try "x\n1\n-9223372036854775808\n".write(to: dir.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
    var o = RuntimeOptions(workingDirectory: dir.path)
    o.stdlibPath = projectRoot.appendingPathComponent("stdlib").path
    let runtime = try KaplanRuntime(options: o)
    var warnings: [String] = []
    let r = try RunWarnings.withSink({ warnings.append($0) }) {
      try lua(runtime, "local d = assert(read_csv('m.csv')); return d:types().x, d.x[2] == math.mininteger")
    }
    #expect(r == [.string("double"), .boolean(true)])
    #expect(warnings == [
      "column 'x': m.csv:3: the value is -9223372036854775808 (math.mininteger), the NA code of int columns, so the "
        + "column is stored as double",
    ])
  }

  @Test func stringsWithNULAreDistinctKeys() throws {
    let r = try lua(rt, """
      local c = dataset.from{s = {"a\\0b", "a\\0c", "a\\0c", "a"}}.s
      local counts, n = c:count(), 0
      for _ in pairs(counts) do n = n + 1 end
      local levels = c:levels()
      local types = dataset.from{{"x\\0y", {1}}, {"x\\0z", {"a"}}}:types()
      return n, counts["a\\0b"], counts["a\\0c"], counts.a, #levels, types["x\\0y"], types["x\\0z"]
      """)
    #expect(r == [.integer(3), .integer(1), .integer(2), .integer(1), .integer(3), .string("int"), .string("string")])
  }

  @Test func aCSVHeaderWithNULKeepsItsColumnsApart() throws {
    let dir = try temporaryDirectory()
    let file = dir.appendingPathComponent("nul.csv")
    try Data("a\u{0}b,a\u{0}c\n1,x\n".utf8).write(to: file)
    var o = RuntimeOptions(workingDirectory: dir.path)
    o.stdlibPath = projectRoot.appendingPathComponent("stdlib").path
    let runtime = try KaplanRuntime(options: o)
    let r = try lua(runtime, """
      local t = assert(read_csv("nul.csv")):types()
      return t["a\\0b"], t["a\\0c"]
      """)
    #expect(r == [.string("int"), .string("string")])
  }
}
