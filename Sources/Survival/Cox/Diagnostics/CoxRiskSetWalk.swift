import Foundation

/// The walk of `CoxRiskSetTable` over its rows sorted by (stratum, stop,
/// row): the events in R's order (as sorted positions), the death times of
/// each stratum with their deaths and the deaths' total weight, and each
/// row's hi (the number of death times up to its stop), with no comparison
/// sort and no binary search.
///
/// From `parallelThreshold` rows two workers walk the two halves, split
/// where the time changes (rows of one time are one group, never split):
/// worker 1's death times are numbered from 0 and shifted by worker 0's
/// count afterwards. Each death time's count and weight are added from the
/// same rows in the same order as on one worker, so the numbers do not
/// depend on the split (`CoxRiskSetTableSplitTests`).
enum CoxRiskSetWalk {
  static let parallelThreshold = 50_000

  struct Result {
    var events: [Int] = []
    var deathTime: [Double] = []
    var deathStratum: [Int] = []
    var deathCount: [Int] = []
    var deathWeight: [Double] = []
    var hi: [Int] = []
  }

  /// - Parameters:
  ///   - stops: the stop times in sorted order; `blockStart`: the first position of each stratum, then n.
  ///   - weight, stratum: per sorted position; nil: every weight 1, every row in stratum 0.
  static func walk(
    stops: [Double], isEvent: [Bool], weight: [Double]?, stratum: [Int]?, blockStart: [Int],
    parallelThreshold: Int = parallelThreshold
  ) -> Result {
    let n = stops.count
    // Written whole by the walks (the blocks cover the sorted positions): no zero fill.
    var hi: [Int] = RadixOrder.uninitialized(n)
    var split = n
    if n >= parallelThreshold {
      split = n / 2
      while split < n && stops[split] == stops[split - 1] { split += 1 }
    }
    let bounds = [0, split, n]
    let workers = split < n ? 2 : 1
    var parts = [Result](repeating: Result(), count: workers)
    parts.withUnsafeMutableBufferPointer { parts in
    hi.withUnsafeMutableBufferPointer { hi in
    stops.withUnsafeBufferPointer { stops in
    isEvent.withUnsafeBufferPointer { isEvent in
    withOptionalReads(weight) { weight in
    withOptionalReads(stratum) { stratum in
    blockStart.withUnsafeBufferPointer { blockStart in
      // Worker w writes its own part and the hi of its own positions only; the rest is read only.
      let out = DisjointWrites(parts), his = DisjointWrites(hi)
      let reads = (
        stops: SharedReads(stops), isEvent: SharedReads(isEvent), weight: weight, stratum: stratum,
        blockStart: SharedReads(blockStart))
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        let stops = reads.stops.buffer, isEvent = reads.isEvent.buffer, weight = reads.weight?.buffer
        let stratum = reads.stratum?.buffer, blockStart = reads.blockStart.buffer, hi = his.buffer
        let first = bounds[w], last = bounds[w + 1]
        var part = Result()
        part.events.reserveCapacity(last - first)
        for b in 0..<(blockStart.count - 1) {
          let from = max(blockStart[b], first), to = min(blockStart[b + 1], last)
          guard from < to else { continue }
          let s = stratum?[from] ?? 0
          var k = from
          while k < to {
            let t = stops[k]
            var e = k
            var count = 0
            var total = 0.0
            while e < to && stops[e] == t {
              if isEvent[e] {
                count += 1
                total += weight?[e] ?? 1
                part.events.append(e)
              }
              e += 1
            }
            if count > 0 {
              part.deathTime.append(t)
              part.deathStratum.append(s)
              part.deathCount.append(count)
              part.deathWeight.append(total)
            }
            let h = part.deathTime.count
            for j in k..<e { hi[j] = h }
            k = e
          }
        }
        out[w] = part
      }
    }}}}}}}
    guard workers == 2 else {
      var result = parts[0]
      result.hi = hi
      return result
    }
    // Worker 1's death times follow worker 0's.
    let offset = parts[0].deathTime.count
    if offset > 0 { for j in split..<n { hi[j] += offset } }
    var result = parts[0]
    result.events.append(contentsOf: parts[1].events)
    result.deathTime.append(contentsOf: parts[1].deathTime)
    result.deathStratum.append(contentsOf: parts[1].deathStratum)
    result.deathCount.append(contentsOf: parts[1].deathCount)
    result.deathWeight.append(contentsOf: parts[1].deathWeight)
    result.hi = hi
    return result
  }
}
