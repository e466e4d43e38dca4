import Foundation
import RunControl

/// Reads delimited text (CSV, TSV) into a `Dataset`.
///
/// A file is memory-mapped (`MappedFile`), not copied. Files of more than a
/// megabyte whose columns are numbers, dates or booleans are read in
/// parallel chunks straight into the column arrays (`CSVChunkedReader`);
/// everything else, and any file that path gives up on, is split into fields
/// once (see `CSVTokenizer`), then each column is converted straight from
/// its bytes: numbers never pass through `String`. Errors are `DatasetError.parse` with the file, the physical line
/// (1-based) and the field number (1-based) of the offending value, and a
/// message naming the column and what was expected; nothing is padded,
/// truncated or guessed.
public enum CSVReader {
  /// Reads the file at `path`. Without a declared delimiter, `.tsv` and
  /// `.tab` files are tab-separated and everything else comma-separated.
  public static func read(path: String, options: CSVOptions = CSVOptions()) throws -> Dataset {
    let mapped = try MappedFile(path: path)
    var options = options
    if options.delimiter == nil {
      let lower = path.lowercased()
      options.delimiter = lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") ? "\t" : ","
    }
    return try read(
      buffer: mapped.bytes, file: path, options: options, chunkBytes: CSVChunkedReader.chunkBytes,
      minimumBytes: CSVChunkedReader.minimumBytes, mapping: mapped)
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
    try bytes.withUnsafeBufferPointer { buffer in
      try read(
        buffer: buffer, file: file, options: options, chunkBytes: CSVChunkedReader.chunkBytes,
        minimumBytes: CSVChunkedReader.minimumBytes, mapping: nil)
    }
  }

  /// Reads `bytes` as `read(bytes:file:options:)` does, but through the
  /// parallel path whatever the size, in chunks of about `chunkBytes` bytes
  /// (at least 1), when the columns allow it. For tests and the fuzzer,
  /// which compare it with the sequential reader on small inputs; the result
  /// is the same dataset or the same error.
  public static func read(
    bytes: [UInt8], file: String = "<data>", options: CSVOptions = CSVOptions(), chunkBytes: Int,
    sampleRows: Int = 1000
  ) throws -> Dataset {
    try bytes.withUnsafeBufferPointer { buffer in
      try read(
        buffer: buffer, file: file, options: options, chunkBytes: max(chunkBytes, 1), minimumBytes: 0,
        mapping: nil, sampleRows: sampleRows)
    }
  }

  /// The reader: the parallel path when the data is at least `minimumBytes`
  /// and its columns allow it, otherwise (or when it gives up) the
  /// sequential one.
  static func read(
    buffer: UnsafeBufferPointer<UInt8>, file: String, options: CSVOptions, chunkBytes: Int, minimumBytes: Int,
    mapping: MappedFile?, sampleRows: Int = CSVChunkedReader.sampleRows
  ) throws -> Dataset {
    let delimiter = try delimiterByte(options.delimiter ?? ",")
    let comment = Array((options.comment ?? "").utf8)
    do {
      let sample = try CSVTokenizer.tokenize(
        buffer, file: file, delimiter: delimiter, skip: options.skip, comment: comment,
        maxRows: buffer.count >= minimumBytes ? max(sampleRows, 1) : Int.max)
      let tokens: TokenizedCSV
      if sample.complete {
        tokens = sample
      } else {
        // A bad header is reported by the sequential reader, after the
        // errors its tokenizer finds first (a wrong field count anywhere).
        if let base = buffer.baseAddress, let names = try? headerNames(sample, base: base, file: file),
          (try? checkDeclared(options, names: names, file: file)) != nil
        {
          let missing = MissingTokens(options.missing)
          if let kinds = try CSVChunkedReader.kinds(
            sample: sample, base: base, names: names, file: file, missing: missing, options: options),
            let d = try CSVChunkedReader.read(
              buffer, dataStart: sample.headerEnd, names: names, kinds: kinds, file: file, delimiter: delimiter,
              comment: comment, missing: missing, chunkBytes: chunkBytes, mapping: mapping)
          {
            return d
          }
        }
        tokens = try CSVTokenizer.tokenize(
          buffer, file: file, delimiter: delimiter, skip: options.skip, comment: comment)
      }
      return try convert(tokens, buffer: buffer, file: file, options: options)
    }
  }

  static func checkDeclared(_ options: CSVOptions, names: [String], file: String) throws {
    for key in Set(options.columnTypes.keys).union(options.levels.keys) where !names.contains(key) {
      throw DatasetError.invalid("\(file): no column '\(key)' for the declared type or levels")
    }
  }

  /// The sequential conversion of tokenized fields, column by column.
  static func convert(
    _ tokens: TokenizedCSV, buffer: UnsafeBufferPointer<UInt8>, file: String, options: CSVOptions
  ) throws -> Dataset {
    do {
      guard let base = buffer.baseAddress else {
        throw DatasetError.parse(file: file, line: 1, column: 1, message: "no header: the file is empty")
      }
      let names = try headerNames(tokens, base: base, file: file)
      try checkDeclared(options, names: names, file: file)
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
