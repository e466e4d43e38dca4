import RunControl

/// Missing-value tokens as bytes, matched against a field without making a
/// `String`.
struct MissingTokens {
  let tokens: [[UInt8]]
  let matchesEmpty: Bool

  init(_ set: Set<String>) {
    tokens = set.filter { !$0.isEmpty }.map { Array($0.utf8) }.sorted { $0.count < $1.count }
    matchesEmpty = set.contains("")
  }

  @inline(__always)
  func matches(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    if n == 0 { return matchesEmpty }
    for t in tokens where t.count == n {
      var equal = true
      for k in 0..<n where p[k] != t[k] {
        equal = false
        break
      }
      if equal { return true }
    }
    return false
  }
}

/// Converts the fields of one column to a typed `Column`, by declaration or
/// by inference over all rows: Int → Double → Date → Bool → String.
///
/// A column whose every value is missing is inferred as Double (all NaN).
struct ColumnConverter {
  let base: UnsafePointer<UInt8>
  let tokens: TokenizedCSV
  let index: Int
  let name: String
  let file: String
  let missing: MissingTokens
  let dateFormat: DateFormat?

  var rows: Int { tokens.rowCount }

  @inline(__always)
  func span(_ row: Int) -> UInt64 { tokens.fields[row &* tokens.columnCount &+ index] }

  /// Failure of a value to parse as `expected`.
  func mismatch(_ row: Int, expected: String) -> DatasetError {
    let text = fieldString(row)
    let shown = text.count > 40 ? String(text.prefix(40)) + "..." : text
    return DatasetError.parse(
      file: file, line: tokens.rowLines[row], column: index + 1,
      message: "column '\(name)': expected \(expected), found '\(shown)'")
  }

  /// The field's bytes, with doubled quotes undone.
  func fieldBytes(_ row: Int) -> [UInt8] {
    let f = span(row)
    let start = FieldSpan.start(f), length = FieldSpan.length(f)
    let raw = UnsafeBufferPointer(start: base + start, count: length)
    guard FieldSpan.isEscaped(f) else { return Array(raw) }
    var out: [UInt8] = []
    out.reserveCapacity(length)
    var k = 0
    while k < length {
      out.append(raw[k])
      k += raw[k] == CSVTokenizer.quote ? 2 : 1
    }
    return out
  }

  func fieldString(_ row: Int) -> String { String(decoding: fieldBytes(row), as: UTF8.self) }

  /// Whether a field is missing: unquoted text equal to a missing token, or
  /// an empty quoted field when `""` is a token. Other quoted text is always
  /// a value, so the string "NA" survives a round trip as `"NA"`.
  @inline(__always)
  func isMissing(_ f: UInt64) -> Bool {
    let n = FieldSpan.length(f)
    if FieldSpan.isQuoted(f) { return n == 0 && missing.matchesEmpty }
    return missing.matches(base + FieldSpan.start(f), n)
  }

  // MARK: Per-type parsers. `strict` throws at the first bad value; otherwise
  // they return nil (with the row that failed) so inference can move on.

  /// Int values, or the first row that is not an int. A value of
  /// `Int.min` (the NA code) fails too: declared int, it is an error saying
  /// why; inferred, the column becomes double with a warning (`infer`).
  func ints(strict: Bool) throws -> (values: [Int], failedAt: Int?) {
    // Most columns that are not Int show it in their first value: give up
    // then, before allocating the column.
    if !strict, let first = (0..<rows).first(where: { !isMissing(span($0)) }) {
      let f = span(first)
      if NumberParsing.parseInt(base + FieldSpan.start(f), FieldSpan.length(f)) == nil { return ([], first) }
    }
    var out = [Int](repeating: Column.naInt, count: rows)
    var failedAt: Int?
    tokens.fields.withUnsafeBufferPointer { fields in
      out.withUnsafeMutableBufferPointer { o in
        let stride = tokens.columnCount
        var k = index
        for r in 0..<rows {
          let f = fields[k]
          k &+= stride
          if isMissing(f) { continue }
          if let v = NumberParsing.parseInt(base + FieldSpan.start(f), FieldSpan.length(f)) {
            o[r] = v
          } else {
            failedAt = r
            return
          }
        }
      }
    }
    if let failedAt, strict {
      if holdsIntNACode(failedAt) {
        throw mismatch(failedAt, expected: "int (-9223372036854775808 is the NA code of int columns; declare the "
          + "column double)")
      }
      throw mismatch(failedAt, expected: "int")
    }
    return (out, failedAt)
  }

  /// Doubles, continuing from integer values already parsed in rows before `from`.
  func doubles(strict: Bool, prefix: [Int] = [], from: Int = 0) throws -> [Double]? {
    var out = [Double](repeating: .nan, count: rows)
    // `prefix` is empty when the rows before `from` are all missing.
    for r in 0..<min(from, prefix.count) where prefix[r] != Column.naInt { out[r] = Double(prefix[r]) }
    var failedAt: Int?
    tokens.fields.withUnsafeBufferPointer { fields in
      out.withUnsafeMutableBufferPointer { o in
        let stride = tokens.columnCount
        var k = from &* stride &+ index
        for r in from..<rows {
          let f = fields[k]
          k &+= stride
          if isMissing(f) { continue }
          if let v = NumberParsing.parseDouble(base + FieldSpan.start(f), FieldSpan.length(f)) {
            o[r] = v
          } else {
            failedAt = r
            return
          }
        }
      }
    }
    if let failedAt {
      if strict { throw mismatch(failedAt, expected: "double") }
      return nil
    }
    return out
  }

  func dates(format: DateFormat?, strict: Bool) throws -> [Int32]? {
    var out = [Int32](repeating: Column.naDate, count: rows)
    for r in 0..<rows {
      let f = span(r)
      if isMissing(f) { continue }
      let b = UnsafeBufferPointer(start: base + FieldSpan.start(f), count: FieldSpan.length(f))
      let v = format.map { $0.parse(b) } ?? CalendarDate.parseISO(b)
      if let v {
        out[r] = v
      } else {
        if strict { throw mismatch(r, expected: "date (\(format?.pattern ?? "YYYY-MM-DD"))") }
        return nil
      }
    }
    return out
  }

  func bools(strict: Bool) throws -> [UInt8]? {
    var out = [UInt8](repeating: Column.naBool, count: rows)
    for r in 0..<rows {
      let f = span(r)
      if isMissing(f) { continue }
      let p = base + FieldSpan.start(f), n = FieldSpan.length(f)
      if let v = ColumnConverter.parseBool(p, n) {
        out[r] = v
      } else {
        if strict { throw mismatch(r, expected: "bool (true/false, TRUE/FALSE)") }
        return nil
      }
    }
    return out
  }

  static func parseBool(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt8? {
    let text = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    switch text {
    case "true", "TRUE", "True": return 1
    case "false", "FALSE", "False": return 0
    default: return nil
    }
  }

  /// Bytes one distinct string of a factor costs while a file is read: the
  /// level (16), its dictionary slot at Swift's 3/4 load (about 32) and the
  /// sort and remap arrays (16). A column of millions of distinct short
  /// strings grows about ten times its bytes in the file, so the budget is
  /// asked as the levels double, not only once the dataset is finished
  /// (review of issue 12: a 55 MB file read under --max-memory 100M peaked
  /// at 938 MB before it was refused).
  static let bytesPerLevel = 64
  /// Below this many levels the check is not worth its cost.
  static let levelCheckStart = 1 << 12

  /// Strings as a factor: levels as declared, or the distinct values sorted
  /// by their UTF-8 bytes.
  func factor(declared: [String]?) throws -> Column {
    var codes = [Int32](repeating: -1, count: rows)
    var dictionary: [String: Int32] = [:]
    var levels: [String] = []
    if let declared {
      for (k, level) in declared.enumerated() where dictionary[level] == nil {
        dictionary[level] = Int32(k)
      }
      levels = declared
    }
    for r in 0..<rows {
      let f = span(r)
      if isMissing(f) { continue }
      let bytes = fieldBytes(r)
      let text = String(decoding: bytes, as: UTF8.self)
      if bytes.contains(where: { $0 >= 0x80 }), !text.utf8.elementsEqual(bytes) {
        throw DatasetError.parse(
          file: file, line: tokens.rowLines[r], column: index + 1,
          message: "column '\(name)': invalid UTF-8")
      }
      if let code = dictionary[text] {
        codes[r] = code
      } else if declared != nil {
        throw mismatch(r, expected: "one of the declared levels (\(levels.joined(separator: ", ")))")
      } else {
        let code = Int32(levels.count)
        dictionary[text] = code
        levels.append(text)
        codes[r] = code
        if levels.count >= ColumnConverter.levelCheckStart, levels.count & (levels.count - 1) == 0 {
          // The dictionary is about to double: ask the budget for the next size.
          try MemoryBudget.require(
            count: 2 * levels.count, stride: ColumnConverter.bytesPerLevel,
            for: "column '\(name)' of '\(file)' (more than \(levels.count) distinct strings)")
        }
      }
    }
    if declared == nil {
      let order = levels.indices.sorted { levels[$0].utf8.lexicographicallyPrecedes(levels[$1].utf8) }
      var remap = [Int32](repeating: 0, count: levels.count)
      for (newCode, oldCode) in order.enumerated() { remap[oldCode] = Int32(newCode) }
      for r in 0..<rows where codes[r] >= 0 { codes[r] = remap[Int(codes[r])] }
      levels = order.map { levels[$0] }
    }
    return .factor(codes: codes, levels: levels)
  }

  // MARK: Declared or inferred

  func convert(declared: Column.Kind?, levels: [String]?) throws -> Column {
    switch declared {
    case .int: return .int(try ints(strict: true).values)
    case .double: return .double(try doubles(strict: true) ?? [])  // strict: never nil
    case .date: return .date(try dates(format: dateFormat, strict: true) ?? [])
    case .bool: return .bool(try bools(strict: true) ?? [])
    case .string: return try factor(declared: levels)
    case nil: return try infer()
    }
  }

  func infer() throws -> Column {
    let (intValues, failedAt) = try ints(strict: false)
    guard let failedAt else {
      return allMissing(intValues) ? .double(.init(repeating: .nan, count: rows)) : .int(intValues)
    }
    if let d = try doubles(strict: false, prefix: intValues, from: failedAt) {
      // A column of integers that holds Int.min reads as double: say so
      // (the value is kept exactly; a warning, not a silent change of type).
      if holdsIntNACode(failedAt), d.allSatisfy({ $0.isNaN || $0 == $0.rounded() }) {
        Column.warnIntNA(
          column: name, at: "\(file):\(tokens.rowLines[failedAt]): the value",
          ints: d.lazy.filter { !$0.isNaN && abs($0) < 0x1p63 }.map { Int($0) })
      }
      return .double(d)
    }
    if let d = try dates(format: nil, strict: false) { return .date(d) }
    if let format = dateFormat, let d = try dates(format: format, strict: false) { return .date(d) }
    if let b = try bools(strict: false) { return .bool(b) }
    return try factor(declared: nil)
  }

  /// Whether row `row` holds the integer `Int.min`.
  func holdsIntNACode(_ row: Int) -> Bool {
    let f = span(row)
    return NumberParsing.isIntNACode(base + FieldSpan.start(f), FieldSpan.length(f))
  }

  private func allMissing(_ v: [Int]) -> Bool { !v.contains { $0 != Column.naInt } }
}

