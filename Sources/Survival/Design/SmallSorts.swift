/// Sorting helpers for the simulation kernels, where the standard library's
/// stable merge sort was two thirds of power_sim's time (perf, 600 rows):
/// an LSD radix sort of 64-bit keys (8-bit digits, a pass skipped when every
/// key has the same digit) and a quickselect for the k-th smallest double.
enum SmallSorts {
  /// Sorts `keys` ascending; `scratch` is resized as needed and reused.
  static func radixSort(_ keys: inout [UInt64], scratch: inout [UInt64]) {
    let n = keys.count
    if n < 2 { return }
    if scratch.count < n { scratch = [UInt64](repeating: 0, count: n) }
    var counts = [Int](repeating: 0, count: 256)
    var inKeys = true  // whether the data are in `keys` (else in `scratch`)
    keys.withUnsafeMutableBufferPointer { a in
      scratch.withUnsafeMutableBufferPointer { b in
        counts.withUnsafeMutableBufferPointer { c in
          for pass in 0..<8 {
            let shift = UInt64(pass * 8)
            let src = inKeys ? a : b
            let dst = inKeys ? b : a
            for d in 0..<256 { c[d] = 0 }
            for i in 0..<n { c[Int((src[i] >> shift) & 0xFF)] += 1 }
            if c[Int((src[0] >> shift) & 0xFF)] == n { continue }  // one digit: nothing to move
            var total = 0
            for d in 0..<256 {
              let k = c[d]
              c[d] = total
              total += k
            }
            for i in 0..<n {
              let v = src[i]
              let d = Int((v >> shift) & 0xFF)
              dst[c[d]] = v
              c[d] += 1
            }
            inKeys.toggle()
          }
        }
      }
    }
    if !inKeys {
      for i in 0..<n { keys[i] = scratch[i] }
    }
  }

  /// The k-th smallest (0-based) of `values`, which it reorders (Hoare's
  /// selection with a median-of-three pivot). No NaNs.
  static func select(_ values: inout [Double], _ k: Int) -> Double {
    var lo = 0
    var hi = values.count - 1
    while lo < hi {
      let mid = lo + (hi - lo) / 2
      // Median of three as the pivot.
      if values[mid] < values[lo] { values.swapAt(mid, lo) }
      if values[hi] < values[lo] { values.swapAt(hi, lo) }
      if values[hi] < values[mid] { values.swapAt(hi, mid) }
      let pivot = values[mid]
      var i = lo
      var j = hi
      while i <= j {
        while values[i] < pivot { i += 1 }
        while values[j] > pivot { j -= 1 }
        if i <= j {
          values.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if k <= j {
        hi = j
      } else if k >= i {
        lo = i
      } else {
        return values[k]
      }
    }
    return values[k]
  }
}
