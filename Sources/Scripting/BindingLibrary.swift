import LuaHost

/// The binding layer's own library (`core.binding`): the userdata type of
/// result handles, `raise` (an error at the script's line, for the stdlib's
/// own checks), and the declarations of the general functions that the
/// stdlib implements in Lua (`help`, `show`, `json`).
struct BindingLibrary: KaplanLibrary {
  let name = "binding"

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    let lua = runtime.lua
    try lua.registerType(ResultHandle.self, name: "kaplan result handle", metamethods: [
      "__tostring": { call in [.string("handle of a \(try call.object(1, as: ResultHandle.self).kind) result")] },
    ])
    return LibraryBinding(
      functions: generalFunctions,
      internals: [
        // raise(message): the stdlib's errors, positioned as every Swift
        // error is, at the first line outside the stdlib.
        ("raise", lua.function("raise") { call in
          throw LuaError.runtime(try call.string(1))
        }),
        // extend(kind, t), self_check(kind, method), userdata_kinds(): the
        // stdlib half of the userdata kinds' methods (UserdataMethods).
        ("extend", lua.function("extend") { [userdata = runtime.userdata] call in
          try userdata.extend(try call.string(1), try call.table(2))
          return []
        }),
        ("self_check", lua.function("self_check") { [userdata = runtime.userdata] call in
          [try userdata.selfCheck(try call.string(1), method: try call.string(2), in: call.state)]
        }),
        ("userdata_kinds", lua.function("userdata_kinds") { [userdata = runtime.userdata] _ in
          [.strings(userdata.kinds)]
        }),
        // kind_of(handle): the result kind a handle belongs to.
        ("kind_of", lua.function("kind_of") { call in
          [.string(try call.object(1, as: ResultHandle.self).kind)]
        }),
      ])
  }

  /// Functions written in the stdlib (`body: nil`), declared here so that
  /// help, completion and the registry test treat them as every other.
  private var generalFunctions: [KaplanFunction] { [
    KaplanFunction(
      "help", section: "General", signature: "help([x])",
      summary: "Lists Kaplan's functions by section; help(x) describes x: a function, a method name "
        + "(\"d:with\", \"fit:at\"), a dataset, a column or any result (its fields and methods).",
      example: "help()\nhelp(km)\nhelp(\"fit:at\")", body: nil),
    KaplanFunction(
      "show", section: "General", signature: "show(x)",
      summary: "Prints any value readably: tables as nested fields, datasets and results as they print.",
      example: "show({n = 3, arms = {\"A\", \"B\"}})", body: nil),
    KaplanFunction(
      "json", section: "General", signature: "json(x)",
      summary: "The JSON text of a value (results, tables, numbers): numbers in the shortest form that "
        + "reads back the same, NA as null.",
      example: "print(json(km(dataset(\"aml\"), \"Surv(time, status) ~ x\").strata[1].median))", body: nil),
  ] }
}
