/// Key columns as 64-bit words, for hashing (joins, `distinct`) and for
/// grouping: one word per row, equal words for equal values, one fixed word
/// (`na`) for every missing value.
///
/// - int, date, bool: the value's bits (as `Int64`), so that they order as
///   the values do; `isOrdinal` says so.
/// - double: the IEEE bits, with -0.0 as +0.0 and every NaN as one NaN.
/// - string (factor): the level code; a factor key matched against another
///   dataset's factor has its codes translated to the other's levels once
///   (`translated(to:)`), never a string hashed per row.
struct KeyWords {
  var words: [UInt64]
  /// The word of a missing value.
  var na: UInt64
  /// Whether the words are integers (as `Int64`) whose order is the values'.
  var isOrdinal: Bool

  static let doubleNA = Double.nan.bitPattern
  /// The word of a level the other dataset does not have: it matches nothing.
  static let absentLevel = UInt64.max - 1

  init(words: [UInt64], na: UInt64, isOrdinal: Bool) {
    self.words = words
    self.na = na
    self.isOrdinal = isOrdinal
  }

  @inline(__always) static func word(_ x: Double) -> UInt64 {
    x.isNaN ? doubleNA : (x + 0.0).bitPattern
  }

  /// The words of one column, in its own type.
  init(_ column: Column) {
    switch column {
    case .double(let v):
      words = v.map(Self.word)
      na = Self.doubleNA
      isOrdinal = false
    case .int(let v):
      words = v.map { UInt64(bitPattern: Int64($0)) }
      na = UInt64(bitPattern: Int64(Column.naInt))
      isOrdinal = true
    case .date(let v):
      words = v.map { UInt64(bitPattern: Int64($0)) }
      na = UInt64(bitPattern: Int64(Column.naDate))
      isOrdinal = true
    case .bool(let v):
      words = v.map { UInt64($0) }
      na = UInt64(Column.naBool)
      isOrdinal = true
    case .factor(let codes, _):
      words = codes.map { UInt64(bitPattern: Int64($0)) }
      na = UInt64(bitPattern: -1)
      isOrdinal = true
    }
  }

  /// Doubles' words for an int column (a key joined with a double key).
  init(doublesOf column: Column) {
    self.init(.double(column.asDoubles()))
  }

  /// The words of factor `codes` (levels `from`) expressed in the codes of
  /// `to`: a level that `to` lacks becomes `absentLevel`.
  init(codes: [Int32], from: [String], to: [String]) {
    var position: [String: Int64] = [:]
    position.reserveCapacity(to.count)
    for (k, level) in to.enumerated() where position[level] == nil { position[level] = Int64(k) }
    let map = from.map { level in position[level].map { UInt64(bitPattern: $0) } ?? Self.absentLevel }
    words = codes.map { $0 < 0 ? UInt64(bitPattern: -1) : map[Int($0)] }
    na = UInt64(bitPattern: -1)
    // `absentLevel` is -2 as an Int64: below every code, so it is ordinal too.
    isOrdinal = true
  }
}

/// The pair of key columns of a join as words in one code space, or why
/// they cannot be compared.
enum KeyPairError: Error {
  case kinds(Column.Kind, Column.Kind)
}

extension KeyWords {
  /// Words of the left and right key columns that compare across the two:
  /// int with double as numbers; strings by level text; other kinds must
  /// be equal.
  static func pair(_ left: Column, _ right: Column) throws -> (left: KeyWords, right: KeyWords) {
    switch (left, right) {
    case (.int, .double), (.double, .int):
      return (KeyWords(doublesOf: left), KeyWords(doublesOf: right))
    case (.factor(let lc, let ll), .factor(_, let rl)):
      return (KeyWords(codes: lc, from: ll, to: rl), KeyWords(right))
    default:
      guard left.kind == right.kind else { throw KeyPairError.kinds(left.kind, right.kind) }
      return (KeyWords(left), KeyWords(right))
    }
  }
}
