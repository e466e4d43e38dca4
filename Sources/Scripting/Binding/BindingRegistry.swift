import LuaHost

/// What a library gives the runtime: the declarations of its public
/// functions and methods, the result kinds it returns, and internal raw
/// functions its stdlib module uses (not public: no help, no global).
public struct LibraryBinding {
  public var functions: [KaplanFunction]
  public var kinds: [ResultKind]
  /// Stdlib-only helpers (`core.datasets.preview`), reached as
  /// `kaplan.core.<library>.<name>`.
  public var internals: [(String, LuaValue)]

  public init(functions: [KaplanFunction] = [], kinds: [ResultKind] = [], internals: [(String, LuaValue)] = []) {
    self.functions = functions
    self.kinds = kinds
    self.internals = internals
  }
}

/// The binding layer: turns declarations into Lua functions and publishes
/// them to the stdlib.
///
/// For each `KaplanFunction` it makes one Lua callback that checks the
/// options table against the schema (`OptionValues.parse`), runs the body,
/// and turns any non-Lua error into a Lua error prefixed with the
/// function's name. The C trampoline positions every error at the first
/// line outside the stdlib, so a message names the script's line however
/// deep in the stdlib the Swift function was called.
///
/// `kaplan.core.registry` (a list) holds every declaration as a plain table:
/// `{name, receiver, library, section, signature, summary, example,
/// returns, options = {{key, type, default, doc}, ...}, fn}`; and
/// `kaplan.core.kinds` every result kind `{name, section, summary, fields,
/// tidy}` (tidy: what `tidy(x)` gives, nil when it takes no such result).
/// `stdlib/kaplan/bind.lua` builds the public globals and result methods
/// from them, and `help()` and completion read them.
public enum BindingRegistry {
  /// The Lua callback of one declaration (nil for stdlib-implemented ones).
  public static func callback(_ declaration: KaplanFunction, in lua: LuaState) throws -> LuaValue? {
    guard let run = try runner(declaration) else { return nil }
    return lua.function(declaration.name, isMethod: declaration.receiver != nil, run)
  }

  /// Callbacks of the methods of a userdata type (`dataset`, `column`),
  /// for `LuaState.registerType(methods:)`, which checks self first.
  public static func methods(_ declarations: [KaplanFunction], receiver: String) throws -> [String: LuaCallback] {
    var methods: [String: LuaCallback] = [:]
    for declaration in declarations where declaration.receiver == receiver {
      if let run = try runner(declaration) { methods[declaration.name] = run }
    }
    return methods
  }

  /// The body of a declaration behind the option check and the error wording.
  private static func runner(_ declaration: KaplanFunction) throws -> LuaCallback? {
    guard let body = declaration.body else { return nil }
    if !declaration.options.isEmpty && declaration.optionsArgument == nil {
      throw LuaError.runtime("\(declaration.qualifiedName): declared with options but no options argument")
    }
    let shift = declaration.receiver != nil ? 1 : 0
    return { call in
      if let max = declaration.maxArguments {
        try noMoreArguments(call, after: max + shift + declaration.stdlibArguments)
      }
      var options = OptionValues(function: declaration.name, schema: declaration.options)
      if let argument = declaration.optionsArgument {
        let index = argument + shift
        options = try OptionValues.parse(
          try call.value(index), function: declaration.name, schema: declaration.options,
          error: { call.argumentError(index, $0) })
      }
      do {
        return try body(KaplanCall(lua: call, options: options, declaration: declaration))
      } catch let error as LuaError {
        throw error
      } catch {
        // Analysis errors (`column 'tme' not found`) carry no function name.
        throw LuaError.runtime("\(declaration.name): \(error)")
      }
    }
  }

  /// The registry entry of a declaration, as the stdlib reads it.
  static func entry(_ d: KaplanFunction, library: String, callback: LuaValue?) -> LuaValue {
    var fields: [(String, LuaValue)] = [
      ("name", .string(d.name)), ("library", .string(library)), ("section", .string(d.section)),
      ("signature", .string(d.signature)), ("summary", .string(d.summary)), ("example", .string(d.example)),
      ("qualified_name", .string(d.qualifiedName)),
    ]
    if let receiver = d.receiver { fields.append(("receiver", .string(receiver))) }
    if let returns = d.returns { fields.append(("returns", .string(returns))) }
    if let argument = d.optionsArgument { fields.append(("options_argument", .integer(argument))) }
    if let max = d.maxArguments { fields.append(("max_arguments", .integer(max))) }
    fields.append(("options", .array(d.options.map { o in
      .record([
        "key": .string(o.key), "type": .string(o.type.description),
        "default": .string(o.defaultDescription), "doc": .string(o.doc),
        "choices": choices(o.type),
      ])
    })))
    if let callback { fields.append(("fn", callback)) }
    return .table(LuaTable(fields: fields))
  }

  private static func choices(_ type: OptionType) -> LuaValue {
    switch type {
    case .choice(let names): return .strings(names)
    case .either(let a, let b):
      if case .table(let t) = choices(a), !t.array.isEmpty { return choices(a) }
      return choices(b)
    default: return .nil
    }
  }

  static func kindEntry(_ k: ResultKind) -> LuaValue {
    var fields: [(String, LuaValue)] = [
      ("name", .string(k.name)), ("section", .string(k.section)), ("summary", .string(k.summary)),
      ("fields", .array(k.fields.map { .record(["name": .string($0.0), "doc": .string($0.1)]) })),
    ]
    // What tidy(x) gives (its rows and columns); absent without a tidier.
    if let tidier = k.tidier { fields.append(("tidy", .string(tidier.rows))) }
    return .table(LuaTable(fields: fields))
  }
}

/// Refuses arguments past the last one a function takes (`last` counts
/// self for methods), so that an extra argument is never silently ignored
/// (`km(d, f, {}, 7)`, `d:head(5, 6)`); trailing nils are no arguments.
func noMoreArguments(_ call: LuaCall, after last: Int) throws {
  for index in (last + 1)..<max(call.count + 1, last + 1) where !call.isNil(index) {
    throw call.argumentError(index, "no more arguments expected, got \(call.typeName(index))")
  }
}
