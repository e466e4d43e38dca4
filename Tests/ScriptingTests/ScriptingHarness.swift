import Foundation
import LuaHost
import Scripting
import TestSupport

/// A sandboxed runtime on the source tree's stdlib, writing to a temporary
/// directory, for Lua-level tests of Kaplan's libraries.
/// `maxMemory` sets the run's budget (`--max-memory`); nil keeps the default.
func makeRuntime(trusted: Bool = false, maxMemory: Int? = nil) throws -> KaplanRuntime {
  var o = RuntimeOptions()
  o.stdlibPath = projectRoot.appendingPathComponent("stdlib").path
  o.outputDirectory = try temporaryDirectory().path
  o.trusted = trusted
  if let maxMemory { o.maxMemory = maxMemory }
  return try KaplanRuntime(options: o)
}

/// Runs `code` and returns its results.
@discardableResult
func lua(_ runtime: KaplanRuntime, _ code: String) throws -> [LuaValue] {
  try runtime.lua.run(code, chunkName: "=test")
}

/// The error message of `code`, which must fail.
func luaError(_ runtime: KaplanRuntime, _ code: String) -> String {
  do {
    _ = try runtime.lua.call(try runtime.lua.load(code, chunkName: "=test"), [], traceback: false)
    return "(no error)"
  } catch {
    return String(describing: error)
  }
}
