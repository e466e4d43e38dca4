import RunControl

/// Conversions between column types: text to numbers and dates, anything
/// to text. Text is parsed once per level of a string column; a value that
/// does not convert is an error naming its first row (strict), or NA with
/// one warning.
extension Column {
  /// Numbers from a column: text is read as `read_csv` reads numbers
  /// (decimal, `1e5`, `Inf`, `-inf`; surrounding white space ignored, as R's
  /// `as.numeric`); "NA", "NaN" and empty text are NA. Unlike R, hexadecimal
  /// text ("0x1A") is not a number. Bools give 0/1 and dates days since
  /// 1970-01-01 (as R); number columns are returned as they are.
  ///
  /// Text that is not a number is an error naming the first row and its
  /// value when `strict`, otherwise NA with one warning (`RunWarnings`)
  /// counting them.
  /// `hint` ends a strict error: how the caller's function turns such values
  /// into NA (`as_number`'s option; nil where the caller has no such option,
  /// as the readers' `types`).
  public func asNumber(strict: Bool = true, hint: String? = Column.strictHint) throws -> Column {
    switch self {
    case .double, .int: return self
    case .bool(let v): return .double(v.map { $0 == Column.naBool ? .nan : Double($0) })
    case .date(let v): return .double(v.map { $0 == Column.naDate ? .nan : Double($0) })
    case .factor(let codes, let levels):
      let parsed = levels.map(Column.parseNumber)
      try Column.reportFailures(
        codes: codes, levels: levels, failed: parsed.map { $0 == nil }, strict: strict, function: "as_number",
        what: "a number", hint: hint)
      let values = parsed.map { $0 ?? .nan }
      return .double(codes.map { $0 < 0 ? Double.nan : values[Int($0)] })
    }
  }

  /// A text read as a number: nil when it is not one; NaN (NA) for "NA",
  /// "NaN" and empty text.
  public static func parseNumber(_ text: String) -> Double? {
    var bytes = Array(text.utf8)
    var start = 0, end = bytes.count
    func space(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
    while start < end, space(bytes[start]) { start += 1 }
    while end > start, space(bytes[end - 1]) { end -= 1 }
    let n = end - start
    if n == 0 { return .nan }
    if n == 2, bytes[start] == UInt8(ascii: "N"), bytes[start + 1] == UInt8(ascii: "A") { return .nan }
    return bytes.withUnsafeMutableBufferPointer { b -> Double? in
      guard let base = b.baseAddress else { return nil }
      return NumberParsing.parseDouble(base + start, n)
    }
  }

  /// Dates from a column: text read in `format` (ISO `YYYY-MM-DD` by
  /// default; `DateFormat` describes the conversions), "NA" and empty text
  /// NA; numbers are days since 1970-01-01 (whole numbers); date columns
  /// are returned as they are.
  ///
  /// Text that is not a date in the format (or a day that does not exist,
  /// 2021-02-29) is an error naming the first row and its value when
  /// `strict`, otherwise NA with one warning.
  public func asDate(
    format: DateFormat? = nil, strict: Bool = true, hint: String? = Column.strictHint
  ) throws -> Column {
    switch self {
    case .date: return self
    case .bool: throw ColumnArgumentError("x", "a string, number or date column expected, got a bool column")
    case .int(let v):
      return .date(try v.enumerated().map { i, d in
        if d == Column.naInt { return Column.naDate }
        guard let day = Int32(exactly: d), day != Column.naDate else { throw Column.badDays(Double(d), row: i) }
        return day
      })
    case .double(let v):
      return .date(try v.enumerated().map { i, d in
        if d.isNaN { return Column.naDate }
        guard let day = Int32(exactly: d), day != Column.naDate else { throw Column.badDays(d, row: i) }
        return day
      })
    case .factor(let codes, let levels):
      let parsed = levels.map { level -> Int32?? in
        if level.isEmpty || level == "NA" { return .some(nil) }
        guard let d = format.map({ $0.parse(level) }) ?? CalendarDate.parseISO(level) else { return nil }
        return .some(d)
      }
      let table = parsed.map { ($0 ?? nil) ?? Column.naDate }
      try Column.reportFailures(
        codes: codes, levels: levels, failed: parsed.map { $0 == nil }, strict: strict, function: "as_date",
        what: "a date in format \(format?.pattern ?? "%Y-%m-%d")", hint: hint)
      return .date(codes.map { $0 < 0 ? Column.naDate : table[Int($0)] })
    }
  }

  static func badDays(_ d: Double, row: Int) -> ColumnArgumentError {
    ColumnArgumentError(
      "x", "row \(row + 1): \(RNumberText.asCharacter(d)) is not a whole number of days since 1970-01-01 "
        + "between -2147483647 and 2147483647")
  }

  /// The error (strict) or warning for the levels that failed to convert,
  /// naming the first row that holds one.
  /// The end of a strict conversion error from `as_number` and `as_date`.
  public static let strictHint = "use {strict = false} to make such values NA"

  static func reportFailures(
    codes: [Int32], levels: [String], failed: [Bool], strict: Bool, function: String, what: String,
    hint: String?
  ) throws {
    guard failed.contains(true) else { return }
    var first: Int?
    var count = 0
    for (i, c) in codes.enumerated() where c >= 0 && failed[Int(c)] {
      if first == nil { first = i }
      count += 1
    }
    guard let row = first else { return }  // only unused levels fail
    let value = quoted(levels[Int(codes[row])])
    if strict {
      throw ColumnArgumentError("x", "row \(row + 1): \(value) is not \(what)" + (hint.map { " (\($0))" } ?? ""))
    }
    let values = count == 1 ? "1 value" : "\(count) values"
    RunWarnings.emit("\(function): \(values) became NA (the first: row \(row + 1), \(value), is not \(what))")
  }

  /// A value as messages quote it, cut at 40 characters.
  static func quoted(_ s: String) -> String {
    "\"" + (s.count > 40 ? String(s.prefix(40)) + "…" : s) + "\""
  }

  /// Text from a column: numbers as R's `as.character` writes them
  /// (`RNumberText`: 15 significant digits, `1e+05`), bools TRUE/FALSE,
  /// dates ISO or in `dateFormat`; NA stays NA; string columns are returned
  /// as they are. Levels are in the order of the values (ascending numbers
  /// and dates, FALSE before TRUE), the order Kaplan groups those columns
  /// in, so a converted column keeps its groups' order.
  public func asString(dateFormat: DateFormat? = nil) throws -> Column {
    if dateFormat != nil, kind != .date {
      throw ColumnArgumentError("format", "a format applies to date columns, got \(kind.columnPhrase)")
    }
    switch self {
    case .factor: return self
    case .bool(let v): return .factor(codes: v.map { $0 == Column.naBool ? -1 : Int32($0) }, levels: ["FALSE", "TRUE"])
    case .int(let v):
      // Distinct ints have distinct texts.
      let distinct = Array(Set(v.lazy.filter { $0 != Column.naInt })).sorted()
      var code: [Int: Int32] = [:]
      code.reserveCapacity(distinct.count)
      for (k, x) in distinct.enumerated() { code[x] = Int32(k) }
      return .factor(codes: v.map { $0 == Column.naInt ? -1 : code[$0] ?? -1 }, levels: distinct.map { String($0) })
    case .date(let v):
      return Column.orderedText(v, missing: Column.naDate) { dateFormat?.format($0) ?? CalendarDate.formatISO($0) }
    case .double(let v):
      // -0 is written "0", as 0; NaN is NA.
      let keys = v.map { $0.isNaN ? Double.nan : $0 + 0.0 }
      var distinct = Array(Set(keys.lazy.filter { !$0.isNaN }.map(\.bitPattern))).map { Double(bitPattern: $0) }
      distinct.sort()
      var code: [UInt64: Int32] = [:]
      for (k, x) in distinct.enumerated() { code[x.bitPattern] = Int32(k) }
      // Distinct doubles with the same 15-digit text are neighbours in
      // ascending order: merge them there, without a dictionary of texts.
      var levels: [String] = []
      levels.reserveCapacity(distinct.count)
      var level = [Int32](repeating: 0, count: distinct.count)
      for (k, x) in distinct.enumerated() {
        let text = RNumberText.asCharacter(x)
        if levels.last != text { levels.append(text) }
        level[k] = Int32(levels.count - 1)
      }
      let codes = keys.map { $0.isNaN ? -1 : code[$0.bitPattern].map { level[Int($0)] } ?? -1 }
      return .factor(codes: codes, levels: levels)
    }
  }

  /// A factor of the distinct values of `v` ascending, written by `text`
  /// (equal texts merge).
  static func orderedText<T: Hashable & Comparable>(_ v: [T], missing: T, _ text: (T) -> String) -> Column {
    let distinct = Array(Set(v.lazy.filter { $0 != missing })).sorted()
    var code: [T: Int32] = [:]
    for (k, x) in distinct.enumerated() { code[x] = Int32(k) }
    let codes = v.map { $0 == missing ? -1 : code[$0] ?? -1 }
    return Column.relabelled(codes: codes, newLevels: distinct.map(text))
  }
}
