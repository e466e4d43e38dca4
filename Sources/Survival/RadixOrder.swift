/// Stable ordering of rows by non-negative times, then by a small group index.
///
/// A least-significant-digit radix sort on the IEEE-754 bit patterns (which
/// order non-negative doubles as the doubles themselves), 11 bits per pass
/// with all six histograms counted in one read, skipping passes in which
/// every key has the same digit; then one stable counting pass by group.
/// Stability makes tied rows keep their input order, as R's `order()` does,
/// so sums over tied rows accumulate in R's order. O(n) per pass, no per-row
/// allocation; the sorted keys come back too, so kernels read times
/// sequentially instead of through the permutation.
enum RadixOrder {
  struct Sorted {
    /// Row indices sorted by (group, key), stable.
    var order: [Int]
    /// Where each group starts in `order` (`groupCount + 1` offsets).
    var groupStart: [Int]
    /// `key[order[p]]` for each position p.
    var sortedKey: [Double]
  }

  private static let digitBits = 11
  private static let passes = 6  // 6 × 11 ≥ 64
  private static let buckets = 1 << digitBits

  /// `key` must hold finite non-negative values (validated by the caller);
  /// −0 sorts as 0. `group` nil means one group.
  static func order(key: [Double], group: [Int]?, groupCount: Int) -> Sorted {
    let n = key.count
    precondition(n < Int(UInt32.max), "more rows than a 32-bit index can address")
    var keys = [UInt64](repeating: 0, count: n)
    var index = [UInt32](repeating: 0, count: n)
    var keysSwap = [UInt64](repeating: 0, count: n)
    var indexSwap = [UInt32](repeating: 0, count: n)
    var histogram = [Int](repeating: 0, count: buckets * passes)
    let mask = UInt64(buckets - 1)
    key.withUnsafeBufferPointer { k in
      keys.withUnsafeMutableBufferPointer { out in
        index.withUnsafeMutableBufferPointer { ix in
          histogram.withUnsafeMutableBufferPointer { h in
            for i in 0..<n {
              let value = k[i]
              let bits = value == 0 ? 0 : value.bitPattern
              out[i] = bits
              ix[i] = UInt32(truncatingIfNeeded: i)
              for pass in 0..<passes {
                h[pass * buckets + Int((bits >> UInt64(pass * digitBits)) & mask)] += 1
              }
            }
          }
        }
      }
    }
    for pass in 0..<passes where n > 0 {
      let shift = UInt64(pass * digitBits)
      let base = pass * buckets
      // Every key has the same digit: this pass would not move anything.
      if histogram[base + Int((keys[0] >> shift) & mask)] == n { continue }
      histogram.withUnsafeMutableBufferPointer { h in
        var total = 0
        for d in 0..<buckets {
          let c = h[base + d]
          h[base + d] = total
          total += c
        }
        keys.withUnsafeBufferPointer { k in
          index.withUnsafeBufferPointer { ix in
            keysSwap.withUnsafeMutableBufferPointer { ko in
              indexSwap.withUnsafeMutableBufferPointer { io in
                for i in 0..<n {
                  let bits = k[i]
                  let slot = base + Int((bits >> shift) & mask)
                  let position = h[slot]
                  h[slot] = position + 1
                  ko[position] = bits
                  io[position] = ix[i]
                }
              }
            }
          }
        }
      }
      swap(&keys, &keysSwap)
      swap(&index, &indexSwap)
    }
    var result = [Int](repeating: 0, count: n)
    var sortedKey = [Double](repeating: 0, count: n)
    var start = [Int](repeating: 0, count: max(groupCount, 1) + 1)
    if let group = group, groupCount > 1 {
      for g in group { start[g + 1] += 1 }
      for g in 0..<groupCount { start[g + 1] += start[g] }
      var next = Array(start[0..<groupCount])
      group.withUnsafeBufferPointer { gr in
        index.withUnsafeBufferPointer { ix in
          keys.withUnsafeBufferPointer { k in
            result.withUnsafeMutableBufferPointer { out in
              sortedKey.withUnsafeMutableBufferPointer { sk in
                next.withUnsafeMutableBufferPointer { nx in
                  for i in 0..<n {
                    let row = Int(ix[i])
                    let g = gr[row]
                    let position = nx[g]
                    out[position] = row
                    sk[position] = Double(bitPattern: k[i])
                    nx[g] = position + 1
                  }
                }
              }
            }
          }
        }
      }
    } else {
      for g in 1..<start.count { start[g] = n }
      for i in 0..<n {
        result[i] = Int(index[i])
        sortedKey[i] = Double(bitPattern: keys[i])
      }
    }
    return Sorted(order: result, groupStart: start, sortedKey: sortedKey)
  }
}
