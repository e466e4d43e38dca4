import RunControl

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How much memory `rsvg-convert` may take: `--max-memory` bounds the run's
/// own allocations through `MemoryBudget`, and the converter, a separate
/// process, through an address-space limit (RLIMIT_AS, set in the child
/// before exec) of what is left of that budget (session-5 review: a PNG at
/// dpi = 2400 took 650 MB past any budget).
///
/// RLIMIT_AS counts address space, not memory in use: the converter's
/// libraries and thread stacks reserve about 150–200 MB that they never
/// touch (it uses 15 MB for a 720 × 540 figure; measured with rsvg-convert
/// 2.54 under `ulimit -v`: 100 MB fails to start a thread, 200 MB works),
/// so the limit is never below `minimumBytes`. What the limit stops is
/// the image surface: 4 bytes a pixel, 806 MB at 16800 × 12000.
public enum ConverterMemory {
  /// The least address space the converter is given.
  public static let minimumBytes: UInt64 = 512 << 20

  /// The limit for a conversion now: what the run's budget has left (but
  /// at least `minimumBytes`), or `explicit` when given; 0 (no limit)
  /// outside a run with a budget.
  public static func limit(explicit: Int? = nil) -> UInt64 {
    let available: Int
    if let explicit {
      available = explicit
    } else {
      guard let account = MemoryBudget.current, account.limitBytes > 0 else { return 0 }
      available = account.availableBytes
    }
    return max(UInt64(clamping: max(available, 0)), minimumBytes)
  }

  /// Whether a failed conversion ran out of memory: what the converter
  /// prints then (cairo's "No Memory", GLib's failed allocation or thread,
  /// Rust's "memory allocation of N bytes failed", a library that could not
  /// be mapped) or the signals those end in (SIGABRT, SIGTRAP from
  /// g_error, SIGSEGV, SIGBUS, SIGKILL).
  static func isMemoryFailure(status: Int32, message: String) -> Bool {
    let m = message.lowercased()
    let phrases = ["no memory", "out of memory", "cannot allocate", "failed to allocate", "memory allocation",
                   "error creating thread", "failed to map segment"]
    if phrases.contains(where: { m.contains($0) }) { return true }
    return [SIGABRT, SIGTRAP, SIGSEGV, SIGBUS, SIGKILL].contains { status == 128 + $0 }
  }
}
