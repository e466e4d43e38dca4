import Foundation

extension RowOrder {
  /// Rows from which `place` writes the items on two workers.
  static let sharedPlacementThreshold = 1 << 18
  /// The widest stratum value range the two-worker placement counts in a
  /// table per worker (a factor's codes, a trial's few strata); wider
  /// ranges are placed by one worker, whose one table may be up to 4n long.
  static let sharedPlacementSpan = 1 << 16

  /// Writes the (key, row) items grouped by stratum, in ascending stratum
  /// order and by row within a stratum (a counting sort), and returns the
  /// offsets at which the strata begin. Stratum values spanning a range up
  /// to a few times n are counted in a table indexed by value; wider ones
  /// are first numbered through a dictionary. From
  /// `sharedPlacementThreshold` rows two workers share the writes.
  static func place(
    _ strata: [Int]?, keys: UnsafeBufferPointer<Double>, descending: Bool,
    into out: UnsafeMutableBufferPointer<Item>
  ) -> [Int] {
    let n = keys.count
    let workers = n >= sharedPlacementThreshold ? 2 : 1
    guard let strata = strata, n > 0 else {
      placeInRowOrder(keys: keys, descending: descending, into: out, workers: workers)
      return [0, n]
    }
    var low = strata[0], high = strata[0]
    for s in strata {
      low = min(low, s)
      high = max(high, s)
    }
    let (span, overflow) = high.subtractingReportingOverflow(low)
    if overflow || span >= 4 * n + 16 {
      let levels = Array(Set(strata)).sorted()
      var index: [Int: Int] = [:]
      for (k, v) in levels.enumerated() { index[v] = k }
      return place(strata.map { index[$0] ?? 0 }, keys: keys, descending: descending, into: out)
    }
    return strata.withUnsafeBufferPointer { strata in
      countingPlace(
        strata: strata, low: low, span: span, keys: keys, descending: descending, into: out,
        workers: span < sharedPlacementSpan ? workers : 1)
    }
  }

  /// The rows worker `w` of `workers` takes: a contiguous share, in order.
  @inline(__always)
  private static func share(_ w: Int, of workers: Int, rows n: Int) -> Range<Int> {
    (w * n / workers)..<((w + 1) * n / workers)
  }

  /// `place` without strata: item i at slot i, each of `workers` (1 or 2)
  /// writing its share of the rows.
  static func placeInRowOrder(
    keys: UnsafeBufferPointer<Double>, descending: Bool, into out: UnsafeMutableBufferPointer<Item>, workers: Int
  ) {
    let n = keys.count
    let keys = SharedReads(keys), out = DisjointWrites(out)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      for i in share(w, of: workers, rows: n) {
        out[i] = item(keys[i], row: i, descending: descending)
      }
    }
  }

  /// `place`'s counting placement by `workers` (1 or 2), each over its
  /// share of the rows. Each counts the strata of its share (value v −
  /// `low` at index v of a table of its own); then stratum v's slots are
  /// worker 0's rows of v, in row order, followed by worker 1's, which are
  /// the slots one worker gives them (rows ascending within a stratum).
  /// The workers write disjoint slots.
  ///
  /// At 10⁷ rows with strata the one-worker placement took 0.4 s, most of
  /// it first touches of the sort's fresh pages, while the other core
  /// waited; two workers share the faults and the memory traffic.
  ///
  /// Returns the offsets at which the strata begin, as `place` does.
  /// Requires every stratum in `low...low + span`; each worker's table has
  /// span + 1 entries.
  // swiftlint:disable:next function_parameter_count
  static func countingPlace(
    strata: UnsafeBufferPointer<Int>, low: Int, span: Int, keys: UnsafeBufferPointer<Double>, descending: Bool,
    into out: UnsafeMutableBufferPointer<Item>, workers: Int
  ) -> [Int] {
    let n = keys.count
    let width = span + 1
    // fill[w * stride + v]: worker w's count of value low + v, then its
    // next slot. Each table starts more than a cache line past the previous
    // one's last entry, so two workers' counts never share a line.
    let stride = (width + 7) / 8 * 8 + 8
    var fill = [Int](repeating: 0, count: workers * stride)
    var start = [0]
    fill.withUnsafeMutableBufferPointer { fill in
      let table = DisjointWrites(fill), strata = SharedReads(strata)
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        let base = w * stride
        for i in share(w, of: workers, rows: n) { table[base &+ (strata[i] &- low)] &+= 1 }
      }
      var total = 0
      for v in 0..<width {
        var count = 0
        for w in 0..<workers { count += fill[w * stride + v] }
        guard count > 0 else { continue }
        for w in 0..<workers {
          let own = fill[w * stride + v]
          fill[w * stride + v] = total
          total += own
        }
        start.append(total)
      }
      let keys = SharedReads(keys), out = DisjointWrites(out)
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        let base = w * stride
        for i in share(w, of: workers, rows: n) {
          let v = base &+ (strata[i] &- low)
          out[table[v]] = item(keys[i], row: i, descending: descending)
          table[v] &+= 1
        }
      }
    }
    return start
  }

  /// The (key, row) item of a row whose sort key is `key`.
  @inline(__always)
  static func item(_ key: Double, row: Int, descending: Bool) -> Item {
    let bits = sortableBits(key)
    return Item(key: descending ? ~bits : bits, row: row)
  }
}
