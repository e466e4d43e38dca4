import Analysis
import LuaHost

/// `m:zph([opts])`: R `cox.zph` (declarations; see CoxDiagnosticsLibrary).
enum CoxZphBinding {
  static var functions: [KaplanFunction] { [] }
  static var kinds: [ResultKind] { [] }
}
