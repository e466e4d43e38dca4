import RunControl

/// Long and wide forms, as tidyr's `pivot_wider` and `pivot_longer` in
/// their simple forms (one names column, one values column).
extension Dataset {
  /// One row per combination of the id columns (every column but `namesFrom`
  /// and `valuesFrom`), in order of first appearance; one column per value
  /// of `namesFrom`, in order of first appearance, holding `valuesFrom`
  /// (NA where a combination has no row). Two rows with the same ids and
  /// name are an error naming them (tidyr warns and makes list columns).
  public func pivotWider(namesFrom: String, valuesFrom: String) throws -> Dataset {
    let namesColumn = try column(named: namesFrom)
    let values = try column(named: valuesFrom)
    guard namesFrom != valuesFrom else {
      throw DatasetError.invalid("names_from and values_from are both '\(namesFrom)'")
    }
    let idNames = names.filter { $0 != namesFrom && $0 != valuesFrom }
    // Ids and names numbered in order of first appearance.
    let ids = try firstAppearance(try grouping(by: idNames))
    let labels = try firstAppearance(try grouping(by: [namesFrom]))
    // Names as R writes the values (a whole double without ".0": tidyr's "306").
    let newNames = labels.first.map { row -> String in
      if case .double(let x) = namesColumn.value(at: row), x == x.rounded(), abs(x) < 1e15 {
        return String(Int64(x))
      }
      return namesColumn.value(at: row).description
    }
    if let clash = newNames.first(where: { idNames.contains($0) }) {
      throw DatasetError.invalid("the new column '\(clash)' (a value of '\(namesFrom)') is also an id column")
    }
    let cells = ids.count * newNames.count
    try MemoryBudget.require(count: cells, stride: 8, for: "a wide table of \(cells) cells")
    var cell = [[Int]](repeating: [Int](repeating: -1, count: ids.count), count: newNames.count)
    for r in 0..<rowCount {
      let i = Int(ids.codes[r]), k = Int(labels.codes[r])
      if cell[k][i] >= 0 {
        let who = idNames.map { "\($0) = \(column(unchecked: $0).value(at: r).description)" }
          .joined(separator: ", ")
        throw DatasetError.invalid(
          "rows \(cell[k][i] + 1) and \(r + 1) both give '\(newNames[k])'"
            + (who.isEmpty ? "" : " for \(who)") + " (one value per cell)")
      }
      cell[k][i] = r
    }
    var outNames = idNames
    var outColumns = try idNames.map { try column(named: $0).gather(ids.first) }
    for (k, name) in newNames.enumerated() {
      outNames.append(name)
      outColumns.append(values.gather(filling: cell[k]))
    }
    return try Dataset(names: outNames, columns: outColumns)
  }

  /// One row per row and column of `cols` (row by row, columns in the order
  /// given): the other columns, then `namesTo` (the column's name, a string
  /// column with `cols` as its levels) and `valuesTo` (its value; the
  /// columns' types combine as in `bind_rows`).
  public func pivotLonger(_ cols: [String], namesTo: String, valuesTo: String) throws -> Dataset {
    guard !cols.isEmpty else { throw DatasetError.invalid("cols names no column") }
    let picked = try indices(of: cols)
    if let twice = cols.enumerated().first(where: { cols[..<$0.offset].contains($0.element) })?.element {
      throw DatasetError.invalid("column '\(twice)' is given twice")
    }
    let keep = names.indices.filter { !picked.contains($0) }
    let keptNames = keep.map { names[$0] }
    for n in [namesTo, valuesTo] where keptNames.contains(n) {
      throw DatasetError.invalid("'\(n)' is already the name of a column that is kept")
    }
    guard namesTo != valuesTo else { throw DatasetError.invalid("names_to and values_to are both '\(namesTo)'") }
    let k = cols.count
    let total = rowCount * k
    try MemoryBudget.require(count: total, stride: 8 * (keep.count + 2), for: "a long table of \(total) rows")
    let unified: [Column]
    do { unified = try Column.unified(picked.map { columns[$0] }) } catch let c as Column.KindConflict {
      throw DatasetError.invalid("the columns combine \(c.first.rawValue) and \(c.second.rawValue) values")
    }
    let stacked = Column.concatenated(unified)
    var source = [Int](repeating: 0, count: total)
    var from = [Int](repeating: 0, count: total)
    var nameCodes = [Int32](repeating: 0, count: total)
    for r in 0..<rowCount {
      for j in 0..<k {
        source[r * k + j] = r
        from[r * k + j] = j * rowCount + r
        nameCodes[r * k + j] = Int32(j)
      }
    }
    return try Dataset(
      names: keptNames + [namesTo, valuesTo],
      columns: keep.map { columns[$0].gather(filling: source) }
        + [.factor(codes: nameCodes, levels: cols), stacked.gather(filling: from)])
  }

  /// A column known to exist.
  private func column(unchecked name: String) -> Column {
    self[name] ?? .double([])
  }

  /// Groups renumbered in order of first appearance: per row its number,
  /// and per number its first row.
  private func firstAppearance(_ g: Grouping) throws -> (codes: [Int32], first: [Int], count: Int) {
    var renumber = [Int32](repeating: -1, count: g.count)
    var first: [Int] = []
    var next: Int32 = 0
    let codes = g.codes.enumerated().map { r, c -> Int32 in
      if renumber[Int(c)] < 0 {
        renumber[Int(c)] = next
        next += 1
        first.append(r)
      }
      return renumber[Int(c)]
    }
    // No rows and no id columns: one (empty) group that no row names.
    return (codes, first, Int(next))
  }
}
