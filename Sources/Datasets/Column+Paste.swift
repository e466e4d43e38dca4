#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `paste`: values of columns and constants joined into text, as R's
/// `paste(..., sep)`.
///
/// Each part becomes a code per row into a table of its distinct texts (a
/// string column already is one; numbers, dates and bools are written once
/// per distinct value), and parts are combined pair by pair into codes of
/// the distinct combinations. Text is built once per distinct result, never
/// per row.
extension Column {
  /// The parts joined with `sep` row by row: a string column with levels
  /// sorted (byte order, as `Column(values:)` sorts them). As R's `paste`,
  /// NA is the text "NA" and the result has no NA; numbers are written as
  /// R's `as.character` (`RNumberText`), bools TRUE/FALSE, dates ISO.
  /// Columns must have the same length; constants apply to every row. At
  /// least one part must be a column.
  public static func paste(_ parts: [Operand], sep: String) throws -> Column {
    var rows: Int?
    for (i, p) in parts.enumerated() {
      guard case .column(let c) = p else { continue }
      if let n = rows, c.count != n {
        throw ColumnArgumentError("#\(i + 1)", "columns must have the same length: \(n) rows before, \(c.count) here")
      }
      rows = c.count
    }
    guard let n = rows else { throw DatasetError.invalid("paste: at least one argument must be a column") }
    var codes: [Int32]?
    var texts: [String] = [""]
    for (i, part) in parts.enumerated() {
      let joiner = i == 0 ? "" : sep
      switch part {
      case .scalar(let s):
        let t = pasteText(s)
        texts = texts.map { $0 + joiner + t }
      case .column(let c):
        let (partCodes, partTexts) = c.textTable()
        guard let current = codes else {
          codes = partCodes
          texts = partTexts.map { texts[0] + joiner + $0 }
          continue
        }
        (codes, texts) = combine(current, texts, partCodes, partTexts, joiner: joiner, rows: n)
      }
    }
    guard let finalCodes = codes else { throw DatasetError.invalid("paste: at least one argument must be a column") }
    return sortedFactor(codes: finalCodes, levels: texts)
  }

  /// A scalar as `paste` writes it.
  static func pasteText(_ s: Scalar) -> String {
    switch s {
    case .missing: return "NA"
    case .double(let x): return RNumberText.asCharacter(x)
    default: return s.description
    }
  }

  /// Every row's code into a table of texts (NA is the text "NA", every
  /// code ≥ 0): the column seen as text, each distinct value written once.
  func textTable() -> (codes: [Int32], texts: [String]) {
    switch self {
    case .factor(let c, let l):
      let na = Int32(l.count)
      return (c.map { $0 < 0 ? na : $0 }, l + ["NA"])
    case .bool(let v):
      return (v.map { $0 == Column.naBool ? 2 : Int32($0) }, ["FALSE", "TRUE", "NA"])
    case .int(let v):
      return Column.distinctTexts(v) { $0 == Column.naInt ? "NA" : String($0) }
    case .date(let v):
      return Column.distinctTexts(v) { $0 == Column.naDate ? "NA" : CalendarDate.formatISO($0) }
    case .double(let v):
      // NaN payloads and -0 write as "NA" and "0": key them so.
      let keys = v.map { $0.isNaN ? Double.nan.bitPattern : ($0 + 0.0).bitPattern }
      return Column.distinctTexts(keys) { RNumberText.asCharacter(Double(bitPattern: $0)) }
    }
  }

  /// Codes of the distinct values of `v` in order of first appearance, and
  /// their texts.
  static func distinctTexts<T: Hashable>(_ v: [T], _ text: (T) -> String) -> (codes: [Int32], texts: [String]) {
    var code: [T: Int32] = [:]
    var texts: [String] = []
    var codes = [Int32](repeating: 0, count: v.count)
    for i in 0..<v.count {
      if let c = code[v[i]] {
        codes[i] = c
      } else {
        let c = Int32(texts.count)
        code[v[i]] = c
        texts.append(text(v[i]))
        codes[i] = c
      }
    }
    return (codes, texts)
  }

  /// The pairs (a, b) of two code columns as codes of their distinct
  /// combinations, each text a + joiner + b.
  static func combine(
    _ a: [Int32], _ aTexts: [String], _ b: [Int32], _ bTexts: [String], joiner: String, rows: Int
  ) -> (codes: [Int32], texts: [String]) {
    let width = bTexts.count
    var codes = [Int32](repeating: 0, count: rows)
    var texts: [String] = []
    // A dense table of the combinations when it is not much larger than the
    // rows; a dictionary otherwise.
    let (product, overflow) = aTexts.count.multipliedReportingOverflow(by: width)
    if !overflow, product <= Swift.max(4 * rows, 1024) {
      var table = [Int32](repeating: -1, count: product)
      for i in 0..<rows {
        let key = Int(a[i]) * width + Int(b[i])
        if table[key] < 0 {
          table[key] = Int32(texts.count)
          texts.append(aTexts[Int(a[i])] + joiner + bTexts[Int(b[i])])
        }
        codes[i] = table[key]
      }
      return (codes, texts)
    }
    var table: [Int64: Int32] = [:]
    for i in 0..<rows {
      let key = Int64(a[i]) << 32 | Int64(b[i])
      if let c = table[key] {
        codes[i] = c
      } else {
        let c = Int32(texts.count)
        table[key] = c
        texts.append(aTexts[Int(a[i])] + joiner + bTexts[Int(b[i])])
        codes[i] = c
      }
    }
    return (codes, texts)
  }

  /// A factor from codes into `levels` (texts that may repeat, and need
  /// not all be used): the used texts once each, sorted by their UTF-8 bytes.
  static func sortedFactor(codes: [Int32], levels: [String]) -> Column {
    var used = [Bool](repeating: false, count: levels.count)
    for c in codes where c >= 0 { used[Int(c)] = true }
    // One dictionary: each used text's first level, then an index sort.
    var first: [String: Int32] = [:]
    first.reserveCapacity(levels.count)
    var distinct: [Int] = []
    var id = [Int32](repeating: -1, count: levels.count)
    for k in levels.indices where used[k] {
      if let d = first[levels[k]] {
        id[k] = d
      } else {
        id[k] = Int32(distinct.count)
        first[levels[k]] = Int32(distinct.count)
        distinct.append(k)
      }
    }
    let order = distinct.indices.sorted { utf8Precedes(levels[distinct[$0]], levels[distinct[$1]]) }
    var rank = [Int32](repeating: 0, count: distinct.count)
    for (r, d) in order.enumerated() { rank[d] = Int32(r) }
    let remap = id.map { $0 < 0 ? -1 : rank[Int($0)] }
    return .factor(codes: codes.map { $0 < 0 ? -1 : remap[Int($0)] }, levels: order.map { levels[distinct[$0]] })
  }

  /// Byte order of UTF-8 text, by `memcmp` on the strings' own storage
  /// (`utf8.lexicographicallyPrecedes` compares a byte at a time, several
  /// times slower when hundreds of thousands of levels are sorted).
  static func utf8Precedes(_ a: String, _ b: String) -> Bool {
    let fast = a.utf8.withContiguousStorageIfAvailable { x in
      b.utf8.withContiguousStorageIfAvailable { y in
        let n = Swift.min(x.count, y.count)
        if n > 0, let p = x.baseAddress, let q = y.baseAddress {
          let r = memcmp(p, q, n)
          if r != 0 { return r < 0 }
        }
        return x.count < y.count
      }
    }
    if let fast, let result = fast { return result }
    var a = a, b = b
    return a.withUTF8 { x in
      b.withUTF8 { y in
        let n = Swift.min(x.count, y.count)
        if n > 0, let p = x.baseAddress, let q = y.baseAddress {
          let r = memcmp(p, q, n)
          if r != 0 { return r < 0 }
        }
        return x.count < y.count
      }
    }
  }
}
