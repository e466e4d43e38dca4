import LuaHost
import Scripting
import Testing
import TestSupport

/// `kaplan help NAME` prints what `help("NAME")` prints (FunctionHelp): every declared function and method has
/// its help by name, and an unknown name is an error with the nearest name.
struct FunctionHelpTests {
  /// The names a script passes to help(): globals by name, methods as "kind:name".
  func declaredNames(_ rt: KaplanRuntime) throws -> [String] {
    let out = try lua(rt, """
      local names = {}
      for _, e in ipairs(require('kaplan').bind.entries()) do
        names[#names + 1] = e.receiver and (e.receiver .. ":" .. e.name) or e.name
      end
      return names
      """)
    guard case .table(let t)? = out.first else { return [] }
    return t.array.compactMap(\.stringValue)
  }

  @Test func everyDeclaredFunctionHasItsHelpByName() throws {
    let rt = try makeRuntime()
    let names = try declaredNames(rt)
    #expect(names.count >= 100, "\(names.count)")
    // None is also a subcommand of the CLI, whose `kaplan help NAME` is ArgumentParser's.
    #expect(Set(names).isDisjoint(with: ["run", "repl", "verify", "bundle", "sandbox-probe"]))
    for name in names {
      switch try FunctionHelp.text(of: name, in: rt) {
      case .success(let text):
        let script = try lua(rt, "return package.loaded['kaplan.help'].text('\(name)')")
        #expect(script.first?.stringValue == text, "\(name)")
        #expect(!text.contains("kaplan <subcommand>"), "\(name)")
      case .failure(let error): Issue.record("\(name): \(error)")
      }
    }
  }

  @Test func anUnknownNameSuggestsTheNearest() throws {
    let rt = try makeRuntime()
    guard case .failure(let e) = try FunctionHelp.text(of: "flexsurvv", in: rt) else {
      Issue.record("no error")
      return
    }
    #expect(e.message == "no help for \"flexsurvv\" (did you mean \"flexsurv\"?)")
    guard case .failure(let far) = try FunctionHelp.text(of: "zzzzzzzzzz", in: rt) else {
      Issue.record("no error")
      return
    }
    #expect(far.message.hasPrefix("no help for \"zzzzzzzzzz\" (help() lists Kaplan's functions"), "\(far.message)")
    #expect(luaError(rt, "help('logrnk')") == "test:1: no help for \"logrnk\" (did you mean \"logrank\"?)")
  }
}
