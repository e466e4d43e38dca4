import Foundation

/// Tests of association in an r × c table of counts, as R 4.x's
/// `chisq.test(x, correct = FALSE)` and `fisher.test(x)` compute them, and
/// the choice between them that gtsummary's `add_p()` makes for a
/// categorical variable (Fisher's exact test when any expected count is
/// below 5, else Pearson's chi-square without continuity correction).
///
/// Rows and columns whose total is 0 are left out first (R would give NaN
/// for them: an expected count of 0); a table left with fewer than two rows
/// or columns has no test (`nil`).
public struct ContingencyTest: Sendable, Equatable {
  public enum Method: String, Sendable {
    case chiSquare = "chisq"
    case fisher = "fisher"
  }

  public let method: Method
  /// Pearson's X² (also given with Fisher's test, whose statistic R leaves NA).
  public let statistic: Double
  public let df: Int
  public let p: Double
  /// Why the test is not the one gtsummary would choose (Fisher's test too
  /// costly to enumerate); nil otherwise.
  public let note: String?

  /// The smallest expected count for which gtsummary keeps the chi-square test.
  public static let minimumExpected = 5.0

  /// gtsummary's choice for `counts` (row-major, `rows` × `columns`):
  /// Fisher's exact test when any expected count is < 5 and the exact
  /// enumeration fits `FisherExact.defaultBudget`; otherwise Pearson's
  /// chi-square (with a note when Fisher's test was wanted but too costly).
  public static func chosen(
    counts: [Int], rows: Int, columns: Int, budget: Int = FisherExact.defaultBudget
  ) throws -> ContingencyTest? {
    guard let table = ReducedTable(counts: counts, rows: rows, columns: columns) else { return nil }
    let pearson = table.pearson()
    guard table.smallestExpected < minimumExpected else {
      return ContingencyTest(method: .chiSquare, statistic: pearson.statistic, df: pearson.df, p: pearson.p, note: nil)
    }
    if let p = try FisherExact.pValue(counts: table.counts, rows: table.rows, columns: table.columns, budget: budget) {
      return ContingencyTest(method: .fisher, statistic: pearson.statistic, df: pearson.df, p: p, note: nil)
    }
    let note = "Fisher's exact test is too costly for this \(table.rows)×\(table.columns) table "
      + "(n = \(table.total)); Pearson's chi-square used although an expected count is below 5"
    return ContingencyTest(method: .chiSquare, statistic: pearson.statistic, df: pearson.df, p: pearson.p, note: note)
  }

  /// Pearson's chi-square without continuity correction (R `chisq.test(x, correct = FALSE)`).
  public static func pearson(counts: [Int], rows: Int, columns: Int) -> ChiSquareTest? {
    ReducedTable(counts: counts, rows: rows, columns: columns)?.pearson()
  }
}

/// A table of counts without empty rows or columns.
struct ReducedTable {
  let counts: [Int]
  let rows: Int
  let columns: Int
  let rowSums: [Int]
  let columnSums: [Int]
  let total: Int

  init?(counts full: [Int], rows r: Int, columns c: Int) {
    guard r > 0, c > 0, full.count == r * c, full.allSatisfy({ $0 >= 0 }) else { return nil }
    let keepRows = (0..<r).filter { i in (0..<c).contains { full[i * c + $0] > 0 } }
    let keepColumns = (0..<c).filter { j in (0..<r).contains { full[$0 * c + j] > 0 } }
    guard keepRows.count >= 2, keepColumns.count >= 2 else { return nil }
    var counts: [Int] = []
    counts.reserveCapacity(keepRows.count * keepColumns.count)
    for i in keepRows { for j in keepColumns { counts.append(full[i * c + j]) } }
    let (nr, nc) = (keepRows.count, keepColumns.count)
    let sums = (0..<nr).map { i in (0..<nc).reduce(0) { $0 + counts[i * nc + $1] } }
    self.counts = counts
    rows = nr
    columns = nc
    rowSums = sums
    columnSums = (0..<nc).map { j in (0..<nr).reduce(0) { $0 + counts[$1 * nc + j] } }
    total = sums.reduce(0, +)
  }

  /// E_ij = R_i C_j / N.
  func expected(_ i: Int, _ j: Int) -> Double { Double(rowSums[i]) * Double(columnSums[j]) / Double(total) }

  var smallestExpected: Double {
    var smallest = Double.infinity
    for i in 0..<rows { for j in 0..<columns { smallest = min(smallest, expected(i, j)) } }
    return smallest
  }

  /// X² = Σ (O − E)² / E on (r − 1)(c − 1) degrees of freedom.
  func pearson() -> ChiSquareTest {
    var x2 = 0.0
    for i in 0..<rows {
      for j in 0..<columns {
        let e = expected(i, j)
        let d = Double(counts[i * columns + j]) - e
        x2 += d * d / e
      }
    }
    return ChiSquareTest(x2, df: (rows - 1) * (columns - 1))
  }
}
