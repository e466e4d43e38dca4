import CLandlock
import Foundation
import Plots

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The kernel layer of the sandbox (issue 12, "Kernel-enforced file
/// access"): on Linux, `kaplan run` without `--trust` restricts its own
/// process with Landlock after start-up, so that even a way around the
/// path checks of `SandboxPolicy` (a bug in them, a link swapped in after a
/// check, a library that opens files itself) cannot read or write outside
/// the sandbox's roots or run a program other than `rsvg-convert`.
///
/// What is granted (`plan`): reading the script's directory, the working
/// directory, the stdlib, `--data` paths and the system files that Kaplan
/// and `rsvg-convert` need (shared libraries, fonts and their cache, time
/// zones); writing under `--out` and in a private temporary directory made
/// before the restriction for the plot code (`TMPDIR` points there);
/// executing `rsvg-convert` and its ELF interpreter only. TCP (ABI 4) and
/// signals or abstract sockets outside the process's own domain (ABI 6) are
/// refused too. Rights the running kernel's ABI lacks are dropped (each ABI
/// only adds rights, so an older kernel enforces a subset); without
/// Landlock (other systems, kernels before 5.13, Landlock disabled) the
/// path checks remain and `kaplan run` says so once on stderr.
///
/// Landlock restricts the calling thread and the processes and threads it
/// starts afterwards (Linux's ABI 7 has no way to restrict threads that
/// already run), so `enforce()` is called on the thread that runs Lua.
///
/// Reference: Linux, Documentation/userspace-api/landlock.rst.
public struct KernelSandbox {
  /// What a rule allows beneath its path.
  public enum Access: String, CaseIterable, Sendable {
    case read, write, readWriteFile = "read-write", execute, removeEmptyDirectories = "remove-empty-dirs"

    /// The Landlock rights, before masking with the ABI and the file type.
    var rights: UInt64 {
      switch self {
      case .read: return KL_FS_READ_FILE | KL_FS_READ_DIR
      case .write:
        return KL_FS_READ_FILE | KL_FS_READ_DIR | KL_FS_WRITE_FILE | KL_FS_MAKE_REG | KL_FS_REMOVE_FILE
          | KL_FS_TRUNCATE
      case .readWriteFile: return KL_FS_READ_FILE | KL_FS_WRITE_FILE | KL_FS_TRUNCATE
      case .execute: return KL_FS_EXECUTE | KL_FS_READ_FILE
      case .removeEmptyDirectories: return KL_FS_REMOVE_DIR
      }
    }
  }

  /// One path and what is allowed beneath it, with the reason shown by
  /// `--sandbox-info`.
  public struct Rule: Sendable {
    public var path: String
    public var access: Access
    public var reason: String
  }

  public var rules: [Rule]
  /// Where the private temporary directory is made (the system's).
  public var temporaryRoot: String

  /// The rules for a run with `options` (not `--trust`) and the stdlib at
  /// `stdlibPath`; `converter` is the `rsvg-convert` the plots would run.
  public static func plan(options: RuntimeOptions, stdlibPath: String, converter: String?,
                          environment: [String: String] = ProcessInfo.processInfo.environment) -> KernelSandbox {
    var rules: [Rule] = []
    func add(_ path: String, _ access: Access, _ reason: String) {
      let absolute = path.hasPrefix("/") ? path : (options.workingDirectory as NSString).appendingPathComponent(path)
      rules.append(Rule(path: absolute, access: access, reason: reason))
    }
    if let dir = options.scriptDirectory { add(dir, .read, "the script's directory") }
    add(options.workingDirectory, .read, "the working directory")
    add(stdlibPath, .read, "the stdlib")
    for root in options.readRoots { add(root, .read, "--data") }
    add(options.outputDirectory, .write, "--out")
    for (path, reason) in systemReadPaths(environment: environment) { add(path, .read, reason) }
    add("/dev/null", .readWriteFile, "the null device")
    add("/dev/urandom", .read, "random bytes")
    // The process's own entries under /proc, which Landlock can only grant
    // as the whole /proc: Foundation's Process lists /proc/self/fd before it
    // starts rsvg-convert, and libdispatch's worker-pool monitor reads
    // /proc/<thread id>/stat of each worker thread, which is not under
    // /proc/self, and aborts the process (SIGILL) when the open is refused
    // (found by `make bench` under load). Scripts still cannot read /proc:
    // the path checks refuse it before any open.
    add("/proc", .read, "this process's descriptors and its threads' states (rsvg-convert, libdispatch)")
    if let converter {
      add(converter, .execute, "PNG/PDF plots")
      for interpreter in elfInterpreters(of: converter) { add(interpreter, .execute, "rsvg-convert's ELF interpreter") }
    }
    let temp = (environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
    add(temp, .removeEmptyDirectories, "removing the private temporary directory at exit")
    return KernelSandbox(rules: rules, temporaryRoot: temp)
  }

  /// The outcome of `enforce()`.
  public enum Outcome: Sendable {
    /// Landlock restricts the process: its ABI, and the rules that could
    /// not be added (a path that does not exist), with the reason.
    case enforced(abi: Int, skipped: [(Rule, String)])
    /// Not restricted, and why.
    case unavailable(String)
  }

  /// The ABI of the running kernel's Landlock, or why there is none.
  public static func availability() -> Result<Int, KernelSandboxError> {
    let abi = kl_abi_version()
    if abi >= 1 { return .success(Int(abi)) }
    switch -abi {
    case ENOSYS:
      #if os(Linux)
        return .failure(
          KernelSandboxError("this kernel has no Landlock (Linux 5.13 or later with CONFIG_SECURITY_LANDLOCK)"))
      #else
        return .failure(
          KernelSandboxError("Landlock is a Linux feature; this system has no equivalent that Kaplan uses"))
      #endif
    case EOPNOTSUPP:
      return .failure(
        KernelSandboxError("Landlock is disabled in this kernel (add landlock to the lsm= boot parameter)"))
    default:
      return .failure(KernelSandboxError("Landlock is not available (\(errorName(-abi)))"))
    }
  }

  /// The rights a kernel of `abi` knows: filesystem, network, scopes.
  static func handledRights(abi: Int) -> (fs: UInt64, net: UInt64, scoped: UInt64) {
    var fs: UInt64 = (KL_FS_MAKE_SYM << 1) - 1   // ABI 1: execute ... make_sym
    if abi >= 2 { fs |= KL_FS_REFER }
    if abi >= 3 { fs |= KL_FS_TRUNCATE }
    if abi >= 5 { fs |= KL_FS_IOCTL_DEV }
    let net: UInt64 = abi >= 4 ? KL_NET_BIND_TCP | KL_NET_CONNECT_TCP : 0
    let scoped: UInt64 = abi >= 6 ? KL_SCOPE_ABSTRACT_UNIX_SOCKET | KL_SCOPE_SIGNAL : 0
    return (fs, net, scoped)
  }

  /// Rights that apply to a file that is not a directory.
  static let fileRights = KL_FS_EXECUTE | KL_FS_WRITE_FILE | KL_FS_READ_FILE | KL_FS_TRUNCATE | KL_FS_IOCTL_DEV

  /// Makes the private temporary directory, then restricts this thread and
  /// every process it starts. Irreversible; call once, on the Lua thread.
  public func enforce() -> Outcome {
    let abi: Int
    switch KernelSandbox.availability() {
    case .success(let v): abi = v
    case .failure(let e): return .unavailable(e.message)
    }
    let handled = KernelSandbox.handledRights(abi: abi)
    let ruleset = kl_create_ruleset(handled.fs, handled.net, handled.scoped)
    guard ruleset >= 0 else { return .unavailable("creating the Landlock ruleset failed (\(errorName(-ruleset)))") }
    defer { close(ruleset) }

    var rules = self.rules
    if let temp = KernelSandbox.makePrivateTemporaryDirectory(in: temporaryRoot) {
      rules.append(Rule(path: temp, access: .write, reason: "the private temporary directory (plots)"))
    }
    var skipped: [(Rule, String)] = []
    for rule in rules {
      var isDirectory: Int32 = 0
      let fd = kl_open_path(rule.path, &isDirectory)
      guard fd >= 0 else { skipped.append((rule, errorName(-fd))); continue }
      defer { close(fd) }
      var rights = rule.access.rights & handled.fs
      if isDirectory == 0 { rights &= KernelSandbox.fileRights }
      guard rights != 0 else { skipped.append((rule, "no right applies to a file")); continue }
      let status = kl_add_path_rule(ruleset, fd, rights)
      if status != 0 { skipped.append((rule, errorName(-status))) }
    }
    let status = kl_restrict_self(ruleset)
    guard status == 0 else { return .unavailable("enforcing the Landlock ruleset failed (\(errorName(-status)))") }
    return .enforced(abi: abi, skipped: skipped)
  }

  /// A directory only this run uses for the plot code's temporary files,
  /// made before the restriction (which allows no new directories) and
  /// named by `TMPDIR`, so `rsvg-convert`'s input goes there too; removed
  /// at exit when empty.
  static func makePrivateTemporaryDirectory(in root: String) -> String? {
    var template = Array((root as NSString).appendingPathComponent("kaplan-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buffer -> UnsafeMutablePointer<CChar>? in
      guard let base = buffer.baseAddress else { return nil }
      return mkdtemp(base)
    }
    guard let made else { return nil }
    let path = String(cString: made)
    setenv("TMPDIR", path, 1)
    privateTemporaryDirectory = strdup(path)
    atexit {
      if let dir = KernelSandbox.privateTemporaryDirectory { rmdir(dir) }
    }
    return path
  }

  nonisolated(unsafe) static var privateTemporaryDirectory: UnsafeMutablePointer<CChar>?
}

/// Why the kernel layer is not in force.
public struct KernelSandboxError: Error, CustomStringConvertible {
  public let message: String
  init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// `EACCES`-style name of an errno value, with its text.
public func errorName(_ code: Int32) -> String {
  let names: [Int32: String] = [
    EACCES: "EACCES", ENOENT: "ENOENT", ENOSYS: "ENOSYS", EPERM: "EPERM", EINVAL: "EINVAL",
    EOPNOTSUPP: "EOPNOTSUPP", ENOTDIR: "ENOTDIR", E2BIG: "E2BIG", ENOMSG: "ENOMSG", ELOOP: "ELOOP",
  ]
  let text = strerror(code).map { String(cString: $0) } ?? "error \(code)"
  return "\(names[code] ?? "errno \(code)"): \(text)"
}

extension KernelSandbox {
  /// The rules for `runtime` (its options, stdlib, and the `rsvg-convert`
  /// that `plot` would run).
  public static func plan(for runtime: KaplanRuntime) -> KernelSandbox {
    plan(options: runtime.options, stdlibPath: runtime.stdlibPath, converter: PlotFile().findConverter())
  }
}
