import Foundation

extension RowOrder {
  /// Items from which one large block's radix sort is shared by two workers.
  static let sharedRadixThreshold = 1 << 18

  /// `radixSort` by two workers: the same stable LSD passes of
  /// `digitBits`, each worker scattering the items of its half of the
  /// source. Worker 0's items of a digit go first, then worker 1's, each in
  /// source order, so every pass is the one-worker pass: the same order.
  /// Each worker counts the next pass's digits of the items it writes, by
  /// the half of the target they land in (the next pass's halves), in a
  /// histogram of its own; the two are added before the next pass.
  ///
  /// At 10⁷ rows the Cox fit's time sort (one stratum) took 0.6 s on one
  /// core while the other waited; the passes are bound by memory traffic,
  /// which two cores share better than one.
  static func sharedRadixSort(_ items: UnsafeMutableBufferPointer<Item>, scratch: UnsafeMutableBufferPointer<Item>) {
    let n = items.count
    guard n >= 2, scratch.count >= n else {
      sortItems(items, scratch: scratch)
      return
    }
    let half = n / 2
    let halves = [0..<half, half..<n]
    let b = buckets
    let mask = UInt64(b - 1)
    // Per worker: the smallest and largest key of its half.
    var bounds = [(low: UInt64, high: UInt64)](repeating: (.max, .min), count: 2)
    bounds.withUnsafeMutableBufferPointer { bounds in
      let out = DisjointWrites(bounds), source = SharedReads(UnsafeBufferPointer(items))
      DispatchQueue.concurrentPerform(iterations: 2) { w in
        var low = UInt64.max, high = UInt64.min
        for i in halves[w] {
          low = min(low, source[i].key)
          high = max(high, source[i].key)
        }
        out[w] = (low, high)
      }
    }
    let low = min(bounds[0].low, bounds[1].low), high = max(bounds[0].high, bounds[1].high)
    if low == high { return }
    let bits = 64 - (high - low).leadingZeroBitCount
    let passes = (bits + digitBits - 1) / digitBits
    // counts[w * b + d]: digit d in the source half w. next[(w * 2 + h) * b + d]:
    // next digit d written by worker w into target half h.
    var counts = [Int](repeating: 0, count: 2 * b)
    var next = [Int](repeating: 0, count: 4 * b)
    var cursor = [Int](repeating: 0, count: 2 * b)
    counts.withUnsafeMutableBufferPointer { counts in
    next.withUnsafeMutableBufferPointer { next in
    cursor.withUnsafeMutableBufferPointer { cursor in
      // Subtract the smallest key; count the first digit per half.
      do {
        let out = DisjointWrites(items), count = DisjointWrites(counts)
        DispatchQueue.concurrentPerform(iterations: 2) { w in
          for i in halves[w] {
            let k = out[i].key &- low
            out[i].key = k
            count[w * b + Int(k & mask)] &+= 1
          }
        }
      }
      var source = items, target = scratch
      for pass in 0..<passes {
        let shift = UInt64(pass * digitBits), nextShift = UInt64((pass + 1) * digitBits)
        let countNext = pass + 1 < passes
        let firstDigit = Int((source[0].key >> shift) & mask)
        if counts[firstDigit] + counts[b + firstDigit] == n {
          // One digit value: nothing moves; only count the next digit per half.
          if countNext {
            let src = SharedReads(UnsafeBufferPointer(source)), count = DisjointWrites(counts)
            for d in 0..<(2 * b) { counts[d] = 0 }
            DispatchQueue.concurrentPerform(iterations: 2) { w in
              for i in halves[w] { count[w * b + Int((src[i].key >> nextShift) & mask)] &+= 1 }
            }
          }
          continue
        }
        // Worker 0's slots of a digit, then worker 1's.
        var total = 0
        for d in 0..<b {
          cursor[d] = total
          total &+= counts[d]
          cursor[b + d] = total
          total &+= counts[b + d]
        }
        for d in 0..<(4 * b) { next[d] = 0 }
        do {
          let src = SharedReads(UnsafeBufferPointer(source)), dst = DisjointWrites(target)
          let slots = DisjointWrites(cursor), nextCount = DisjointWrites(next)
          // Worker w writes the target slots of its cursors (disjoint
          // ranges), its own cursors and its own next-digit histograms.
          DispatchQueue.concurrentPerform(iterations: 2) { w in
            let mine = w * b
            for i in halves[w] {
              let item = src[i]
              let slot = mine &+ Int((item.key >> shift) & mask)
              let position = slots[slot]
              dst[position] = item
              slots[slot] = position &+ 1
              if countNext {
                let targetHalf = position < half ? 0 : 1
                nextCount[(w * 2 + targetHalf) * b + Int((item.key >> nextShift) & mask)] &+= 1
              }
            }
          }
        }
        if countNext {
          for h in 0..<2 {
            for d in 0..<b { counts[h * b + d] = next[h * b + d] &+ next[(2 + h) * b + d] }
          }
        }
        swap(&source, &target)
      }
      // Back into `items` (when the passes ended in the scratch) with the smallest key added back.
      let src = SharedReads(UnsafeBufferPointer(source)), out = DisjointWrites(items)
      DispatchQueue.concurrentPerform(iterations: 2) { w in
        for i in halves[w] {
          var item = src[i]
          item.key = item.key &+ low
          out[i] = item
        }
      }
    }}}
  }
}
