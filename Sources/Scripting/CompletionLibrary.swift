import Foundation
import LuaHost

/// What REPL completion needs from the host (`core.completion.files`): the
/// names a path being typed can continue with, for `read_csv("da<Tab>`.
///
/// Only what the sandbox lets the script read is offered: the directory
/// must pass the read check (so nothing outside the working directory,
/// the script's directory and `--data` paths is listed), and so must each
/// file (`SandboxPolicy.checkLuaRead`: no devices, pipes or links leading
/// out). Directories end in "/" so that completion can go on inside them.
struct CompletionLibrary: KaplanLibrary {
  let name = "completion"
  /// Enough for any directory one picks a file from by typing.
  static let maxCandidates = 500

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    let policy = runtime.policy
    return LibraryBinding(internals: [
      ("files", runtime.lua.function("files") { call in
        [.strings(Self.files(completing: try call.string(1), policy: policy))]
      }),
    ])
  }

  /// The paths, as typed, that `typed` can complete to.
  static func files(completing typed: String, policy: SandboxPolicy) -> [String] {
    let slash = typed.lastIndex(of: "/")
    let directoryText = slash.map { String(typed[...$0]) } ?? ""
    let namePrefix = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
    guard let directory = try? policy.checkLuaRead(directoryText.isEmpty ? "." : directoryText),
      let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
    else { return [] }
    var out: [String] = []
    for name in names.sorted() where name.hasPrefix(namePrefix) {
      if name.hasPrefix(".") && !namePrefix.hasPrefix(".") { continue }
      let path = directoryText + name
      guard let resolved = try? policy.checkLuaRead(path) else { continue }
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) else { continue }
      out.append(isDirectory.boolValue ? path + "/" : path)
      if out.count == maxCandidates { break }
    }
    return out
  }
}
