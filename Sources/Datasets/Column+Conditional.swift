/// A value operand whose type does not agree with the ones before it
/// (`if_else(cond, 1, "a")`): `index` is its position among the operands
/// (0-based), `expected` the type of those before it.
public struct OperandTypeMismatch: Error, Equatable, CustomStringConvertible {
  public let index: Int
  public let expected: String
  public let got: String
  public var description: String { "a \(got) value where the values before are \(expected)" }
}

/// Conditional selection among columns and constants: `if_else`,
/// `case_when`, `coalesce` (dplyr's semantics).
///
/// The result's type is the common type of the value operands: int and
/// double mix to double; strings give a string column (levels: those of
/// string columns in operand order, then new constants; sorted when no
/// operand is a string column); NA fits any type; any other mix is an
/// `OperandTypeMismatch` naming the operand. All NA gives a double column.
extension Column {
  /// Row `i` takes operand `choice[i]` (−1: NA). Operands are columns of
  /// `choice.count` rows or constants.
  public static func choosing(_ choice: [Int], among operands: [Operand]) throws -> Column {
    let n = choice.count
    for case .column(let c) in operands where c.count != n {
      throw DatasetError.invalid("a column has \(c.count) rows, expected \(n)")
    }
    var kind: OperandKind?
    for (index, o) in operands.enumerated() {
      let k = OperandKind(o)
      switch (kind, k) {
      case (_, .missing): continue
      case (nil, _): kind = k
      case (.int?, .double), (.double?, .int): kind = .double
      case (let a?, let b) where a == b: break
      case (let a?, let b): throw OperandTypeMismatch(index: index, expected: a.name, got: b.name)
      }
    }
    switch kind ?? .double {
    case .double, .missing:
      let values = operands.map { doubles($0, n) }
      return .double((0..<n).map { choice[$0] < 0 ? .nan : values[choice[$0]][$0] })
    case .int:
      if operands.contains(where: holdsIntNACode) {
        let values = operands.map { doubles($0, n) }
        return .double((0..<n).map { choice[$0] < 0 ? .nan : values[choice[$0]][$0] })
      }
      let values = operands.map { ints($0, n) }
      return .int((0..<n).map { choice[$0] < 0 ? Column.naInt : values[choice[$0]][$0] })
    case .bool:
      let values = operands.map { o -> [UInt8] in
        switch o {
        case .column(.bool(let v)): return v
        case .scalar(.bool(let b)): return [UInt8](repeating: b ? 1 : 0, count: n)
        default: return [UInt8](repeating: Column.naBool, count: n)
        }
      }
      return .bool((0..<n).map { choice[$0] < 0 ? Column.naBool : values[choice[$0]][$0] })
    case .date:
      let values = try operands.map { o in try days(o, n, .equal) ?? [Int32](repeating: Column.naDate, count: n) }
      return .date((0..<n).map { choice[$0] < 0 ? Column.naDate : values[choice[$0]][$0] })
    case .string:
      return chooseLabels(choice, operands)
    }
  }

  private static func chooseLabels(_ choice: [Int], _ operands: [Operand]) -> Column {
    let n = choice.count
    var levels: [String] = []
    var index: [String: Int32] = [:]
    func add(_ l: String) {
      if index[l] == nil {
        index[l] = Int32(levels.count)
        levels.append(l)
      }
    }
    var anyColumn = false
    for case .column(.factor(_, let l)) in operands {
      anyColumn = true
      l.forEach(add)
    }
    for case .scalar(.string(let s)) in operands { add(s) }
    if !anyColumn {
      levels.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      index = [:]
      for (k, l) in levels.enumerated() { index[l] = Int32(k) }
    }
    let codes = operands.map { o -> [Int32] in
      switch o {
      case .column(.factor(let c, let l)):
        let map = l.map { index[$0] ?? -1 }
        return c.map { $0 < 0 ? -1 : map[Int($0)] }
      case .scalar(.string(let s)): return [Int32](repeating: index[s] ?? -1, count: n)
      default: return [Int32](repeating: -1, count: n)
      }
    }
    return .factor(codes: (0..<n).map { choice[$0] < 0 ? -1 : codes[choice[$0]][$0] }, levels: levels)
  }

  /// The truth of a condition operand per row: 1 true, 0 false,
  /// `Column.naBool` NA; nil when it is not a bool column or constant.
  public static func truth(_ o: Operand, _ n: Int) -> [UInt8]? {
    switch o {
    case .column(.bool(let v)): return v
    case .scalar(.bool(let b)): return [UInt8](repeating: b ? 1 : 0, count: n)
    case .scalar(.missing): return [UInt8](repeating: Column.naBool, count: n)
    default: return nil
    }
  }

  /// Whether row `i` of an operand is NA.
  static func operandIsMissing(_ o: Operand, _ i: Int) -> Bool {
    switch o {
    case .column(let c): return c.isMissing(i)
    case .scalar(.missing): return true
    case .scalar(.double(let v)): return v.isNaN
    case .scalar: return false
    }
  }

  /// dplyr's `coalesce`: per row, the first operand that is not NA.
  public static func coalesce(_ operands: [Operand], rows n: Int) throws -> Column {
    let choice = (0..<n).map { i in operands.firstIndex { !operandIsMissing($0, i) } ?? -1 }
    return try choosing(choice, among: operands)
  }
}
