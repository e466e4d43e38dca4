import CEdit
import Foundation

/// The REPL's history file, `~/.kaplan_history`, and the one warning given
/// when it cannot be used.
///
/// The home directory is `$HOME` when it is set and not empty, as shells
/// and GNU readline take it; only without it the password database's entry
/// (`NSHomeDirectory()` on Linux reads the database first, so a session run
/// with `HOME=/somewhere/else` wrote its history into the real home). A
/// history that cannot be read or written is not an error (the session goes
/// on) but is said once on stderr, so a user does not lose it unawares.
struct ReplHistory {
  /// The history file; nil when no home directory is known.
  let path: String?
  private var warned = false
  private let warn: (String) -> Void

  init(environment: [String: String] = ProcessInfo.processInfo.environment,
       warn: @escaping (String) -> Void = { printError($0) }) {
    path = Self.homeDirectory(environment: environment).map {
      ($0 as NSString).appendingPathComponent(".kaplan_history")
    }
    self.warn = warn
  }

  /// `$HOME` if set and not empty, else the password database's home.
  static func homeDirectory(environment: [String: String]) -> String? {
    if let home = environment["HOME"], !home.isEmpty { return home }
    guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return nil }
    let home = String(cString: dir)
    return home.isEmpty ? nil : home
  }

  /// Loads the history into libedit; says so (once) when an existing file
  /// cannot be read, or when the file will not be writable at the end.
  mutating func load() {
    guard let path else {
      report("kaplan: history is not saved: no home directory ($HOME is not set)")
      return
    }
    if access(path, F_OK) == 0 {
      if access(path, R_OK) != 0 || read_history(path) != 0 {
        report("kaplan: cannot read the history file \(path): \(reason(errno))")
        return
      }
      if access(path, W_OK) != 0 { report("kaplan: history is not saved: cannot write \(path): \(reason(errno))") }
    } else {
      let directory = (path as NSString).deletingLastPathComponent
      if access(directory, W_OK | X_OK) != 0 {
        report("kaplan: history is not saved: cannot write \(path): \(reason(errno))")
      }
    }
  }

  /// Writes the history; says so (once) when that fails.
  mutating func save() {
    guard let path else { return }
    let status = write_history(path)
    if status != 0 { report("kaplan: history is not saved: cannot write \(path): \(reason(status))") }
  }

  private mutating func report(_ message: String) {
    guard !warned else { return }
    warned = true
    warn(message)
  }

  private func reason(_ code: Int32) -> String {
    code > 0 ? String(cString: strerror(code)) : "not a history file"
  }
}
