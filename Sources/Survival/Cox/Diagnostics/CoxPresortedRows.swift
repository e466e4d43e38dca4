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
/// permutation. So the fit's order costs the times in sorted order (which the
/// table needs anyway) and comparisons of neighbours: the table gathers the
/// times in its pass that computes η (`CoxRiskSetGather.presorted`, rows
/// proven a permutation by `CoxRowPositions`) and checks them with
/// `blockStarts`.
enum CoxPresortedRows {
  /// Whether the fit's order can stand for the sort at all: right-censored data, one row each.
  static func accepts(_ rows: [Int], strata: [Int]?, stop: [Double], counting: Bool) -> Bool {
    !counting && rows.count == stop.count && !rows.isEmpty && (strata?.count ?? stop.count) == stop.count
  }

  /// The first position of each stratum, then n, when `rows` (each in 0..<n) with their stop times `keys`
  /// are in (stratum, time, row) order with no repeated key; nil otherwise.
  static func blockStarts(rows: [Int], keys: [Double], strata: [Int]?) -> [Int]? {
    let n = rows.count
    guard n > 0, keys.count == n, (strata?.count ?? n) == n else { return nil }
    var blockStart = [0]
    var ok = true
    rows.withUnsafeBufferPointer { rows in
      keys.withUnsafeBufferPointer { keys in
        guard let strata else {
          // Times in order, and rows increasing among tied times.
          for k in 1..<max(n, 1) where !(keys[k - 1] < keys[k] || (keys[k - 1] == keys[k] && rows[k - 1] < rows[k])) {
            ok = false
            return
          }
          return
        }
        strata.withUnsafeBufferPointer { strata in
          var previousStratum = strata[rows[0]]
          for k in 1..<max(n, 1) {
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
    guard ok else { return nil }
    blockStart.append(n)
    return blockStart
  }
}
