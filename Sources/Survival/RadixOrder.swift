/// Stable ordering of rows by a small group index, then by non-negative times.
///
/// A least-significant-digit radix sort. Non-negative doubles order as their
/// IEEE-754 bit patterns; subtracting the smallest pattern leaves `b`
/// significant bits, and the group index goes in the bits above them, so one
/// sort on the packed key orders by (group, time). Digits are 12 bits; each
/// scatter pass also counts the next pass's digits, so a pass reads the keys
/// once. A one-bit flag per row (the event) rides in the top bit of the
/// 32-bit row index. Stability makes tied rows keep their input order, as
/// R's `order()` does, so sums over tied rows accumulate in R's order.
/// O(n) per pass (about 5 passes for times with full 52-bit mantissas), no
/// per-row allocation; sorted times and flags come back for sequential reads.
enum RadixOrder {
  struct Sorted {
    /// Row indices sorted by (group, key), stable (32-bit to halve the memory traffic).
    var order: [UInt32]
    /// Where each group starts in `order` (`groupCount + 1` offsets).
    var groupStart: [Int]
    /// `key[order[p]]` for each position p.
    var sortedKey: [Double]
    /// `flag[order[p]]` when a flag was given, else empty.
    var sortedFlag: [UInt8]
  }

  private static let digitBits = 10
  private static let buckets = 1 << digitBits

  /// `key` must hold finite non-negative values and at most
  /// `SurvivalInputError.rowLimit` of them (validated by the caller,
  /// `SurvivalSample`); −0 sorts as 0. `group` nil means one group; `flag`
  /// values are 0 or 1.
  static func order(key: [Double], group: [Int]?, groupCount: Int, flag: [UInt8]? = nil) -> Sorted {
    order(key: key, groupCodes: group, groupCount: groupCount, flag: flag)
  }

  /// As `order(key:group:groupCount:flag:)`, the groups as integers of any
  /// width (a factor's 32-bit codes, read as they are), each in 0..<groupCount.
  static func order<Code: BinaryInteger>(
    key: [Double], groupCodes group: [Code]?, groupCount: Int, flag: [UInt8]? = nil
  ) -> Sorted {
    let n = key.count
    let groups = max(groupCount, 1)
    var start = [Int](repeating: 0, count: groups + 1)
    if let group = group, groups > 1 {
      for g in group { start[Int(g) + 1] += 1 }
      for g in 0..<groups { start[g + 1] += start[g] }
    } else {
      for g in 1...groups { start[g] = n }
    }
    if n == 0 { return Sorted(order: [], groupStart: start, sortedKey: [], sortedFlag: []) }

    // The packed keys are kept in [Double] storage (as bit patterns), so
    // that the final pass turns them into the sorted times in place: one
    // 8-byte array fewer to allocate and fault in.
    var keys: [Double] = uninitialized(n)
    // Zero is kept apart from the positive times: it maps to one below the
    // smallest positive pattern, so a 0 does not widen the key range.
    var minPositive = UInt64.max, maxBits = UInt64.min
    var hasZero = false
    key.withUnsafeBufferPointer { k in
      keys.withUnsafeMutableBufferPointer { $0.withMemoryRebound(to: UInt64.self) { out in
        for i in 0..<n {
          let value = k[i]
          let bits = value == 0 ? 0 : value.bitPattern
          out[i] = bits
          if bits == 0 { hasZero = true } else { minPositive = min(minPositive, bits) }
          maxBits = max(maxBits, bits)
        }
      } }
    }
    let minBits: UInt64 = minPositive == .max ? 0 : (hasZero ? minPositive - 1 : minPositive)
    let timeBits = 64 - (maxBits - minBits).leadingZeroBitCount
    let groupBits = groups > 1 ? 64 - UInt64(groups - 1).leadingZeroBitCount : 0
    // Pack the group above the time bits when it fits; otherwise a final counting pass.
    let packGroup = groupBits > 0 && timeBits + groupBits <= 64
    let sortBits = timeBits + (packGroup ? groupBits : 0)
    let passes = (sortBits + digitBits - 1) / digitBits
    let mask = UInt64(buckets - 1)

    var index: [UInt32] = uninitialized(n)
    var histogram = [Int](repeating: 0, count: buckets * max(passes, 1))
    keys.withUnsafeMutableBufferPointer { $0.withMemoryRebound(to: UInt64.self) { k in
      index.withUnsafeMutableBufferPointer { ix in
        histogram.withUnsafeMutableBufferPointer { h in
          let flagBit: (Int) -> UInt32 = { i in
            guard let flag = flag else { return 0 }
            return UInt32(flag[i]) << 31
          }
          for i in 0..<n {
            let bits = k[i]
            var packed = bits == 0 ? 0 : bits &- minBits
            if packGroup, let group = group { packed |= UInt64(truncatingIfNeeded: group[i]) << UInt64(timeBits) }
            k[i] = packed
            ix[i] = UInt32(truncatingIfNeeded: i) | flagBit(i)
            if passes > 0 { h[Int(packed & mask)] += 1 }
          }
        }
      }
    } }

    // Each pass writes every position once (the histogram's offsets are a
    // permutation) before the next reads it.
    var keysSwap: [Double] = uninitialized(n)
    var indexSwap: [UInt32] = uninitialized(n)
    for pass in 0..<passes {
      let shift = UInt64(pass * digitBits)
      let nextShift = UInt64((pass + 1) * digitBits)
      let base = pass * buckets
      let countNext = pass + 1 < passes
      let nextBase = (pass + 1) * buckets
      histogram.withUnsafeMutableBufferPointer { h in
        var total = 0
        for d in 0..<buckets {
          let c = h[base + d]
          h[base + d] = total
          total += c
        }
        keys.withUnsafeBufferPointer { $0.withMemoryRebound(to: UInt64.self) { k in
          index.withUnsafeBufferPointer { ix in
            keysSwap.withUnsafeMutableBufferPointer { $0.withMemoryRebound(to: UInt64.self) { ko in
              indexSwap.withUnsafeMutableBufferPointer { io in
                for i in 0..<n {
                  let bits = k[i]
                  let slot = base + Int((bits >> shift) & mask)
                  let position = h[slot]
                  h[slot] = position + 1
                  ko[position] = bits
                  io[position] = ix[i]
                  if countNext { h[nextBase + Int((bits >> nextShift) & mask)] += 1 }
                }
              }
            } }
          }
        } }
      }
      swap(&keys, &keysSwap)
      swap(&index, &indexSwap)
    }

    if !packGroup, let group = group, groups > 1 {
      // Stable counting pass by group, most significant.
      var next = Array(start[0..<groups])
      group.withUnsafeBufferPointer { gr in
        keys.withUnsafeBufferPointer { $0.withMemoryRebound(to: UInt64.self) { k in
          index.withUnsafeBufferPointer { ix in
            keysSwap.withUnsafeMutableBufferPointer { $0.withMemoryRebound(to: UInt64.self) { ko in
              indexSwap.withUnsafeMutableBufferPointer { io in
                for i in 0..<n {
                  let g = Int(gr[Int(ix[i] & 0x7FFF_FFFF)])
                  let position = next[g]
                  next[g] = position + 1
                  ko[position] = k[i]
                  io[position] = ix[i]
                }
              }
            } }
          }
        } }
      }
      swap(&keys, &keysSwap)
      swap(&index, &indexSwap)
    }

    var sortedFlag: [UInt8] = uninitialized(flag == nil ? 0 : n)
    let timeMask: UInt64 = timeBits >= 64 ? .max : (UInt64(1) << UInt64(timeBits)) &- 1
    keys.withUnsafeMutableBufferPointer { $0.withMemoryRebound(to: UInt64.self) { k in
      for p in 0..<n {
        let relative = k[p] & timeMask
        k[p] = hasZero && relative == 0 ? 0 : relative &+ minBits
      }
    } }
    let sortedKey = keys
    // The index array becomes the order once the flag bit is taken out of it.
    index.withUnsafeMutableBufferPointer { ix in
      if flag != nil {
        sortedFlag.withUnsafeMutableBufferPointer { f in
          for p in 0..<n { f[p] = UInt8(truncatingIfNeeded: ix[p] >> 31) }
        }
      }
      for p in 0..<n { ix[p] &= 0x7FFF_FFFF }
    }
    let order = index
    return Sorted(order: order, groupStart: start, sortedKey: sortedKey, sortedFlag: sortedFlag)
  }
}

extension RadixOrder {
  /// An array of `n` plain values that the caller writes in full before it
  /// reads any: no zero fill. Every array of the sort is written whole by
  /// its first pass, and on the fresh pages of a first call (glibc maps each
  /// array of more than a few hundred KB anew) the fill was a pass of its
  /// own over 26 MB at 10^6 rows, with the page faults in it.
  /// Empty without `unsafeUninitializedCapacity`, which would write the
  /// count into the shared empty-array storage (a race under TSan).
  static func uninitialized<T: BitwiseCopyable>(_ n: Int) -> [T] {
    n == 0 ? [] : [T](unsafeUninitializedCapacity: n) { _, count in count = n }
  }
}
