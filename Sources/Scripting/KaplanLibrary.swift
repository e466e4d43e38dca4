import LuaHost

/// One of Kaplan's Lua libraries on the Swift side (datasets, survival,
/// plots): it registers its userdata types and returns its raw functions,
/// which the stdlib module of the same name wraps into the public surface.
public protocol KaplanLibrary {
  /// The key under `core` (`core.datasets`, ...) where its functions go.
  var name: String { get }
  /// Registers types and returns the raw functions, in a stable order.
  func install(in runtime: KaplanRuntime) throws -> [(String, LuaValue)]
}

/// The libraries a runtime installs, in order: new instances for each
/// runtime, since a library may keep references into its Lua state.
func makeKaplanLibraries() -> [KaplanLibrary] { [
  DatasetLibrary(),
  SurvivalLibrary(),
  PlotLibrary(),
  CoxLibrary(),
  CompetingRisksLibrary(),
] }

/// Runs an analysis step for the Lua function `function`, turning its errors
/// into Lua errors prefixed with the function's name (`km: column 'tme' not
/// found (did you mean 'time'?)`); Lua errors pass through unchanged.
func analysisStep<T>(_ function: String, _ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as LuaError {
    throw error
  } catch {
    throw LuaError.runtime("\(function): \(error)")
  }
}
