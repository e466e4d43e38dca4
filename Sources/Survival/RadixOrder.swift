/// Stable ordering of rows by non-negative times, then by a small group index.
///
/// A least-significant-digit radix sort on the IEEE-754 bit patterns (which
/// order non-negative doubles as the doubles themselves), 16 bits per pass,
/// skipping passes in which every key has the same digit; then one stable
/// counting pass by group. Stability makes tied rows keep their input order,
/// as R's `order()` does, so sums over tied rows accumulate in R's order.
/// Cost O(n) per pass, no per-row allocation.
enum RadixOrder {
  /// Row indices sorted by (`group[i]`, `key[i]`), stable. `key` must hold
  /// finite non-negative values (validated by the caller); -0 sorts as 0.
  /// Also returns where each group starts (`groupCount + 1` offsets).
  static func order(key: [Double], group: [Int]?, groupCount: Int) -> (order: [Int], groupStart: [Int]) {
    let n = key.count
    var keys = [UInt64](repeating: 0, count: n)
    var index = [Int](repeating: 0, count: n)
    var keysSwap = [UInt64](repeating: 0, count: n)
    var indexSwap = [Int](repeating: 0, count: n)
    var histogram = [Int](repeating: 0, count: 1 << 16)
    key.withUnsafeBufferPointer { k in
      keys.withUnsafeMutableBufferPointer { out in
        for i in 0..<n {
          let value = k[i]
          out[i] = value == 0 ? 0 : value.bitPattern
        }
      }
    }
    index.withUnsafeMutableBufferPointer { out in
      for i in 0..<n { out[i] = i }
    }
    for pass in 0..<4 {
      let shift = UInt64(pass * 16)
      let skipped: Bool = histogram.withUnsafeMutableBufferPointer { h in
        for d in 0..<h.count { h[d] = 0 }
        keys.withUnsafeBufferPointer { k in
          for i in 0..<n { h[Int((k[i] >> shift) & 0xFFFF)] += 1 }
        }
        // Every key has the same digit: this pass would not move anything.
        if n == 0 || h[Int((keys[0] >> shift) & 0xFFFF)] == n { return true }
        var total = 0
        for d in 0..<h.count {
          let c = h[d]
          h[d] = total
          total += c
        }
        keys.withUnsafeBufferPointer { k in
          index.withUnsafeBufferPointer { ix in
            keysSwap.withUnsafeMutableBufferPointer { ko in
              indexSwap.withUnsafeMutableBufferPointer { io in
                for i in 0..<n {
                  let digit = Int((k[i] >> shift) & 0xFFFF)
                  let position = h[digit]
                  h[digit] = position + 1
                  ko[position] = k[i]
                  io[position] = ix[i]
                }
              }
            }
          }
        }
        return false
      }
      if !skipped {
        swap(&keys, &keysSwap)
        swap(&index, &indexSwap)
      }
    }
    guard let group = group, groupCount > 1 else {
      return (index, [0, n] + [Int](repeating: n, count: max(0, groupCount - 1)))
    }
    var start = [Int](repeating: 0, count: groupCount + 1)
    for g in group { start[g + 1] += 1 }
    for g in 0..<groupCount { start[g + 1] += start[g] }
    var next = Array(start[0..<groupCount])
    var result = [Int](repeating: 0, count: n)
    group.withUnsafeBufferPointer { gr in
      index.withUnsafeBufferPointer { ix in
        result.withUnsafeMutableBufferPointer { out in
          next.withUnsafeMutableBufferPointer { nx in
            for i in 0..<n {
              let row = ix[i]
              let g = gr[row]
              out[nx[g]] = row
              nx[g] += 1
            }
          }
        }
      }
    }
    return (result, start)
  }
}
