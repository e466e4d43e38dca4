import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a run read and wrote, for `kaplan run --record` (issue 19).
///
/// Every file a script reaches passes `SandboxPolicy.checkRead` or
/// `checkWrite` first: Kaplan's readers (`read_csv`, `read`, `dataset`, the
/// spreadsheet and statistical readers), `--data`, and Lua's `io.open`,
/// `io.lines`, `loadfile`, `dofile` and `require` through the sandbox's
/// wrappers (stdlib/kaplan/sandbox.lua), plots and writers. So the policy
/// holds this one recorder, owned by the run, and notes each resolved path
/// there; nothing else in the code knows about records. With `--trust` the
/// sandbox's Lua wrappers are not installed, so Lua's own `io.open` is not
/// seen (Kaplan's readers and writers still are).
///
/// A check is not yet an access (require probes candidates, a write may
/// fail): the record keeps only paths that are regular files when the run
/// ends (`RunRecord`). Nothing is noted before `start()`, so the stdlib's
/// own modules, loaded when the runtime is made, are not inputs.
public final class FileAccessRecorder: @unchecked Sendable {
  /// One noted path: as the script wrote it and where it really leads.
  public struct Access: Sendable, Equatable {
    public let written: String
    public let resolved: String
  }

  // Guards everything below (checks may come from any thread).
  private let lock = NSLock()
  private var recording = false
  private var readOrder: [Access] = []
  private var writeOrder: [Access] = []
  private var seenReads: Set<String> = []
  private var seenWrites: Set<String> = []

  public init() {}

  /// Starts noting accesses (after the runtime has loaded its stdlib).
  public func start() {
    lock.lock()
    recording = true
    lock.unlock()
  }

  func noteRead(_ written: String, resolved: String) {
    lock.lock()
    defer { lock.unlock() }
    guard recording, seenReads.insert(resolved).inserted else { return }
    readOrder.append(Access(written: written, resolved: resolved))
  }

  func noteWrite(_ written: String, resolved: String) {
    lock.lock()
    defer { lock.unlock() }
    guard recording, seenWrites.insert(resolved).inserted else { return }
    writeOrder.append(Access(written: written, resolved: resolved))
  }

  /// The paths noted, each once, in the order first seen. A path both read
  /// and written is an output only (the run made it).
  public func accesses() -> (reads: [Access], writes: [Access]) {
    lock.lock()
    defer { lock.unlock() }
    return (readOrder.filter { !seenWrites.contains($0.resolved) }, writeOrder)
  }

  /// Whether `path` is a regular file now (what a record keeps).
  public static func isRegularFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
  }
}
