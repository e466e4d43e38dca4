import Datasets

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
    coding(column, rows: .listed(rows), levelRows: .listed(levelRows), keepDeclaredLevels: keepDeclaredLevels)
  }

  /// Codes for `rows` of `column`, the levels over the same rows (as a
  /// model frame codes its strata, clusters and groups): with every row
  /// selected, the column's own codes are used without a copy when every
  /// level occurs.
  static func coding(_ column: Column, rows: RowSelection, keepDeclaredLevels: Bool) -> Categorical {
    coding(column, rows: rows, levelRows: nil, keepDeclaredLevels: keepDeclaredLevels)
  }

  /// `levelRows` nil: the same rows as `rows` (read once).
  private static func coding(
    _ column: Column, rows: RowSelection, levelRows: RowSelection?, keepDeclaredLevels: Bool
  ) -> Categorical {
    switch column {
    case .factor(let codes, let levels):
      return recode(
        rows.gather(codes), levels: levels, levelCodes: levelRows.map { $0.gather(codes) },
        keepAll: keepDeclaredLevels)
    case .bool(let values):
      let x = rows.gather(values).map { Int32($0) }
      return recode(
        x, levels: ["FALSE", "TRUE"], levelCodes: levelRows.map { $0.gather(values).map { Int32($0) } },
        keepAll: keepDeclaredLevels)
    case .int(let values):
      let x = rows.gather(values)
      let levelValues = (levelRows.map { $0.gather(values) } ?? x).filter { $0 != Column.naInt }
      if let (levels, codes) = denseLevels(x, levelValues) {
        return Categorical(codes: codes, levels: levels.map { String($0) })
      }
      let (levels, codes) = sortedLevels(x, levelValues)
      return Categorical(codes: codes, levels: levels.map { String($0) })
    case .double(let values):
      // + 0 turns -0 into 0.
      let x = rows.gather(values).map { $0 + 0 }
      let levelValues = (levelRows.map { $0.gather(values).map { $0 + 0 } } ?? x).filter { !$0.isNaN }
      // Whole numbers (codes stored as doubles) take the dense path.
      let limit = 9.0e15
      if levelValues.allSatisfy({ $0.rounded() == $0 && abs($0) < limit }),
        x.allSatisfy({ $0.rounded() == $0 && abs($0) < limit }),
        let (levels, codes) = denseLevels(x.map { Int($0) }, levelValues.map { Int($0) })
      {
        return Categorical(codes: codes, levels: levels.map { RValueFormat.number(Double($0)) })
      }
      let (levels, codes) = sortedLevels(x, levelValues)
      return Categorical(codes: codes, levels: levels.map(RValueFormat.number))
    case .date(let values):
      let x = rows.gather(values).map { Int($0) }
      let levelValues = (levelRows.map { $0.gather(values).map { Int($0) } } ?? x).filter { $0 != Int(Column.naDate) }
      let (levels, codes) = denseLevels(x, levelValues) ?? sortedLevels(x, levelValues)
      return Categorical(codes: codes, levels: levels.map { CalendarDate.formatISO(Int32($0)) })
    }
  }

  /// `levelCodes` nil: the levels used are those of `codes`; when that is
  /// every level and every code is valid, `codes` are kept as they are.
  private static func recode(
    _ codes: [Int32], levels: [String], levelCodes: [Int32]?, keepAll: Bool
  ) -> Categorical {
    if keepAll { return Categorical(codes: codes, levels: levels) }
    var used = [Bool](repeating: false, count: levels.count)
    var invalid = false
    (levelCodes ?? codes).withUnsafeBufferPointer { c in
      for code in c {
        let k = Int(code)
        if k >= 0 && k < used.count { used[k] = true } else { invalid = true }
      }
    }
    if levelCodes == nil && !invalid && !used.contains(false) {
      return Categorical(codes: codes, levels: levels)
    }
    var newCode = [Int32](repeating: -1, count: levels.count)
    var kept: [String] = []
    for (i, level) in levels.enumerated() where used[i] {
      newCode[i] = Int32(kept.count)
      kept.append(level)
    }
    return Categorical(
      codes: codes.map { $0 >= 0 && Int($0) < levels.count ? newCode[Int($0)] : -1 }, levels: kept)
  }

  /// Sorted distinct values of `levelValues` (none missing) and the code
  /// of each of `values` among them (-1 when absent), by hashing.
  private static func sortedLevels<T: Comparable & Hashable>(
    _ values: [T], _ levelValues: [T]
  ) -> ([T], [Int32]) {
    let levels = Array(Set(levelValues)).sorted()
    var position = [T: Int32](minimumCapacity: levels.count)
    for (i, v) in levels.enumerated() { position[v] = Int32(i) }
    return (levels, values.map { position[$0] ?? -1 })
  }

  /// As `sortedLevels`, by a table over the range of the values when that
  /// range is small (codes, years, counts); `nil` otherwise.
  private static func denseLevels(_ values: [Int], _ levelValues: [Int]) -> ([Int], [Int32])? {
    guard let low = levelValues.min(), let high = levelValues.max() else { return ([], values.map { _ in -1 }) }
    let (range, overflow) = high.subtractingReportingOverflow(low)
    guard !overflow, range < max(4 * values.count, 1 << 16) else { return nil }
    var table = [Int32](repeating: -1, count: range + 1)
    for v in levelValues { table[v - low] = 0 }
    var levels: [Int] = []
    for k in table.indices where table[k] == 0 {
      table[k] = Int32(levels.count)
      levels.append(low + k)
    }
    let codes = values.map { v -> Int32 in
      let (k, o) = v.subtractingReportingOverflow(low)
      return !o && k >= 0 && k <= range ? table[k] : -1
    }
    return (levels, codes)
  }
}
