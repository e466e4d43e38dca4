import CLua
import CLuaShim
#if canImport(Glibc)
import Glibc
#endif

/// A Swift callback registered as a Lua function. It reads its arguments
/// through `LuaCall` and returns its results; throwing raises a Lua error
/// (after this Swift frame has returned: see CLuaShim's trampoline).
public typealias LuaCallback = (LuaCall) throws -> [LuaValue]

/// An owned, memory-limited `lua_State` and the Swift functions and types
/// registered in it.
///
/// Safety (docs/ARCHITECTURE.md, "Lua safety rules"): no method here calls a Lua API
/// that can raise outside a protected call. Reads use non-raising APIs
/// (`lua_type`, `lua_tonumberx`, `lua_tolstring` on strings only, raw gets,
/// `lua_next`); every allocation goes through a `kh_p*` helper of CLuaShim.
/// Each public method documents its stack effect and restores the stack top.
public final class LuaState {
  /// The thread Swift works on, for the C shim; never escapes this module's
  /// API. It is the main thread, except while a Swift function called from a
  /// coroutine runs: then it is that coroutine, whose stack holds the
  /// arguments and receives the results (the dispatcher switches it).
  var L: OpaquePointer
  /// The state as created (closed in deinit).
  private let mainThread: OpaquePointer
  private let alloc: UnsafeMutablePointer<kh_alloc_state>
  /// This state's host record (CLuaShim): the way back to this object from
  /// C, and the state's own deadline, limit and interrupt flag.
  let host: OpaquePointer
  var callbacks: [Callback] = []
  var types: [ObjectIdentifier: BoxType] = [:]

  struct Callback {
    let name: String
    let isMethod: Bool
    let body: LuaCallback
  }

  /// Creates a state with the standard libraries loaded.
  /// - Parameter memoryLimit: bytes Lua may allocate (0 = no limit).
  public init(memoryLimit: Int = 0) throws {
    LuaState.installTrampolines
    alloc = .allocate(capacity: 1)
    alloc.initialize(to: kh_alloc_state(used: 0, limit: 0, peak: 0))
    guard let host = kh_host_new(nil) else {
      alloc.deallocate()
      throw LuaError.memory("cannot create a Lua state: not enough memory")
    }
    self.host = host
    guard let L = kh_newstate(alloc) else {
      kh_host_free(host)
      alloc.deallocate()
      throw LuaError.memory("cannot create a Lua state: not enough memory")
    }
    self.L = L
    self.mainThread = L
    // The extra space of the state points to the host record, which points
    // back to this object (unretained: the object owns the state, not the
    // other way round).
    kh_attach_host(L, host)
    if kh_popenlibs(L) != LUA_OK || kh_pinstalllimits(L) != LUA_OK {
      lua_close(L)
      kh_host_free(host)
      alloc.deallocate()
      throw LuaError.memory("cannot open the Lua libraries: not enough memory")
    }
    self.memoryLimit = memoryLimit
    kh_host_set_object(host, Unmanaged.passUnretained(self).toOpaque())
  }

  deinit {
    lua_close(mainThread)  // runs __gc of boxes, releasing their Swift objects
    kh_host_free(host)
    alloc.deallocate()
  }

  /// Bytes Lua may allocate; 0 means unlimited. Takes effect for the next allocation.
  public var memoryLimit: Int {
    get { Int(alloc.pointee.limit) }
    set { alloc.pointee.limit = newValue <= 0 ? 0 : size_t(newValue) }
  }

  /// Bytes currently allocated by Lua.
  public var memoryUsed: Int { Int(alloc.pointee.used) }

  /// Current stack top (for tests of stack balance).
  public var stackTop: Int32 { lua_gettop(L) }

  static func from(_ L: OpaquePointer) -> LuaState? {
    guard let host = kh_host_of(L), let raw = kh_host_object(host) else { return nil }
    return Unmanaged<LuaState>.fromOpaque(raw).takeUnretainedValue()
  }

  // MARK: - Globals

  /// Sets global `name` to `value`. Stack: balanced.
  public func setGlobal(_ name: String, _ value: LuaValue) throws {
    let top = lua_gettop(L)
    defer { assert(lua_gettop(L) == top, "stack unbalanced in setGlobal") }
    try push(value)
    let status = name.withCString { kh_psetglobal(L, $0) }
    try check(status, top: top)
  }

  /// Registers a Swift function as global `name`.
  public func register(_ name: String, _ body: @escaping LuaCallback) throws {
    try setGlobal(name, function(name, body))
  }

  /// A Swift function as a Lua value (to store in tables, return, or set).
  public func function(_ name: String, isMethod: Bool = false, _ body: @escaping LuaCallback) -> LuaValue {
    callbacks.append(Callback(name: name, isMethod: isMethod, body: body))
    return .callback(callbacks.count - 1)
  }

  /// Reads global `name` (through metamethods of _G, protected).
  public func global(_ name: String) throws -> LuaValue {
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    let status = name.withCString { kh_pgetglobal(L, $0) }
    try check(status, top: top)
    return try value(at: -1)
  }

  // MARK: - Errors

  /// Converts a non-OK status into a Swift error, popping the error object
  /// and restoring the stack to `top`.
  func check(_ status: Int32, top: Int32) throws {
    if status == LUA_OK { return }
    var message = errorMessage(at: -1)
    lua_settop(L, top)
    // A stopped run reports the stop, whatever error a `__close` handler or
    // message handler put in its place on the way out.
    if let stop = stopMessage, !message.contains(stop) { message = stop }
    if status == LUA_ERRMEM { throw LuaError.memory(message) }
    throw LuaError.lua(message: message, status: status)
  }

  /// The error object at `index` as text, without raising.
  func errorMessage(at index: Int32) -> String {
    if lua_type(L, index) == LUA_TSTRING, let s = string(at: index) { return s }
    if lua_type(L, index) == LUA_TNIL { return "not enough memory" }
    var len = 0
    var out: UnsafePointer<CChar>?
    if kh_ptolstring(L, index, &out, &len) == LUA_OK, let out {
      let s = String(decoding: UnsafeRawBufferPointer(start: out, count: len), as: UTF8.self)
      kh_pop(L, 1)
      return s
    }
    kh_pop(L, 1)
    return "(error object is a \(String(cString: lua_typename(L, lua_type(L, index)))) value)"
  }

  /// The string at `index` if it is a string (no conversion, no allocation).
  func string(at index: Int32) -> String? {
    guard lua_type(L, index) == LUA_TSTRING else { return nil }
    var len = 0
    guard let p = lua_tolstring(L, index, &len) else { return nil }
    return String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
  }

  // MARK: - Trampolines

  private static let installTrampolines: Void = {
    kh_install_swift(luaDispatch, luaRelease)
  }()
}

/// Called by the C trampoline for every Swift function call.
/// Returns the number of results, -1 after pushing a Swift error message
/// (the trampoline adds the caller's position) or -2 after pushing an error
/// object that came from Lua.
private let luaDispatch: kh_dispatch_fn = { L in
  guard let L else { return 0 }
  // Lua 5.4 copies the main thread's extra space into every new thread, so
  // this finds the state from a coroutine too.
  guard let state = LuaState.from(L) else { return 0 }
  // Serve the call on the thread that made it (a coroutine has its own stack).
  let caller = state.L
  state.L = L
  defer { state.L = caller }
  var isnum: Int32 = 0
  let id = Int(kh_tointeger(L, kh_upvalueindex(1), &isnum))
  guard isnum != 0, id >= 0, id < state.callbacks.count else { return 0 }
  let callback = state.callbacks[id]
  let call = LuaCall(state: state, name: callback.name, isMethod: callback.isMethod)
  do {
    let results = try callback.body(call)
    guard lua_checkstack(L, Int32(results.count) + 8) != 0 else {
      return state.pushErrorMessage("too many results")
    }
    for r in results { try state.push(r) }
    return Int32(results.count)
  } catch LuaError.lua(let message, _) {
    // An error that came from Lua (a nested call): re-raise as it is.
    _ = state.pushErrorMessage(message)
    return -2
  } catch LuaError.memory(let message) {
    _ = state.pushErrorMessage(message)
    return -2
  } catch {
    return state.pushErrorMessage(String(describing: error))
  }
}

/// Releases a Swift object owned by a userdata box (its `__gc` or `__close`).
private let luaRelease: kh_release_fn = { raw in
  guard let raw else { return }
  Unmanaged<AnyObject>.fromOpaque(raw).release()
}

extension LuaState {
  /// Pushes an error message for the trampoline; if even that fails for
  /// lack of memory, the memory error object is left instead. Returns -1.
  func pushErrorMessage(_ message: String) -> Int32 {
    let top = lua_gettop(L)
    // With its length: a message may hold a NUL (an option key "k\0x").
    let status = withCChars(message) { kh_ppushstring(L, $0, $1) }
    // Without room even for the memory error, raise nil (a reserved slot).
    if status != LUA_OK && lua_gettop(L) == top { lua_pushnil(L) }
    return -1
  }
}
