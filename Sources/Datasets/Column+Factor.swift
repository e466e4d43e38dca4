/// Factor level control and grouping codes.
extension Column {
  /// Codes (−1 = NA) and labels of the column seen as groups: factor levels
  /// as they are; FALSE, TRUE for bools; the distinct values ascending for
  /// int, double (shortest decimal text) and date (ISO) columns.
  public func factorized() -> (codes: [Int32], labels: [String]) {
    switch self {
    case .factor(let c, let l): return (c, l)
    case .bool(let v): return (v.map { $0 == Column.naBool ? -1 : Int32($0) }, ["FALSE", "TRUE"])
    case .int(let v): return Column.group(v, missing: Column.naInt) { String($0) }
    case .date(let v): return Column.group(v, missing: Column.naDate) { CalendarDate.formatISO($0) }
    case .double(let v):
      let keys = v.map { $0.isNaN ? Double.nan : $0 + 0.0 }  // -0.0 groups with 0.0
      let distinct = Set(keys.filter { !$0.isNaN }).sorted()
      var code: [Double: Int32] = [:]
      for (k, x) in distinct.enumerated() { code[x] = Int32(k) }
      return (keys.map { $0.isNaN ? -1 : code[$0] ?? -1 }, distinct.map { CSVWriter.formatDouble($0) })
    }
  }

  static func group<T: Hashable & Comparable>(_ v: [T], missing: T, label: (T) -> String)
    -> (codes: [Int32], labels: [String])
  {
    let distinct = Array(Set(v.filter { $0 != missing })).sorted()
    var code: [T: Int32] = [:]
    for (k, x) in distinct.enumerated() { code[x] = Int32(k) }
    return (v.map { $0 == missing ? -1 : code[$0] ?? -1 }, distinct.map(label))
  }

  /// The same factor with `reference` moved to the first level (R's
  /// `relevel`); the other levels keep their order.
  public func relevel(reference: String) throws -> Column {
    guard case .factor(_, let levels) = self else {
      throw DatasetError.invalid("relevel needs a string column, got \(kind.rawValue)")
    }
    guard levels.contains(reference) else {
      throw DatasetError.invalid(
        "'\(reference)' is not a level (levels: \(levels.joined(separator: ", ")))")
    }
    return try withLevels([reference] + levels.filter { $0 != reference })
  }

  /// The same values with levels in the order given. Every level in use must
  /// appear; levels not in use may be added; repeats are an error.
  public func withLevels(_ newLevels: [String]) throws -> Column {
    guard case .factor(let codes, let levels) = self else {
      throw DatasetError.invalid("setting levels needs a string column, got \(kind.rawValue)")
    }
    var position: [String: Int32] = [:]
    for (k, l) in newLevels.enumerated() {
      guard position[l] == nil else { throw DatasetError.invalid("level '\(l)' given twice") }
      position[l] = Int32(k)
    }
    var used = [Bool](repeating: false, count: levels.count)
    for c in codes where c >= 0 { used[Int(c)] = true }
    var remap = [Int32](repeating: -1, count: levels.count)
    for (k, l) in levels.enumerated() {
      if let p = position[l] {
        remap[k] = p
      } else if used[k] {
        throw DatasetError.invalid("level '\(l)' is in use but missing from the new levels")
      }
    }
    return .factor(codes: codes.map { $0 < 0 ? -1 : remap[Int($0)] }, levels: newLevels)
  }
}
