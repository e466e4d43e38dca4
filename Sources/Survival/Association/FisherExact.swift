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
/// have the same completions, so they are merged and counted (the idea of
/// Mehta and Patel's network algorithm, JASA 1983, without its bounds).
/// The work grows with the table's size and total; past `budget` merged
/// nodes the test gives up (`nil`) and the caller says so.
public enum FisherExact {
  /// Merged partial tables allowed before giving up: a few seconds at most.
  public static let defaultBudget = 2_000_000

  /// R's relative tolerance for "as probable as the observed table".
  static let relativeTolerance = 1e-7

  /// The two-sided p-value of `counts` (row-major, rows × columns, no
  /// negative entries), or nil when the enumeration would exceed `budget`.
  public static func pValue(counts: [Int], rows: Int, columns: Int, budget: Int = defaultBudget) -> Double? {
    guard rows > 0, columns > 0, counts.count == rows * columns else { return nil }
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

    // node (sorted remaining row totals) → partial log probability key → (value, multiplicity)
    var nodes: [[Int]: [Int64: (Double, Double)]] = [rowSums.sorted(): [0: (0, 1)]]
    var work = 0
    for j in 0..<c {
      var next: [[Int]: [Int64: (Double, Double)]] = [:]
      let total = columnSums[j]
      let columnTerm = logFactorial(total)
      for (remaining, entries) in nodes {
        var cell = [Int](repeating: 0, count: r)
        var ok = true
        distribute(total, into: remaining, at: 0, cell: &cell) { cell in
          var logTerm = columnTerm
          var left = remaining
          for i in 0..<r {
            logTerm -= logFactorial(cell[i])
            left[i] -= cell[i]
          }
          left.sort()
          // Taken out and put back, so that the bucket is never copied.
          var bucket = next.removeValue(forKey: left) ?? [:]
          let before = bucket.count
          for (_, entry) in entries {
            let value = entry.0 + logTerm
            bucket[Int64((value * 1e9).rounded()), default: (value, 0)].1 += entry.1
          }
          work += bucket.count - before
          next[left] = bucket
          if work > budget { ok = false }
          return ok
        }
        if !ok { return nil }
      }
      nodes = next
    }
    let threshold = logObserved + log1p(relativeTolerance)
    var p = 0.0
    for (_, entries) in nodes {
      for (_, entry) in entries {
        let logP = entry.0 + logConstant
        if logP <= threshold { p += entry.1 * exp(logP) }
      }
    }
    return min(1, p)
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
