import Foundation

extension RowOrder {
  /// Rows from which `place` writes the items on two workers.
  static let sharedPlacementThreshold = 1 << 18
  /// The widest stratum value range the two-worker placement counts in a
  /// table per worker (a factor's codes, a trial's few strata); wider
  /// ranges are placed by one worker, whose one table may be up to 4n long.
  static let sharedPlacementSpan = 1 << 16

  /// `place` without strata by two workers: item i at slot i, each worker
  /// writing its half.
  static func sharedPlace(
    keys: UnsafeBufferPointer<Double>, descending: Bool, into out: UnsafeMutableBufferPointer<Item>
  ) {
    let n = keys.count, half = n / 2
    let keys = SharedReads(keys), out = DisjointWrites(out)
    DispatchQueue.concurrentPerform(iterations: 2) { w in
      for i in w == 0 ? 0..<half : half..<n {
        out[i] = item(keys[i], row: i, descending: descending)
      }
    }
  }

  /// `place`'s counting placement by two workers, each over its half of
  /// the rows. Each counts the strata of its half (value v − `low` at
  /// index v of a table of its own); then stratum v's slots are worker 0's
  /// rows of v, in row order, followed by worker 1's, which are the slots
  /// the one-worker placement gives them (rows ascending within a stratum).
  /// The workers write disjoint slots.
  ///
  /// At 10⁷ rows with strata the one-worker placement took 0.4 s, most of
  /// it first touches of the sort's fresh pages, while the other core
  /// waited; two workers share the faults and the memory traffic.
  ///
  /// Returns the offsets at which the strata begin, as `place` does.
  /// Requires `span` < `sharedPlacementSpan` and every stratum in
  /// `low...low + span`.
  static func sharedPlace(
    strata: UnsafeBufferPointer<Int>, low: Int, span: Int, keys: UnsafeBufferPointer<Double>, descending: Bool,
    into out: UnsafeMutableBufferPointer<Item>
  ) -> [Int] {
    let n = keys.count, half = n / 2
    let width = span + 1
    // fill[w * stride + v]: worker w's count of value low + v, then its
    // next slot. Worker 1's table starts more than a cache line past worker
    // 0's last entry, so the two counts never share a line.
    let stride = (width + 7) / 8 * 8 + 8
    var fill = [Int](repeating: 0, count: 2 * stride)
    var start = [0]
    fill.withUnsafeMutableBufferPointer { fill in
      let table = DisjointWrites(fill), strata = SharedReads(strata)
      DispatchQueue.concurrentPerform(iterations: 2) { w in
        let base = w * stride
        for i in w == 0 ? 0..<half : half..<n { table[base &+ (strata[i] &- low)] &+= 1 }
      }
      var total = 0
      for v in 0..<width where fill[v] > 0 || fill[stride + v] > 0 {
        let first = fill[v], second = fill[stride + v]
        fill[v] = total
        fill[stride + v] = total + first
        total += first + second
        start.append(total)
      }
      let keys = SharedReads(keys), out = DisjointWrites(out)
      DispatchQueue.concurrentPerform(iterations: 2) { w in
        let base = w * stride
        for i in w == 0 ? 0..<half : half..<n {
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
