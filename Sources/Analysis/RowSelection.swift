/// The rows of a dataset that a model frame keeps: every row (no missing
/// value in any variable used, the common case), or the listed rows.
///
/// With every row kept the frame reads the dataset's columns in place: a
/// double column of times, or an integer column of 0/1 events, becomes the
/// frame's array without a copy (Swift arrays share their buffer until
/// written), and nothing is gathered through a list of a million row
/// numbers. At 10^6 rows each gather is an 8 MB array written and faulted
/// in, a few percent of a Kaplan–Meier fit (issue 14).
enum RowSelection: Sendable, Equatable {
  /// Rows 0..<count.
  case all(count: Int)
  /// These rows (0-based, ascending).
  case listed([Int])

  var count: Int {
    switch self {
    case .all(let n): return n
    case .listed(let rows): return rows.count
    }
  }

  /// The rows as a list (built for `.all`).
  var indices: [Int] {
    switch self {
    case .all(let n): return Array(0..<n)
    case .listed(let rows): return rows
    }
  }

  /// The dataset row of row `i` of the selection.
  subscript(i: Int) -> Int {
    switch self {
    case .all: return i
    case .listed(let rows): return rows[i]
    }
  }

  /// `values` at the selected rows: `values` itself (no copy) for `.all`.
  func gather<T>(_ values: [T]) -> [T] {
    switch self {
    case .all: return values
    case .listed(let rows): return rows.map { values[$0] }
    }
  }
}
