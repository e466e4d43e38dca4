import Foundation

/// The fit's sort of the rows reused by the diagnostics (`CoxRiskSetTable`):
/// a right-censored fit sorts its rows by (stratum, time, row) with the same
/// radix sort (`RowOrder.sorted`) the risk-set table would run, and keeps
/// the order (`CoxFit.sortedRows`). This turns it back into the sort's
/// result (the rows, their stop times, the strata's first positions) after
/// checking, in one sequential pass, that it is a permutation in that order;
/// nil (sort again) otherwise, or for (start, stop] data.
///
/// The pass needs no table of the rows seen: n rows in range 0..<n whose
/// (stratum, time, row) keys strictly increase are distinct, hence a
/// permutation. So the fit's order costs one gather of the times (which the
/// table needs anyway) and comparisons of neighbours.
enum CoxPresortedRows {
  static func order(
    _ rows: [Int]?, strata: [Int]?, stop: [Double], counting: Bool
  ) -> (rows: [Int], keys: [Double], blockStart: [Int])? {
    guard let rows, !counting, rows.count == stop.count, !rows.isEmpty else { return nil }
    guard (strata?.count ?? stop.count) == stop.count else { return nil }
    let n = rows.count
    var blockStart = [0]
    var ok = true
    let keys = [Double](unsafeUninitializedCapacity: n) { keys, count in
      rows.withUnsafeBufferPointer { rows in
        stop.withUnsafeBufferPointer { stop in
          // Times in order, and rows increasing among tied times (within one stratum).
          var previousRow = -1
          var previousTime = -Double.infinity
          for k in 0..<n {
            let row = rows[k]
            guard row >= 0 && row < n else {
              ok = false
              return
            }
            let t = stop[row]
            keys[k] = t
            if k > 0 && !(previousTime < t || (previousTime == t && previousRow < row)) {
              // Out of order: allowed only where a new, higher stratum begins (checked below).
              guard strata != nil else {
                ok = false
                return
              }
            }
            previousRow = row
            previousTime = t
          }
          guard let strata else { return }
          strata.withUnsafeBufferPointer { strata in
            var previousStratum = strata[rows[0]]
            for k in 1..<n {
              let s = strata[rows[k]]
              if s != previousStratum {
                // A new stratum: strata ascending.
                if s < previousStratum {
                  ok = false
                  return
                }
                blockStart.append(k)
              } else if !(keys[k - 1] < keys[k] || (keys[k - 1] == keys[k] && rows[k - 1] < rows[k])) {
                ok = false
                return
              }
              previousStratum = s
            }
          }
        }
      }
      // Every slot written when ok; otherwise dropped (Doubles need no deinitialisation).
      count = ok ? n : 0
    }
    guard ok else { return nil }
    blockStart.append(n)
    return (rows, keys, blockStart)
  }
}
