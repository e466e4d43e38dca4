import Datasets
import RunControl

/// The non-empty cells of one worksheet (ECMA-376 Part 1, 18.3.1.4 `<c>`),
/// typed, in contiguous arrays: one entry per cell, no object per cell.
///
/// A cell's type comes from its `t` attribute: `s` a shared string, `inlineStr`
/// and `str` (a formula's text result) a string, `b` a boolean, `e` an error
/// (`#N/A`, `#DIV/0!`, ...), `d` an ISO 8601 date, and otherwise (`n`) a
/// number, which is a date when its style `s` has a date format. A formula
/// cell is read as its cached value (`<v>`); a cell with no value is empty.
struct XLSXSheetCells {
  enum Kind: UInt8 {
    case number, date, bool, string, error
  }

  /// 1-based row and column of each cell.
  var rows: [Int32] = []
  var columns: [Int32] = []
  var kinds: [Kind] = []
  /// number: the value; date: days since 1970-01-01 (NaN: no such date,
  /// e.g. serial 60 of the 1900 system); bool: 0 or 1; string and error:
  /// the index in `strings`.
  var values: [Double] = []
  /// The shared strings, then inline strings and error texts.
  var strings: [String]
  /// Cells outside these bounds are not kept (a `range`); 1-based, inclusive.
  let rowLimit: ClosedRange<Int>
  let columnLimit: ClosedRange<Int>
  /// The workbook's date system (for numbers declared as dates).
  let date1904: Bool

  var count: Int { kinds.count }

  /// Bytes per cell kept, for the memory budget.
  static let bytesPerCell = 4 + 4 + 1 + 8 + 8

  /// Reads `bytes`, the worksheet part `part`.
  init(
    bytes: [UInt8], part: String, workbook: XLSXWorkbook, rowLimit: ClosedRange<Int>,
    columnLimit: ClosedRange<Int>
  ) throws {
    strings = workbook.sharedStrings
    self.rowLimit = rowLimit
    self.columnLimit = columnLimit
    date1904 = workbook.date1904
    var parser = XMLPullParser(bytes: bytes, part: part)
    var inData = false
    var row = 0, column = 0
    // The cell being read.
    var cellType: [UInt8] = []
    var style = 0
    var value = ""
    var inValue = false, inInline = false, inText = false, inCell = false
    var phonetic = 0
    var capacity = 0
    while true {
      switch try parser.next() {
      case .done:
        return
      case .start:
        if !inData {
          if parser.nameIs(XMLNames.sheetData) { inData = true }
          continue
        }
        if parser.nameIs(XMLNames.c) {
          inCell = true
          if let r = parser.attributeSpan(XMLNames.r) {
            guard let ref = XLSXCellReference.parse(parser.bytes[r.start..<r.end]) else {
              throw parser.error("bad cell reference '\(parser.string(r))'")
            }
            guard ref.row == row else {
              throw parser.error("cell \(parser.string(r)) is not in its row \(row)")
            }
            column = ref.column
          } else {
            column += 1
          }
          guard column <= XLSXCellReference.maximumColumn else { throw parser.error("more than 16384 columns") }
          // Reused buffers and no String per attribute: this runs once per cell.
          cellType.removeAll(keepingCapacity: true)
          if let t = parser.attributeSpan(XMLNames.t) { cellType.append(contentsOf: parser.bytes[t.start..<t.end]) }
          style = parser.attributeSpan(XMLNames.s).map { Self.digits(parser.bytes[$0.start..<$0.end]) } ?? 0
          value = ""
        } else if parser.nameIs(XMLNames.row) {
          if let r = try parser.attribute(XMLNames.r) {
            guard let n = Int(r), n > row, n <= XLSXCellReference.maximumRow else {
              throw parser.error("bad row number '\(r)' after row \(row)")
            }
            row = n
          } else {
            row += 1
            guard row <= XLSXCellReference.maximumRow else { throw parser.error("more than 1048576 rows") }
          }
          column = 0
          if row & 0x3FF == 0 { try Cancellation.check() }
        } else if inCell {
          if parser.nameIs(XMLNames.v) {
            inValue = true
          } else if parser.nameIs(XMLNames.is) {
            inInline = true
          } else if parser.nameIs(XMLNames.rPh) {
            phonetic += 1
          } else if inInline, parser.nameIs(XMLNames.t) {
            inText = true
          }
        }
      case .end:
        guard inData else { continue }
        if parser.nameIs(XMLNames.sheetData) {
          inData = false
        } else if parser.nameIs(XMLNames.c) {
          inCell = false
          let hasValue = !value.isEmpty || inlineSeen(cellType)
          if hasValue, rowLimit.contains(row), columnLimit.contains(column) {
            if count == capacity {
              capacity = max(1024, capacity * 2)
              try MemoryBudget.require(
                count: capacity, stride: Self.bytesPerCell, for: "the cells of '\(part)' (\(count) so far)")
            }
            try add(row: row, column: column, type: cellType, style: style, text: value, workbook: workbook,
                    parser: parser)
          }
        } else if parser.nameIs(XMLNames.v) {
          inValue = false
        } else if parser.nameIs(XMLNames.is) {
          inInline = false
        } else if parser.nameIs(XMLNames.rPh) {
          phonetic -= 1
        } else if parser.nameIs(XMLNames.t) {
          inText = false
        }
      case .text:
        if inValue || (inText && phonetic == 0) {
          let t = try parser.textValue()
          if value.isEmpty { value = t } else { value += t }
        }
      }
    }
  }

  /// A style index from its digits (-1, no style's date format, when not a number).
  static func digits(_ bytes: ArraySlice<UInt8>) -> Int {
    var n = 0
    for b in bytes {
      guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9"), n < 1 << 40 else { return -1 }
      n = n * 10 + Int(b - UInt8(ascii: "0"))
    }
    return bytes.isEmpty ? -1 : n
  }

  private func inlineSeen(_ type: [UInt8]) -> Bool { type == Self.inlineString }

  static let inlineString = Array("inlineStr".utf8)
  static let typeShared: [UInt8] = [UInt8(ascii: "s")]
  static let typeString = Array("str".utf8)
  static let typeBool: [UInt8] = [UInt8(ascii: "b")]
  static let typeError: [UInt8] = [UInt8(ascii: "e")]
  static let typeDate: [UInt8] = [UInt8(ascii: "d")]
  static let typeNumber: [UInt8] = [UInt8(ascii: "n")]

  private mutating func add(
    row: Int, column: Int, type: [UInt8], style: Int, text: String, workbook: XLSXWorkbook,
    parser: XMLPullParser
  ) throws {
    func here() -> String { "cell \(XLSXCellReference.name(row: row, column: column))" }
    let kind: Kind
    let v: Double
    switch type {
    case Self.typeShared:
      guard let k = Int(text) ?? Int(text.trimmingSpaces), k >= 0, k < workbook.sharedStrings.count else {
        throw parser.error("\(here()): shared string index '\(text)' out of range (the table has "
          + "\(workbook.sharedStrings.count))")
      }
      kind = .string
      v = Double(k)
    case Self.inlineString, Self.typeString:
      kind = .string
      v = Double(strings.count)
      strings.append(text)
    case Self.typeBool:
      let t = text.trimmingSpaces
      guard t == "0" || t == "1" || t == "true" || t == "false" else {
        throw parser.error("\(here()): boolean value '\(text)' is not 0 or 1")
      }
      kind = .bool
      v = t == "1" || t == "true" ? 1 : 0
    case Self.typeError:
      kind = .error
      v = Double(strings.count)
      strings.append(text)
    case Self.typeDate:
      kind = .date
      v = TextDate.days(text).map(Double.init) ?? .nan
    case [], Self.typeNumber:
      guard let number = Double(text) ?? Double(text.trimmingSpaces), number.isFinite else {
        throw parser.error("\(here()): '\(text)' is not a number")
      }
      if style >= 0, style < workbook.dateStyles.count, workbook.dateStyles[style] {
        kind = .date
        v = XLSXDateFormat.days(serial: number, date1904: workbook.date1904).map(Double.init) ?? .nan
      } else {
        kind = .number
        v = number
      }
    default:
      throw parser.error("\(here()): unknown cell type '\(String(decoding: type, as: UTF8.self))'")
    }
    rows.append(Int32(row))
    columns.append(Int32(column))
    kinds.append(kind)
    values.append(v)
  }
}

/// The date part of an ISO 8601 date or date-time (`t="d"` cells).
enum TextDate {
  static func days(_ text: String) -> Int32? {
    let t = text.trimmingSpaces
    return TextValues.date(String(t.prefix(10)))
  }
}

extension String {
  /// Without leading and trailing ASCII white space.
  var trimmingSpaces: String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
      return ""
    }
    return String(self[first...last])
  }
}
