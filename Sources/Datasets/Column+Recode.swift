/// `recode`: values replaced by a mapping old → new (dplyr's `recode`,
/// written out here since R's base has no equivalent).
///
/// The mapping is applied once per distinct value (a level of a string
/// column, a distinct number, FALSE/TRUE), and rows take their value's
/// result: no lookup per row.
extension Column {
  /// The mapping of `recode`: pairs old → new. `ordered` when the caller
  /// gave them in an order (a list of {old, new} pairs) rather than as a
  /// Lua table's keys, which have none.
  public struct Recoding: Sendable {
    public var pairs: [(old: Scalar, new: Scalar)]
    public var ordered: Bool

    public init(pairs: [(old: Scalar, new: Scalar)], ordered: Bool) {
      self.pairs = pairs
      self.ordered = ordered
    }
  }

  /// The column with each value that is an `old` of `recoding` replaced by
  /// its `new`; other values are kept, or replaced by `defaultValue` when
  /// one is given. NA stays NA.
  ///
  /// Old values must be of the column's type (strings for a string column,
  /// numbers for a number column, booleans for a bool column, dates for a
  /// date column). The result's type is that of the new values (and the
  /// default): all strings, all numbers (ints and doubles make doubles), all
  /// booleans or all dates. A kept value must fit that type (an int kept
  /// among doubles becomes a double); otherwise it is an error naming its
  /// first row, so that no value turns into NA unseen.
  ///
  /// Levels of a string result: for a mapping given as a Lua table, in the
  /// order of the column's own values (its levels, or ascending numbers),
  /// each replaced by its new value (equal new values merge at the first);
  /// for a list of pairs, the new values in the order of the pairs first,
  /// then the kept values and the default in the column's order.
  public func recoded(_ recoding: Recoding, defaultValue: Scalar? = nil) throws -> Column {
    guard !recoding.pairs.isEmpty else { throw ColumnArgumentError("map", "the mapping is empty") }
    let source = kind
    var table: [RecodeKey: Scalar] = [:]
    for (i, p) in recoding.pairs.enumerated() {
      let shown = recoding.ordered ? "pair \(i + 1): old value \(p.old.quotedText)" : "key \(p.old.quotedText)"
      guard let key = RecodeKey(p.old, column: source) else {
        throw ColumnArgumentError(
          "map", "\(shown) is \(p.old.kindName), but the column is \(source.rawValue)"
            + (source == .int || source == .double ? " (write number keys as [1] = ...)" : ""))
      }
      guard table[key] == nil else { throw ColumnArgumentError("map", "\(shown) is given twice") }
      table[key] = p.new
    }
    let result = try resultKind(recoding, defaultValue: defaultValue)

    // The distinct values of the column, in its order, and each row's.
    let (codes, count) = distinctCodes()
    var firstRow = [Int](repeating: -1, count: count)
    for (i, c) in codes.enumerated() where c >= 0 && firstRow[Int(c)] < 0 { firstRow[Int(c)] = i }
    var targets: [Scalar] = []
    targets.reserveCapacity(count)
    for k in 0..<count {
      let old: Scalar
      if case .factor(_, let levels) = self { old = .string(levels[k]) } else if firstRow[k] >= 0 {
        old = value(at: firstRow[k])
      } else {
        targets.append(.missing)
        continue
      }
      if let key = RecodeKey(old, column: source), let new = table[key] {
        targets.append(new)
      } else if let defaultValue {
        targets.append(defaultValue)
      } else if Column.fits(old, in: result) {
        targets.append(old)
      } else if firstRow[k] >= 0 {
        throw ColumnArgumentError(
          "map", "row \(firstRow[k] + 1): \(old.quotedText) has no new value and cannot be kept among "
            + "\(result.rawValue) values; map it or give a default")
      } else {
        targets.append(.missing)  // an unused level
      }
    }
    return Column.gathered(
      codes: codes, targets: targets, kind: result, levelOrder: recoding.ordered ? recoding.pairs.map(\.new) : [])
  }

  /// The kind of the new values and the default (int and double both mean
  /// numbers here; `gathered` makes an int column when every value is an
  /// int); a mapping of only NA keeps the column's kind.
  private func resultKind(_ recoding: Recoding, defaultValue: Scalar?) throws -> Kind {
    var result: Kind?
    var seen = "the first new value"
    let values = recoding.pairs.enumerated().map { ($0.element.new, "the new value of \($0.element.old.quotedText)") }
      + (defaultValue.map { [($0, "the default")] } ?? [])
    for (v, what) in values {
      guard let k = v.kind else { continue }
      switch (result, k) {
      case (nil, _):
        result = k
        seen = what
      case (.int?, .double), (.double?, .int): result = .double
      case (let a?, let b) where a == b: break
      case (let a?, _):
        throw ColumnArgumentError(
          what == "the default" ? "default" : "map",
          "\(what) is \(v.kindName) \(v.quotedText), but \(seen) is \(a.valuePhrase); the "
            + "new values must be of one type")
      }
    }
    return result ?? self.kind
  }

  /// Codes of the distinct values in the column's order (string levels,
  /// FALSE/TRUE, ascending numbers and dates) and their number.
  private func distinctCodes() -> (codes: [Int32], count: Int) {
    if case .factor(let c, let l) = self { return (c, l.count) }
    let f = factorized()
    return (f.codes, f.labels.count)
  }

  /// Whether `value` can be kept in a result of `kind`.
  static func fits(_ value: Scalar, in kind: Kind) -> Bool {
    switch (value, kind) {
    case (.missing, _), (.string, .string), (.bool, .bool), (.date, .date), (.double, .double), (.int, .int),
      (.int, .double), (.double, .int):
      return true
    default: return false
    }
  }

  /// The column whose row i is `targets[codes[i]]`, of `kind`; a string
  /// result has its levels in `levelOrder` first, then in target order.
  static func gathered(codes: [Int32], targets: [Scalar], kind: Kind, levelOrder: [Scalar]) -> Column {
    func gather<T>(_ na: T, _ value: (Scalar) -> T?) -> [T] {
      let table = targets.map { value($0) ?? na }
      return codes.map { $0 < 0 ? na : table[Int($0)] }
    }
    switch kind {
    case .double, .int:
      // Ints stay ints unless a double (or Int.min, the int NA code) is among them.
      let allInts = targets.allSatisfy {
        if case .double = $0 { return false }
        if case .int(let i) = $0 { return i != Column.naInt }
        return true
      }
      if allInts { return .int(gather(Column.naInt) { if case .int(let i) = $0 { return i } else { return nil } }) }
      return .double(gather(Double.nan) {
        if case .double(let x) = $0 { return x }
        if case .int(let i) = $0 { return Double(i) }
        return nil
      })
    case .bool:
      return .bool(gather(Column.naBool) { if case .bool(let b) = $0 { return b ? 1 : 0 } else { return nil } })
    case .date:
      return .date(gather(Column.naDate) { if case .date(let d) = $0 { return d } else { return nil } })
    case .string:
      var levels: [String] = []
      var position: [String: Int32] = [:]
      func add(_ s: Scalar) {
        guard case .string(let t) = s, position[t] == nil else { return }
        position[t] = Int32(levels.count)
        levels.append(t)
      }
      levelOrder.forEach(add)
      targets.forEach(add)
      let table = targets.map { s -> Int32 in
        if case .string(let t) = s { return position[t] ?? -1 }
        return -1
      }
      let out = codes.map { $0 < 0 ? -1 : table[Int($0)] }
      // Every new value of a list of pairs is a level, whether or not a row
      // has it (as declared levels); so are the results of unused levels.
      return .factor(codes: out, levels: levels)
    }
  }
}

/// A value of a mapping's old side, matched against the column's values:
/// numbers by value (1 and 1.0 are one key), strings by text.
enum RecodeKey: Hashable {
  case number(UInt64)
  case string(String)
  case bool(Bool)
  case date(Int32)

  /// The key of `s` when it can match a value of a column of `kind`.
  init?(_ s: Scalar, column kind: Column.Kind) {
    switch (s, kind) {
    case (.string(let t), .string): self = .string(t)
    case (.int(let i), .int), (.int(let i), .double): self = .number((Double(i) + 0.0).bitPattern)
    case (.double(let x), .int), (.double(let x), .double):
      guard !x.isNaN else { return nil }
      self = .number((x + 0.0).bitPattern)
    case (.bool(let b), .bool): self = .bool(b)
    case (.date(let d), .date): self = .date(d)
    default: return nil
    }
  }
}

extension Column.Kind {
  /// "a double column", "an int column", as messages name a column's type.
  public var columnPhrase: String { (self == .int ? "an " : "a ") + rawValue + " column" }

  /// "a number", "a string", ... as messages name a value of this kind.
  var valuePhrase: String {
    switch self {
    case .double, .int: return "a number"
    case .string: return "a string"
    case .bool: return "a boolean"
    case .date: return "a date"
    }
  }
}

extension Scalar {
  /// The kind of column that holds this value (nil for NA).
  var kind: Column.Kind? {
    switch self {
    case .missing: return nil
    case .double: return .double
    case .int: return .int
    case .string: return .string
    case .bool: return .bool
    case .date: return .date
    }
  }

  /// "a string", "a number", ... as messages name a value's type.
  var kindName: String {
    switch self {
    case .missing: return "NA"
    case .double, .int: return "a number"
    case .string: return "a string"
    case .bool: return "a boolean"
    case .date: return "a date"
    }
  }

  /// The value as messages show it: strings quoted.
  var quotedText: String {
    if case .string(let s) = self { return Column.quoted(s) }
    if case .double(let x) = self { return RNumberText.asCharacter(x) }
    return description
  }
}
