import Datasets

/// A partition of the model frame's rows into labelled groups: the curves of
/// `survfit`, the groups of `survdiff`, or the strata of `coxph`.
public struct Grouping: Sendable, Equatable {
  /// The group of each row of the model frame, 0-based into `labels`
  /// (built on each access when the groups are a factor's own codes).
  public var index: [Int] {
    switch codes {
    case .wide(let index): return index
    case .compact(let codes): return codes.map { Int($0) }
    }
  }
  /// The group labels as R's `strata()` writes them: `sex=1`, or
  /// `sex=1, ph.ecog=0` for several variables. Only combinations that occur
  /// are kept, ordered with the first variable varying slowest and each
  /// variable's levels in factor order (numbers and dates ascending).
  public let labels: [String]
  /// The groups as stored: a list of `Int`, or a factor column's own 32-bit
  /// codes (no copy), which the survival kernels read as they are.
  let codes: Codes

  enum Codes: Sendable {
    case wide([Int])
    case compact([Int32])
  }

  public var count: Int { labels.count }

  public init(index: [Int], labels: [String]) {
    self.codes = .wide(index)
    self.labels = labels
  }

  init(codes: [Int32], labels: [String]) {
    self.codes = .compact(codes)
    self.labels = labels
  }

  /// The same labels and the same group for every row, however stored.
  public static func == (a: Grouping, b: Grouping) -> Bool {
    guard a.labels == b.labels else { return false }
    switch (a.codes, b.codes) {
    case (.wide(let x), .wide(let y)): return x == y
    case (.compact(let x), .compact(let y)): return x == y
    default: return a.index == b.index
    }
  }

  /// The rows (0-based, of the model frame) of each group, in row order.
  public var rowsByGroup: [[Int]] {
    var rows = [[Int]](repeating: [], count: labels.count)
    for (row, g) in index.enumerated() { rows[g].append(row) }
    return rows
  }

  /// Groups from the combinations of `variables`, as R's `strata(...)`
  /// applied to the model frame (unused levels and combinations dropped).
  ///
  /// One pass per variable: the combination so far (compacted to the
  /// combinations observed, in order) times the variable's levels, marked in
  /// a dense table when it is small and sorted otherwise. A code of -1
  /// (which a model frame never holds) becomes a level "NA".
  static func combining(_ variables: [(name: String, coding: Categorical)]) -> Grouping {
    if variables.count == 1, let (name, coding) = variables.first, isCompact(coding) {
      return Grouping(codes: coding.codes, labels: coding.levels.map { "\(name)=\($0)" })
    }
    return combiningByTable(variables)
  }

  /// `combining` by the dense table (or sort) of combinations, for any variables.
  static func combiningByTable(_ variables: [(name: String, coding: Categorical)]) -> Grouping {
    let n = variables.first?.coding.codes.count ?? 0
    var combined = [Int](repeating: 0, count: n)
    var labels = [""]
    for (name, coding) in variables {
      var levels = coding.levels
      var codes = coding.codes
      let levelCount = coding.levels.count
      if codes.contains(where: { $0 < 0 || Int($0) >= levelCount }) {
        levels.append("NA")
        let na = Int32(levels.count - 1)
        codes = codes.map { $0 < 0 || Int($0) >= levelCount ? na : $0 }
      }
      let width = levels.count
      let space = labels.count * width
      var observed: [Int] = []
      if space <= max(4 * n, 1 << 16) {
        var table = [Int32](repeating: -1, count: space)
        for i in 0..<n { table[combined[i] * width + Int(codes[i])] = 0 }
        for key in 0..<space where table[key] == 0 {
          table[key] = Int32(observed.count)
          observed.append(key)
        }
        for i in 0..<n { combined[i] = Int(table[combined[i] * width + Int(codes[i])]) }
      } else {
        for i in 0..<n { combined[i] = combined[i] * width + Int(codes[i]) }
        observed = Array(Set(combined)).sorted()
        var position = [Int: Int](minimumCapacity: observed.count)
        for (i, key) in observed.enumerated() { position[key] = i }
        for i in 0..<n { combined[i] = position[combined[i]] ?? 0 }
      }
      labels = observed.map { key in
        let prefix = labels[key / width]
        let part = "\(name)=\(levels[key % width])"
        return prefix.isEmpty ? part : prefix + ", " + part
      }
    }
    return Grouping(index: combined, labels: variables.isEmpty ? [] : labels)
  }

  /// One variable whose every level occurs and every code is valid (a
  /// model frame's factor with unused levels dropped) groups as its codes,
  /// kept as they are: one read, instead of the table's three passes and a
  /// list of 8-byte indices.
  private static func isCompact(_ coding: Categorical) -> Bool {
    let levelCount = coding.levels.count
    var seen = [Bool](repeating: false, count: levelCount)
    var invalid = false
    coding.codes.withUnsafeBufferPointer { codes in
      for code in codes {
        let k = Int(code)
        if k >= 0 && k < levelCount { seen[k] = true } else { invalid = true }
      }
    }
    return !invalid && !seen.contains(false)
  }
}
