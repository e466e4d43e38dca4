import RunControl

/// Arrays that a kernel reads or writes at random indices, such as a
/// Fenwick tree's leaves over 10⁷ predictor ranks or a prefix-sum table read
/// by rank. When they are large they ask for transparent huge pages before
/// their first write (`MemoryPages.requestHugePages`). With 4 KiB pages,
/// nearly every access to a 40 MB table also misses the TLB, and a software
/// prefetch of the line then waits for the page walk. The values are the
/// same either way; only the mapping differs. The request is made only
/// when the kernel has free 2 MiB blocks for it (`MemoryPages`), so that a
/// fault never waits for memory to be compacted.
enum RandomAccessArray {
  /// Below this many bytes the array's pages mostly stay in the TLB anyway.
  static let hugePageMinimumBytes = 4 << 20

  /// `count` uninitialized elements, on huge pages when the array is
  /// large; every element must be written before it is read.
  static func uninitialized<T: BitwiseCopyable>(_ count: Int) -> [T] {
    var array: [T] = RadixOrder.uninitialized(count)
    let bytes = count * MemoryLayout<T>.stride
    if bytes >= hugePageMinimumBytes {
      array.withUnsafeMutableBufferPointer { buffer in
        if let base = buffer.baseAddress { MemoryPages.requestHugePages(UnsafeMutableRawPointer(base), bytes: bytes) }
      }
    }
    return array
  }

  /// `count` copies of `value`, on huge pages when the array is large.
  static func filled<T: BitwiseCopyable>(_ value: T, count: Int) -> [T] {
    let bytes = count * MemoryLayout<T>.stride
    guard bytes >= hugePageMinimumBytes else { return [T](repeating: value, count: count) }
    var array: [T] = uninitialized(count)
    array.withUnsafeMutableBufferPointer { $0.initialize(repeating: value) }
    return array
  }
}
