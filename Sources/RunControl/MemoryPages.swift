#if canImport(Glibc)
  import Glibc
#endif

/// Advice to the kernel about the pages of a large buffer (`madvise`), in
/// one place for the kernels that give it: the system's page size, and the
/// whole pages (or whole 2 MiB huge pages) inside a byte range. Advice is a
/// hint: a refused call (an older kernel, another OS) changes nothing the
/// buffer holds, only how its pages are mapped.
public enum MemoryPages {
  /// The system's page size (4 KiB where it cannot be read).
  public static let pageSize: Int = {
    #if canImport(Glibc)
      let size = sysconf(Int32(_SC_PAGESIZE))
      return size > 0 ? size : 4096
    #else
      return 4096
    #endif
  }()

  /// The size of a transparent huge page on x86-64 and arm64 Linux (4 KiB pages).
  public static let hugePageSize = 2 << 20

  /// `madvise(advice)` on the whole units of `granularity` bytes inside
  /// `[start, start + bytes)`; nothing when there are none. Linux only.
  public static func advise(_ start: UnsafeMutableRawPointer, bytes: Int, advice: Int32, granularity: Int = pageSize) {
    #if os(Linux)
      guard bytes > 0, granularity > 0 else { return }
      let first = (Int(bitPattern: start) + granularity - 1) / granularity * granularity
      let end = (Int(bitPattern: start) + bytes) / granularity * granularity
      guard end > first, let base = UnsafeMutableRawPointer(bitPattern: first) else { return }
      _ = madvise(base, end - first, advice)
    #endif
  }

  /// Asks for transparent huge pages (`MADV_HUGEPAGE`) in the whole 2 MiB
  /// units inside the range, before it is first written. For arrays read
  /// or written at random rows (a Fenwick tree over 10⁷ ranks, a prefix-sum
  /// table read by rank): with 4 KiB pages nearly every access there also
  /// misses the TLB (on the bench machine's CPU, 1,536 entries cover 6 MB)
  /// and walks the page table; with 2 MiB pages the same entries cover
  /// 3 GB. Where the system's setting is "madvise" (Debian's default) this
  /// is the only way a process gets them; under "never" nothing changes.
  public static func requestHugePages(_ start: UnsafeMutableRawPointer, bytes: Int) {
    // MADV_HUGEPAGE is 14 (linux/mman.h).
    advise(start, bytes: bytes, advice: 14, granularity: hugePageSize)
  }
}
