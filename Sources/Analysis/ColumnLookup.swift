import Datasets

/// Finding a formula's columns in a dataset, with a suggestion when a name
/// is misspelt: `column 'os_mnths' not found (did you mean 'os_months'?)`.
enum ColumnLookup {
  static func column(_ name: String, in dataset: Dataset) throws -> Column {
    if let column = dataset[name] { return column }
    if let suggestion = suggestion(for: name, among: dataset.names) {
      throw ModelFrameError("column '\(name)' not found (did you mean '\(suggestion)'?)")
    }
    throw ModelFrameError("column '\(name)' not found")
  }

  /// The closest name by edit distance (optimal string alignment: insertions,
  /// deletions, substitutions and swaps of neighbours), if close enough to be
  /// a plausible typo; a name equal up to case wins outright.
  static func suggestion(for name: String, among names: [String]) -> String? {
    if let sameButCase = names.first(where: { $0.lowercased() == name.lowercased() }) {
      return sameButCase
    }
    let limit = max(1, min(3, name.count / 3))
    var best: (name: String, distance: Int)?
    for candidate in names {
      let d = editDistance(name.lowercased(), candidate.lowercased())
      if d <= limit, d < (best?.distance ?? Int.max) { best = (candidate, d) }
    }
    return best?.name
  }

  static func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a)
    let y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
    for i in 0...x.count { d[i][0] = i }
    for j in 0...y.count { d[0][j] = j }
    for i in 1...x.count {
      for j in 1...y.count {
        let cost = x[i - 1] == y[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
          d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
        }
      }
    }
    return d[x.count][y.count]
  }
}
