import Datasets
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Which files a script may read and write (docs/ARCHITECTURE.md, "Sandbox").
///
/// Reads are allowed under the script's directory, the working directory,
/// the stdlib, the output directory and `--data` paths; writes only under
/// the output directory.
/// Relative write paths are taken relative to the output directory, so
/// `plot(fit, {file = "os.svg"})` with `--out out` writes `out/os.svg`.
/// With `trusted` (`--trust`) every path is allowed.
///
/// A path is judged by where it really leads: every symbolic link on it is
/// followed, the last component included and whether or not its target
/// exists (issue 12: `results.txt -> ~/.bash_profile`, a dangling link in a
/// shared folder, let `io.open("results.txt", "w")` create the outside
/// file). The checks return that resolved path, and callers open it with
/// `O_NOFOLLOW`, so a link swapped in afterwards is refused by the kernel
/// rather than followed. On Linux, Landlock (`KernelSandbox`) enforces the
/// same roots in the kernel; these checks are the first layer and give the
/// clear messages.
///
/// A refusal never depends on whether an outside file exists: a path that
/// is not, as written, under a root is refused before the disk is looked
/// at (so `package.searchpath` and `require` cannot probe outside), and the
/// message names only the path the script gave.
public struct SandboxPolicy: Sendable {
  public var trusted: Bool
  public var readRoots: [String]
  public var outputDirectory: String
  public var workingDirectory: String
  /// Notes every path that passes, for `kaplan run --record` (nil: no record).
  public var recorder: FileAccessRecorder?

  /// Links followed for one path before it is refused, as Linux's
  /// `MAXSYMLINKS` (40) bounds `open(2)` (ELOOP).
  static let maxLinks = 40

  /// The roots as written (absolute, `.`/`..` removed, links not
  /// followed): a path must be inside one of these before the disk is
  /// looked at, so nothing outside the roots is ever probed.
  var writtenReadRoots: [String]
  var writtenOutputDirectory: String

  public init(
    trusted: Bool, readRoots: [String], outputDirectory: String, workingDirectory: String,
    recorder: FileAccessRecorder? = nil
  ) {
    self.trusted = trusted
    self.recorder = recorder
    let cwd = SandboxPolicy.canonical(workingDirectory, relativeTo: "/") ?? workingDirectory
    self.workingDirectory = cwd
    self.readRoots = readRoots.map { SandboxPolicy.canonical($0, relativeTo: cwd) ?? $0 }
    self.outputDirectory = SandboxPolicy.canonical(outputDirectory, relativeTo: cwd) ?? outputDirectory
    writtenReadRoots = readRoots.map { SandboxPolicy.lexical($0, relativeTo: workingDirectory) }
    writtenOutputDirectory = SandboxPolicy.lexical(outputDirectory, relativeTo: workingDirectory)
  }

  /// The absolute path to read for `path`, or an error naming the path and the flag.
  public func checkRead(_ path: String) throws -> String {
    try SandboxPolicy.checkNoZeroByte(path, "reading")
    let written = SandboxPolicy.lexical(path, relativeTo: workingDirectory)
    let inside = trusted || isInsideReadRoot(written, physical: false)
    let resolved = inside ? SandboxPolicy.canonical(path, relativeTo: workingDirectory) : nil
    if let resolved, trusted || isInsideReadRoot(resolved, physical: true) {
      recorder?.noteRead(path, resolved: resolved)
      return resolved
    }
    if trusted { throw SandboxError(message: "reading '\(path)': too many levels of symbolic links") }
    throw SandboxError(message:
      "reading '\(path)' is not allowed in the sandbox: scripts read under the script's directory, "
      + "the working directory and --data paths (pass the file with --data NAME=PATH, or run with --trust)")
  }

  /// The absolute path to write for `path`, or an error naming the path and the flag.
  public func checkWrite(_ path: String) throws -> String {
    try SandboxPolicy.checkNoZeroByte(path, "writing")
    let base = trusted ? workingDirectory : outputDirectory
    let written = SandboxPolicy.lexical(path, relativeTo: base)
    let inside = trusted || SandboxPolicy.isInside(written, outputDirectory)
      || SandboxPolicy.isInside(written, writtenOutputDirectory)
    let resolved = inside ? SandboxPolicy.canonical(path, relativeTo: base) : nil
    if let resolved, trusted {
      recorder?.noteWrite(path, resolved: resolved)
      return resolved
    }
    if let resolved, SandboxPolicy.isInside(resolved, outputDirectory) {
      try SandboxPolicy.checkNotSpecial(resolved, shown: path, "writing")
      try SandboxPolicy.checkSingleLink(resolved, shown: path)
      recorder?.noteWrite(path, resolved: resolved)
      return resolved
    }
    if trusted { throw SandboxError(message: "writing '\(path)': too many levels of symbolic links") }
    throw SandboxError(message:
      "writing '\(path)' is not allowed in the sandbox: scripts write only under the output directory "
      + "'\(outputDirectory)' (choose it with --out DIR, or run with --trust)")
  }

  /// `checkRead` for Lua's own file functions (io.open, io.lines, loadfile,
  /// dofile, require), which open with `fopen`: a named pipe, device or
  /// socket is refused before `fopen` would wait on it for ever or read an
  /// endless device (issue 12, item 7). Kaplan's readers check this
  /// themselves after opening (FileBytes); `checkWrite` checks it for every
  /// writer. Only paths inside the roots are
  /// looked at, so this tells nothing about files outside.
  public func checkLuaRead(_ path: String) throws -> String {
    let resolved = try checkRead(path)
    if !trusted { try SandboxPolicy.checkNotSpecial(resolved, shown: path, "reading") }
    return resolved
  }

  /// Regular files, directories and paths that do not exist yet pass.
  static func checkNotSpecial(_ resolved: String, shown path: String, _ verb: String) throws {
    var info = stat()
    guard stat(resolved, &info) == 0, let kind = specialFileKind(info.st_mode) else { return }
    throw SandboxError(message: "\(verb) '\(path)' is not allowed: it is \(kind), not a regular file")
  }

  /// An existing file with more than one hard link is refused for writing:
  /// its other names may lie outside the output directory (a hard link
  /// `out/results.txt` to `~/.bash_profile` is the same file), and neither
  /// the path checks nor Landlock, which judge the name, can tell (review
  /// of issue 12). Only paths inside the output directory are looked at.
  static func checkSingleLink(_ resolved: String, shown path: String) throws {
    var info = stat()
    guard lstat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_nlink > 1 else { return }
    throw SandboxError(message:
      "writing '\(path)' is not allowed in the sandbox: the file has \(info.st_nlink) hard links, "
      + "and another name of it may lie outside the output directory (run with --trust to write it)")
  }

  /// A Lua string may hold a zero byte, which the C file API would take as
  /// the end of the path: the path checked and the path opened would differ.
  static func checkNoZeroByte(_ path: String, _ verb: String) throws {
    if path.utf8.contains(0) {
      let shown = path.replacingOccurrences(of: "\0", with: "\\0")
      throw SandboxError(message: "\(verb) '\(shown)': a path cannot contain a zero byte")
    }
  }

  /// Whether an absolute path lies under a readable root: the resolved
  /// roots, and with `physical == false` also the roots as written.
  func isInsideReadRoot(_ path: String, physical: Bool) -> Bool {
    var roots = readRoots + [outputDirectory]
    if !physical { roots += writtenReadRoots + [writtenOutputDirectory] }
    return roots.contains(where: { SandboxPolicy.isInside(path, $0) })
  }

  /// `path` made absolute against `base`, with `.` and `..` removed as
  /// text (no file system access).
  static func lexical(_ path: String, relativeTo base: String) -> String {
    let absolute = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
    return URL(fileURLWithPath: absolute).standardizedFileURL.path
  }

  /// The absolute path `path` leads to, with every symbolic link on it
  /// followed (the last component too, dangling or not); nil after
  /// `maxLinks` links (a loop).
  ///
  /// `.` and `..` written in `path` are removed lexically first (so
  /// `out/../../etc` is judged as `/etc` without looking at the disk, and
  /// nothing outside is probed for a path that is lexically inside); `..`
  /// coming from a link's target then climbs the resolved, physical
  /// directory, as the kernel does. A component that does not exist ends
  /// the walk: the rest is appended as written.
  static func canonical(_ path: String, relativeTo base: String) -> String? {
    let parts = lexical(path, relativeTo: base).split(separator: "/", omittingEmptySubsequences: true)
    var pending = ArraySlice(parts.map(String.init))
    var resolved: [String] = []
    var links = 0
    var exists = true
    while let component = pending.first {
      pending = pending.dropFirst()
      if component == "." { continue }
      if component == ".." {
        if !resolved.isEmpty { resolved.removeLast() }
        continue
      }
      guard exists else { resolved.append(component); continue }
      let candidate = "/" + (resolved + [component]).joined(separator: "/")
      var info = stat()
      guard lstat(candidate, &info) == 0 else {
        exists = false
        resolved.append(component)
        continue
      }
      guard (info.st_mode & S_IFMT) == S_IFLNK else {
        resolved.append(component)
        continue
      }
      links += 1
      guard links <= maxLinks, let target = readLink(candidate) else { return nil }
      if target.hasPrefix("/") { resolved = [] }
      let parts = target.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
      pending = ArraySlice(parts + pending)
    }
    return "/" + resolved.joined(separator: "/")
  }

  /// The target of the symbolic link at `path` (nil if it cannot be read).
  private static func readLink(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink(path, &buffer, buffer.count - 1)
    guard n >= 0 else { return nil }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  static func isInside(_ path: String, _ root: String) -> Bool {
    if root == "/" { return true }
    return path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
  }
}

/// A refused file access.
public struct SandboxError: Error, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
