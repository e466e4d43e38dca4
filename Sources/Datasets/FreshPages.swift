#if canImport(Glibc)
  import Glibc
#endif

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

  private static let pageSize: Int = {
    #if canImport(Glibc)
      let size = sysconf(Int32(_SC_PAGESIZE))
      return size > 0 ? size : 4096
    #else
      return 4096
    #endif
  }()

  /// Populates the whole pages inside `[start, start + bytes)`.
  static func populate(_ start: UnsafeMutableRawPointer, bytes: Int) {
    #if os(Linux)
      guard bytes >= minimumBytes else { return }
      let page = pageSize
      let first = (Int(bitPattern: start) + page - 1) / page * page
      let end = (Int(bitPattern: start) + bytes) / page * page
      guard end > first, let base = UnsafeMutableRawPointer(bitPattern: first) else { return }
      // MADV_POPULATE_WRITE is 23 (linux/mman.h); Glibc's module may predate it.
      _ = madvise(base, end - first, 23)
    #endif
  }
}
