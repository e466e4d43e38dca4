import RunControl

/// The byte span of one field: start offset (40 bits), length (22 bits),
/// whether it was quoted (1 bit) and whether doubled quotes occur inside
/// (1 bit), packed in one word so that 10^7 fields cost 80 MB and no
/// allocation each. The span excludes the enclosing quotes.
enum FieldSpan {
  static let maxLength = (1 << 22) - 1

  @inline(__always)
  static func pack(start: Int, length: Int, quoted: Bool, escaped: Bool) -> UInt64 {
    UInt64(start) | UInt64(length) << 40 | (quoted ? 1 << 62 : 0) | (escaped ? 1 << 63 : 0)
  }
  @inline(__always) static func start(_ f: UInt64) -> Int { Int(truncatingIfNeeded: f & 0xFF_FFFF_FFFF) }
  @inline(__always) static func length(_ f: UInt64) -> Int { Int(truncatingIfNeeded: (f >> 40) & 0x3F_FFFF) }
  @inline(__always) static func isQuoted(_ f: UInt64) -> Bool { f & (1 << 62) != 0 }
  @inline(__always) static func isEscaped(_ f: UInt64) -> Bool { f >> 63 != 0 }
}

/// Fields of a delimited file, located but not converted.
struct TokenizedCSV {
  var header: [UInt64] = []
  var headerLine = 0
  /// Row-major spans of the data fields (`rowCount * columnCount`).
  var fields: [UInt64] = []
  /// The physical line (1-based) on which each data row starts.
  var rowLines: [Int] = []
  var columnCount = 0
  var rowCount: Int { rowLines.count }
  /// The offset just past the header row's line break: where data starts.
  var headerEnd = 0
  /// Whether every row of the input was read (false when `maxRows` stopped
  /// the tokenizer early, for a type-inference sample).
  var complete = true
}

/// Splits RFC 4180 text into fields.
///
/// Rules: fields are separated by `delimiter`; rows end at LF, CRLF or a lone
/// CR; a field that starts with `"` runs to the next `"` not doubled, and may
/// hold delimiters and line breaks (`""` inside stands for one quote); after
/// the closing quote only a delimiter or a line end may follow. A quote
/// inside an unquoted field is kept literally. Blank lines are skipped, as
/// are lines starting with the comment prefix. The first row is the header;
/// every later row must have as many fields.
enum CSVTokenizer {
  static let lf = UInt8(ascii: "\n")
  static let cr = UInt8(ascii: "\r")
  static let quote = UInt8(ascii: "\"")

  static func tokenize(
    _ b: UnsafeBufferPointer<UInt8>, file: String, delimiter: UInt8, skip: Int, comment: [UInt8],
    maxRows: Int = Int.max
  ) throws -> TokenizedCSV {
    var result = TokenizedCSV()
    guard let p = b.baseAddress, b.count > 0 else {
      throw DatasetError.parse(file: file, line: 1, column: 1, message: "no header: the file is empty")
    }
    let n = b.count
    var pos = 0
    if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { pos = 3 }
    var line = 1

    @inline(__always) func skipLine() {
      while pos < n, p[pos] != lf, p[pos] != cr { pos += 1 }
      endLine()
    }
    @inline(__always) func endLine() {
      guard pos < n else { return }
      if p[pos] == cr {
        pos += 1
        if pos < n, p[pos] == lf { pos += 1 }
      } else {
        pos += 1
      }
      line += 1
    }

    var skipped = 0
    while skipped < skip, pos < n {
      skipLine()
      skipped += 1
    }

    var fields: [UInt64] = []
    fields.reserveCapacity(min(n / 4 + 16, 1 << 26, maxRows < Int.max / 64 ? 64 * (maxRows + 1) : Int.max))
    var rowLines: [Int] = []
    var columnCount = -1

    while pos < n {
      if rowLines.count >= maxRows {
        result.complete = false
        break
      }
      // A time limit stops a large file: a poll every 65,536 lines (each
      // pass of this loop consumes at least one) and fields (below).
      if line & 0xFFFF == 0 { try Cancellation.check() }
      if !comment.isEmpty, pos + comment.count <= n,
        (0..<comment.count).allSatisfy({ p[pos + $0] == comment[$0] })
      {
        skipLine()
        continue
      }
      if p[pos] == lf || p[pos] == cr {
        endLine()
        continue
      }
      let rowLine = line
      let rowStart = fields.count
      var fieldCount = 0
      while true {
        let start: Int
        let length: Int
        var escaped = false
        var quoted = false
        if pos < n, p[pos] == quote {
          quoted = true
          let openLine = line
          pos += 1
          start = pos
          while true {
            while pos < n, p[pos] != quote {
              if p[pos] == lf || (p[pos] == cr && (pos + 1 == n || p[pos + 1] != lf)) { line += 1 }
              pos += 1
            }
            if pos >= n {
              throw DatasetError.parse(
                file: file, line: openLine, column: fieldCount + 1,
                message: "unterminated quoted field: no closing quote before the end of the file")
            }
            if pos + 1 < n, p[pos + 1] == quote {
              escaped = true
              pos += 2
              continue
            }
            break
          }
          length = pos - start
          pos += 1
          if pos < n, p[pos] != delimiter, p[pos] != lf, p[pos] != cr {
            throw DatasetError.parse(
              file: file, line: line, column: fieldCount + 1,
              message: "unexpected character after a closing quote"
                + " (expected the delimiter or the end of the line)")
          }
        } else {
          start = pos
          while pos < n {
            let c = p[pos]
            if c == delimiter || c == lf || c == cr { break }
            pos += 1
          }
          length = pos - start
        }
        guard length <= FieldSpan.maxLength else {
          throw DatasetError.parse(
            file: file, line: line, column: fieldCount + 1,
            message: "field longer than \(FieldSpan.maxLength) bytes")
        }
        fields.append(FieldSpan.pack(start: start, length: length, quoted: quoted, escaped: escaped))
        fieldCount += 1
        if fields.count & 0xFFFF == 0 { try Cancellation.check() }
        if pos < n, p[pos] == delimiter {
          pos += 1
          continue
        }
        endLine()
        break
      }
      if columnCount < 0 {
        columnCount = fieldCount
        result.header = Array(fields[rowStart...])
        result.headerLine = rowLine
        result.headerEnd = pos
        fields.removeAll(keepingCapacity: true)
      } else if fieldCount != columnCount {
        throw DatasetError.parse(
          file: file, line: rowLine, column: min(fieldCount, columnCount) + 1,
          message: "expected \(columnCount) fields, found \(fieldCount)")
      } else {
        rowLines.append(rowLine)
        if rowLines.count >= 1 << 14, rowLines.count & (rowLines.count - 1) == 0 {
          // The spans about to double, with the file's bytes they point into
          // (8 bytes per field and per row's line number): asked of the
          // memory budget as they grow, not once the dataset is finished.
          try MemoryBudget.require(
            n + 16 * rowLines.count * (columnCount + 1),
            for: "reading '\(file)' (more than \(rowLines.count) rows of \(columnCount) fields)")
        }
      }
    }
    guard columnCount >= 0 else {
      throw DatasetError.parse(
        file: file, line: line, column: 1, message: "no header: the file has only blank or comment lines")
    }
    result.fields = fields
    result.rowLines = rowLines
    result.columnCount = columnCount
    return result
  }
}
