import Foundation
import RunControl

/// The parallel path of `CSVReader`: a file whose columns are all numbers,
/// dates or booleans is split into chunks at record boundaries, and the
/// chunks are tokenized and converted on all cores, each writing its rows
/// straight into the final column arrays.
///
/// How (after fread's and polars' designs, not their code):
/// 1. The header and a sample of the first rows are tokenized by
///    `CSVTokenizer`; each column's type comes from the sample (declared
///    types are taken as declared). Declared levels, a sample column with
///    no value, one holding `Int.min`, or a string column of mostly
///    distinct values (an identifier) leaves this path, so those keep the
///    sequential reader's exact behaviour. A string column's chunks code
///    their own levels (`ChunkLevels`), renumbered to the sorted levels of
///    the whole file once every chunk is parsed.
/// 2. Chunk boundaries are guessed at the line break following equal
///    offsets. Each chunk counts its line ends (an upper bound on its rows,
///    exact when no line is blank, a comment or inside quotes), which places
///    its rows in the final arrays without a copy.
/// 3. Each chunk parses its records from its guessed start up to the next
///    chunk's start. The guess is verified: chunk `i` must end exactly where
///    chunk `i+1` starts; chunk 0 starts at a true record start, so by
///    induction every chunk parsed real records. A quoted field holding a
///    line break across a boundary breaks the chain.
/// 4. Anything unexpected — a value that disagrees with the sampled type, a
///    wrong field count, a malformed quote, a broken chain — abandons this
///    path (`nil`), and the sequential reader reads the file again: its
///    inference over all rows is the fallback pass, and its errors name the
///    file, line and column as before. Gaps left by blank or comment lines
///    are closed by moving later chunks' rows down.
enum CSVChunkedReader {
  /// Below this many bytes of data the sequential reader is as fast.
  static let minimumBytes = 1 << 20
  /// Rows tokenized to choose column types.
  static let sampleRows = 1000
  /// Bytes per chunk: a few milliseconds of work, so the cores stay busy
  /// and cancellation is seen promptly.
  static let chunkBytes = 1 << 20
  /// Wider files go sequentially (the column arrays are made by recursion).
  static let maxColumns = 512

  /// A column's type on this path.
  enum Kind: Sendable {
    case int, double, bool
    case date(DateFormat?)
    /// A factor: Int32 codes.
    case string

    var stride: Int {
      switch self {
      case .int: return MemoryLayout<Int>.stride
      case .double: return MemoryLayout<Double>.stride
      case .bool: return 1
      case .date, .string: return MemoryLayout<Int32>.stride
      }
    }
  }

  /// The sampled or declared type of each column, or nil when a column
  /// needs the sequential reader.
  static func kinds(
    sample: TokenizedCSV, base: UnsafePointer<UInt8>, names: [String], file: String, missing: MissingTokens,
    options: CSVOptions
  ) throws -> [Kind]? {
    guard names.count <= maxColumns, sample.rowCount > 0 else { return nil }
    var kinds: [Kind] = []
    for (j, name) in names.enumerated() {
      if options.levels[name] != nil { return nil }
      switch options.columnTypes[name] {
      case .int: kinds.append(.int)
      case .double: kinds.append(.double)
      case .bool: kinds.append(.bool)
      case .date: kinds.append(.date(options.dateFormat))
      case .string: kinds.append(.string)
      case nil:
        let c = ColumnConverter(
          base: base, tokens: sample, index: j, name: name, file: file, missing: missing,
          dateFormat: options.dateFormat)
        let (ints, failedAt) = try c.ints(strict: false)
        guard let failedAt else {
          if !ints.contains(where: { $0 != Column.naInt }) { return nil }
          kinds.append(.int)
          continue
        }
        if c.holdsIntNACode(failedAt) { return nil }
        if try c.doubles(strict: false, prefix: ints, from: failedAt) != nil {
          kinds.append(.double)
        } else if try c.dates(format: nil, strict: false) != nil {
          kinds.append(.date(nil))
        } else if let format = options.dateFormat, try c.dates(format: format, strict: false) != nil {
          kinds.append(.date(format))
        } else if try c.bools(strict: false) != nil {
          kinds.append(.bool)
        } else if case .factor(_, let levels)? = try? c.factor(declared: nil),
          levels.count <= max(sample.rowCount / 4, 64)
        {
          kinds.append(.string)
        } else {
          return nil
        }
      }
    }
    return kinds
  }

  /// Reads the data rows from `dataStart`, or nil when the sequential
  /// reader must (see the type's comment). `mapping`, when the bytes are a
  /// mapped file, gives back the pages each chunk has parsed.
  static func read(
    _ b: UnsafeBufferPointer<UInt8>, dataStart: Int, names: [String], kinds: [Kind], file: String,
    delimiter: UInt8, comment: [UInt8], missing: MissingTokens, chunkBytes: Int, mapping: MappedFile?
  ) throws -> Dataset? {
    guard let base = b.baseAddress, dataStart < b.count else { return nil }
    try Cancellation.check()
    let n = b.count
    let chunkCount = max(1, min((n - dataStart) / max(chunkBytes, 1), 1 << 20))
    // Guessed starts: just past the first line end at or after each offset.
    var starts = [Int](repeating: n, count: chunkCount + 1)
    starts[0] = dataStart
    for i in 1..<max(chunkCount, 1) {
      var pos = max(dataStart + (n - dataStart) / chunkCount * i, starts[i - 1])
      while pos < n, base[pos] != CSVTokenizer.lf, base[pos] != CSVTokenizer.cr { pos += 1 }
      if pos < n, base[pos] == CSVTokenizer.cr { pos += 1 }
      if pos < n, base[pos] == CSVTokenizer.lf { pos += 1 }
      starts[i] = pos
    }
    let poll = KernelPoll()
    let bytes = SharedBytes(base: base, count: n)

    // Pass 1: line ends per chunk, the upper bound on its rows.
    var upper = [Int](repeating: 0, count: chunkCount)
    starts.withUnsafeMutableBufferPointer { s in
      upper.withUnsafeMutableBufferPointer { u in
        guard let sp = s.baseAddress, let up = u.baseAddress else { return }
        let startsShared = SharedPointer(sp), upperShared = SharedPointer(up)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { i in
          if poll.stopRequested() { return }
          upperShared.pointer[i] = countLineEnds(
            bytes, from: startsShared.pointer[i], to: startsShared.pointer[i + 1], isLast: i == chunkCount - 1)
        }
      }
    }
    try poll.throwIfStopped()
    var rowStart = [Int](repeating: 0, count: chunkCount + 1)
    for i in 0..<chunkCount { rowStart[i + 1] = rowStart[i] + upper[i] }
    let capacity = rowStart[chunkCount]
    let rowBytes = kinds.reduce(0) { $0 + $1.stride }
    try MemoryBudget.require(
      count: capacity, stride: rowBytes,
      for: "reading '\(file)' (up to \(capacity) rows of \(kinds.count) columns)")

    var sinks: [UnsafeMutableRawPointer] = []
    var columns = [Column?](repeating: nil, count: kinds.count)
    var levels = [[String]](repeating: [], count: kinds.count)
    let rows = try build(0, kinds, capacity: capacity, sinks: &sinks, columns: &columns) { sinks in
      try parseChunks(
        bytes, starts: starts, rowStart: rowStart, sinks: sinks, kinds: kinds, delimiter: delimiter,
        comment: comment, missing: missing, poll: poll, mapping: mapping, levels: &levels)
    }
    guard rows != nil else { return nil }
    for j in 0..<kinds.count {
      if case .factor(let codes, _) = columns[j] { columns[j] = .factor(codes: codes, levels: levels[j]) }
    }
    return try Dataset(names: names, columns: columns.compactMap { $0 })
  }

  /// Makes column `j`'s array and, inside its initialiser, the next ones;
  /// the innermost level fills them all (`body` returns the row count, or
  /// nil to abandon). Each array is created with its final capacity, and
  /// the parsers write into its storage: no copy.
  private static func build(
    _ j: Int, _ kinds: [Kind], capacity: Int, sinks: inout [UnsafeMutableRawPointer],
    columns: inout [Column?], body: ([UnsafeMutableRawPointer]) throws -> Int?
  ) throws -> Int? {
    if j == kinds.count { return try body(sinks) }
    var rows: Int?
    func fill<T>(_ buffer: inout UnsafeMutableBufferPointer<T>, _ count: inout Int) throws {
      guard let p = buffer.baseAddress else { return }
      sinks.append(UnsafeMutableRawPointer(p))
      rows = try build(j + 1, kinds, capacity: capacity, sinks: &sinks, columns: &columns, body: body)
      count = rows ?? 0
    }
    let size = max(capacity, 1)
    switch kinds[j] {
    case .int:
      let a = try [Int](unsafeUninitializedCapacity: size) { try fill(&$0, &$1) }
      if rows != nil { columns[j] = .int(a) }
    case .double:
      let a = try [Double](unsafeUninitializedCapacity: size) { try fill(&$0, &$1) }
      if rows != nil { columns[j] = .double(a) }
    case .bool:
      let a = try [UInt8](unsafeUninitializedCapacity: size) { try fill(&$0, &$1) }
      if rows != nil { columns[j] = .bool(a) }
    case .date:
      let a = try [Int32](unsafeUninitializedCapacity: size) { try fill(&$0, &$1) }
      if rows != nil { columns[j] = .date(a) }
    case .string:
      // The levels are set once the chunks' levels are merged.
      let a = try [Int32](unsafeUninitializedCapacity: size) { try fill(&$0, &$1) }
      if rows != nil { columns[j] = .factor(codes: a, levels: []) }
    }
    return rows
  }

  /// Record ends in `[from, to)`: LF, CRLF and lone CR each count once; the
  /// last chunk counts a final record without a line end.
  static func countLineEnds(_ bytes: SharedBytes, from: Int, to: Int, isLast: Bool) -> Int {
    let p = bytes.base
    var count = 0
    var i = from
    // Eight bytes at a time (SWAR): in w = word XOR 0x0A0A…, a byte is zero
    // exactly where the word had a line feed; ((w & 0x7F…) + 0x7F…) | w has
    // a byte's high bit clear only for a zero byte (the sum cannot carry
    // into the next byte), so the count is the popcount of the clear high
    // bits. A scalar loop with a byte counter, which the compiler left as a
    // compare and a branch per byte, took 15% of a 10⁷-row read.
    let raw = UnsafeRawPointer(p)
    let feeds: UInt64 = 0x0A0A_0A0A_0A0A_0A0A, low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    while i &+ 8 <= to {
      let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ feeds
      count &+= (~(((w & low) &+ low) | w | low)).nonzeroBitCount
      i &+= 8
    }
    while i < to {
      count &+= p[i] == CSVTokenizer.lf ? 1 : 0
      i &+= 1
    }
    if to > from, memchr(p + from, Int32(CSVTokenizer.cr), to - from) != nil {
      // A CR followed by LF is one end, already counted by the LF.
      i = from
      while i < to {
        if p[i] == CSVTokenizer.cr, i + 1 >= bytes.count || p[i + 1] != CSVTokenizer.lf { count += 1 }
        i += 1
      }
    }
    if isLast, to > from, p[to - 1] != CSVTokenizer.lf, p[to - 1] != CSVTokenizer.cr { count += 1 }
    return count
  }

  /// Per-chunk outcome: rows written, or -1 when the chunk gave up.
  /// `levels[j]` receives string column j's levels.
  private static func parseChunks(
    _ bytes: SharedBytes, starts: [Int], rowStart: [Int], sinks: [UnsafeMutableRawPointer], kinds: [Kind],
    delimiter: UInt8, comment: [UInt8], missing: MissingTokens, poll: KernelPoll, mapping: MappedFile?,
    levels: inout [[String]]
  ) throws -> Int? {
    let chunkCount = starts.count - 1
    var outcome = [Int](repeating: -1, count: chunkCount)
    let parser = ChunkParser(
      bytes: bytes, sinks: sinks, kinds: kinds, delimiter: delimiter, comment: comment, missing: missing)
    let hasStrings = parser.tags.contains(.string)
    // Chunk i's level tables (one per column), written by chunk i only.
    var chunkLevels = [[ChunkLevels]](repeating: [], count: hasStrings ? chunkCount : 0)
    outcome.withUnsafeMutableBufferPointer { o in
    chunkLevels.withUnsafeMutableBufferPointer { l in
      guard let op = o.baseAddress else { return }
      let shared = SharedPointer(op)
      // (An empty array's base address is the shared empty storage: never written.)
      let sharedLevels = hasStrings ? l.baseAddress.map(SharedPointer.init) : nil
      DispatchQueue.concurrentPerform(iterations: chunkCount) { i in
        if poll.stopRequested() { return }
        let end = starts[i + 1]
        var tables = [ChunkLevels](repeating: ChunkLevels(), count: hasStrings ? kinds.count : 0)
        let rows = parser.parse(from: starts[i], to: end, row: rowStart[i], limit: rowStart[i + 1], levels: &tables)
        shared.pointer[i] = rows
        if let sharedLevels { sharedLevels.pointer[i] = tables }
        mapping?.release(from: starts[i], to: end)
      }
    }}
    try poll.throwIfStopped()
    if outcome.contains(where: { $0 < 0 }) { return nil }
    if hasStrings {
      try renumber(
        chunkLevels, rowStart: rowStart, outcome: outcome, sinks: sinks, tags: parser.tags, poll: poll,
        levels: &levels)
    }
    // Close the gaps left by blank and comment lines (rare): move each
    // chunk's rows down to follow the previous chunk's.
    var next = 0
    for i in 0..<chunkCount {
      let rows = outcome[i]
      if rowStart[i] != next, rows > 0 {
        for (j, kind) in kinds.enumerated() {
          let s = kind.stride
          (sinks[j] + next * s).copyMemory(from: sinks[j] + rowStart[i] * s, byteCount: rows * s)
        }
      }
      next += rows
    }
    return next
  }
}

extension CSVChunkedReader {
  /// Merges the chunks' levels of each string column into its sorted
  /// levels, and renumbers every chunk's codes to them (chunks in parallel,
  /// each its own rows; missing values stay −1).
  fileprivate static func renumber(
    _ chunkLevels: [[ChunkLevels]], rowStart: [Int], outcome: [Int], sinks: [UnsafeMutableRawPointer],
    tags: [ChunkParser.Tag], poll: KernelPoll, levels: inout [[String]]
  ) throws {
    for (j, tag) in tags.enumerated() where tag == .string {
      let (merged, remap) = ChunkLevels.merged(chunkLevels.map { $0[j] })
      levels[j] = merged
      let codes = SharedPointer(sinks[j].assumingMemoryBound(to: Int32.self))
      DispatchQueue.concurrentPerform(iterations: outcome.count) { i in
        if poll.stopRequested() { return }
        let table = remap[i]
        // A chunk whose codes are already the final ones (the common case of a few levels) is left alone.
        if table.enumerated().allSatisfy({ Int32($0.offset) == $0.element }) { return }
        table.withUnsafeBufferPointer { t in
          for r in rowStart[i]..<(rowStart[i] + outcome[i]) {
            let c = codes.pointer[r]
            if c >= 0 { codes.pointer[r] = t[Int(c)] }
          }
        }
      }
      try poll.throwIfStopped()
    }
  }
}

/// Tokenizes and converts the records of one chunk (the grammar of
/// `CSVTokenizer`, fused with the conversions of `ColumnConverter`).
struct ChunkParser: @unchecked Sendable {
  enum Tag { case int, double, bool, date, string }

  // Unchecked: the pointers are shared as `CSVChunkedReader`'s rules say
  // (reads of the input; chunk `i` writes only its own rows).
  let bytes: SharedBytes
  let sinks: [UnsafeMutableRawPointer]
  let kinds: [CSVChunkedReader.Kind]
  /// The kinds without their payload: reading one copies no reference
  /// (a `Kind` holds a `DateFormat`, whose copy would retain per field).
  let tags: [Tag]
  let delimiter: UInt8
  let comment: [UInt8]
  let missing: MissingTokens
  /// Bit `k` set when a missing token has `k` bytes (k < 64): most fields
  /// are ruled out without comparing bytes.
  let missingLengths: UInt64

  init(
    bytes: SharedBytes, sinks: [UnsafeMutableRawPointer], kinds: [CSVChunkedReader.Kind], delimiter: UInt8,
    comment: [UInt8], missing: MissingTokens
  ) {
    self.bytes = bytes
    self.sinks = sinks
    self.kinds = kinds
    tags = kinds.map {
      switch $0 {
      case .int: return .int
      case .double: return .double
      case .bool: return .bool
      case .date: return .date
      case .string: return .string
      }
    }
    self.delimiter = delimiter
    self.comment = comment
    self.missing = missing
    var mask: UInt64 = missing.matchesEmpty ? 1 : 0
    for t in missing.tokens { mask |= t.count < 64 ? 1 << UInt64(t.count) : 1 << 63 }
    missingLengths = mask
  }

  /// Parses records starting at `from` until `to`, writing rows from `row`
  /// (below `limit`). Returns the rows written, or -1 when anything
  /// disagrees (the chunk must end exactly at `to`).
  /// `levels[j]` codes string column j's values (the chunk's own codes).
  func parse(from: Int, to: Int, row firstRow: Int, limit: Int, levels: inout [ChunkLevels]) -> Int {
    let p = bytes.base
    let n = bytes.count
    let lf = CSVTokenizer.lf, cr = CSVTokenizer.cr, quote = CSVTokenizer.quote
    let columnCount = kinds.count
    var pos = from
    var row = firstRow
    @inline(__always) func endLine() {
      guard pos < n else { return }
      if p[pos] == cr {
        pos += 1
        if pos < n, p[pos] == lf { pos += 1 }
      } else {
        pos += 1
      }
    }
    while pos < to {
      if !comment.isEmpty, pos + comment.count <= n, isComment(at: pos) {
        while pos < n, p[pos] != lf, p[pos] != cr { pos += 1 }
        endLine()
        continue
      }
      if p[pos] == lf || p[pos] == cr {
        endLine()
        continue
      }
      guard row < limit else { return -1 }
      var j = 0
      while true {
        let start: Int
        let length: Int
        var quoted = false
        var escaped = false
        if pos < n, p[pos] == quote {
          quoted = true
          pos += 1
          start = pos
          while true {
            while pos < n, p[pos] != quote { pos += 1 }
            if pos >= n { return -1 }
            if pos + 1 < n, p[pos + 1] == quote {
              pos += 2
              escaped = true
              continue
            }
            break
          }
          length = pos - start
          pos += 1
          if pos < n, p[pos] != delimiter, p[pos] != lf, p[pos] != cr { return -1 }
        } else {
          if j < columnCount, let next = storeNumber(at: pos, column: j, row: row) {
            // Parsed in place: the common case of a plain number.
            pos = next
            j += 1
            if pos < n, p[pos] == delimiter {
              pos += 1
              continue
            }
            endLine()
            break
          }
          start = pos
          while pos < n {
            let c = p[pos]
            if c == delimiter || c == lf || c == cr { break }
            pos += 1
          }
          length = pos - start
        }
        guard j < columnCount, length <= FieldSpan.maxLength else { return -1 }
        if tags[j] == .string {
          // Doubled quotes are left to the sequential reader.
          guard !escaped, storeString(p + start, length, quoted: quoted, column: j, row: row, levels: &levels)
          else { return -1 }
        } else {
          guard store(p + start, length, quoted: quoted, column: j, row: row) else { return -1 }
        }
        j += 1
        if pos < n, p[pos] == delimiter {
          pos += 1
          continue
        }
        endLine()
        break
      }
      guard j == columnCount else { return -1 }
      row += 1
    }
    return pos == to ? row - firstRow : -1
  }

  @inline(__always)
  private func isComment(at pos: Int) -> Bool {
    for k in 0..<comment.count where bytes.base[pos + k] != comment[k] { return false }
    return true
  }

  /// Parses an unquoted number field at `pos` for an int or double column
  /// `j` and stores it, returning the position after it; nil (nothing
  /// stored) when the field is not a plain number ending at a delimiter or
  /// line end, or could be a missing token: `store` then decides.
  @inline(__always)
  private func storeNumber(at pos: Int, column j: Int, row: Int) -> Int? {
    let p = bytes.base, n = bytes.count
    let end: Int
    switch tags[j] {
    case .double:
      let (value, length) = NumberParsing.scanDouble(p + pos, n - pos)
      guard let value, length > 0, length <= FieldSpan.maxLength else { return nil }
      end = pos + length
      guard end == n || p[end] == delimiter || p[end] == CSVTokenizer.lf || p[end] == CSVTokenizer.cr,
        !mayBeMissing(p + pos, length)
      else { return nil }
      sinks[j].assumingMemoryBound(to: Double.self)[row] = value
    case .int:
      guard let (value, length) = NumberParsing.scanInt(p + pos, n - pos), length <= FieldSpan.maxLength else {
        return nil
      }
      end = pos + length
      guard end == n || p[end] == delimiter || p[end] == CSVTokenizer.lf || p[end] == CSVTokenizer.cr,
        !mayBeMissing(p + pos, length)
      else { return nil }
      sinks[j].assumingMemoryBound(to: Int.self)[row] = value
    default:
      return nil
    }
    return end
  }

  /// Whether unquoted text could be a missing token (and is one).
  @inline(__always)
  private func mayBeMissing(_ f: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    if n < 63, missingLengths & (1 << UInt64(n)) == 0 { return false }
    return missing.matches(f, n)
  }

  /// Codes one field of string column `j` (−1 when missing, as
  /// `ColumnConverter.isMissing`); false when the chunk must give up.
  @inline(__always)
  private func storeString(
    _ f: UnsafePointer<UInt8>, _ n: Int, quoted: Bool, column j: Int, row: Int, levels: inout [ChunkLevels]
  ) -> Bool {
    let out = sinks[j].assumingMemoryBound(to: Int32.self)
    if quoted ? n == 0 && missing.matchesEmpty : mayBeMissing(f, n) {
      out[row] = -1
      return true
    }
    guard let code = levels[j].code(f, n) else { return false }
    out[row] = code
    return true
  }

  /// Converts one field into column `j`, row `row`; false when it does not
  /// parse as the column's type.
  @inline(__always)
  private func store(_ f: UnsafePointer<UInt8>, _ n: Int, quoted: Bool, column j: Int, row: Int) -> Bool {
    let isMissing: Bool
    if quoted {
      isMissing = n == 0 && missing.matchesEmpty
    } else {
      isMissing = mayBeMissing(f, n)
    }
    let sink = sinks[j]
    switch tags[j] {
    case .double:
      let out = sink.assumingMemoryBound(to: Double.self)
      if isMissing {
        out[row] = .nan
      } else {
        guard let v = NumberParsing.parseDouble(f, n) else { return false }
        out[row] = v
      }
    case .int:
      let out = sink.assumingMemoryBound(to: Int.self)
      if isMissing {
        out[row] = Column.naInt
      } else {
        guard let v = NumberParsing.parseInt(f, n) else { return false }
        out[row] = v
      }
    case .bool:
      let out = sink.assumingMemoryBound(to: UInt8.self)
      if isMissing {
        out[row] = Column.naBool
      } else {
        guard let v = ColumnConverter.parseBool(f, n) else { return false }
        out[row] = v
      }
    case .date:
      let out = sink.assumingMemoryBound(to: Int32.self)
      if isMissing {
        out[row] = Column.naDate
      } else {
        guard case .date(let format) = kinds[j] else { return false }
        let b = UnsafeBufferPointer(start: f, count: n)
        guard let v = format.map({ $0.parse(b) }) ?? CalendarDate.parseISO(b) else { return false }
        out[row] = v
      }
    case .string:
      return false
    }
    return true
  }
}
