import Foundation
import LuaHost
import Testing

@testable import Scripting

/// Provenance inside scripts (issue 19): kaplan.version, kaplan.lua_version,
/// session_info() and the version in json() of a result.
@Suite struct SessionInfoTests {
  func run(_ code: String) throws -> [LuaValue] {
    let runtime = try KaplanRuntime(options: RuntimeOptions())
    return try runtime.lua.call(try runtime.lua.load(code, chunkName: "=test"), [])
  }

  @Test func versionsAreReadableInScripts() throws {
    let values = try run("return kaplan.version, kaplan.lua_version, _VERSION")
    #expect(values.first?.stringValue == KaplanRuntime.version)
    #expect(values.count == 3)
    #expect(values[1].stringValue == values[2].stringValue)
    // The record's Lua version is the interpreter's own.
    #expect(values[2].stringValue == SessionInfo.luaVersion)
  }

  @Test func sessionInfoPrintsVersionsAndPlatform() throws {
    let values = try run("local s = session_info() return tostring(s), s.kaplan, s.platform")
    #expect(values.first?.stringValue == "Kaplan \(KaplanRuntime.version)\nLua 5.4\nPlatform: \(SessionInfo.platform)")
    #expect(values[1].stringValue == KaplanRuntime.version)
    #expect(SessionInfo.platform.split(separator: " ").count == 2)
  }

  @Test func sessionInfoTakesNoArguments() throws {
    #expect(throws: (any Error).self) { try run("session_info(1)") }
  }

  @Test func jsonOfAResultNamesTheKaplanVersion() throws {
    let values = try run("""
      local fit = km(dataset("aml"), "Surv(time, status) ~ 1")
      return json(fit), json({a = 1}), json({fit.n})
      """)
    let text = try #require(values.first?.stringValue)
    #expect(text.contains("\"kaplan_version\":\"\(KaplanRuntime.version)\""))
    #expect(values[1].stringValue == "{\"a\":1}")
    #expect(values[2].stringValue?.contains("kaplan_version") == false)
  }
}
