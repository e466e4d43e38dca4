import CLua
import CLuaShim

/// A Swift class registered as a Lua userdata type.
struct BoxType {
  let name: String
  let metatableRef: Int32
}

extension LuaState {
  /// Registers class `type` as a userdata type named `name` (as Lua's
  /// `__name`, used in messages: "dataset expected, got table").
  ///
  /// The metatable has `__gc` and `__close` releasing the Swift object (a
  /// closed object is refused by `LuaCall.object` with a clear message),
  /// `__index` resolving `methods` first and then `index` (for field access
  /// such as `d.age`), and the given metamethods (`__tostring`, `__len`,
  /// `__add`, ...). Methods are called as `obj:method(...)`; each checks its
  /// self first (`calling 'head' on bad self (dataset expected, got number;
  /// call it as d:head(...))`).
  public func registerType<T: AnyObject>(
    _ type: T.Type, name: String,
    methods: [String: LuaCallback] = [:],
    metamethods: [String: LuaCallback] = [:],
    index: LuaCallback? = nil
  ) throws {
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    try check(kh_pnewboxmetatable(L), top: top)
    let mt = lua_gettop(L)
    try push(.string(name))
    try check(kh_prawsetfield(L, mt, "__name"), top: top)
    for (key, body) in metamethods.sorted(by: { $0.key < $1.key }) {
      try push(function(key, body))
      try check(key.withCString { kh_prawsetfield(L, mt, $0) }, top: top)
    }
    var methodIDs: [String: LuaValue] = [:]
    for (key, body) in methods.sorted(by: { $0.key < $1.key }) {
      // Self is checked before the method reads any argument, so `d.head(5)`
      // (a dot for a colon) says so rather than complaining about argument 1.
      methodIDs[key] = function(key, isMethod: true) { call in
        _ = try call.object(1, as: T.self)
        return try body(call)
      }
    }
    if let index {
      let lookup: LuaCallback = { call in
        if case .string(let key)? = try? call.value(2), let method = methodIDs[key] {
          return [method]
        }
        return try index(call)
      }
      try push(function("__index", lookup))
    } else {
      try push(.table(LuaTable(fields: methodIDs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })))
    }
    try check(kh_prawsetfield(L, mt, "__index"), top: top)
    lua_pushvalue(L, mt)
    var ref: Int32 = 0
    try check(kh_pref(L, &ref), top: top)
    types[ObjectIdentifier(type)] = BoxType(name: name, metatableRef: ref)
  }

  /// The method names registered for the type of `object` (for completion).
  public func typeName(of object: AnyObject) -> String? {
    types[ObjectIdentifier(Swift.type(of: object))]?.name
  }
}

extension LuaState {
  /// The `__name` field of the metatable of the value at `index`, read
  /// without allocating (a raw walk of the metatable). Stack: balanced.
  func metatableName(at index: Int32) -> String? {
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    guard lua_checkstack(L, 4) != 0, lua_getmetatable(L, index) != 0 else { return nil }
    let mt = lua_gettop(L)
    lua_pushnil(L)
    while lua_next(L, mt) != 0 {
      if string(at: -2) == "__name", let name = string(at: -1) { return name }
      kh_pop(L, 1)
    }
    return nil
  }
}
