import Foundation

/// Finds Kaplan's Lua standard library (`stdlib/`).
///
/// In order: `$KAPLAN_STDLIB`; an installed layout `PREFIX/share/kaplan`
/// next to `PREFIX/bin/kaplan`; a development build's source tree, found by
/// walking up from the executable (`.build/debug/kaplan` → `stdlib/`).
public enum StdlibLocator {
  public static func locate(executablePath: String = CommandLine.arguments.first ?? "") -> String? {
    let fm = FileManager.default
    func isStdlib(_ dir: String) -> Bool {
      fm.fileExists(atPath: (dir as NSString).appendingPathComponent("kaplan/init.lua"))
    }
    if let env = ProcessInfo.processInfo.environment["KAPLAN_STDLIB"], isStdlib(env) { return env }
    var exe = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
    if let found = Bundle.main.executablePath, executablePath.isEmpty || !executablePath.contains("/") {
      exe = URL(fileURLWithPath: found).resolvingSymlinksInPath()
    }
    var dir = exe.deletingLastPathComponent()
    let installed = dir.deletingLastPathComponent().appendingPathComponent("share/kaplan").path
    if isStdlib(installed) { return installed }
    for _ in 0..<8 {
      let candidate = dir.appendingPathComponent("stdlib").path
      if isStdlib(candidate) { return candidate }
      if dir.path == "/" { break }
      dir.deleteLastPathComponent()
    }
    return nil
  }
}
