import Foundation
import RunControl

/// Reads delimited text (CSV, TSV) into a `Dataset`.
///
/// The bytes are split into fields once (see `CSVTokenizer`), then each
/// column is converted straight from its bytes: numbers never pass through
/// `String`. Errors are `DatasetError.parse` with the file, the physical line
/// (1-based) and the field number (1-based) of the offending value, and a
/// message naming the column and what was expected; nothing is padded,
/// truncated or guessed.
public enum CSVReader {
  /// Reads the file at `path`. Without a declared delimiter, `.tsv` and
  /// `.tab` files are tab-separated and everything else comma-separated.
  public static func read(path: String, options: CSVOptions = CSVOptions()) throws -> Dataset {
    let bytes = try FileBytes.read(path: path)
    var options = options
    if options.delimiter == nil {
      let lower = path.lowercased()
      options.delimiter = lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") ? "\t" : ","
    }
    return try read(bytes: bytes, file: path, options: options)
  }

  /// Reads `data`; `file` names the source in error messages.
  public static func read(data: Data, file: String = "<data>", options: CSVOptions = CSVOptions())
    throws -> Dataset
  {
    try read(bytes: [UInt8](data), file: file, options: options)
  }

  /// Reads `text`; `file` names the source in error messages.
  public static func read(text: String, file: String = "<text>", options: CSVOptions = CSVOptions())
    throws -> Dataset
  {
    try read(bytes: Array(text.utf8), file: file, options: options)
  }

  /// Reads `bytes` (UTF-8, optionally with a byte-order mark); `file` names
  /// the source in error messages. The delimiter defaults to a comma.
  public static func read(bytes: [UInt8], file: String = "<data>", options: CSVOptions = CSVOptions())
    throws -> Dataset
  {
    let delimiter = try delimiterByte(options.delimiter ?? ",")
    return try bytes.withUnsafeBufferPointer { buffer in
      let tokens = try CSVTokenizer.tokenize(
        buffer, file: file, delimiter: delimiter, skip: options.skip,
        comment: Array((options.comment ?? "").utf8))
      guard let base = buffer.baseAddress else {
        throw DatasetError.parse(file: file, line: 1, column: 1, message: "no header: the file is empty")
      }
      let names = try headerNames(tokens, base: base, file: file)
      for key in Set(options.columnTypes.keys).union(options.levels.keys) where !names.contains(key) {
        throw DatasetError.invalid("\(file): no column '\(key)' for the declared type or levels")
      }
      let missing = MissingTokens(options.missing)
      var columns: [Column] = []
      columns.reserveCapacity(names.count)
      for (j, name) in names.enumerated() {
        // One poll per column: converting a column is a single pass.
        try Cancellation.check()
        var declared = options.columnTypes[name]
        let levels = options.levels[name]
        if levels != nil {
          if let d = declared, d != .string {
            throw DatasetError.invalid(
              "\(file): column '\(name)' has declared levels but declared type \(d.rawValue)")
          }
          declared = .string
        }
        let converter = ColumnConverter(
          base: base, tokens: tokens, index: j, name: name, file: file, missing: missing,
          dateFormat: options.dateFormat)
        columns.append(try converter.convert(declared: declared, levels: levels))
      }
      return try Dataset(names: names, columns: columns)
    }
  }

  static func delimiterByte(_ c: Character) throws -> UInt8 {
    guard let a = c.asciiValue, c != "\"", c != "\n", c != "\r" else {
      throw DatasetError.invalid("delimiter must be one ASCII character other than a quote or line break")
    }
    return a
  }

  static func headerNames(_ tokens: TokenizedCSV, base: UnsafePointer<UInt8>, file: String) throws
    -> [String]
  {
    var names: [String] = []
    var seen: [String: Int] = [:]
    for (j, f) in tokens.header.enumerated() {
      var bytes = Array(UnsafeBufferPointer(start: base + FieldSpan.start(f), count: FieldSpan.length(f)))
      if FieldSpan.isEscaped(f) {
        var out: [UInt8] = []
        var k = 0
        while k < bytes.count {
          out.append(bytes[k])
          k += bytes[k] == CSVTokenizer.quote ? 2 : 1
        }
        bytes = out
      }
      let name = String(decoding: bytes, as: UTF8.self)
      guard name.utf8.elementsEqual(bytes) else {
        throw DatasetError.parse(
          file: file, line: tokens.headerLine, column: j + 1, message: "invalid UTF-8 in the header")
      }
      guard !name.isEmpty else {
        throw DatasetError.parse(
          file: file, line: tokens.headerLine, column: j + 1,
          message: "header field \(j + 1) is empty: every column needs a name")
      }
      if let previous = seen[name] {
        throw DatasetError.parse(
          file: file, line: tokens.headerLine, column: j + 1,
          message: "duplicate column name '\(name)' (fields \(previous + 1) and \(j + 1))")
      }
      seen[name] = j
      names.append(name)
    }
    return names
  }
}

extension Dataset {
  /// Reads a CSV/TSV file; see `CSVReader.read(path:options:)`.
  public static func readCSV(path: String, options: CSVOptions = CSVOptions()) throws -> Dataset {
    try CSVReader.read(path: path, options: options)
  }
}
