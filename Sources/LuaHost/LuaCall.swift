import CLua
import CLuaShim

/// The arguments of one call of a Swift function from Lua, with typed
/// accessors that fail with Lua's own wording:
/// `bad argument #2 to 'km' (string expected, got nil)`.
///
/// Indexes are 1-based as in Lua. For methods (`d:head(5)`), argument 1 is
/// `self` and messages count from the first explicit argument, as Lua does.
public struct LuaCall {
  public let state: LuaState
  public let name: String
  let isMethod: Bool

  var L: OpaquePointer { state.L }

  /// Number of arguments passed.
  public var count: Int { Int(lua_gettop(L)) }

  /// An argument error for argument `index`, numbered as the caller sees it.
  public func argumentError(_ index: Int, _ message: String) -> LuaError {
    if isMethod {
      if index == 1 { return .runtime("calling '\(name)' on bad self (\(message))") }
      return .badArgument(function: name, index: index - 1, message: message)
    }
    return .badArgument(function: name, index: index, message: message)
  }

  /// The Lua type name of argument `index`, using a registered type's name
  /// for Kaplan objects (`dataset`) as `luaL_typeerror` uses `__name`.
  public func typeName(_ index: Int) -> String {
    let i = Int32(index)
    if index > count { return "no value" }
    if let name = state.metatableName(at: i) {
      // A table named as a registered type ("dataset expected, got dataset")
      // would hide that it is a table: only userdata carry those names.
      let registered = state.types.values.contains { $0.name == name }
      if lua_type(L, i) == LUA_TUSERDATA || !registered { return name }
    }
    if lua_type(L, i) == LUA_TLIGHTUSERDATA { return "light userdata" }
    return String(cString: lua_typename(L, lua_type(L, i)))
  }

  /// A method called with a wrong self, usually `d.head(5)` (a dot for a
  /// colon): the message says how to call it. The hint names self by the
  /// type's initial (d:head, c:sum), as the help and the README write them.
  private func badSelf(_ type: String) -> LuaError {
    let receiver = type.first.map { String($0).lowercased() } ?? "x"
    return argumentError(1, "\(type) expected, got \(typeName(1)); call it as \(receiver):\(name)(...)")
  }

  private func expected(_ what: String, _ index: Int) -> LuaError {
    argumentError(index, "\(what) expected, got \(typeName(index))")
  }

  public func isNil(_ index: Int) -> Bool { kh_isnoneornil(L, Int32(index)) != 0 }

  /// Any value (tables decoded deeply).
  public func value(_ index: Int) throws -> LuaValue {
    index > count ? .nil : try decoded(index)
  }

  /// Argument `index` decoded; a table that cannot be (one that contains
  /// itself) is an argument error naming it.
  private func decoded(_ index: Int) throws -> LuaValue {
    do {
      return try state.value(at: Int32(index))
    } catch LuaError.runtime(let message) {
      throw argumentError(index, message)
    }
  }

  public func number(_ index: Int) throws -> Double {
    var ok: Int32 = 0
    guard lua_type(L, Int32(index)) == LUA_TNUMBER else { throw expected("number", index) }
    return kh_tonumber(L, Int32(index), &ok)
  }

  public func optionalNumber(_ index: Int) throws -> Double? {
    isNil(index) ? nil : try number(index)
  }

  public func integer(_ index: Int) throws -> Int {
    guard lua_type(L, Int32(index)) == LUA_TNUMBER else { throw expected("number", index) }
    var ok: Int32 = 0
    let v = kh_tointeger(L, Int32(index), &ok)
    guard ok != 0 else { throw argumentError(index, "number has no integer representation") }
    return Int(v)
  }

  public func optionalInteger(_ index: Int) throws -> Int? {
    isNil(index) ? nil : try integer(index)
  }

  public func string(_ index: Int) throws -> String {
    guard let s = state.string(at: Int32(index)) else { throw expected("string", index) }
    return s
  }

  public func optionalString(_ index: Int) throws -> String? {
    isNil(index) ? nil : try string(index)
  }

  public func boolean(_ index: Int) throws -> Bool {
    guard lua_type(L, Int32(index)) == LUA_TBOOLEAN else { throw expected("boolean", index) }
    return lua_toboolean(L, Int32(index)) != 0
  }

  public func optionalBoolean(_ index: Int) throws -> Bool? {
    isNil(index) ? nil : try boolean(index)
  }

  public func table(_ index: Int) throws -> LuaTable {
    // A userdata that decodes as a table (a result's array view) is one.
    let type = lua_type(L, Int32(index))
    guard type == LUA_TTABLE || type == LUA_TUSERDATA else { throw expected("table", index) }
    guard case .table(let t) = try decoded(index) else { throw expected("table", index) }
    return t
  }

  public func optionalTable(_ index: Int) throws -> LuaTable? {
    isNil(index) ? nil : try table(index)
  }

  /// A function argument, kept in the registry so it can be called later.
  public func function(_ index: Int) throws -> LuaRef {
    guard lua_type(L, Int32(index)) == LUA_TFUNCTION else { throw expected("function", index) }
    return try state.reference(at: Int32(index))
  }

  /// A boxed Swift object of type `T`; any other value (a different
  /// Kaplan type included) is an argument error naming the expected type.
  public func object<T: AnyObject>(_ index: Int, as type: T.Type) throws -> T {
    guard let box = state.types[ObjectIdentifier(type)] else {
      throw LuaError.runtime("no Lua type registered for \(type)")
    }
    guard let raw = kh_tobox(L, Int32(index), box.metatableRef) else {
      if lua_type(L, Int32(index)) == LUA_TUSERDATA, typeName(index) == box.name {
        throw argumentError(index, "\(box.name) has been closed")
      }
      throw isMethod && index == 1 ? badSelf(box.name) : expected(box.name, index)
    }
    return Unmanaged<T>.fromOpaque(raw).takeUnretainedValue()
  }

  /// Whether argument `index` is a boxed `T`.
  public func isObject<T: AnyObject>(_ index: Int, of type: T.Type) -> Bool {
    guard let box = state.types[ObjectIdentifier(type)] else { return false }
    return kh_tobox(L, Int32(index), box.metatableRef) != nil
  }

  /// Calls a Lua function from inside a Swift callback (Lua → Swift → Lua).
  /// Its error propagates as `LuaError.lua` and is re-raised unchanged when
  /// this callback rethrows it.
  public func call(_ function: LuaValue, _ arguments: [LuaValue] = []) throws -> [LuaValue] {
    try state.call(function, arguments, traceback: false)
  }
}
