import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Gives the whole pages inside a buffer back to the system while the
/// buffer stays allocated (`madvise(MADV_DONTNEED)`): for a large array
/// whose tail is dead while its head is still used as scratch (a Cox fit's
/// sorted covariates, which its concordance reuses in part). The pages read
/// as zeros if touched again; the allocator's own bookkeeping lies outside
/// the buffer. Elsewhere than on Linux nothing is released.
enum ReleasedPages {
  /// Ranges under this many bytes are not worth a system call.
  static let minimumBytes = 1 << 20

  private static let pageSize: Int = {
    #if os(Linux)
      let size = sysconf(Int32(_SC_PAGESIZE))
      return size > 0 ? size : 4096
    #else
      return 4096
    #endif
  }()

  /// Releases the whole pages inside `buffer[from...]`; the values there
  /// must not be read again.
  static func release(_ buffer: UnsafeMutableBufferPointer<Double>, from: Int) {
    #if os(Linux)
      guard let base = buffer.baseAddress, from >= 0, from < buffer.count else { return }
      let bytes = (buffer.count - from) * MemoryLayout<Double>.stride
      guard bytes >= minimumBytes else { return }
      let start = Int(bitPattern: base + from)
      let page = pageSize
      let first = (start + page - 1) / page * page
      let end = (start + bytes) / page * page
      guard end > first, let pointer = UnsafeMutableRawPointer(bitPattern: first) else { return }
      _ = madvise(pointer, end - first, MADV_DONTNEED)
    #endif
  }
}
