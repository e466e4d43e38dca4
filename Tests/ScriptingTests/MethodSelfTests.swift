import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// A dataset or column method called with a dot instead of a colon
/// (`d.rows(5)`) says so at the script's line, whichever method it is: Lua
/// methods used to fail inside datasets.lua, and Swift methods that read an
/// argument before self complained about "argument #1" instead.
@Suite struct MethodSelfTests {
  let rt: KaplanRuntime
  init() throws { rt = try makeRuntime() }

  static let datasetMethods = [
    "names", "types", "nrow", "ncol", "column", "head", "tail", "select", "drop", "sort", "with",
    "take", "split", "count", "relevel", "levels", "rename", "where", "rows", "describe",
  ]
  static let columnMethods = [
    "name", "type", "sum", "mean", "median", "min", "max", "quantile", "levels", "count",
    "missing", "is_missing", "values", "eq", "ne", "lt", "le", "gt", "ge", "sd",
  ]

  @Test(arguments: datasetMethods)
  func datasetMethodWithWrongSelf(_ name: String) {
    let code = "local d = dataset('aml')\nlocal x = d.\(name)(5)"
    #expect(luaError(rt, code)
      == "test:2: calling '\(name)' on bad self (dataset expected, got number; call it as d:\(name)(...))")
    #expect(luaError(rt, "local d = dataset('aml')\nlocal x = d.\(name)()")
      == "test:2: calling '\(name)' on bad self (dataset expected, got no value; call it as d:\(name)(...))"
      || ["rows", "describe", "where"].contains(name))
  }

  @Test(arguments: columnMethods)
  func columnMethodWithWrongSelf(_ name: String) {
    #expect(luaError(rt, "local c = dataset('aml').time\nlocal x = c.\(name)(5)")
      == "test:2: calling '\(name)' on bad self (column expected, got number; call it as c:\(name)(...))")
  }

  @Test func luaMethodsNameNilSelf() {
    #expect(luaError(rt, "local d = dataset('aml')\nfor i in d.rows() do end")
      == "test:2: calling 'rows' on bad self (dataset expected, got nil; call it as d:rows(...))")
  }
}
