/// Stable ascending orders of event times for the competing-risks
/// estimators, which all scan subjects in time order.
///
/// Times are non-negative finite `Double`s, so their IEEE-754 bit patterns
/// order as unsigned integers; a least-significant-digit radix sort on those
/// keys (four 16-bit passes) gives the stable permutation in O(n), which is
/// what makes a million-row `cuminc` take milliseconds. Ties keep input
/// order, as R's `order()` does.
enum CompetingRisksSort {
  /// The stable permutation that sorts `time` ascending.
  /// - Precondition: every time is finite and ≥ 0.
  static func ascendingOrder(_ time: [Double]) -> [Int] {
    let n = time.count
    if n < 512 {
      return (0..<n).sorted { time[$0] < time[$1] || (time[$0] == time[$1] && $0 < $1) }
    }
    var keys = [UInt64](repeating: 0, count: n)
    var order = [Int](repeating: 0, count: n)
    for i in 0..<n {
      // +0.0 for -0.0 so that both sort as zero.
      keys[i] = (time[i] + 0.0).bitPattern
      order[i] = i
    }
    var keysOut = [UInt64](repeating: 0, count: n)
    var orderOut = [Int](repeating: 0, count: n)
    var counts = [Int](repeating: 0, count: 65_536)
    for pass in 0..<4 {
      let shift = UInt64(16 * pass)
      // Skip a pass whose digit is the same for all keys (common high bits).
      let first = (keys[0] >> shift) & 0xFFFF
      var allSame = true
      for i in 1..<n where (keys[i] >> shift) & 0xFFFF != first {
        allSame = false
        break
      }
      if allSame { continue }
      for d in 0..<counts.count { counts[d] = 0 }
      for i in 0..<n { counts[Int((keys[i] >> shift) & 0xFFFF)] += 1 }
      var total = 0
      for d in 0..<counts.count {
        let c = counts[d]
        counts[d] = total
        total += c
      }
      for i in 0..<n {
        let d = Int((keys[i] >> shift) & 0xFFFF)
        let at = counts[d]
        counts[d] = at + 1
        keysOut[at] = keys[i]
        orderOut[at] = order[i]
      }
      swap(&keys, &keysOut)
      swap(&order, &orderOut)
    }
    return order
  }

  /// Splits a sorted order into per-label sub-orders (stable), labels 0..<count.
  static func partition(_ order: [Int], by label: [Int], count: Int) -> [[Int]] {
    var sizes = [Int](repeating: 0, count: count)
    for i in order { sizes[label[i]] += 1 }
    var parts = (0..<count).map { k -> [Int] in
      var part = [Int]()
      part.reserveCapacity(sizes[k])
      return part
    }
    for i in order { parts[label[i]].append(i) }
    return parts
  }
}

