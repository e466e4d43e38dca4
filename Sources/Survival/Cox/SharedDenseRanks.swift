import Foundation

/// The dense ranks of a large stratum's predictor for the concordance's
/// rank split (`ConcordanceRankSplit`), computed by two workers (issue 14):
/// each worker sorts the (key, row) items of half of the rows, then one
/// merge of the two sorted halves assigns the ranks. The one-worker
/// `ConcordanceRankSweep.denseRanks` sorted every row on one core while
/// the other waited (at 10⁶ rows about a fifth of the concordance).
///
/// The merge takes the first half's item on equal keys, and each half is
/// sorted by (key, row) with rows ascending, so the merged order is the
/// one-worker sort's (key, then row) exactly: the same ranks and the same
/// middle rank, whatever the threads.
enum SharedDenseRanks {
  /// Rows below which one worker ranks them (thread start-up costs more).
  static let parallelThreshold = 100_000

  /// `ConcordanceRankSweep.denseRanks`: ranks into `rankOf[0..<count]`, the
  /// number of distinct values and the rank of the middle row.
  ///
  /// `scratch`, when it holds at least 2m items, is memory of the caller's
  /// that is dead until this returns (a Cox fit's sorted covariates, whose
  /// pages are already mapped): the sort's items and its second buffer
  /// are placed there instead of in 32 bytes a row of fresh memory.
  static func compute(
    predictor: UnsafeBufferPointer<Double>, into rankOf: UnsafeMutableBufferPointer<Int32>,
    parallelThreshold: Int = SharedDenseRanks.parallelThreshold,
    scratch: UnsafeMutableBufferPointer<RowOrder.Item>? = nil
  ) -> (count: Int, median: Int32) {
    let m = predictor.count
    guard m >= max(parallelThreshold, 2) else {
      return ConcordanceRankSweep.denseRanks(predictor: predictor, into: rankOf)
    }
    if let scratch, let base = scratch.baseAddress, scratch.count >= 2 * m {
      return merge(
        predictor: predictor, into: rankOf, items: UnsafeMutableBufferPointer(start: base, count: m),
        spare: UnsafeMutableBufferPointer(start: base + m, count: m))
    }
    var items = [RowOrder.Item](unsafeUninitializedCapacity: m) { _, count in count = m }
    var spare = [RowOrder.Item](unsafeUninitializedCapacity: m) { _, count in count = m }
    return items.withUnsafeMutableBufferPointer { it in
      spare.withUnsafeMutableBufferPointer { sp in
        merge(predictor: predictor, into: rankOf, items: it, spare: sp)
      }
    }
  }

  /// The two workers' sorts of the halves, in `items` (m) with `spare` (m)
  /// as the radix sort's second buffer, then the merge.
  private static func merge(
    predictor: UnsafeBufferPointer<Double>, into rankOf: UnsafeMutableBufferPointer<Int32>,
    items it: UnsafeMutableBufferPointer<RowOrder.Item>, spare sp: UnsafeMutableBufferPointer<RowOrder.Item>
  ) -> (count: Int, median: Int32) {
    let m = predictor.count
    let half = m / 2
    // Worker w writes and sorts the items (and scratch) of its half only.
    let items = DisjointWrites(it), scratch = DisjointWrites(sp), keys = SharedReads(predictor)
    DispatchQueue.concurrentPerform(iterations: 2) { w in
      let rows = w == 0 ? 0..<half : half..<m
      for k in rows { items[k] = RowOrder.Item(key: RowOrder.sortableBits(keys[k]), row: k) }
      RowOrder.sortItems(
        UnsafeMutableBufferPointer(rebasing: items.buffer[rows]),
        scratch: UnsafeMutableBufferPointer(rebasing: scratch.buffer[rows]))
    }
    var i = 0, j = half
    var current: Int32 = -1
    var previous: UInt64 = 0
    var median: Int32 = 0
    for k in 0..<m {
      let item: RowOrder.Item
      if j == m || (i < half && it[i].key <= it[j].key) {
        item = it[i]
        i += 1
      } else {
        item = it[j]
        j += 1
      }
      if current < 0 || item.key != previous {
        current += 1
        previous = item.key
      }
      rankOf[item.row] = current
      if k == m / 2 { median = current }
    }
    return (Int(current) + 1, median)
  }
}
