import Foundation
import LuaHost

/// The cost of one Lua → Swift call with two number arguments and one
/// result, through the trampoline (best of 5 runs of 2,000,000 calls), next
/// to a pure-Lua function call as the floor.
func benchHost(_ args: [String]) {
  let calls = 2_000_000
  do {
    let lua = try LuaState()
    try lua.register("add") { call in [.number(try call.number(1) + call.number(2))] }
    try lua.run("function lua_add(a, b) return a + b end")
    func time(_ code: String) throws -> Double {
      var best = Double.infinity
      for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        try lua.run(code)
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start))
      }
      return best / Double(calls)
    }
    let swiftCall = try time("local s = 0 for i = 1, \(calls) do s = add(s, 1) end")
    let luaCall = try time("local s = 0 for i = 1, \(calls) do s = lua_add(s, 1) end")
    print(String(format: "host: Lua->Swift call (2 numbers in, 1 out): %.0f ns per call", swiftCall))
    print(String(format: "host: Lua->Lua call (same work, the floor):  %.0f ns per call", luaCall))
  } catch {
    print("host benchmark failed: \(error)")
  }
}
