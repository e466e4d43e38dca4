import RunControl

/// Table operations. Every one returns a new `Dataset`; names given by the
/// caller must exist (the error lists the columns that do).
extension Dataset {
  /// The column types, in column order.
  public var kinds: [Column.Kind] { columns.map(\.kind) }

  /// The column named `name`, or an error listing the columns.
  public func column(named name: String) throws -> Column {
    guard let i = index(of: name) else { throw noColumn(name) }
    return columns[i]
  }

  func noColumn(_ name: String) -> DatasetError {
    .invalid("no column '\(name)' (columns: \(names.joined(separator: ", ")))")
  }

  func indices(of requested: [String]) throws -> [Int] {
    try requested.map { name in
      guard let i = index(of: name) else { throw noColumn(name) }
      return i
    }
  }

  /// The named columns, in the order given.
  public func select(_ requested: [String]) throws -> Dataset {
    let idx = try indices(of: requested)
    return try Dataset(names: idx.map { names[$0] }, columns: idx.map { columns[$0] }, attributes: attributes)
  }

  /// All columns but the named ones.
  public func drop(_ requested: [String]) throws -> Dataset {
    let gone = Set(try indices(of: requested))
    let keep = names.indices.filter { !gone.contains($0) }
    return try Dataset(names: keep.map { names[$0] }, columns: keep.map { columns[$0] }, attributes: attributes)
  }

  /// Rows at `indices` (0-based), in that order; repeats allowed.
  public func rows(_ indices: [Int]) throws -> Dataset {
    if let bad = indices.first(where: { $0 < 0 || $0 >= rowCount }) {
      throw DatasetError.invalid("row index \(bad) outside 0..<\(rowCount)")
    }
    return try Dataset(names: names, columns: columns.map { $0.gather(indices) }, attributes: attributes)
  }

  /// Rows where `mask` is true. A missing (NA) mask value drops the row,
  /// as R's `subset` and SQL's `WHERE` do.
  public func filter(_ mask: Column) throws -> Dataset {
    guard case .bool(let m) = mask else {
      throw DatasetError.invalid("filter needs a bool column, got \(mask.kind.rawValue)")
    }
    guard m.count == rowCount else {
      throw DatasetError.invalid("filter mask has \(m.count) rows, the dataset \(rowCount)")
    }
    return try rows(m.indices.filter { m[$0] == 1 })
  }

  /// Rows where `keep` is true.
  public func filter(_ keep: [Bool]) throws -> Dataset {
    try filter(.bool(keep.map { $0 ? 1 : 0 }))
  }

  /// The first `n` rows (all when fewer). A negative `n` keeps all but the
  /// last `|n|` rows, as R's `head(x, -n)` (none when `|n|` ≥ the row count).
  public func head(_ n: Int = 6) -> Dataset {
    slice(0..<Self.keptRows(n, of: rowCount))
  }

  /// The last `n` rows (all when fewer). A negative `n` keeps all but the
  /// first `|n|` rows, as R's `tail(x, -n)`.
  public func tail(_ n: Int = 6) -> Dataset {
    slice((rowCount - Self.keptRows(n, of: rowCount))..<rowCount)
  }

  /// How many rows `head(n)`/`tail(n)` keep out of `count`: `n` clamped to
  /// the count, or for a negative `n` the count less `|n|` (R's rule).
  /// `count + n` cannot overflow: `count` ≥ 0 and `n` < 0.
  static func keptRows(_ n: Int, of count: Int) -> Int {
    n >= 0 ? Swift.min(n, count) : Swift.max(0, count + n)
  }

  private func slice(_ range: Range<Int>) -> Dataset {
    let idx = Array(range)
    // Same names, equal lengths: the initializer cannot fail.
    return (try? Dataset(names: names, columns: columns.map { $0.gather(idx) }, attributes: attributes)) ?? self
  }

  /// A sort key: a column name and a direction.
  public struct SortKey: Sendable, Equatable {
    public var name: String
    public var descending: Bool
    public init(_ name: String, descending: Bool = false) {
      self.name = name
      self.descending = descending
    }
    /// Parses `"age"` (ascending) or `"-age"` (descending).
    public init(parsing spec: String) {
      if spec.hasPrefix("-"), spec.count > 1 {
        self.init(String(spec.dropFirst()), descending: true)
      } else {
        self.init(spec)
      }
    }
  }

  /// Row order sorting by `keys` (first key first): stable, missing values
  /// last whatever the direction; strings by level order, bools false
  /// before true, dates by day.
  public func sortedIndices(by keys: [SortKey]) throws -> [Int] {
    enum Key {
      case int([Int])
      case double([Double])
    }
    let prepared: [(Key, Bool)] = try keys.map { key in
      let c = try column(named: key.name)
      switch c {
      case .double(let v): return (.double(v), key.descending)
      case .int(let v): return (.int(v), key.descending)
      case .factor(let codes, _): return (.int(codes.map { $0 < 0 ? Column.naInt : Int($0) }), key.descending)
      case .bool(let v): return (.int(v.map { $0 == Column.naBool ? Column.naInt : Int($0) }), key.descending)
      case .date(let v): return (.int(v.map { $0 == Column.naDate ? Column.naInt : Int($0) }), key.descending)
      }
    }
    func order(_ a: Int, _ b: Int) -> Bool {
      for (key, descending) in prepared {
        switch key {
        case .int(let v):
          let x = v[a], y = v[b]
          if x == y { continue }
          if x == Column.naInt { return false }
          if y == Column.naInt { return true }
          return descending ? x > y : x < y
        case .double(let v):
          let x = v[a], y = v[b]
          if x == y || (x.isNaN && y.isNaN) { continue }
          if x.isNaN { return false }
          if y.isNaN { return true }
          return descending ? x > y : x < y
        }
      }
      return a < b  // stability
    }
    return (0..<rowCount).sorted(by: order)
  }

  /// The rows sorted by `keys`; see `sortedIndices(by:)`.
  public func sorted(by keys: [SortKey]) throws -> Dataset {
    try rows(sortedIndices(by: keys))
  }

  /// The rows sorted by column specs such as `["arm", "-age"]`.
  public func sorted(by specs: [String]) throws -> Dataset {
    try sorted(by: specs.map(SortKey.init(parsing:)))
  }

  /// One dataset per group of column `name`, in level order (see
  /// `Column.factorized`); levels without rows give empty datasets; rows
  /// where `name` is missing belong to no group.
  public func split(by name: String) throws -> [(label: String, dataset: Dataset)] {
    let (codes, labels) = try column(named: name).factorized()
    var groups = [[Int]](repeating: [], count: labels.count)
    for (i, c) in codes.enumerated() where c >= 0 { groups[Int(c)].append(i) }
    return try zip(labels, groups).map { ($0, try rows($1)) }
  }

  /// A cross-tabulation: one row per combination of the groups of `keys`
  /// (first key varying slowest, each in level order, zero counts included)
  /// with the count in column `n` (`count` if a key is named `n`). Rows with
  /// a missing key are not counted.
  public func count(by keys: [String]) throws -> Dataset {
    guard !keys.isEmpty else { throw DatasetError.invalid("count needs at least one column") }
    let groups = try keys.map { try column(named: $0).factorized() }
    let sizes = groups.map { $0.labels.count }
    // The product of the level counts can overflow Int, or ask for more
    // cells than the memory budget holds: errors, checked before allocating.
    var cells = 1
    for size in sizes {
      let (product, overflow) = cells.multipliedReportingOverflow(by: size)
      guard !overflow, product <= Self.maxCountCells else {
        throw DatasetError.invalid(
          "count: the \(keys.count) columns have \(sizes.map(String.init).joined(separator: " × ")) level "
            + "combinations, more than \(Self.maxCountCells)")
      }
      cells = product
    }
    try MemoryBudget.require(count: cells, stride: 8 + 4 * keys.count, for: "count of \(cells) level combinations")
    var counts = [Int](repeating: 0, count: cells)
    rowLoop: for r in 0..<rowCount {
      var cell = 0
      for (g, size) in zip(groups, sizes) {
        let c = g.codes[r]
        if c < 0 { continue rowLoop }
        cell = cell * size + Int(c)
      }
      counts[cell] += 1
    }
    var keyColumns: [Column] = []
    var stride = cells
    for ((g, size), name) in zip(zip(groups, sizes), keys) {
      stride = size == 0 ? 0 : stride / size
      let codes = (0..<cells).map { Int32(stride == 0 ? 0 : ($0 / stride) % size) }
      keyColumns.append(Self.countKey(try column(named: name), codes: codes, labels: g.labels))
    }
    let countName = keys.contains("n") ? "count" : "n"
    return try Dataset(names: keys + [countName], columns: keyColumns + [.int(counts)])
  }

  /// The key column of `count(by:)` in the key's own type: strings as
  /// their levels, bools as FALSE/TRUE, numbers and dates as the value of
  /// a row with that level (every level of those occurs in some row), so
  /// that `d:count{"ph.ecog"}` keys are numbers as group_by's are.
  static func countKey(_ key: Column, codes: [Int32], labels: [String]) -> Column {
    switch key {
    case .factor: return .factor(codes: codes, levels: labels)
    case .bool: return .bool(codes.map { UInt8($0) })
    case .int, .double, .date:
      let (rowCodes, _) = key.factorized()
      var row = [Int](repeating: -1, count: labels.count)
      for (i, c) in rowCodes.enumerated() where c >= 0 && row[Int(c)] < 0 { row[Int(c)] = i }
      return key.gather(filling: codes.map { row[Int($0)] })
    }
  }

  /// Level combinations `count(by:)` may tabulate (every one is a row).
  public static let maxCountCells = 1 << 31

  /// The dataset with `column` added at the end, or replacing the column of
  /// the same name in place.
  public func with(_ name: String, _ column: Column) throws -> Dataset {
    try with([(name, column)])
  }

  /// The dataset with each column added or replaced, in order.
  public func with(_ additions: [(name: String, column: Column)]) throws -> Dataset {
    var newNames = names
    var newColumns = columns
    var newAttributes = attributes
    for (name, column) in additions {
      if !newColumns.isEmpty, column.count != rowCount {
        throw DatasetError.invalid("column '\(name)' has \(column.count) rows, the dataset \(rowCount)")
      }
      if let i = newNames.firstIndex(of: name) {
        newColumns[i] = column
        // New values: only the variable label still describes them.
        newAttributes.columns[name] = newAttributes.columns[name]?.label.map { ColumnAttributes(label: $0) }
      } else {
        newNames.append(name)
        newColumns.append(column)
      }
    }
    return try Dataset(names: newNames, columns: newColumns, attributes: newAttributes)
  }

  /// The dataset with column `old` renamed `new`.
  public func renamed(_ old: String, to new: String) throws -> Dataset {
    guard let i = index(of: old) else { throw noColumn(old) }
    if new != old, index(of: new) != nil { throw DatasetError.invalid("a column '\(new)' already exists") }
    var newNames = names
    newNames[i] = new
    return try Dataset(names: newNames, columns: columns, attributes: attributes.renamed([(old, new)]))
  }

  /// The dataset with `reference` made the first level of string column
  /// `name` (the reference level of models).
  public func relevel(_ name: String, reference: String) throws -> Dataset {
    try with(name, try column(named: name).relevel(reference: reference))
  }

  /// The dataset with the levels of string column `name` in the order given.
  public func settingLevels(_ name: String, _ levels: [String]) throws -> Dataset {
    try with(name, try column(named: name).withLevels(levels))
  }
}
