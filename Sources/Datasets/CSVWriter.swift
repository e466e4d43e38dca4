/// How `CSVWriter` writes a dataset.
public struct CSVWriteOptions: Sendable, Equatable {
  /// The field delimiter (one ASCII character).
  public var delimiter: Character = ","
  /// Text written for a missing value of any type.
  public var missing: String = "NA"
  /// Format of Date columns; ISO `YYYY-MM-DD` when nil.
  public var dateFormat: DateFormat?

  public init(delimiter: Character = ",", missing: String = "NA", dateFormat: DateFormat? = nil) {
    self.delimiter = delimiter
    self.missing = missing
    self.dateFormat = dateFormat
  }
}

/// Writes a `Dataset` as delimited text that `CSVReader` reads back to the
/// same dataset.
///
/// Doubles are written in the shortest form that reads back to the same
/// value, always with a `.` or an exponent so they stay Double (`3.0`,
/// `1e-07`, `Inf`, `-Inf`); ints as integers; bools as `TRUE`/`FALSE`; dates
/// ISO; missing values as `NA`, unquoted. Text is quoted when it holds the
/// delimiter, a quote or a line break, or would read as a missing token
/// (`"NA"`), with quotes doubled. Rows end with LF. The empty string is
/// written `""` and reads back as missing.
///
/// Round-trip limits (the reader infers types): a string column reads back
/// as string only when some value is not a number, date or bool, and its
/// levels come back sorted and only those in use; declare types and levels
/// (`CSVOptions.columnTypes`, `.levels`) to read back any dataset exactly.
/// A column with no non-missing value reads back as Double.
public enum CSVWriter {
  public static func bytes(_ dataset: Dataset, options: CSVWriteOptions = CSVWriteOptions()) throws
    -> [UInt8]
  {
    let delimiter = try CSVReader.delimiterByte(options.delimiter)
    let missing = Array(options.missing.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64 + dataset.rowCount * dataset.columns.count * 8)
    for (j, name) in dataset.names.enumerated() {
      if j > 0 { out.append(delimiter) }
      appendText(name, to: &out, delimiter: delimiter, quoteMissingTokens: false)
    }
    out.append(CSVTokenizer.lf)
    // Factor labels are encoded once per level, not once per row.
    let encodedLevels: [[[UInt8]]] = dataset.columns.map { column in
      guard case .factor(_, let levels) = column else { return [] }
      return levels.map { level in
        var bytes: [UInt8] = []
        appendText(level, to: &bytes, delimiter: delimiter, quoteMissingTokens: true)
        return bytes
      }
    }
    for r in 0..<dataset.rowCount {
      for (j, column) in dataset.columns.enumerated() {
        if j > 0 { out.append(delimiter) }
        switch column {
        case .double(let v):
          if v[r].isNaN { out += missing } else { out += formatDouble(v[r]).utf8 }
        case .int(let v):
          if v[r] == Column.naInt { out += missing } else { out += String(v[r]).utf8 }
        case .factor(let codes, _):
          if codes[r] < 0 { out += missing } else { out += encodedLevels[j][Int(codes[r])] }
        case .bool(let v):
          if v[r] == Column.naBool { out += missing } else { out += (v[r] != 0 ? "TRUE" : "FALSE").utf8 }
        case .date(let v):
          if v[r] == Column.naDate {
            out += missing
          } else {
            out += (options.dateFormat?.format(v[r]) ?? CalendarDate.formatISO(v[r])).utf8
          }
        }
      }
      out.append(CSVTokenizer.lf)
    }
    return out
  }

  /// The dataset as text.
  public static func string(_ dataset: Dataset, options: CSVWriteOptions = CSVWriteOptions()) throws
    -> String
  {
    String(decoding: try bytes(dataset, options: options), as: UTF8.self)
  }

  /// Writes the dataset to `path` (replacing it).
  public static func write(_ dataset: Dataset, path: String, options: CSVWriteOptions = CSVWriteOptions())
    throws
  {
    try FileBytes.write(path: path, bytes: try bytes(dataset, options: options))
  }

  /// Shortest text that reads back as exactly `v`, always recognisably a
  /// Double (Swift's `description` gives the shortest round-tripping digits).
  public static func formatDouble(_ v: Double) -> String {
    if v.isInfinite { return v > 0 ? "Inf" : "-Inf" }
    return v.description
  }

  static let defaultMissingTokens: Set<String> = ["", "NA", "NaN", "."]

  /// UTF-8's byte order mark. The reader drops it at the start of a file, so
  /// a header name that begins with it (read after leading blank lines) is
  /// quoted, or it would be lost when the file is read again.
  static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

  static func appendText(_ text: String, to out: inout [UInt8], delimiter: UInt8, quoteMissingTokens: Bool) {
    let bytes = Array(text.utf8)
    let needsQuotes =
      bytes.isEmpty
      || bytes.contains {
        $0 == delimiter || $0 == CSVTokenizer.quote || $0 == CSVTokenizer.lf || $0 == CSVTokenizer.cr
      }
      || (quoteMissingTokens && defaultMissingTokens.contains(text))
      || bytes.starts(with: byteOrderMark)
    guard needsQuotes else {
      out += bytes
      return
    }
    out.append(CSVTokenizer.quote)
    for b in bytes {
      out.append(b)
      if b == CSVTokenizer.quote { out.append(b) }
    }
    out.append(CSVTokenizer.quote)
  }
}

extension Dataset {
  /// Writes the dataset as CSV; see `CSVWriter`.
  public func writeCSV(path: String, options: CSVWriteOptions = CSVWriteOptions()) throws {
    try CSVWriter.write(self, path: path, options: options)
  }

  /// The dataset as CSV text; see `CSVWriter`.
  public func csvText(options: CSVWriteOptions = CSVWriteOptions()) throws -> String {
    try CSVWriter.string(self, options: options)
  }
}
