import CLua
import CLuaShim
import RunControl

/// A boxed Swift object that Swift code reads as a plain value: a result's
/// read-only array view (Scripting's `ResultArray`) decodes as the table of
/// its numbers, so a function given `fit.strata[1].time` and Swift tests
/// decoding a result see an array, as they did when results were tables.
public protocol LuaDecodedAsValue: AnyObject {
  /// The plain value; throws when it does not fit in the run's memory budget.
  func decodedValue() throws -> LuaValue
}

/// A value kept alive in the Lua registry (a function or table that Swift
/// holds on to). Released when the Swift reference goes away.
public final class LuaRef {
  let ref: Int32
  let typeName: String
  weak var state: LuaState?

  init(ref: Int32, typeName: String, state: LuaState) {
    self.ref = ref
    self.typeName = typeName
    self.state = state
  }

  deinit {
    // luaL_unref writes into an existing registry slot: no allocation.
    if let state { luaL_unref(state.L, kh_registryindex(), ref) }
  }
}

extension LuaState {
  /// Maximum nesting of tables decoded or pushed (guards against cycles).
  static let maxDepth = 64

  /// Pushes `value`. Stack: +1 on success; on failure the stack is restored
  /// and the error thrown (a memory error when the limit is reached).
  public func push(_ value: LuaValue) throws {
    try push(value, depth: 0)
  }

  private func push(_ value: LuaValue, depth: Int) throws {
    let top = lua_gettop(L)
    guard depth < LuaState.maxDepth else {
      throw LuaError.runtime("value nested more than \(LuaState.maxDepth) levels deep")
    }
    guard lua_checkstack(L, 8) != 0 else { throw LuaError.memory("stack overflow") }
    switch value {
    case .nil: lua_pushnil(L)
    case .boolean(let b): lua_pushboolean(L, b ? 1 : 0)
    case .integer(let i): lua_pushinteger(L, lua_Integer(i))
    case .number(let d): lua_pushnumber(L, d)
    case .string(let s):
      let status = withCChars(s) { kh_ppushstring(L, $0, $1) }
      try check(status, top: top)
    case .numbers(let v, let nanAsNil):
      let status = v.withUnsafeBufferPointer { kh_ppushdoubles(L, $0.baseAddress, $0.count, nanAsNil ? 1 : 0) }
      try check(status, top: top)
    case .table(let t):
      try check(kh_pnewtable(L, Int32(clamping: t.array.count), Int32(clamping: t.fields.count)), top: top)
      do {
        for (i, item) in t.array.enumerated() {
          try push(item, depth: depth + 1)
          try check(kh_prawseti(L, -2, lua_Integer(i + 1)), top: top)
        }
        for (k, item) in t.fields {
          try push(item, depth: depth + 1)
          // With its length: a key such as "a\0b" must not be cut at the NUL.
          try check(withCChars(k) { kh_prawsetlfield(L, -2, $0, $1) }, top: top)
        }
      } catch {
        lua_settop(L, top)
        throw error
      }
    case .object(let object):
      guard let type = types[ObjectIdentifier(Swift.type(of: object))] else {
        throw LuaError.runtime("no Lua type registered for \(Swift.type(of: object))")
      }
      let raw = Unmanaged<AnyObject>.passRetained(object).toOpaque()
      let status = kh_ppushbox(L, raw, type.metatableRef)
      if status != LUA_OK { Unmanaged<AnyObject>.fromOpaque(raw).release() }
      try check(status, top: top)
    case .reference(let r):
      lua_rawgeti(L, kh_registryindex(), lua_Integer(r.ref))
    case .callback(let id):
      try check(kh_ppushclosure(L, lua_Integer(id)), top: top)
    }
  }

  /// Decodes the value at `index`. Tables are decoded deeply (sequence part
  /// and string keys; other keys ignored); functions and unknown userdata
  /// become references. A table reached twice (`t = {s, s}`) is decoded
  /// once and shared, so nesting shared tables cannot blow up; a table that
  /// contains itself is an error. Stack: balanced.
  public func value(at index: Int32) throws -> LuaValue {
    var seen = DecodedTables()
    return try value(at: lua_absindex(L, index), depth: 0, seen: &seen)
  }

  /// Values (scalars and tables, counting a shared table at every place
  /// it appears) one decode may expand to: Swift code that walks or pushes
  /// the result back stays bounded, however the tables are shared.
  static let maxExpandedValues = 100_000_000

  /// Tables of one decode: finished ones (by address, with their expanded
  /// size) and the open path.
  private struct DecodedTables {
    var done: [UnsafeRawPointer: (table: LuaTable, size: Int)] = [:]
    var open: Set<UnsafeRawPointer> = []
    /// Expanded size of the tables finished last, for their parent.
    var lastSize = 0
  }

  private func value(at index: Int32, depth: Int, seen: inout DecodedTables) throws -> LuaValue {
    switch lua_type(L, index) {
    case LUA_TNIL, LUA_TNONE: return .nil
    case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
    case LUA_TNUMBER:
      if lua_isinteger(L, index) != 0 {
        var ok: Int32 = 0
        return .integer(Int(kh_tointeger(L, index, &ok)))
      }
      var ok: Int32 = 0
      return .number(kh_tonumber(L, index, &ok))
    case LUA_TSTRING: return .string(string(at: index) ?? "")
    case LUA_TTABLE:
      guard let address = lua_topointer(L, index) else { return .table(LuaTable()) }
      if let done = seen.done[address] {
        seen.lastSize = done.size
        return .table(done.table)
      }
      guard !seen.open.contains(address) else {
        throw LuaError.runtime("a table contains itself (a cycle cannot be passed to Kaplan)")
      }
      guard depth < LuaState.maxDepth else {
        throw LuaError.runtime("table nested more than \(LuaState.maxDepth) levels deep")
      }
      seen.open.insert(address)
      let (table, size) = try self.table(at: index, depth: depth, seen: &seen)
      seen.open.remove(address)
      seen.done[address] = (table, size)
      seen.lastSize = size
      return .table(table)
    case LUA_TUSERDATA:
      for type in types.values {
        if let raw = kh_tobox(L, index, type.metatableRef) {
          let object = Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue()
          if let plain = object as? LuaDecodedAsValue { return try plain.decodedValue() }
          return .object(object)
        }
      }
      return .reference(try reference(at: index))
    default:
      return .reference(try reference(at: index))
    }
  }

  /// The table at `index` and its expanded size (itself and every value
  /// under it, shared tables counted at each place).
  private func table(at index: Int32, depth: Int, seen: inout DecodedTables) throws -> (LuaTable, Int) {
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    guard lua_checkstack(L, 4) != 0 else { throw LuaError.memory("stack overflow") }
    var result = LuaTable()
    var size = 1
    func element(_ seen: inout DecodedTables) throws -> LuaValue {
      seen.lastSize = 1
      let v = try value(at: lua_gettop(L), depth: depth + 1, seen: &seen)
      size += seen.lastSize
      guard size <= LuaState.maxExpandedValues else {
        throw LuaError.runtime("table too large: it expands to more than \(LuaState.maxExpandedValues) values (a table "
          + "shared many times?)")
      }
      return v
    }
    let n = try sequenceLength(at: index)
    // Decoded values live beside Lua's own copy until the call returns: a
    // table of millions of values is asked of the run's memory budget
    // first (each value boxed: its stride and an allocation).
    try MemoryBudget.require(
      count: n, stride: MemoryLayout<LuaValue>.stride + LuaState.decodedValueOverhead,
      for: "the \(n) values of a table argument")
    result.array.reserveCapacity(n)
    for i in 0..<n {
      lua_rawgeti(L, index, lua_Integer(i + 1))
      result.array.append(try element(&seen))
      kh_pop(L, 1)
    }
    lua_pushnil(L)
    while lua_next(L, index) != 0 {
      // key at -2, value at -1; keys are only read, never converted.
      if let key = string(at: -2) {
        result.fields.append((key, try element(&seen)))
      } else if !isPosition(at: -2, upTo: n) {
        // A key that is neither a name nor a position of the list (`{1, 2,
        // [50] = 3}`, `{[true] = 1}`) would be dropped: no argument or
        // option is ever silently ignored.
        throw LuaError.runtime(
          n > 0 ? "table has the key \(keyText(at: -2)), which is neither a name nor a position 1..\(n) of its list"
            : "table has the key \(keyText(at: -2)), which is not a name (a table of names or a list expected)")
      }
      kh_pop(L, 1)
    }
    result.fields.sort { $0.0 < $1.0 }
    return (result, size)
  }

  /// Whether the key at `index` is an integer in 1...n (read by the array loop).
  private func isPosition(at index: Int32, upTo n: Int) -> Bool {
    guard lua_type(L, index) == LUA_TNUMBER, lua_isinteger(L, index) != 0 else { return false }
    let k = lua_tointegerx(L, index, nil)
    return k >= 1 && k <= lua_Integer(n)
  }

  /// A key as a message shows it, without calling any metamethod.
  private func keyText(at index: Int32) -> String {
    switch lua_type(L, index) {
    case LUA_TNUMBER:
      if lua_isinteger(L, index) != 0 { return String(lua_tointegerx(L, index, nil)) }
      let x = lua_tonumberx(L, index, nil)
      return x.isNaN ? "nan" : String(format: "%.7g", x)
    case LUA_TBOOLEAN: return lua_toboolean(L, index) != 0 ? "true" : "false"
    default: return "of type " + String(cString: lua_typename(L, lua_type(L, index)))
    }
  }

  /// Bytes of the heap box of one decoded value (`LuaValue` is indirect):
  /// a 16-byte header and the payload, as the allocator rounds it.
  static let decodedValueOverhead = 32

  /// Holes a sequence may have beyond its values, as in `{nil, nil, 3}`
  /// (length 3, one value): the border `lua_rawlen` reports may exceed the
  /// number of values by this factor before the table counts as sparse.
  static let maxHoleFactor = 2
  /// Holes allowed whatever the number of values (`{nil, nil, nil, 4}`).
  static let maxHoleSlack = 16

  /// The length of the sequence part of the table at `index`, checked
  /// against the number of values the table holds.
  ///
  /// `lua_rawlen` returns *a* border (Lua 5.4 manual, §3.4.7): for a
  /// table such as `{[1] = 1, [2^40] = 1}` it may be 2^40 while two values
  /// exist, and a capacity or a loop taken from it would try to allocate or
  /// visit 2^40 elements. A border beyond `maxHoleFactor` times the values
  /// (plus `maxHoleSlack`) is a sparse table: an error, not an array of nils.
  /// Stack: balanced.
  private func sequenceLength(at index: Int32) throws -> Int {
    let border = lua_rawlen(L, index)
    guard border > 0 else { return 0 }
    var values = 0
    let top = lua_gettop(L)
    lua_pushnil(L)
    while lua_next(L, index) != 0 {
      values += 1
      kh_pop(L, 1)
    }
    lua_settop(L, top)
    let allowed = UInt64(values) * UInt64(LuaState.maxHoleFactor) + UInt64(LuaState.maxHoleSlack)
    guard UInt64(border) <= allowed, let length = Int(exactly: border) else {
      throw LuaError.runtime(
        "table is sparse: its length (border) is \(border) but it holds \(values) value\(values == 1 ? "" : "s") (pass "
          + "a sequence without large holes)")
    }
    return length
  }

  /// A registry reference to the value at `index`. Stack: balanced.
  func reference(at index: Int32) throws -> LuaRef {
    let top = lua_gettop(L)
    let typeName = String(cString: lua_typename(L, lua_type(L, index)))
    guard lua_checkstack(L, 4) != 0 else { throw LuaError.memory("stack overflow") }
    lua_pushvalue(L, index)
    var ref: Int32 = 0
    try check(kh_pref(L, &ref), top: top)
    return LuaRef(ref: ref, typeName: typeName, state: self)
  }
}
