import Foundation
import LuaHost

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `session_info()` (issue 19, "Determinism and provenance"): the Kaplan and
/// Lua versions and the platform, so that a script can state what produced
/// its numbers, as R's `sessionInfo()`. The same values go into a run record
/// (`RunRecord`), through `SessionInfo`.
struct SessionLibrary: KaplanLibrary {
  let name = "session"

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(functions: [sessionInfo], internals: [])
  }

  private var sessionInfo: KaplanFunction {
    KaplanFunction(
      "session_info", section: "General", signature: "session_info()",
      summary: "The Kaplan version, the Lua version and the platform (operating system and processor) this "
        + "run is on, as a table {kaplan, lua, platform}; print() shows one per line. kaplan.version and "
        + "kaplan.lua_version give the versions alone.",
      example: """
        print(session_info())
        print(kaplan.version, session_info().platform)
        """
    ) { _ in
      [.record([
        "kaplan": .string(KaplanRuntime.version),
        "lua": .string(SessionInfo.luaVersion),
        "platform": .string(SessionInfo.platform),
      ])]
    }
  }
}

/// The facts of the session a run record and `session_info()` state.
public enum SessionInfo {
  /// The Lua release Kaplan embeds, as Lua's `_VERSION` names it.
  public static let luaVersion = "Lua 5.4"

  /// The operating system and processor, from `uname(2)`: "Linux x86_64".
  public static var platform: String {
    var names = utsname()
    guard uname(&names) == 0 else { return "unknown" }
    func text<T>(_ field: inout T) -> String {
      withUnsafeBytes(of: &field) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
    }
    return "\(text(&names.sysname)) \(text(&names.machine))"
  }
}
