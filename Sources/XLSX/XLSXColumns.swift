import Datasets
import RunControl

/// Typed columns from the cells of a sheet.
///
/// Bounds: a `range` is read as given (empty cells are NA); otherwise the
/// used cells below the `skip` rows, from the first row and column that has
/// a cell to the last (readxl's rule). With `col_names` the first row gives
/// the names (an empty header cell is named `...k`, k its position, as
/// readxl does; duplicates are an error as in read_csv); without, the
/// columns are `...1`, `...2`, ...
///
/// Types are inferred per column over all its cells in read_csv's order,
/// int → double → date → bool → string: a column is int when every value is
/// a whole number (or text of one), double when every value is a number,
/// date when every value is a date cell (or ISO text), bool when every value
/// is a boolean, and otherwise string, numbers written as R writes them.
/// Text cells equal to a `missing` token, empty cells and error cells
/// (`#N/A`, `#DIV/0!`, ...) are NA; error cells, and date cells with no
/// calendar date (1900-02-29 of the 1900 system, negative serials), give one
/// warning naming the sheet and the first such cell. `types` declares a
/// column's type (a number cell read as a date is an Excel serial day);
/// a value that does not fit is an error naming the cell.
struct XLSXColumns {
  let cells: XLSXSheetCells
  let sheet: String
  let file: String
  let options: XLSXOptions
  let range: XLSXRange?

  private typealias Kind = XLSXSheetCells.Kind

  func dataset() throws -> Dataset {
    let n = cells.count
    var top: Int, bottom: Int, left: Int, right: Int
    if let range {
      (top, bottom, left, right) = (range.first.row, range.last.row, range.first.column, range.last.column)
    } else {
      (top, bottom, left, right) = (Int.max, 0, Int.max, 0)
      for k in 0..<n where Int(cells.rows[k]) > options.skip {
        let r = Int(cells.rows[k]), c = Int(cells.columns[k])
        top = min(top, r)
        bottom = max(bottom, r)
        left = min(left, c)
        right = max(right, c)
      }
      if bottom == 0 { return try Dataset(names: [], columns: []) }
    }
    let width = right - left + 1
    let dataTop = options.columnNames ? top + 1 : top
    if let maxRows = options.maxRows { bottom = min(bottom, dataTop + maxRows - 1) }
    let rowCount = max(0, bottom - dataTop + 1)

    // Cells by column (a counting sort), each column's cells in row order.
    var header = [Int](repeating: -1, count: width)
    var starts = [Int](repeating: 0, count: width + 1)
    for k in 0..<n {
      let r = Int(cells.rows[k]), c = Int(cells.columns[k])
      guard c >= left, c <= right else { continue }
      if options.columnNames, r == top { header[c - left] = k }
      if r >= dataTop, r <= bottom { starts[c - left + 1] += 1 }
    }
    for j in 0..<width { starts[j + 1] += starts[j] }
    try MemoryBudget.require(count: starts[width], stride: 8, for: "the cells of sheet '\(sheet)'")
    var order = [Int](repeating: 0, count: starts[width])
    var fill = Array(starts.dropLast())
    for k in 0..<n {
      let r = Int(cells.rows[k]), c = Int(cells.columns[k])
      guard c >= left, c <= right, r >= dataTop, r <= bottom else { continue }
      order[fill[c - left]] = k
      fill[c - left] += 1
    }

    let names = try columnNames(header: header, left: left, top: top)
    var chosen = Array(0..<width)
    if let select = options.select {
      chosen = try select.map { name in
        guard let j = names.firstIndex(of: name) else {
          throw XLSXError.value("select: no column '\(name)' in sheet '\(sheet)' (columns: "
            + names.joined(separator: ", ") + ")")
        }
        return j
      }
    }
    let kept = chosen.map { names[$0] }
    for key in Set(options.columnTypes.keys).union(options.levels.keys).sorted() where !kept.contains(key) {
      throw XLSXError.value("no column '\(key)' for the declared type or levels (columns: "
        + kept.joined(separator: ", ") + ")")
    }
    var notes = Notes()
    var columns: [Column] = []
    for j in chosen {
      try Cancellation.check()
      try MemoryBudget.require(count: rowCount, stride: 8, for: "column '\(names[j])' of \(rowCount) rows")
      let slice = Array(order[starts[j]..<starts[j + 1]])
      columns.append(try convert(slice, name: names[j], dataTop: dataTop, rows: rowCount, notes: &notes))
    }
    if let first = notes.firstError {
      RunWarnings.emit("\(file): sheet '\(sheet)': \(notes.errors) error cell\(notes.errors == 1 ? "" : "s") "
        + "read as NA (first: \(first))")
    }
    if let first = notes.firstBadDate {
      RunWarnings.emit("\(file): sheet '\(sheet)': \(notes.badDates) date cell\(notes.badDates == 1 ? "" : "s") "
        + "with no calendar date read as NA (first: \(first); 1900-02-29 of Excel's 1900 system does not exist)")
    }
    return try Dataset(names: kept, columns: columns)
  }

  private struct Notes {
    var errors = 0
    var firstError: String?
    var badDates = 0
    var firstBadDate: String?
  }

  private func reference(_ k: Int) -> String {
    XLSXCellReference.name(row: Int(cells.rows[k]), column: Int(cells.columns[k]))
  }

  private func columnNames(header: [Int], left: Int, top: Int) throws -> [String] {
    var names: [String] = []
    var seen: [String: Int] = [:]
    for (j, k) in header.enumerated() {
      var name = "...\(j + 1)"
      if k >= 0, let text = text(k), !text.isEmpty { name = text }
      if let previous = seen[name] {
        throw XLSXError.value("sheet '\(sheet)': duplicate column name '\(name)' (cells "
          + "\(XLSXCellReference.name(row: top, column: left + previous)) and "
          + "\(XLSXCellReference.name(row: top, column: left + j)))")
      }
      seen[name] = j
      names.append(name)
    }
    return names
  }

  /// A cell as text (nil for an error cell or a missing date).
  private func text(_ k: Int) -> String? {
    let v = cells.values[k]
    switch cells.kinds[k] {
    case .number: return RNumberText.asCharacter(v)
    case .date: return v.isNaN ? nil : CalendarDate.formatISO(Int32(v))
    case .bool: return v != 0 ? "TRUE" : "FALSE"
    case .string: return cells.strings[Int(v)]
    case .error: return nil
    }
  }

  /// The values of one column: its cells `slice` (row order) into `rows` rows.
  private func convert(
    _ slice: [Int], name: String, dataTop: Int, rows: Int, notes: inout Notes
  ) throws -> Column {
    // Drop what is NA: missing text, errors, dates that are not dates.
    var present: [Int] = []
    present.reserveCapacity(slice.count)
    for k in slice {
      let v = cells.values[k]
      switch cells.kinds[k] {
      case .error:
        notes.errors += 1
        if notes.firstError == nil { notes.firstError = "\(reference(k)) \(cells.strings[Int(v)])" }
      case .date where v.isNaN:
        notes.badDates += 1
        if notes.firstBadDate == nil { notes.firstBadDate = reference(k) }
      case .string where options.missing.contains(cells.strings[Int(v)]):
        break
      default:
        present.append(k)
      }
    }
    func row(_ k: Int) -> Int { Int(cells.rows[k]) - dataTop }
    var declared = options.columnTypes[name]
    let levels = options.levels[name]
    if levels != nil {
      if let d = declared, d != .string {
        throw XLSXError.value("column '\(name)' has declared levels but declared type \(d.rawValue)")
      }
      declared = .string
    }
    func mismatch(_ k: Int, _ expected: String) -> XLSXError {
      .value("sheet '\(sheet)' cell \(reference(k)): column '\(name)': expected \(expected), found "
        + "'\(text(k) ?? "")' (\(cells.kinds[k]))")
    }
    let kinds: [Column.Kind] = declared.map { [$0] } ?? [.int, .double, .date, .bool, .string]
    if declared == nil, present.isEmpty { return .double(.init(repeating: .nan, count: rows)) }
    for kind in kinds {
      let strict = declared != nil
      switch kind {
      case .int:
        var out = [Int](repeating: Column.naInt, count: rows)
        var ok = true
        for k in present {
          if let v = intValue(k) { out[row(k)] = v } else if strict { throw mismatch(k, "int") } else {
            ok = false
            break
          }
        }
        if ok { return .int(out) }
      case .double:
        var out = [Double](repeating: .nan, count: rows)
        var ok = true
        for k in present {
          if let v = doubleValue(k) { out[row(k)] = v } else if strict { throw mismatch(k, "double") } else {
            ok = false
            break
          }
        }
        if ok { return .double(out) }
      case .date:
        var out = [Int32](repeating: Column.naDate, count: rows)
        var ok = true
        for k in present {
          if let v = dateValue(k, serials: strict) { out[row(k)] = v } else if strict {
            throw mismatch(k, "date")
          } else {
            ok = false
            break
          }
        }
        if ok { return .date(out) }
      case .bool:
        var out = [UInt8](repeating: Column.naBool, count: rows)
        var ok = true
        for k in present {
          if let v = boolValue(k) { out[row(k)] = v ? 1 : 0 } else if strict { throw mismatch(k, "bool") } else {
            ok = false
            break
          }
        }
        if ok { return .bool(out) }
      case .string:
        return try factor(present, name: name, rows: rows, declared: levels, row: row, mismatch: mismatch)
      }
    }
    return try factor(present, name: name, rows: rows, declared: nil, row: row, mismatch: mismatch)
  }

  private func intValue(_ k: Int) -> Int? {
    let v = cells.values[k]
    switch cells.kinds[k] {
    case .number:
      guard v == v.rounded(), abs(v) < 0x1p63, v != -0x1p63 else { return nil }
      return Int(v)
    case .string: return TextValues.int(cells.strings[Int(v)])
    default: return nil
    }
  }

  private func doubleValue(_ k: Int) -> Double? {
    let v = cells.values[k]
    switch cells.kinds[k] {
    case .number: return v
    case .string: return TextValues.double(cells.strings[Int(v)])
    default: return nil
    }
  }

  /// A date cell, ISO text, or (declared date only) a number as an Excel
  /// serial day.
  private func dateValue(_ k: Int, serials: Bool) -> Int32? {
    let v = cells.values[k]
    switch cells.kinds[k] {
    case .date: return Int32(v)
    case .string: return TextValues.date(cells.strings[Int(v)])
    case .number where serials: return XLSXDateFormat.days(serial: v, date1904: cells.date1904)
    default: return nil
    }
  }

  private func boolValue(_ k: Int) -> Bool? {
    let v = cells.values[k]
    switch cells.kinds[k] {
    case .bool: return v != 0
    case .string: return TextValues.bool(cells.strings[Int(v)])
    default: return nil
    }
  }

  private func factor(
    _ present: [Int], name: String, rows: Int, declared: [String]?, row: (Int) -> Int,
    mismatch: (Int, String) -> XLSXError
  ) throws -> Column {
    var codes = [Int32](repeating: -1, count: rows)
    var dictionary: [String: Int32] = [:]
    var levels: [String] = declared ?? []
    for (k, level) in levels.enumerated() where dictionary[level] == nil { dictionary[level] = Int32(k) }
    for k in present {
      let t = text(k) ?? ""
      if let code = dictionary[t] {
        codes[row(k)] = code
      } else if declared != nil {
        throw mismatch(k, "one of the declared levels (\(levels.joined(separator: ", ")))")
      } else {
        let code = Int32(levels.count)
        dictionary[t] = code
        levels.append(t)
        codes[row(k)] = code
      }
    }
    guard declared == nil else { return .factor(codes: codes, levels: levels) }
    // Levels sorted by their UTF-8 bytes, as read_csv sorts them.
    let sorted = levels.indices.sorted { levels[$0].utf8.lexicographicallyPrecedes(levels[$1].utf8) }
    var remap = [Int32](repeating: 0, count: levels.count)
    for (newCode, oldCode) in sorted.enumerated() { remap[oldCode] = Int32(newCode) }
    for r in 0..<rows where codes[r] >= 0 { codes[r] = remap[Int(codes[r])] }
    return .factor(codes: codes, levels: sorted.map { levels[$0] })
  }
}
