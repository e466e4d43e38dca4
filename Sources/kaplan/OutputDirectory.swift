import ArgumentParser
import Foundation

/// Creates the `--out` directory (and its missing parents, as `mkdir -p`),
/// or says in plain words why it cannot: FileManager's own error is a raw
/// `NSCocoaErrorDomain` text that names neither the option nor the reason
/// (`--out /dev/null` used to print one).
///
/// Each component is made with `mkdir(2)`; EEXIST is accepted when the
/// existing path is a directory (or a link to one), so a race with another
/// process creating it is harmless.
func prepareOutputDirectory(_ path: String) throws {
  guard !path.isEmpty else { throw ValidationError("--out: the directory name is empty") }
  var prefix = path.hasPrefix("/") ? "/" : ""
  let parts = path.split(separator: "/", omittingEmptySubsequences: true)
  for (i, part) in parts.enumerated() {
    prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
    if isDirectory(prefix) { continue }
    if mkdir(prefix, 0o777) == 0 { continue }
    let code = errno
    if code == EEXIST {
      if isDirectory(prefix) { continue }
      let what = i == parts.count - 1 ? "'\(path)' exists and" : "'\(prefix)' (in '\(path)')"
      throw ValidationError("--out: \(what) is not a directory")
    }
    let reason = String(cString: strerror(code))
    let what = i == parts.count - 1 ? "'\(path)'" : "'\(prefix)' (for '\(path)')"
    throw ValidationError("--out: cannot create the directory \(what): \(reason)")
  }
}

/// Whether `path` is a directory, following symbolic links (`stat`).
private func isDirectory(_ path: String) -> Bool {
  var info = stat()
  return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
}
