import CMalloc
import Foundation

/// Keeps the memory a large job frees inside the process while the job
/// runs, so that its later arrays reuse pages already mapped instead of
/// fresh ones, and gives it back when the job ends.
///
/// glibc serves an array above its mmap threshold (at most 32 MiB) with a
/// fresh mapping and unmaps it on free, so every 40–80 MB array of a
/// 10⁷-row fit is paid again in page faults and zeroing. On the bench
/// machine (a KVM guest whose balloon device reports free pages back to
/// the host) a page returned to the kernel costs a fault in the host as
/// well when it is touched again: first touches ran at 290–380 MB/s against
/// 2.6 GB/s for pages the process had already used (docs/ARCHITECTURE.md,
/// "Memory pages"), and page zeroing was 1.5–2.5 s of CPU in a 10⁷-row Cox
/// call.
///
/// Inside `whileRunning`, malloc maps nothing new for large requests
/// (`M_MMAP_MAX` 0: they come from the heap) and keeps the heap's free top
/// (`M_TRIM_THRESHOLD` at its maximum). On leaving the outermost scope the
/// thresholds are set to the values glibc's own adjustment reaches once a
/// large array has been freed (mmap threshold 32 MiB, trim threshold
/// 64 MiB; setting any of them ends that adjustment) and `malloc_trim`
/// gives every free page back, so the process holds no more memory after
/// the job than it would have.
///
/// Not for the whole process: kept throughout (glibc's tunables, session
/// 12), freed pages made a second `read_csv` and a derivation of 10⁷ rows
/// slower (0.85 → 0.99 s, 0.19 → 0.23 s, best of 4), while the Cox fit,
/// which frees and allocates arrays of the same sizes, gained.
///
/// Only the main thread's heap grows without limit: on any other thread
/// (the REPL runs its chunks on one) glibc maps a block of 64 MiB or more
/// whatever the settings, so there only the smaller arrays are kept.
public enum FreedMemoryRetention {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var depth = 0

  /// Off when the environment has `KAPLAN_KEEP_FREED=0`, for comparing
  /// the two in one build (`scripts/bench/tunables.py`).
  public static let isEnabled = ProcessInfo.processInfo.environment["KAPLAN_KEEP_FREED"] != "0"

  /// `body` with freed memory kept in the process; just `body` unless
  /// `large` (small jobs reuse memory through glibc's own threshold).
  public static func whileRunning<Result>(large: Bool, _ body: () throws -> Result) rethrows -> Result {
    guard large && isEnabled else { return try body() }
    enter()
    defer { leave() }
    return try body()
  }

  /// Scopes currently open (for tests).
  public static var openScopes: Int {
    lock.lock()
    defer { lock.unlock() }
    return depth
  }

  /// Whether glibc took the settings at the last opening and closing of
  /// the outermost scope (false elsewhere than glibc; for tests).
  public static var settingsTaken: (kept: Bool, returned: Bool) {
    lock.lock()
    defer { lock.unlock() }
    return (kept, returned)
  }
  nonisolated(unsafe) private static var kept = false
  nonisolated(unsafe) private static var returned = false

  /// Whether `malloc` gives a block of `bytes` a mapping of its own now;
  /// glibc only, for tests. A thread's own heap (every thread but the
  /// main one) serves blocks under 64 MiB from its heap and maps larger
  /// ones whatever the settings.
  public static func mallocMaps(bytes: Int) -> Bool {
    guard let block = malloc(bytes) else { return false }
    defer { free(block) }
    return kaplan_malloc_is_mapped(block) == 1
  }

  private static func enter() {
    lock.lock()
    defer { lock.unlock() }
    depth += 1
    if depth == 1 { kept = kaplan_malloc_keep_freed() == 1 }
  }

  private static func leave() {
    lock.lock()
    defer { lock.unlock() }
    depth -= 1
    if depth == 0 { returned = kaplan_malloc_return_freed() == 1 }
  }
}
