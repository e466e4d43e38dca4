import LuaHost

/// The methods of Kaplan's userdata kinds (`dataset`, `column`, `date`):
/// the one way both halves of a userdata method reach a value.
///
/// A userdata type is registered here with its declarations: the methods
/// with a Swift body become the type's own methods (`BindingRegistry.methods`,
/// which check self before the body runs); the methods written in the stdlib
/// (`body: nil`, supplied with `bind.implement("dataset:where", fn)`) and
/// `__tostring` come from the kind's table in `bind.lua`
/// (`bind.metatable("dataset")`), which `bind.finish` hands to
/// `core.binding.extend` once every module has had its say. Indexing a
/// value looks at the Swift methods, then at these, then at the type's own
/// index (a dataset's columns, a column's values).
///
/// Result kinds (`km`, `cox`) are tables and get the same `bind.metatable`
/// directly; userdata cannot, since their metatable is the host's.
public final class UserdataMethods {
  /// Per kind: the Lua methods and metamethods from `bind.metatable(kind)`.
  private var extensions: [String: [String: LuaValue]] = [:]
  /// Per kind: a check that argument 1 of a call is a value of that kind.
  private var selfChecks: [String: (LuaCall) throws -> Void] = [:]
  /// The kinds registered, in registration order.
  public private(set) var kinds: [String] = []

  public init() {}

  /// The Lua-side method or metamethod `key` of `kind`, if the stdlib gave one.
  public func lookup(_ kind: String, _ key: String) -> LuaValue? { extensions[kind]?[key] }

  /// Registers `type` as userdata kind `name`: its declared Swift methods,
  /// its metamethods (a `__tostring` given here is the fallback when the
  /// stdlib supplies none), and `index` for keys that are not methods.
  public func register<T: AnyObject>(
    _ type: T.Type, name: String, in lua: LuaState, declarations: [KaplanFunction],
    metamethods: [String: LuaCallback] = [:], index: LuaCallback? = nil
  ) throws {
    var metamethods = metamethods
    let fallback = metamethods["__tostring"]
    metamethods["__tostring"] = { [self] call in
      if let printer = lookup(name, "__tostring") {
        return Array(try call.call(printer, [try call.value(1)]).prefix(1))
      }
      return try fallback?(call) ?? [.string(name)]
    }
    try lua.registerType(
      type, name: name, methods: try BindingRegistry.methods(declarations, receiver: name),
      metamethods: metamethods,
      index: { [self] call in
        if case .string(let key) = try call.value(2), let method = lookup(name, key) { return [method] }
        return try index?(call) ?? [.nil]
      })
    selfChecks[name] = { call in _ = try call.object(1, as: T.self) }
    kinds.append(name)
  }

  /// `core.binding.extend(kind, t)`: takes the methods of `t.__index` and
  /// the metamethods of `t` (`__tostring`) as the Lua half of `kind`.
  func extend(_ kind: String, _ table: LuaTable) throws {
    guard selfChecks[kind] != nil else { throw LuaError.runtime("extend: '\(kind)' is not a userdata kind") }
    var methods: [String: LuaValue] = [:]
    for (key, value) in table.fields {
      if key == "__index", case .table(let index) = value {
        for (name, fn) in index.fields { methods[name] = fn }
      } else if key.hasPrefix("__") && value.typeName == "function" {
        methods[key] = value
      }
    }
    extensions[kind] = methods
  }

  /// A Lua function that checks that its argument is a `kind` value, worded
  /// as every Swift method words a wrong self (`calling 'rows' on bad self
  /// (dataset expected, got nil; call it as d:rows(...))`): bind.lua puts it
  /// in front of each method written in the stdlib.
  func selfCheck(_ kind: String, method: String, in lua: LuaState) throws -> LuaValue {
    guard let check = selfChecks[kind] else { throw LuaError.runtime("self_check: '\(kind)' is not a userdata kind") }
    return lua.function(method, isMethod: true) { call in
      try check(call)
      return []
    }
  }
}
