import Datasets
import RunControl

/// How `XLSXReader` reads a sheet (readxl's `read_excel` options).
public struct XLSXOptions: Sendable, Equatable {
  public enum Sheet: Sendable, Equatable {
    case name(String)
    /// 1-based position in the workbook.
    case index(Int)
  }

  /// The sheet; nil: the one named in `range`, else the first.
  public var sheet: Sheet?
  /// Cells to read ("A1:D100"); nil: the sheet's used cells.
  public var range: String?
  /// Rows to skip at the top of the sheet before anything is read (leading
  /// empty rows after them are skipped too). Not with `range`.
  public var skip = 0
  /// Whether the first row read holds the column names.
  public var columnNames = true
  /// Columns to keep, in this order.
  public var select: [String]?
  /// At most this many data rows.
  public var maxRows: Int?
  /// Declared column types (as `CSVOptions.columnTypes`).
  public var columnTypes: [String: Column.Kind] = [:]
  /// Declared levels of string columns (as `CSVOptions.levels`).
  public var levels: [String: [String]] = [:]
  /// Text cells read as NA (as read_csv's `missing`).
  public var missing: Set<String> = CSVOptions().missing

  public init() {}
}

/// Reads one sheet of an Excel workbook (.xlsx, Office Open XML
/// SpreadsheetML) into a `Dataset`.
///
/// The file is read whole (its size asked of the memory budget), opened as
/// a ZIP archive (`XLSXArchive`), and its parts parsed with `XMLPullParser`:
/// the workbook (sheets, date system), its relationships, the shared
/// strings, the styles (which cell formats are dates) and the sheet. Cells
/// become typed columns as `XLSXColumns` describes. Every error is an
/// `XLSXError` or `DatasetError` whose text starts with the file's path.
public enum XLSXReader {
  public static func read(path: String, options: XLSXOptions = XLSXOptions()) throws -> Dataset {
    let bytes = try FileBytes.read(path: path)
    return try read(bytes: bytes, file: path, options: options)
  }

  /// The names of the sheets of the workbook at `path`, in order.
  public static func sheets(path: String) throws -> [String] {
    let bytes = try FileBytes.read(path: path)
    do {
      return try XLSXWorkbook(archive: try XLSXArchive(bytes: bytes)).sheets.map(\.name)
    } catch let error as XLSXError {
      throw DatasetError.invalid("\(path): \(error)")
    }
  }

  /// Reads a workbook from `bytes`; `file` names it in messages.
  public static func read(bytes: [UInt8], file: String, options: XLSXOptions = XLSXOptions()) throws -> Dataset {
    do {
      let archive = try XLSXArchive(bytes: bytes)
      let workbook = try XLSXWorkbook(archive: archive)
      let range = try options.range.map(XLSXRange.parse)
      if range != nil, options.skip > 0 {
        throw XLSXError.badRange("give range or skip, not both (range already says where to start)")
      }
      let sheet = try choose(workbook: workbook, options: options, range: range)
      let cells = try XLSXSheetCells(
        bytes: try archive.part(sheet.part), part: sheet.part, workbook: workbook,
        rowLimit: range.map { $0.first.row...$0.last.row } ?? 1...XLSXCellReference.maximumRow,
        columnLimit: range.map { $0.first.column...$0.last.column } ?? 1...XLSXCellReference.maximumColumn)
      return try XLSXColumns(cells: cells, sheet: sheet.name, file: file, options: options, range: range).dataset()
    } catch let error as XLSXError {
      throw DatasetError.invalid("\(file): \(error)")
    }
  }

  static func choose(workbook: XLSXWorkbook, options: XLSXOptions, range: XLSXRange?) throws -> XLSXWorkbook.Sheet {
    let names = workbook.sheets.map(\.name)
    switch options.sheet {
    case .index(let k)?:
      guard k >= 1, k <= workbook.sheets.count else {
        throw XLSXError.unknownSheet("\(k) (the workbook has \(workbook.sheets.count))", available: names)
      }
      if let s = range?.sheet, s != workbook.sheets[k - 1].name {
        throw XLSXError.badRange("range names sheet '\(s)' but sheet = \(k) is '\(workbook.sheets[k - 1].name)'")
      }
      return workbook.sheets[k - 1]
    case .name(let name)?:
      if let s = range?.sheet, s != name {
        throw XLSXError.badRange("range names sheet '\(s)' but sheet = '\(name)'")
      }
      return try named(name, in: workbook)
    case nil:
      if let s = range?.sheet { return try named(s, in: workbook) }
      return workbook.sheets[0]
    }
  }

  private static func named(_ name: String, in workbook: XLSXWorkbook) throws -> XLSXWorkbook.Sheet {
    if let s = workbook.sheets.first(where: { $0.name == name }) { return s }
    // Excel's sheet names are case-insensitive.
    if let s = workbook.sheets.first(where: { $0.name.lowercased() == name.lowercased() }) { return s }
    throw XLSXError.unknownSheet("'\(name)'", available: workbook.sheets.map(\.name))
  }
}
