import Foundation

/// Fisher's exact test of an r × c table (R 4.x `fisher.test(x)`, two-sided):
/// the sum of the probabilities, under the multiple hypergeometric law with
/// the table's margins, of every table no more probable than the observed
/// one (R compares with a relative tolerance of 1e-7, as here).
///
/// The table probability is P(x) = Π R_i! Π C_j! / (N! Π x_ij!). Tables are
/// built one column at a time; a partial table is a node (the row totals
/// still to fill, as a multiset, since rows with equal remaining totals
/// have the same completions) with its partial probability Π_j C_j!/Π_i x_ij!.
/// Partial tables reaching the same node with the same partial probability
/// have the same completions, so they are merged and counted; and a partial
/// table whose completions are all at most (or all more) probable than the
/// observed table adds their closed-form sum (or nothing) without
/// enumerating them (`completionBounds`). Both are the ideas of Mehta and
/// Patel's network algorithm (JASA 1983), with simpler bounds. The work
/// grows with the table's size and total; past `budget` extensions of
/// partial tables the test gives up (`nil`) and the caller says so.
public enum FisherExact {
  /// Partial tables extended before giving up: about a second (release build).
  public static let defaultBudget = 20_000_000

  /// Larger tables are not enumerated (each partial table's bounds cost a pass over its columns).
  public static let maximumCells = 400

  /// R's relative tolerance for "as probable as the observed table".
  static let relativeTolerance = 1e-7

  /// The two-sided p-value of `counts` (row-major, rows × columns, no
  /// negative entries), or nil when the enumeration would exceed `budget`.
  public static func pValue(
    counts: [Int], rows: Int, columns: Int, budget: Int = defaultBudget
  ) throws -> Double? {
    guard rows > 0, columns > 0, counts.count == rows * columns, rows * columns <= maximumCells else { return nil }
    // Enumerate along the longer side, so that nodes carry the shorter one.
    var (r, c, x) = (rows, columns, counts)
    if r > c {
      var t = [Int](repeating: 0, count: r * c)
      for i in 0..<r { for j in 0..<c { t[j * r + i] = x[i * c + j] } }
      (r, c, x) = (c, r, t)
    }
    // The largest column last: it is forced, and the small ones branch least.
    let order = (0..<c).sorted { j, k in
      (0..<r).reduce(0) { $0 + x[$1 * c + j] } < (0..<r).reduce(0) { $0 + x[$1 * c + k] }
    }
    x = (0..<r).flatMap { i in order.map { j in x[i * c + j] } }
    let rowSums = (0..<r).map { i in (0..<c).reduce(0) { $0 + x[i * c + $1] } }
    let columnSums = (0..<c).map { j in (0..<r).reduce(0) { $0 + x[$1 * c + j] } }
    let n = rowSums.reduce(0, +)
    guard n > 0 else { return 1 }
    let logConstant = rowSums.reduce(0.0) { $0 + logFactorial($1) } - logFactorial(n)
    var logObserved = logConstant
    for j in 0..<c {
      logObserved += logFactorial(columnSums[j])
      for i in 0..<r { logObserved -= logFactorial(x[i * c + j]) }
    }

    let threshold = logObserved + log1p(relativeTolerance)

    guard r > 1, c > 1 else { return 1 }

    // node (sorted remaining row totals) → partial log probability key → (value, multiplicity)
    var nodes: [[Int]: [Int64: (Double, Double)]] = [rowSums.sorted(): [0: (0, 1)]]
    var work = 0
    var p = 0.0
    // The last column is forced: the splits of the one before it are whole tables.
    for j in 0..<(c - 1) {
      let closing = j == c - 2
      var next: [[Int]: [Int64: (Double, Double)]] = [:]
      let total = columnSums[j]
      let columnTerm = logFactorial(total) + (closing ? logFactorial(columnSums[c - 1]) : 0)
      let later = Array(columnSums[j...])
      for (remaining, all) in nodes {
        try Cancellation.check()
        // Bounds on the completions (Mehta and Patel's shortcut): when even
        // the most probable one is no more probable than the observed table,
        // all count, and their sum is closed-form (Σ Π C_j!/Π x_ij! =
        // N_rem!/Π R_i!); when even the least probable one is more probable,
        // none does.
        let bounds = completionBounds(rows: remaining, columns: later)
        var entries: [(Double, Double)] = []
        for (_, entry) in all {
          if entry.0 + bounds.logMax + logConstant <= threshold {
            p += entry.1 * exp(entry.0 + bounds.logTotal + logConstant)
          } else if entry.0 + bounds.logMin + logConstant <= threshold {
            entries.append(entry)
          }
        }
        if entries.isEmpty { continue }
        var cell = [Int](repeating: 0, count: r)
        var ok = true
        distribute(total, into: remaining, at: 0, cell: &cell) { cell in
          var logTerm = columnTerm
          var left = remaining
          for i in 0..<r {
            logTerm -= logFactorial(cell[i])
            left[i] -= cell[i]
          }
          work += entries.count
          if work > budget { ok = false }
          if closing {
            for i in 0..<r { logTerm -= logFactorial(left[i]) }
            for entry in entries where entry.0 + logTerm + logConstant <= threshold {
              p += entry.1 * exp(entry.0 + logTerm + logConstant)
            }
            return ok
          }
          left.sort()
          // Taken out and put back, so that the bucket is never copied.
          var bucket = next.removeValue(forKey: left) ?? [:]
          for entry in entries {
            let value = entry.0 + logTerm
            bucket[Int64((value * 1e9).rounded()), default: (value, 0)].1 += entry.1
          }
          next[left] = bucket
          return ok
        }
        if !ok { return nil }
      }
      nodes = next
    }
    return min(1, p)
  }

  /// Bounds on log Π_j C_j!/Π_i x_ij! over the tables with row totals
  /// `rows` and column totals `columns`, and the log of its sum over them.
  /// Each column alone is bounded and the bounds multiplied (the tables
  /// must also meet the row totals, so the true extremes lie within): its
  /// largest term is the even split over the rows with room (row limits
  /// relaxed); its smallest is the split that fills the largest rows first,
  /// which majorizes every split within the limits (the term is
  /// Schur-concave).
  static func completionBounds(rows: [Int], columns: [Int]) -> (logMax: Double, logMin: Double, logTotal: Double) {
    let open = rows.filter { $0 > 0 }
    let n = rows.reduce(0, +)
    let logTotal = logFactorial(n) - rows.reduce(0.0) { $0 + logFactorial($1) }
    guard !open.isEmpty else { return (0, 0, logTotal) }
    let k = open.count
    let largestFirst = open.sorted(by: >)
    var logMax = 0.0
    var logMin = 0.0
    for total in columns {
      let (q, extra) = (total / k, total % k)
      logMax += logFactorial(total) - Double(k - extra) * logFactorial(q) - Double(extra) * logFactorial(q + 1)
      var left = total
      var term = logFactorial(total)
      for cap in largestFirst where left > 0 {
        let x = min(cap, left)
        term -= logFactorial(x)
        left -= x
      }
      logMin += term
    }
    return (logMax, logMin, logTotal)
  }

  /// Calls `visit` with every split of `total` into cells[i] ≤ limits[i]
  /// for i ≥ `index`; stops when `visit` returns false.
  @discardableResult
  private static func distribute(
    _ total: Int, into limits: [Int], at index: Int, cell: inout [Int], _ visit: ([Int]) -> Bool
  ) -> Bool {
    let last = limits.count - 1
    if index == last {
      guard total <= limits[last] else { return true }
      cell[last] = total
      return visit(cell)
    }
    let capacityAfter = limits[(index + 1)...].reduce(0, +)
    let low = max(0, total - capacityAfter)
    let high = min(total, limits[index])
    guard low <= high else { return true }
    for k in low...high {
      cell[index] = k
      if !distribute(total - k, into: limits, at: index + 1, cell: &cell, visit) { return false }
    }
    cell[index] = 0
    return true
  }

  /// log(n!) through lgamma (exact to a few ulps; R uses the same).
  static func logFactorial(_ n: Int) -> Double { lgamma(Double(n) + 1) }
}
