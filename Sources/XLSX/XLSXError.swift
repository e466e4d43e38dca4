/// What can be wrong with a workbook, worded for the script's user. Every
/// case names the part of the archive (or the file, added by `XLSXReader`)
/// and what is wrong; nothing in this module traps on a bad file.
public enum XLSXError: Error, Equatable, CustomStringConvertible {
  /// The file is not a ZIP archive (or a damaged one).
  case notZip(String)
  /// A part the workbook needs is absent.
  case missingPart(String)
  /// A part is not well-formed XML, or not the SpreadsheetML expected.
  case malformed(part: String, message: String)
  /// The sheet asked for does not exist.
  case unknownSheet(String, available: [String])
  /// A `range` or cell reference that is not `A1:D100`.
  case badRange(String)
  /// A part expands to more than the limit (a ZIP bomb).
  case tooLarge(part: String, bytes: UInt64, limit: UInt64)
  /// A cell's value does not fit a declared type, or another value error.
  case value(String)

  public var description: String {
    switch self {
    case .notZip(let m): return "not an .xlsx workbook (\(m))"
    case .missingPart(let p): return "not an .xlsx workbook: the part '\(p)' is missing"
    case .malformed(let p, let m): return "malformed part '\(p)': \(m)"
    case .unknownSheet(let s, let available):
      return "no sheet \(s) (sheets: \(available.map { "'\($0)'" }.joined(separator: ", ")))"
    case .badRange(let m): return m
    case .tooLarge(let p, let bytes, let limit):
      return "the part '\(p)' expands to \(bytes) bytes, more than the \(limit) bytes allowed"
    case .value(let m): return m
    }
  }
}
