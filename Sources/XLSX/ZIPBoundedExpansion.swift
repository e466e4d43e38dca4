import RunControl
import ZIPFoundation

/// Expands one ZIP entry into memory, bounded by the size its header
/// declares: the one loop of workbooks (`XLSXArchive`) and study bundles
/// (`BundleArchive`), which read archives from others.
///
/// The declared size is asked of the run's memory budget before anything is
/// expanded, and the expansion stops as soon as it passes that size, so a
/// ZIP bomb (a few kilobytes that inflate to gigabytes, whatever its header
/// claims) is refused before it costs memory. Cancellation (Ctrl-C,
/// `--timeout`) is polled between 64 KB chunks; a stop and a memory refusal
/// pass through unchanged, so a stopped run reports "stopped", and every
/// other failure is a `Failure` that the caller words as its own error.
public enum ZIPBoundedExpansion {
  public enum Failure: Error, Equatable {
    /// The entry expanded past the `declared` bytes.
    case pastDeclared(declared: UInt64)
    /// The entry expanded to `actual` bytes, fewer than declared.
    case short(actual: Int, declared: UInt64)
    /// ZIPFoundation could not expand it (a bad CRC, damaged data).
    case damaged(String)
  }

  /// The expanded bytes of `entry`; `what` names the allocation for the
  /// memory budget ("the part 'xl/sharedStrings.xml' (10 bytes expanded)").
  public static func expand(_ entry: Entry, of archive: Archive, what: @autoclosure () -> String) throws -> [UInt8] {
    let declared = entry.uncompressedSize
    try MemoryBudget.require(count: Int(clamping: declared), stride: 1, for: what())
    var out: [UInt8] = []
    out.reserveCapacity(Int(clamping: declared))
    do {
      _ = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: false) { chunk in
        try Cancellation.check()
        guard UInt64(out.count + chunk.count) <= declared else { throw Failure.pastDeclared(declared: declared) }
        out.append(contentsOf: chunk)
      }
    } catch let error as Failure {
      throw error
    } catch let error as ComputationCancelled {
      throw error
    } catch let error as MemoryLimitExceeded {
      throw error
    } catch {
      throw Failure.damaged(String(describing: error))
    }
    guard UInt64(out.count) == declared else { throw Failure.short(actual: out.count, declared: declared) }
    return out
  }
}
