import Foundation

/// Which files a script may read and write (DESIGN.md, "Sandbox").
///
/// Reads are allowed under the script's directory, the working directory,
/// the stdlib, the output directory and `--data` paths; writes only under
/// the output directory.
/// Relative write paths are taken relative to the output directory, so
/// `plot(fit, {file = "os.svg"})` with `--out out` writes `out/os.svg`.
/// With `trusted` (`--trust`) every path is allowed.
public struct SandboxPolicy: Sendable {
  public var trusted: Bool
  public var readRoots: [String]
  public var outputDirectory: String
  public var workingDirectory: String

  public init(trusted: Bool, readRoots: [String], outputDirectory: String, workingDirectory: String) {
    self.trusted = trusted
    self.workingDirectory = SandboxPolicy.canonical(workingDirectory, relativeTo: "/")
    self.readRoots = readRoots.map { SandboxPolicy.canonical($0, relativeTo: workingDirectory) }
    self.outputDirectory = SandboxPolicy.canonical(outputDirectory, relativeTo: workingDirectory)
  }

  /// The absolute path to read for `path`, or an error naming the path and the flag.
  public func checkRead(_ path: String) throws -> String {
    let resolved = SandboxPolicy.canonical(path, relativeTo: workingDirectory)
    if trusted || SandboxPolicy.isInside(resolved, outputDirectory)
      || readRoots.contains(where: { SandboxPolicy.isInside(resolved, $0) }) {
      return resolved
    }
    throw SandboxError(message:
      "reading '\(path)' is not allowed in the sandbox: scripts read under the script's directory, "
      + "the working directory and --data paths (pass the file with --data NAME=PATH, or run with --trust)")
  }

  /// The absolute path to write for `path`, or an error naming the path and the flag.
  public func checkWrite(_ path: String) throws -> String {
    let base = trusted ? workingDirectory : outputDirectory
    let resolved = SandboxPolicy.canonical(path, relativeTo: base)
    if trusted || SandboxPolicy.isInside(resolved, outputDirectory) { return resolved }
    throw SandboxError(message:
      "writing '\(path)' is not allowed in the sandbox: scripts write only under the output directory "
      + "'\(outputDirectory)' (choose it with --out DIR, or run with --trust)")
  }

  /// Absolute, standardized path with symbolic links of its existing part resolved.
  static func canonical(_ path: String, relativeTo base: String) -> String {
    let absolute = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
    var url = URL(fileURLWithPath: absolute).standardizedFileURL
    // Resolve links in the longest existing prefix, so "out/../../etc" or a
    // link pointing outside cannot escape.
    var tail: [String] = []
    while !FileManager.default.fileExists(atPath: url.path) && url.path != "/" {
      tail.insert(url.lastPathComponent, at: 0)
      url.deleteLastPathComponent()
    }
    url = url.resolvingSymlinksInPath()
    for component in tail { url.appendPathComponent(component) }
    return url.standardizedFileURL.path
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
