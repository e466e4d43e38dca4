/// Dense ids of join keys: every right row's key gets an id (equal keys,
/// equal ids), and every left row the id of the equal right key, or -1.
///
/// One key column is coded directly when its values are integers (int,
/// date, bool, or level codes) spread over a range at most a few times the
/// row count (subject ids 1..n): an array indexed by value, no hashing.
/// Otherwise, and for doubles, the words go through a `KeyTable`. Several
/// key columns are coded one by one and their ids combined pairwise
/// (`a * groups(b) + b`, coded again), so a key of any width costs one
/// word per row and column.
struct JoinIndex {
  /// Per left row: the id of its key among the right keys, or -1.
  var left: [Int32]
  /// Per right row: its key's id, or -1 (a missing key that matches nothing).
  var right: [Int32]
  var groups: Int

  /// Ids of one left/right pair of key words. A missing key matches a
  /// missing key when `naMatches` (R's `merge` and dplyr's default).
  static func code(_ l: KeyWords, _ r: KeyWords, naMatches: Bool) throws -> JoinIndex {
    if l.isOrdinal && r.isOrdinal, let direct = directCode(l, r, naMatches: naMatches) { return direct }
    let table = try KeyTable(expected: r.words.count)
    let rightIds = r.words.map { w -> Int32 in
      (w == r.na && !naMatches) ? -1 : table.insert(w)
    }
    // A left NA looks up the right NA word (the two sides' NA words agree
    // for every pair `KeyWords.pair` makes).
    let leftIds = l.words.map { w -> Int32 in
      (w == l.na && !naMatches) ? -1 : table.find(w == l.na ? r.na : w)
    }
    return JoinIndex(left: leftIds, right: rightIds, groups: table.count)
  }

  /// Direct addressing for integer words in a narrow range: a key's id is
  /// its offset from the smallest right key (ids of keys that no right row
  /// has simply have no rows), the missing key the last id; nil when the
  /// range is too wide.
  private static func directCode(_ l: KeyWords, _ r: KeyWords, naMatches: Bool) -> JoinIndex? {
    var low = Int64.max
    var high = Int64.min
    for w in r.words where w != r.na {
      let v = Int64(bitPattern: w)
      if v < low { low = v }
      if v > high { high = v }
    }
    let limit = Swift.max(4 * (r.words.count + 16), 1 << 16)
    let span: Int
    if low > high {
      span = 0
      low = 0
    } else {
      let (width, overflow) = high.subtractingReportingOverflow(low)
      guard !overflow, width < Int64(limit) else { return nil }
      span = Int(width) + 1
    }
    let naId: Int32 = naMatches ? Int32(span) : -1
    func ids(_ k: KeyWords) -> [Int32] {
      k.words.withUnsafeBufferPointer { words in
        [Int32](unsafeUninitializedCapacity: words.count) { out, n in
          for i in 0..<words.count {
            let w = words[i]
            let offset = Int64(bitPattern: w) &- low
            out[i] = w == k.na ? naId : (offset >= 0 && offset < Int64(span) ? Int32(truncatingIfNeeded: offset) : -1)
          }
          n = words.count
        }
      }
    }
    return JoinIndex(left: ids(l), right: ids(r), groups: span + 1)
  }

  /// Ids of several key columns (pairs of words, first key first).
  static func code(_ pairs: [(KeyWords, KeyWords)], naMatches: Bool) throws -> JoinIndex {
    guard let (l0, r0) = pairs.first else {
      throw DatasetError.invalid("a join needs at least one key column")
    }
    var index = try code(l0, r0, naMatches: naMatches)
    for (l, r) in pairs.dropFirst() {
      let next = try code(l, r, naMatches: naMatches)
      index = try combine(index, next)
    }
    return index
  }

  /// The ids of (a, b) pairs: a row matches only when it matches in both.
  private static func combine(_ a: JoinIndex, _ b: JoinIndex) throws -> JoinIndex {
    let width = UInt64(Swift.max(b.groups, 1))
    guard !UInt64(Swift.max(a.groups, 1)).multipliedReportingOverflow(by: width).overflow else {
      throw DatasetError.invalid("the key columns have more than 2^64 combinations")
    }
    let none = UInt64.max
    func words(_ x: [Int32], _ y: [Int32]) -> [UInt64] {
      zip(x, y).map { p, q in p < 0 || q < 0 ? none : UInt64(p) * width + UInt64(q) }
    }
    let l = KeyWords(words: words(a.left, b.left), na: none, isOrdinal: true)
    let r = KeyWords(words: words(a.right, b.right), na: none, isOrdinal: true)
    return try code(l, r, naMatches: false)
  }
}
