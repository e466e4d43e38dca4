import Foundation

/// Fast, deterministic row orderings for the survival kernels: by stratum,
/// then by a Double key, ties by row index.
///
/// Strata are placed by a counting pass; within each stratum the rows are
/// sorted as contiguous (key, row) pairs, the Double mapped to a UInt64
/// whose unsigned order is the numeric order (flip all bits of negatives,
/// the sign bit of the rest; −0 is folded into +0 first). This is several
/// times faster than an index sort whose comparator reads three arrays.
@_spi(Benchmark) public enum RowOrder {
  /// A sort key with its row.
  struct Item {
    var key: UInt64
    var row: Int
  }

  @inline(__always)
  private static func precedes(_ a: Item, _ b: Item) -> Bool {
    a.key != b.key ? a.key < b.key : a.row < b.row
  }

  /// The order-preserving image of a finite Double.
  @inline(__always)
  static func sortableBits(_ value: Double) -> UInt64 {
    let bits = (value + 0.0).bitPattern
    return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
  }

  /// Row indices ordered by stratum ascending (when given), then `key`
  /// ascending or descending, then row index ascending.
  @_spi(Benchmark) public static func order(strata: [Int]?, key: [Double], descending: Bool) -> [Int] {
    sorted(strata: strata, key: key, descending: descending, keepKeys: false).rows
  }

  /// The same order with, per sorted position, the key (−0 read as +0)
  /// and the offsets at which each stratum begins (`blockStart.count` =
  /// strata + 1), so callers need not gather the key or the strata again.
  ///
  /// `alongside` is independent work of the caller's, run while the strata
  /// are sorted: the two workers take these tasks first, in order, then the
  /// strata as they come free (with one large stratum, a worker would
  /// otherwise be idle).
  ///
  /// `scratch`, when given, is memory of the caller's that is dead until the
  /// sort returns (a Cox fit's row-major buffer before its scatter, rebound
  /// to items): the (key, row) items and the radix sort's second buffer are
  /// placed in it when it holds 2n items, or only the second buffer when it
  /// holds n, instead of in fresh n-item arrays (320 MB at 10⁷ rows). The
  /// order is the same.
  static func sorted(
    strata: [Int]?, key: [Double], descending: Bool, keepKeys: Bool = true,
    alongside: [@Sendable () -> Void] = [], scratch: UnsafeMutableBufferPointer<Item>? = nil
  ) -> (rows: [Int], keys: [Double], blockStart: [Int]) {
    sorted(
      strata: strata, key: key, descending: descending, keepKeys: keepKeys, alongside: alongside, scratch: scratch,
      rowsAs: Int.self)
  }

  /// `sorted` with the rows as `Row` (a Cox fit's 32-bit row order, half
  /// the memory of `Int`: 40 MB at 10⁷ rows). The caller guarantees that
  /// every row index fits `Row` (`SurvivalInputError.checkRowCount`).
  static func sorted<Row: FixedWidthInteger & BitwiseCopyable>(
    strata: [Int]?, key: [Double], descending: Bool, keepKeys: Bool = true,
    alongside: [@Sendable () -> Void] = [], scratch: UnsafeMutableBufferPointer<Item>? = nil, rowsAs: Row.Type
  ) -> (rows: [Row], keys: [Double], blockStart: [Int]) {
    let n = key.count
    let room = n == 0 ? 0 : (scratch?.count ?? 0) / n
    // Every slot below is written before it is read: no zero fill.
    // Through `RadixOrder.uninitialized`: an empty array is the shared
    // empty storage, whose count must not be written (a race under TSan).
    var ownItems: [Item] = RadixOrder.uninitialized(room >= 2 ? 0 : n)
    var ownSpare: [Item] = RadixOrder.uninitialized(room >= 1 ? 0 : n)
    var rows: [Row] = RadixOrder.uninitialized(n)
    var keys: [Double] = RadixOrder.uninitialized(keepKeys ? n : 0)
    let start = ownItems.withUnsafeMutableBufferPointer { ownItems in
    ownSpare.withUnsafeMutableBufferPointer { ownSpare in
      var items = ownItems, spare = ownSpare
      if let scratch, let base = scratch.baseAddress, room >= 1 {
        if room >= 2 {
          items = UnsafeMutableBufferPointer(start: base, count: n)
          spare = UnsafeMutableBufferPointer(start: base + n, count: n)
        } else {
          spare = UnsafeMutableBufferPointer(start: base, count: n)
        }
      }
      return sortInto(
        items: items, spare: spare, strata: strata, key: key, descending: descending, keepKeys: keepKeys,
        alongside: alongside, rows: &rows, keys: &keys)
    }}
    return (rows, keys, start)
  }

  /// The sort of `sorted`, in the given item buffers (n each); returns the
  /// offsets at which the strata begin.
  // swiftlint:disable:next function_parameter_count
  private static func sortInto<Row: FixedWidthInteger & BitwiseCopyable>(
    items: UnsafeMutableBufferPointer<Item>, spare: UnsafeMutableBufferPointer<Item>, strata: [Int]?,
    key: [Double], descending: Bool, keepKeys: Bool, alongside: [@Sendable () -> Void],
    rows: inout [Row], keys: inout [Double]
  ) -> [Int] {
    let n = key.count
    let start = key.withUnsafeBufferPointer { k in
      place(strata, keys: k, descending: descending, into: items)
    }
    let blockCount = start.count - 1
    let shareOneBlock = blockCount == 1 && n >= sharedRadixThreshold
    // Strata sort independently (each result does not depend on which
    // worker sorts it), so with several large ones two workers share them.
    // Each stratum's rows and keys are read out as soon as it is sorted,
    // while its items are still in cache.
    rows.withUnsafeMutableBufferPointer { rows in
    keys.withUnsafeMutableBufferPointer { keys in
      // Each block touches only its own range start[b]..<start[b + 1].
      let buffer = DisjointWrites(items), other = DisjointWrites(spare)
      let rows = DisjointWrites(rows), keys = DisjointWrites(keys)
      @Sendable func sortBlock(_ b: Int) {
        let lower: Int = start[b]
        let upper: Int = start[b + 1]
        let block = UnsafeMutableBufferPointer<Item>(rebasing: buffer.buffer[lower..<upper])
        let blockScratch = UnsafeMutableBufferPointer<Item>(rebasing: other.buffer[lower..<upper])
        if shareOneBlock {
          sharedRadixSort(block, scratch: blockScratch)
        } else {
          sortItems(block, scratch: blockScratch)
        }
        for i in lower..<upper { rows[i] = Row(truncatingIfNeeded: buffer[i].row) }
        if keepKeys {
          for i in lower..<upper {
            let k = descending ? ~buffer[i].key : buffer[i].key
            keys[i] = Double(bitPattern: k >> 63 == 1 ? k & ~(1 << 63) : ~k)
          }
        }
      }
      let extra = alongside.count
      if shareOneBlock {
        // One large stratum: the tasks alongside first, on both workers,
        // then the block's sort shared by both (`sharedRadixSort`). Inside
        // the tasks' `concurrentPerform` a nested one would run serially.
        if extra > 1 {
          DispatchQueue.concurrentPerform(iterations: extra) { task in alongside[task]() }
        } else {
          for task in alongside { task() }
        }
        sortBlock(0)
      } else if n >= 100_000 && blockCount + extra > 1 {
        DispatchQueue.concurrentPerform(iterations: extra + blockCount) { task in
          if task < extra { alongside[task]() } else { sortBlock(task - extra) }
        }
      } else {
        for task in alongside { task() }
        for b in 0..<blockCount { sortBlock(b) }
      }
    }}
    return start
  }

  /// Sorts (key, row) items by key, then row: a comparison sort for short
  /// runs, else the radix sort (which keeps rows entered in ascending order
  /// in that order).
  static func sortItems(
    _ items: UnsafeMutableBufferPointer<Item>, scratch: UnsafeMutableBufferPointer<Item>
  ) {
    if items.count < 256 {
      var items = items
      items.sort(by: RowOrder.precedes)
    } else {
      radixSort(items, scratch: scratch)
    }
  }

  static let digitBits = 11
  static let buckets = 1 << digitBits

  /// Stable LSD radix sort on the 64-bit keys, 11 bits per pass (the
  /// histogram and the scatter targets stay in cache), after subtracting
  /// the smallest key so that only the significant bits are sorted; each
  /// pass counts the next digit while it scatters, and passes in which
  /// every key has the same digit move nothing. Rows enter in ascending
  /// order, so stability breaks ties by row.
  private static func radixSort(
    _ items: UnsafeMutableBufferPointer<Item>, scratch: UnsafeMutableBufferPointer<Item>
  ) {
    let n = items.count
    var low = UInt64.max
    var high = UInt64.min
    for i in 0..<n {
      let k = items[i].key
      low = min(low, k)
      high = max(high, k)
    }
    if low == high { return }
    let bits = 64 - (high - low).leadingZeroBitCount
    let passes = (bits + digitBits - 1) / digitBits
    let mask = UInt64(buckets - 1)
    var histogram = [Int](repeating: 0, count: 2 * buckets)
    histogram.withUnsafeMutableBufferPointer { h in
      // Subtract the smallest key and count the first digit; each scatter
      // counts the next pass's digit as it goes, so a pass reads once.
      for i in 0..<n {
        let k = items[i].key &- low
        items[i].key = k
        h[Int(k & mask)] &+= 1
      }
      var source = items
      var target = scratch
      var current = 0
      for pass in 0..<passes {
        let shift = UInt64(pass * digitBits)
        let nextShift = UInt64((pass + 1) * digitBits)
        let countNext = pass + 1 < passes
        let base = current * buckets
        let nextBase = (1 - current) * buckets
        for d in 0..<buckets { h[nextBase + d] = 0 }
        if h[base + Int((source[0].key >> shift) & mask)] == n {
          // One digit value: nothing moves; only count the next digit.
          if countNext {
            for i in 0..<n { h[nextBase + Int((source[i].key >> nextShift) & mask)] &+= 1 }
          }
        } else {
          var total = 0
          for d in 0..<buckets {
            let c = h[base + d]
            h[base + d] = total
            total &+= c
          }
          if countNext {
            for i in 0..<n {
              let item = source[i]
              let slot = base &+ Int((item.key >> shift) & mask)
              target[h[slot]] = item
              h[slot] &+= 1
              h[nextBase &+ Int((item.key >> nextShift) & mask)] &+= 1
            }
          } else {
            for i in 0..<n {
              let item = source[i]
              let slot = base &+ Int((item.key >> shift) & mask)
              target[h[slot]] = item
              h[slot] &+= 1
            }
          }
          swap(&source, &target)
        }
        current = 1 - current
      }
      if source.baseAddress != items.baseAddress {
        for i in 0..<n { items[i] = source[i] }
      }
      for i in 0..<n { items[i].key = items[i].key &+ low }
    }
  }
}
