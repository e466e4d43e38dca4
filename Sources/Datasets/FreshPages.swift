import RunControl

/// Maps the pages of a new buffer before a kernel writes it, in one system
/// call per range (`madvise(MADV_POPULATE_WRITE)`, Linux 5.14) instead of one
/// page fault per 4 KiB page at first write. glibc serves every array of
/// more than a few MB with a fresh `mmap`, so a derived column of 10^7
/// doubles is 19,531 faults; on the bench machine (a VM, where a fault costs
/// ~1.7 µs) that is ~35 ms of CPU per column, as much as computing most
/// functions. A refused call (an older kernel, another OS) changes nothing:
/// the pages then fault as before.
enum FreshPages {
  /// Ranges under this many bytes are left to fault (a system call's cost).
  static let minimumBytes = 1 << 20

  /// Populates the whole pages inside `[start, start + bytes)`.
  static func populate(_ start: UnsafeMutableRawPointer, bytes: Int) {
    guard bytes >= minimumBytes else { return }
    // MADV_POPULATE_WRITE is 23 (linux/mman.h); Glibc's module may predate it.
    MemoryPages.advise(start, bytes: bytes, advice: 23)
  }
}
