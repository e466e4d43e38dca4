/// Stable ascending orders of event times for the competing-risks
/// estimators, which all scan subjects in time order.
///
/// Times are non-negative finite `Double`s, so their IEEE-754 bit patterns
/// order as unsigned integers; a least-significant-digit radix sort on those
/// keys (six 11-bit passes) gives the stable permutation in O(n), which is
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
    // Six 11-bit digits: 2048 counters per pass stay in L1; all histograms in one read.
    let passes = 6
    let radix = 2048
    var counts = [Int](repeating: 0, count: passes * radix)
    keys.withUnsafeBufferPointer { k in
      counts.withUnsafeMutableBufferPointer { c in
        for i in 0..<n {
          var key = k[i]
          for pass in 0..<passes {
            c[pass * radix + Int(key & 0x7FF)] += 1
            key >>= 11
          }
        }
      }
    }
    for pass in 0..<passes {
      let shift = UInt64(11 * pass)
      // Skip a pass whose digit is the same for all keys (common high bits).
      let digit0 = Int((keys[0] >> shift) & 0x7FF)
      if counts[pass * radix + digit0] == n { continue }
      var total = 0
      for d in 0..<radix {
        let c = counts[pass * radix + d]
        counts[pass * radix + d] = total
        total += c
      }
      keys.withUnsafeBufferPointer { k in
        order.withUnsafeBufferPointer { o in
          keysOut.withUnsafeMutableBufferPointer { ko in
            orderOut.withUnsafeMutableBufferPointer { oo in
              counts.withUnsafeMutableBufferPointer { c in
                let base = pass * radix
                for i in 0..<n {
                  let d = base + Int((k[i] >> shift) & 0x7FF)
                  let at = c[d]
                  c[d] = at + 1
                  ko[at] = k[i]
                  oo[at] = o[i]
                }
              }
            }
          }
        }
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

