/// The inverse of an order of the rows: `positions[row]` is the position of
/// `row` in `rows` (so `rows[positions[i]] == i`), 4 bytes a row. With it the
/// risk-set table's scatter (`CoxRiskSetGather`) reads every per-row input in
/// row order and writes each row's values to its sorted position, instead of
/// gathering every column by random reads.
///
/// One pass over `rows` builds it and proves `rows` a permutation of 0..<n:
/// every row in range and none met twice (a second write would find its slot
/// already holding a position, not the sentinel −1). nil otherwise, and when
/// a position does not fit Int32 (n > 2³¹ − 1: the table gathers then).
enum CoxRowPositions {
  static func inverse(_ rows: UnsafeBufferPointer<Int>) -> [Int32]? {
    let n = rows.count
    guard n > 0, n <= Int(Int32.max) else { return nil }
    var ok = true
    let positions = [Int32](unsafeUninitializedCapacity: n) { out, count in
      // The sentinel fill is sequential (4 bytes a row); the pass's writes are random but each row's
      // check and write touch one slot.
      out.initialize(repeating: -1)
      for k in 0..<n {
        let row = rows[k]
        guard row >= 0 && row < n && out[row] < 0 else {
          ok = false
          break
        }
        out[row] = Int32(truncatingIfNeeded: k)
      }
      count = n
    }
    return ok ? positions : nil
  }
}
