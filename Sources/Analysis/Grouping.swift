import Datasets

/// A partition of the model frame's rows into labelled groups: the curves of
/// `survfit`, the groups of `survdiff`, or the strata of `coxph`.
public struct Grouping: Sendable, Equatable {
  /// The group of each row of the model frame, 0-based into `labels`.
  public let index: [Int]
  /// The group labels as R's `strata()` writes them: `sex=1`, or
  /// `sex=1, ph.ecog=0` for several variables. Only combinations that occur
  /// are kept, ordered with the first variable varying slowest and each
  /// variable's levels in factor order (numbers and dates ascending).
  public let labels: [String]

  public var count: Int { labels.count }

  public init(index: [Int], labels: [String]) {
    self.index = index
    self.labels = labels
  }

  /// The rows (0-based, of the model frame) of each group, in row order.
  public var rowsByGroup: [[Int]] {
    var rows = [[Int]](repeating: [], count: labels.count)
    for (row, g) in index.enumerated() { rows[g].append(row) }
    return rows
  }

  /// Groups from the combinations of `variables`, as R's `strata(...)`
  /// applied to the model frame (unused levels and combinations dropped).
  static func combining(_ variables: [(name: String, coding: Categorical)]) throws -> Grouping {
    guard let n = variables.first?.coding.codes.count else {
      throw ModelFrameError("a grouping needs at least one variable")
    }
    var keys = [Int64](repeating: 0, count: n)
    for (name, coding) in variables {
      let width = Int64(max(1, coding.levels.count))
      for i in 0..<n {
        guard coding.codes[i] >= 0, Int(coding.codes[i]) < coding.levels.count else {
          throw ModelFrameError("column '\(name)' has an invalid level code")
        }
        let (shifted, overflow) = keys[i].multipliedReportingOverflow(by: width)
        if overflow {
          throw ModelFrameError("too many combinations of groups (at variable '\(name)')")
        }
        keys[i] = shifted + Int64(coding.codes[i])
      }
    }
    let observed = Array(Set(keys)).sorted()
    var position = [Int64: Int](minimumCapacity: observed.count)
    for (i, key) in observed.enumerated() { position[key] = i }
    let index = keys.map { position[$0] ?? 0 }

    // Decode each observed key back into its levels (last variable fastest).
    let labels = observed.map { key -> String in
      var rest = key
      var parts: [String] = []
      for (name, coding) in variables.reversed() {
        let width = Int64(max(1, coding.levels.count))
        let code = Int(rest % width)
        rest /= width
        parts.append("\(name)=\(coding.levels[code])")
      }
      return parts.reversed().joined(separator: ", ")
    }
    return Grouping(index: index, labels: labels)
  }
}

/// A column coded as a categorical variable: a 0-based code per row and the
/// level texts as R writes them.
struct Categorical: Sendable, Equatable {
  var codes: [Int32]
  var levels: [String]

  /// Codes for `rows` of `column` (no row may be missing).
  ///
  /// Levels are those of R's `factor()` over the rows `levelRows`: numbers
  /// and dates sorted ascending (as `as.character` writes them), strings in
  /// the column's level order, booleans `FALSE`, `TRUE`. With
  /// `keepDeclaredLevels`, string columns keep every declared level and
  /// booleans both (as `model.matrix` treats factors and logicals);
  /// otherwise levels absent from `levelRows` are dropped.
  static func coding(
    _ column: Column, rows: [Int], levelRows: [Int], keepDeclaredLevels: Bool
  ) -> Categorical {
    switch column {
    case .factor(let codes, let levels):
      return recode(
        rows.map { codes[$0] }, levels: levels, levelCodes: levelRows.map { codes[$0] },
        keepAll: keepDeclaredLevels)
    case .bool(let values):
      return recode(
        rows.map { Int32(values[$0]) }, levels: ["FALSE", "TRUE"],
        levelCodes: levelRows.map { Int32(values[$0]) }, keepAll: keepDeclaredLevels)
    case .int(let values):
      let (levels, codes) = sortedLevels(rows.map { values[$0] }, levelRows.map { values[$0] }) { v in
        v == Column.naInt
      }
      return Categorical(codes: codes, levels: levels.map { String($0) })
    case .double(let values):
      let (levels, codes) = sortedLevels(rows.map { values[$0] + 0 }, levelRows.map { values[$0] + 0 }) {
        $0.isNaN
      }
      return Categorical(codes: codes, levels: levels.map(RValueFormat.number))
    case .date(let values):
      let (levels, codes) = sortedLevels(rows.map { values[$0] }, levelRows.map { values[$0] }) {
        $0 == Column.naDate
      }
      return Categorical(codes: codes, levels: levels.map { RValueFormat.date(daysSinceEpoch: $0) })
    }
  }

  private static func recode(
    _ codes: [Int32], levels: [String], levelCodes: [Int32], keepAll: Bool
  ) -> Categorical {
    if keepAll { return Categorical(codes: codes, levels: levels) }
    var used = [Bool](repeating: false, count: levels.count)
    for c in levelCodes where c >= 0 && Int(c) < levels.count { used[Int(c)] = true }
    var newCode = [Int32](repeating: -1, count: levels.count)
    var kept: [String] = []
    for (i, level) in levels.enumerated() where used[i] {
      newCode[i] = Int32(kept.count)
      kept.append(level)
    }
    return Categorical(
      codes: codes.map { $0 >= 0 && Int($0) < levels.count ? newCode[Int($0)] : -1 }, levels: kept)
  }

  /// Sorted distinct values of `levelValues` (missing ones skipped) and the
  /// code of each of `values` among them.
  private static func sortedLevels<T: Comparable & Hashable>(
    _ values: [T], _ levelValues: [T], isMissing: (T) -> Bool
  ) -> ([T], [Int32]) {
    let levels = Array(Set(levelValues.filter { !isMissing($0) })).sorted()
    var position = [T: Int32](minimumCapacity: levels.count)
    for (i, v) in levels.enumerated() { position[v] = Int32(i) }
    return (levels, values.map { position[$0] ?? -1 })
  }
}
