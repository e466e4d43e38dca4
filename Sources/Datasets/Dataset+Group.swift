import RunControl

/// The groups of a dataset by key columns, numbered in sorted key order
/// (dplyr's `group_by`: strings in level order, bools FALSE before TRUE,
/// numbers and dates ascending, a missing key after every value).
public struct Grouping: Sendable {
  /// Per row: its group, 0..<count.
  public let codes: [Int32]
  public let count: Int
  /// Per group: its first row (the row whose key values name the group).
  public let firstRows: [Int]
}

extension Dataset {
  /// The groups of the rows by `keys` (none: one group of every row, even
  /// of no rows, as an ungrouped summary has one row).
  public func grouping(by keys: [String]) throws -> Grouping {
    if keys.isEmpty {
      return Grouping(codes: [Int32](repeating: 0, count: rowCount), count: 1, firstRows: [0])
    }
    try MemoryBudget.require(count: rowCount, stride: 4 * 3, for: "the groups of \(rowCount) rows")
    var ranks: SortedCodes?
    for name in keys {
      let next = try SortedCodes(try column(named: name))
      ranks = try ranks.map { try $0.combined(with: next) } ?? next
      try Cancellation.check()
    }
    let codes = ranks?.codes ?? []
    let count = ranks?.count ?? 0
    var first = [Int](repeating: -1, count: count)
    var found = 0
    for (i, c) in codes.enumerated() where first[Int(c)] < 0 {
      first[Int(c)] = i
      found += 1
      if found == count { break }
    }
    return Grouping(codes: codes, count: count, firstRows: first)
  }
}

/// Codes 0..<count of a column's rows in the sorted order of their values,
/// NA last; only values that occur get a code.
struct SortedCodes {
  var codes: [Int32]
  var count: Int

  init(codes: [Int32], count: Int) {
    self.codes = codes
    self.count = count
  }

  init(_ column: Column) throws {
    switch column {
    case .factor(let c, let levels):
      self = Self.compact(c.map { $0 < 0 ? Int64(levels.count) : Int64($0) }, span: levels.count + 1)
    case .bool(let v):
      self = Self.compact(v.map { $0 == Column.naBool ? 2 : Int64($0) }, span: 3)
    case .int(let v):
      self = try v.withUnsafeBufferPointer { try Self.integers($0, na: Column.naInt) }
    case .date(let v):
      self = try v.withUnsafeBufferPointer { try Self.integers($0, na: Column.naDate) }
    case .double(let v):
      self = try Self.doubles(v)
    }
  }

  /// Codes of values 0..<span: a presence table, ranks by prefix count.
  static func compact(_ values: [Int64], span: Int) -> SortedCodes {
    var rank = [Int32](repeating: -1, count: span)
    for v in values { rank[Int(v)] = 0 }
    var next: Int32 = 0
    for k in 0..<span where rank[k] == 0 {
      rank[k] = next
      next += 1
    }
    return rank.withUnsafeBufferPointer { r in
      SortedCodes(codes: values.map { r[Int($0)] }, count: Int(next))
    }
  }

  /// Integers (int, date): directly when their range is narrow (three
  /// passes over the column, no hashing), else by hashing the distinct
  /// values and sorting only those.
  static func integers<T: FixedWidthInteger>(_ v: UnsafeBufferPointer<T>, na: T) throws -> SortedCodes {
    var low = T.max
    var high = T.min
    for x in v where x != na {
      if x < low { low = x }
      if x > high { high = x }
    }
    if low > high { return SortedCodes(codes: [Int32](repeating: 0, count: v.count), count: v.isEmpty ? 0 : 1) }
    let limit = Int64(Swift.max(2 * v.count, 1 << 16))
    let width = Int64(exactly: high).flatMap { h in Int64(exactly: low).map { h.subtractingReportingOverflow($0) } }
    guard let (w, overflow) = width, !overflow, w < limit else {
      let words = v.map { UInt64(bitPattern: Int64($0)) }
      return try hashed(words, na: UInt64(bitPattern: Int64(na))) { Int64(bitPattern: $0) < Int64(bitPattern: $1) }
    }
    let span = Int(w) + 2  // the last slot is NA
    var rank = [Int32](repeating: -1, count: span)
    var count: Int32 = 0
    let codes = rank.withUnsafeMutableBufferPointer { r -> [Int32] in
      let base = Int64(low)
      for x in v { r[x == na ? span - 1 : Int(Int64(x) &- base)] = 0 }
      for k in 0..<span where r[k] == 0 {
        r[k] = count
        count += 1
      }
      return [Int32](unsafeUninitializedCapacity: v.count) { out, n in
        for i in 0..<v.count {
          let x = v[i]
          out[i] = r[x == na ? span - 1 : Int(Int64(x) &- base)]
        }
        n = v.count
      }
    }
    return SortedCodes(codes: codes, count: Int(count))
  }

  static func doubles(_ v: [Double]) throws -> SortedCodes {
    let words = v.map(KeyWords.word)
    return try hashed(words, na: KeyWords.doubleNA) { Double(bitPattern: $0) < Double(bitPattern: $1) }
  }

  /// Distinct words by hashing, then ranked by `less` (NA after all).
  static func hashed(_ words: [UInt64], na: UInt64, less: (UInt64, UInt64) -> Bool) throws -> SortedCodes {
    let table = try KeyTable(expected: words.count)
    var distinct: [UInt64] = []
    let ids = words.map { w -> Int32 in
      let before = table.count
      let id = table.insert(w)
      if table.count > before { distinct.append(w) }
      return id
    }
    let order = distinct.indices.sorted { a, b in
      let x = distinct[a], y = distinct[b]
      if x == na { return false }
      if y == na { return true }
      return less(x, y)
    }
    var rank = [Int32](repeating: 0, count: distinct.count)
    for (r, id) in order.enumerated() { rank[id] = Int32(r) }
    return SortedCodes(codes: ids.map { rank[Int($0)] }, count: distinct.count)
  }

  /// Codes of the pairs (self, other), ordered by self first.
  func combined(with other: SortedCodes) throws -> SortedCodes {
    let width = Int64(Swift.max(other.count, 1))
    let (span, overflow) = Int64(count).multipliedReportingOverflow(by: width)
    let words = zip(codes, other.codes).map { a, b in Int64(a) * width + Int64(b) }
    if !overflow && span <= Int64(Swift.max(2 * codes.count, 1 << 16)) {
      return Self.compact(words, span: Int(span))
    }
    return try Self.hashed(words.map { UInt64(bitPattern: $0) }, na: UInt64.max) { $0 < $1 }
  }
}
