import CLandlock
import Foundation

/// The text of `kaplan run --sandbox-info` and of the sandbox status line.
extension KernelSandbox {
  /// Names of the Landlock filesystem rights, in bit order.
  static let rightNames = [
    "execute", "write_file", "read_file", "read_dir", "remove_dir", "remove_file", "make_char", "make_dir",
    "make_reg", "make_sock", "make_fifo", "make_block", "make_sym", "refer", "truncate", "ioctl_dev",
  ]

  static func names(_ rights: UInt64) -> String {
    rightNames.enumerated().filter { rights & (1 << UInt64($0.offset)) != 0 }.map(\.element).joined(separator: ",")
  }

  /// What `kaplan run` enforces, layer by layer, for these rules.
  public func describe(trusted: Bool) -> String {
    var lines: [String] = []
    if trusted {
      lines.append("kaplan run --trust: no sandbox (all libraries, any file, no Landlock).")
      return lines.joined(separator: "\n")
    }
    lines.append("Sandbox of kaplan run (without --trust):")
    lines.append("1. Path checks (every system): scripts read under the script's directory, the working")
    lines.append("   directory, the stdlib, --data paths and --out, and write only under --out. A path is")
    lines.append("   judged where it really leads (every symbolic link followed, the last one too, dangling")
    lines.append("   or not); files are opened with O_NOFOLLOW; a path outside is refused before the disk is")
    lines.append("   looked at. No os.execute, io.popen, package.loadlib, debug, binary chunks.")
    switch KernelSandbox.availability() {
    case .failure(let e):
      lines.append("2. Landlock: not enforced: \(e.message). Only the path checks hold.")
    case .success(let abi):
      let handled = KernelSandbox.handledRights(abi: abi)
      lines.append("2. Landlock (kernel ABI \(abi)), enforced on the process after start-up. Handled rights:")
      lines.append("   filesystem: \(KernelSandbox.names(handled.fs)) (what no rule grants is refused)")
      lines.append(
        handled.net != 0 ? "   network: TCP bind and connect refused" : "   network: not controlled (needs ABI 4)")
      lines.append(handled.scoped != 0
        ? "   scopes: signals and abstract unix sockets only within the sandbox"
        : "   scopes: not controlled (needs ABI 6)")
      if abi < 3 { lines.append("   (ABI \(abi) cannot control truncation; ABI 5 adds device ioctls)") }
      lines.append("   Rules (path: rights granted beneath it):")
      for rule in rules {
        var rights = rule.access.rights & handled.fs
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: rule.path, isDirectory: &isDir)
        if exists && !isDir.boolValue { rights &= KernelSandbox.fileRights }
        let state = exists ? "" : " (absent: skipped)"
        lines.append("   - \(rule.path): \(KernelSandbox.names(rights)) -- \(rule.reason)\(state)")
      }
      lines.append("   - a private temporary directory made at start (TMPDIR): "
        + "\(KernelSandbox.names(Access.write.rights & handled.fs)) -- plots")
    }
    return lines.joined(separator: "\n")
  }

  /// The one line said on stderr when the kernel layer is not in force.
  public static func statusLine(_ outcome: Outcome) -> String? {
    guard case .unavailable(let reason) = outcome else { return nil }
    return "kaplan: sandbox: path checks only; Landlock not enforced: \(reason) (see kaplan run --sandbox-info)"
  }
}
