import Dispatch
import LuaHost
import Survival

/// The binding layer's own library (`core.binding`): the userdata type of
/// result handles, `raise` (an error at the script's line, for the stdlib's
/// own checks), `warn` (a fit's warnings on stderr, see bind.result),
/// `last_error` (for `debug_traceback()`), and the declarations of the
/// general functions: `help`, `show`, `json`, `debug_traceback` (written in
/// the stdlib), `options` (the run's switches) and `tidy` (any result as a
/// dataset, through its kind's `Tidier`) and `wall_clock` (elapsed time for
/// benchmark scripts).
struct BindingLibrary: KaplanLibrary {
  let name = "binding"

  /// The switches a script may change with `options{}`.
  final class Switches {
    var printWarnings: Bool
    init(printWarnings: Bool) { self.printWarnings = printWarnings }
  }

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    let lua = runtime.lua
    let switches = Switches(printWarnings: runtime.options.printWarnings)
    try ResultArray.register(in: lua)
    try lua.registerType(ResultHandle.self, name: "kaplan result handle", metamethods: [
      "__tostring": { call in [.string("handle of a \(try call.object(1, as: ResultHandle.self).kind) result")] },
    ])
    return LibraryBinding(
      functions: generalFunctions + [options(switches), tidy(runtime.tidiers), wallClock],
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
        // warn(function, {messages}): a result's warnings, printed to stderr
        // when the function returns, as R's "Warning message: In f(): ...";
        // unless --quiet or options{warnings = false}.
        ("warn", lua.function("warn") { call in
          guard switches.printWarnings else { return [] }
          let function = try call.string(1)
          guard case .table(let list) = try call.value(2) else { return [] }
          for message in list.array.compactMap(\.stringValue) {
            RunWarnings.emit(line: "Warning in \(function)(): \(message)")
          }
          return []
        }),
        // last_error(): the full text of the REPL's last error, or nil.
        ("last_error", lua.function("last_error") { [weak runtime] _ in
          [runtime?.lastError.map { .string($0) } ?? .nil]
        }),
        // type_name(x): the registered name of a Kaplan userdata ("dataset",
        // "column", "date"); their metatables are locked to scripts.
        ("type_name", lua.function("type_name") { call in [.string(call.typeName(1))] }),
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
    KaplanFunction(
      "debug_traceback", section: "General", signature: "debug_traceback()",
      summary: "Prints the full traceback of the REPL's last error, stdlib frames included (errors print "
        + "only the message and your lines; `kaplan repl --traceback` always prints the full one).",
      example: "pcall(error, \"oops\")\ndebug_traceback()", body: nil),
  ] }

  /// `options{warnings = false}`: the run's switches; `options()` returns them.
  private func options(_ switches: Switches) -> KaplanFunction {
    KaplanFunction(
      "options", section: "General", signature: "options([opts])",
      summary: "Sets switches of this run; options() returns them as a table. A fit's warnings (a Cox model "
        + "that did not converge, an infinite coefficient) print to stderr when it returns and stay in its "
        + "warnings field; warnings = false stops the printing.",
      options: [
        OptionSpec("warnings", .boolean, defaultText: "true (false with --quiet)",
                   doc: "print a fit's warnings to stderr when it returns"),
      ],
      optionsArgument: 1,
      example: "options{warnings = false}\nprint(options().warnings)\noptions{warnings = true}"
    ) { call in
      if let on = try call.options.optionalBoolean("warnings") { switches.printWarnings = on }
      guard call.lua.isNil(1) else { return [] }
      return [.record(["warnings": .boolean(switches.printWarnings)])]
    }
  }

  /// `tidy(x [, opts])`: a result as a dataset (broom's tidy), by its
  /// kind's tidier (`ResultKind.tidier`, `TidyFunction`). The stdlib wrapper
  /// (init.lua) passes the result's handle.
  private func tidy(_ registry: TidyRegistry) -> KaplanFunction {
    KaplanFunction(
      "tidy", section: "General", signature: "tidy(x [, opts])",
      summary: "The rows of a result as a dataset, as R's broom::tidy: one row per curve time, group, term or "
        + "pair, with columns named as broom's (estimate, std_error, statistic, p_value, conf_low, conf_high; "
        + "strata, group and term as labels; NA where a row has no value). It reads the Swift result, not the "
        + "(editable) table; the dataset prints, writes with write_csv and feeds other analyses.",
      options: TidyFunction.options,
      optionsArgument: 2,
      example: """
        local lung = dataset("lung")
        local fit = km(lung, "Surv(time, status) ~ sex")
        print(tidy(fit):head(5))
        print(tidy(cox(lung, "Surv(time, status) ~ age + sex"), {exponentiate = true}))
        write_csv(tidy(logrank(lung, "Surv(time, status) ~ sex")), "logrank.csv")
        """
    ) { call in
      try TidyFunction.run(call, registry: registry)
    }
  }

  /// `wall_clock()`: seconds on the monotonic clock (CLOCK_MONOTONIC through
  /// Dispatch's uptime), for timing a call from a script. Lua's `os.clock()`
  /// is the process's CPU time: a kernel running on two cores counts twice,
  /// and time spent waiting (on the disk, on other processes) not at all, so
  /// it is not what a user waits for. The benchmark scripts
  /// (scripts/bench/task.lua) time each call with it. The origin is
  /// arbitrary (boot); only differences mean anything. It reveals nothing a
  /// sandboxed script could not learn from `os.time()` and `os.clock()`.
  private var wallClock: KaplanFunction {
    KaplanFunction(
      "wall_clock", section: "General", signature: "wall_clock()",
      summary: "Seconds on a monotonic wall clock (arbitrary origin, nanosecond resolution): the difference "
        + "of two calls is the elapsed time between them. os.clock() is CPU time instead: it counts a "
        + "two-core computation twice and waiting not at all.",
      example: """
        local t0 = wall_clock()
        local fit = km(dataset("aml"), "Surv(time, status) ~ x")
        print(string.format("km took %.6f s", wall_clock() - t0))
        """
    ) { _ in
      [.number(Double(DispatchTime.now().uptimeNanoseconds) / 1e9)]
    }
  }
}
