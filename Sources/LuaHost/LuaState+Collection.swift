import CLua
import CLuaShim

extension LuaState {
  /// Runs a full garbage collection, so that userdata that are already
  /// garbage release the Swift objects they box (a dataset's columns) now
  /// rather than when Lua's own heap next grows. Finalizers run protected;
  /// inside a finalizer the request is ignored (Lua refuses it). Stack: balanced.
  public func collectGarbage() {
    _ = kh_gc_collect(L)
  }
}
