/// String functions of string columns (factors).
///
/// A string column stores each distinct text once (its levels) and a code
/// per row, so a function of the text alone (upper case, a prefix test, a
/// length) is computed once per level and the rows only look their code
/// up: the cost is the number of levels plus one array read per row, and
/// no text is built per row. Results that are strings keep the level order,
/// and levels that become equal ("a" and "A" under `upper`) merge into the
/// first of them.
extension Column {
  /// The codes and levels of a string column; other types are an error
  /// (`ColumnArgumentError` of argument "x").
  public func stringLevels() throws -> (codes: [Int32], levels: [String]) {
    guard case .factor(let codes, let levels) = self else {
      throw ColumnArgumentError("x", "a string column expected, got \(kind.columnPhrase)")
    }
    return (codes, levels)
  }

  /// The string column with level k renamed `newLevels[k]` (one per level);
  /// equal new levels merge, in the order of their first old level.
  public static func relabelled(codes: [Int32], newLevels: [String]) -> Column {
    var position: [String: Int32] = [:]
    var levels: [String] = []
    var remap = [Int32](repeating: -1, count: newLevels.count)
    for (k, l) in newLevels.enumerated() {
      if let p = position[l] {
        remap[k] = p
      } else {
        position[l] = Int32(levels.count)
        remap[k] = Int32(levels.count)
        levels.append(l)
      }
    }
    if levels.count == newLevels.count, remap.enumerated().allSatisfy({ $0.offset == Int($0.element) }) {
      return .factor(codes: codes, levels: levels)
    }
    return .factor(codes: codes.map { $0 < 0 ? -1 : remap[Int($0)] }, levels: levels)
  }

  /// The string column without the levels no row has (a column filtered
  /// from a larger one keeps all of them), the others in their order: work
  /// done per level (a Lua pattern per level) then follows the rows.
  public func droppingUnusedLevels() throws -> Column {
    let (codes, levels) = try stringLevels()
    var used = [Bool](repeating: false, count: levels.count)
    for c in codes where c >= 0 { used[Int(c)] = true }
    if !used.contains(false) { return self }
    var remap = [Int32](repeating: -1, count: levels.count)
    var kept: [String] = []
    for k in levels.indices where used[k] {
      remap[k] = Int32(kept.count)
      kept.append(levels[k])
    }
    return .factor(codes: codes.map { $0 < 0 ? -1 : remap[Int($0)] }, levels: kept)
  }

  /// Each level replaced by `transform(level)` (equal results merge).
  public func mappingLevels(_ transform: (String) throws -> String) throws -> Column {
    let (codes, levels) = try stringLevels()
    return Column.relabelled(codes: codes, newLevels: try levels.map(transform))
  }

  /// A bool column: `test(level)` for each row's level, NA for NA.
  public func testingLevels(_ test: (String) throws -> Bool) throws -> Column {
    let (codes, levels) = try stringLevels()
    let table: [UInt8] = try levels.map { try test($0) ? 1 : 0 }
    return .bool(codes.map { $0 < 0 ? Column.naBool : table[Int($0)] })
  }

  /// Upper case (Unicode's full mapping: "ß" becomes "SS"), as R's `toupper`
  /// for ASCII and accented letters.
  public func uppercased() throws -> Column { try mappingLevels { $0.uppercased() } }

  /// Lower case (Unicode's full mapping), as R's `tolower`.
  public func lowercased() throws -> Column { try mappingLevels { $0.lowercased() } }

  /// Which end `trimmed` removes white space from (R's `trimws(which =)`).
  public enum TrimSide: String, Sendable, CaseIterable {
    case both, left, right
  }

  /// White space (space, tab, line feed, carriage return: R's `trimws`
  /// default `[ \t\r\n]`) removed from `side`.
  public func trimmed(_ side: TrimSide = .both) throws -> Column {
    try mappingLevels { Column.trim($0, side) }
  }

  static func trim(_ s: String, _ side: TrimSide) -> String {
    let bytes = Array(s.utf8)
    func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    var start = 0, end = bytes.count
    if side != .right { while start < end, space(bytes[start]) { start += 1 } }
    if side != .left { while end > start, space(bytes[end - 1]) { end -= 1 } }
    if start == 0, end == bytes.count { return s }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  /// Whether each value starts with `prefix` (plain text, byte for byte).
  public func startsWith(_ prefix: String) throws -> Column {
    let p = Array(prefix.utf8)
    return try testingLevels { $0.utf8.starts(with: p) }
  }

  /// Whether each value ends with `suffix` (plain text, byte for byte).
  public func endsWith(_ suffix: String) throws -> Column {
    let p = Array(suffix.utf8.reversed())
    return try testingLevels { $0.utf8.reversed().starts(with: p) }
  }

  /// Whether each value contains `text` (plain text, byte for byte; the
  /// empty text is in every value).
  public func containsText(_ text: String) throws -> Column {
    let needle = Array(text.utf8)
    return try testingLevels { Column.find(needle, in: Array($0.utf8)) }
  }

  static func find(_ needle: [UInt8], in hay: [UInt8]) -> Bool {
    if needle.isEmpty { return true }
    guard hay.count >= needle.count else { return false }
    for start in 0...(hay.count - needle.count) where hay[start] == needle[0] {
      if hay[start..<(start + needle.count)].elementsEqual(needle) { return true }
    }
    return false
  }

  /// The number of characters (Unicode code points, as R's `nchar`) of each
  /// value; NA for NA.
  public func stringLengths() throws -> Column {
    let (codes, levels) = try stringLevels()
    let table = levels.map { $0.unicodeScalars.count }
    return .int(codes.map { $0 < 0 ? Column.naInt : table[Int($0)] })
  }
}
