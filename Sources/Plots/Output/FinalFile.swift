import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A plot's output file, opened by Kaplan with `O_NOFOLLOW` and handed to
/// `rsvg-convert` as its standard output. `rsvg-convert --output PATH` would
/// follow a symbolic link at PATH (issue 12: `figure.png -> ~/.bash_profile`
/// written through); here the kernel refuses one with ELOOP. The sandbox
/// (Scripting's `SandboxPolicy`) gives the already resolved path.
struct FinalFile {
  let handle: FileHandle
  /// The file did not exist before: removed again if the conversion fails,
  /// so a failed plot leaves no empty file behind.
  let created: Bool
  let path: String

  /// Opens `path` for writing (created, or truncated if it exists).
  static func create(_ path: String, shown: String) throws -> FinalFile {
    let flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC
    var created = true
    var fd = open(path, flags | O_CREAT | O_EXCL, 0o644)
    if fd < 0 && errno == EEXIST {
      created = false
      fd = open(path, flags | O_TRUNC)
    }
    guard fd >= 0 else {
      let reason = errno == ELOOP ? "it is a symbolic link" : String(cString: strerror(errno))
      throw PlotError.unwritablePath(path: shown, reason: reason)
    }
    return FinalFile(handle: FileHandle(fileDescriptor: fd, closeOnDealloc: true), created: created, path: path)
  }

  /// Closes the file; removes it if this write created it and failed.
  func finish(succeeded: Bool) {
    try? handle.close()
    if !succeeded && created { unlink(path) }
  }
}
