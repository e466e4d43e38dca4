import RunControl

/// Gives the whole pages inside a buffer back to the system while the
/// buffer stays allocated (`madvise(MADV_DONTNEED)`): for a large array
/// whose tail is dead while its head is still used as scratch (a Cox fit's
/// sorted covariates, which its concordance reuses in part). The pages read
/// as zeros if touched again; the allocator's own bookkeeping lies outside
/// the buffer. Elsewhere than on Linux nothing is released.
enum ReleasedPages {
  /// Ranges under this many bytes are not worth a system call.
  static let minimumBytes = 1 << 20

  /// Releases the whole pages inside `buffer[from...]`; the values there
  /// must not be read again.
  static func release(_ buffer: UnsafeMutableBufferPointer<Double>, from: Int) {
    guard let base = buffer.baseAddress, from >= 0, from < buffer.count else { return }
    let bytes = (buffer.count - from) * MemoryLayout<Double>.stride
    guard bytes >= minimumBytes else { return }
    MemoryPages.advise(UnsafeMutableRawPointer(base + from), bytes: bytes, advice: 4)  // MADV_DONTNEED (linux/mman.h)
  }
}
