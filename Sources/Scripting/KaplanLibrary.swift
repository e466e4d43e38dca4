import LuaHost

/// One of Kaplan's Lua libraries on the Swift side (datasets, survival,
/// plots, ...): it registers its userdata types and declares its public
/// functions (`KaplanFunction`) and result kinds; the binding layer
/// (`BindingRegistry`) makes them Lua functions and the stdlib module of the
/// same name adds their printing.
public protocol KaplanLibrary {
  /// The key under `core` (`core.datasets`, ...) where its internals go.
  var name: String { get }
  /// Registers types and returns the library's declarations, in a stable order.
  func install(in runtime: KaplanRuntime) throws -> LibraryBinding
}

/// The libraries a runtime installs, in order: new instances for each
/// runtime, since a library may keep references into its Lua state.
func makeKaplanLibraries() -> [KaplanLibrary] { [
  BindingLibrary(),
  DatasetLibrary(),
  SurvivalLibrary(),
  PlotLibrary(),
  CoxLibrary(),
  CoxPredictionLibrary(),
  CoxDiagnosticsLibrary(),
  SurvregLibrary(),
  FlexsurvLibrary(),
  CompetingRisksLibrary(),
  ReportTablesLibrary(),
  DocumentLibrary(),
  DesignLibrary(),
  CompletionLibrary(),
  SessionLibrary(),
] }
