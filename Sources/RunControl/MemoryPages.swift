import Foundation

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
  ///
  /// Only when the kernel already has free 2 MiB blocks for twice the range
  /// (`freeHugeBlocks`): where none are free, a fault in a madvised range
  /// waits while the kernel compacts memory (`defrag = madvise`), which made
  /// the process-wide setting 2–3 times slower on a machine whose page cache
  /// had filled its memory (session 5; huge pages for every array stayed
  /// opt-in, `KAPLAN_HUGE_PAGES`). Returns whether the advice was given.
  @discardableResult
  public static func requestHugePages(_ start: UnsafeMutableRawPointer, bytes: Int) -> Bool {
    guard bytes >= hugePageSize, let free = freeHugeBlocks(), free >= 2 * (bytes / hugePageSize + 1) else {
      return false
    }
    // MADV_HUGEPAGE is 14 (linux/mman.h).
    advise(start, bytes: bytes, advice: 14, granularity: hugePageSize)
    return true
  }

  /// The free blocks of 2 MiB or more that the kernel's buddy allocator
  /// holds, in units of 2 MiB (`/proc/buddyinfo`: per zone, the free
  /// blocks of order 0, 1, …; order 9 is 2 MiB with 4 KiB pages), or nil
  /// where it cannot be read.
  public static func freeHugeBlocks() -> Int? {
    #if os(Linux)
      guard pageSize == 4096, let text = try? String(contentsOfFile: "/proc/buddyinfo", encoding: .utf8) else {
        return nil
      }
      return hugeBlocks(buddyinfo: text)
    #else
      return nil
    #endif
  }

  /// `freeHugeBlocks` from the text of `/proc/buddyinfo` (4 KiB pages):
  /// Σ over zones and orders o ≥ 9 of count · 2^(o − 9); nil if no line
  /// has the expected form.
  public static func hugeBlocks(buddyinfo text: String) -> Int? {
    var total = 0, zones = 0
    for line in text.split(separator: "\n") {
      // "Node 0, zone   Normal   3712 4942 … 1275": the counts follow the zone's name.
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard fields.count > 4, fields[2] == "zone" else { continue }
      let counts = fields.dropFirst(4).compactMap { Int($0) }
      guard counts.count == fields.count - 4 else { continue }
      zones += 1
      for (order, count) in counts.enumerated() where order >= 9 {
        // Saturating: a count too large to add up reads as plenty of blocks.
        let (blocks, tooMany) = count.multipliedReportingOverflow(by: 1 << (order - 9))
        let (sum, overflow) = total.addingReportingOverflow(blocks)
        total = tooMany || overflow ? Int.max : sum
      }
    }
    return zones > 0 ? total : nil
  }
}
