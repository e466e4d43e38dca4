import Foundation

/// The fit's sort of the rows reused by the diagnostics (`CoxRiskSetTable`):
/// a right-censored fit sorts its rows by (stratum, time, row) with the same
/// radix sort (`RowOrder.sorted`) the risk-set table would run, and keeps
/// the order (`CoxFit.sortedRows`). This turns it back into the sort's
/// result (the rows, their stop times, the strata's first positions) after
/// checking, in one sequential pass, that it is a permutation in that order;
/// nil (sort again) otherwise, or for (start, stop] data.
enum CoxPresortedRows {
  static func order(
    _ rows: [Int]?, strata: [Int]?, stop: [Double], counting: Bool
  ) -> (rows: [Int], keys: [Double], blockStart: [Int])? {
    guard let rows, !counting, rows.count == stop.count, !rows.isEmpty else { return nil }
    let n = rows.count
    var seen = [Bool](repeating: false, count: n)
    var keys = [Double](repeating: 0, count: n)
    var blockStart = [0]
    var ok = true
    rows.withUnsafeBufferPointer { rows in
      stop.withUnsafeBufferPointer { stop in
        keys.withUnsafeMutableBufferPointer { keys in
          var previousStratum = Int.min
          for k in 0..<n {
            let row = rows[k]
            guard row >= 0 && row < n && !seen[row] else {
              ok = false
              return
            }
            seen[row] = true
            let t = stop[row]
            keys[k] = t
            let s = strata?[row] ?? 0
            if k > 0 {
              if s != previousStratum {
                // A new stratum: strata ascending.
                if s < previousStratum {
                  ok = false
                  return
                }
                blockStart.append(k)
              } else if !(keys[k - 1] < t || (keys[k - 1] == t && rows[k - 1] < row)) {
                ok = false
                return
              }
            }
            previousStratum = s
          }
        }
      }
    }
    guard ok else { return nil }
    blockStart.append(n)
    return (rows, keys, blockStart)
  }
}
