import Foundation

/// A1-style cell references and ranges (ECMA-376 Part 1, 18.18.62): columns
/// A..XFD (1..16384), rows 1..1048576, as Excel's limits are.
struct XLSXCellReference: Equatable {
  static let maximumRow = 1_048_576
  static let maximumColumn = 16_384

  let row: Int
  let column: Int

  /// Parses "B7" (letters case-insensitive, optional `$` marks) from bytes.
  static func parse<C: Collection>(_ bytes: C) -> XLSXCellReference? where C.Element == UInt8 {
    var column = 0, row = 0
    var letters = 0, digits = 0
    for b in bytes {
      if b == UInt8(ascii: "$") {
        if digits > 0 { return nil }
        continue
      }
      let upper = b & ~0x20
      if upper >= UInt8(ascii: "A"), upper <= UInt8(ascii: "Z") {
        guard digits == 0, letters < 3 else { return nil }
        column = column * 26 + Int(upper - UInt8(ascii: "A") + 1)
        letters += 1
      } else if b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
        guard letters > 0, digits < 7 else { return nil }
        row = row * 10 + Int(b - UInt8(ascii: "0"))
        digits += 1
      } else {
        return nil
      }
    }
    guard letters > 0, digits > 0, row >= 1, row <= maximumRow, column <= maximumColumn else { return nil }
    return XLSXCellReference(row: row, column: column)
  }

  /// "AB12" of 1-based row and column.
  static func name(row: Int, column: Int) -> String { columnName(column) + String(row) }

  static func columnName(_ column: Int) -> String {
    var n = column
    var out: [Character] = []
    while n > 0 {
      let k = (n - 1) % 26
      out.append(Character(Unicode.Scalar(UInt8(65 + k))))
      n = (n - 1) / 26
    }
    return String(out.reversed())
  }
}

/// A `range` option: "A1:D100", one cell "B2", or with a sheet,
/// "Data!A1:D100" or "'My data'!A1:D100" (as readxl reads it).
struct XLSXRange: Equatable {
  let sheet: String?
  let first: XLSXCellReference
  let last: XLSXCellReference

  static func parse(_ text: String) throws -> XLSXRange {
    func bad(_ why: String) -> XLSXError {
      .badRange("range must be like \"A1:D100\" (optionally \"Sheet!A1:D100\"), got \"\(text)\": \(why)")
    }
    var sheet: String?
    var cells = Substring(text)
    if let bang = text.lastIndex(of: "!") {
      var name = text[..<bang]
      if name.count >= 2, name.hasPrefix("'"), name.hasSuffix("'") {
        name = name.dropFirst().dropLast()
        sheet = name.replacingOccurrences(of: "''", with: "'")
      } else {
        sheet = String(name)
      }
      guard !(sheet ?? "").isEmpty else { throw bad("the sheet name is empty") }
      cells = text[text.index(after: bang)...]
    }
    let parts = cells.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 1 || parts.count == 2 else { throw bad("more than one ':'") }
    guard let a = XLSXCellReference.parse(Array(parts[0].utf8)) else {
      throw bad("'\(parts[0])' is not a cell (columns A to XFD, rows 1 to 1048576)")
    }
    let b: XLSXCellReference
    if parts.count == 2 {
      guard let p = XLSXCellReference.parse(Array(parts[1].utf8)) else {
        throw bad("'\(parts[1])' is not a cell (columns A to XFD, rows 1 to 1048576)")
      }
      b = p
    } else {
      b = a
    }
    guard a.row <= b.row, a.column <= b.column else { throw bad("the first cell must be above and left of the last") }
    return XLSXRange(sheet: sheet, first: a, last: b)
  }
}
