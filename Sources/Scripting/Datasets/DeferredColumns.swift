import Datasets
import LuaHost
import RunControl

/// Element-wise operations on long double columns that return a deferred
/// column (`LuaColumn(deferred:)`) instead of computing it: a chain such as
/// `d.x:sqrt() * d.y:exp()` or `d.x ^ 2 + d.z % 3` becomes one
/// `FusedExpression`, computed in one pass when the column is first read
/// (by `d:with{}`, `c:sum()`, `c[i]`, ...), so its intermediate columns are
/// never allocated. The values are bit for bit those of the functions one
/// at a time (the same kernels; `FusedExpressionTests`, `DeferredColumnTests`).
///
/// What is deferred: `log` (natural, 10, 2), `log1p`, `exp`, `sqrt`, `abs`,
/// `round`, `floor`, `ceil`, `trunc`, unary `-`, `^`/`pow`,
/// `%` by a number, `+ - * /` and `pmin`/`pmax` when every operand is a
/// double column of at least `minimumRows` rows (or a deferred one) or a
/// number, and at least one is a column. Anything else (int columns, NA,
/// columns of different lengths, wrong types) takes the unfused path,
/// which gives its result types and errors unchanged.
///
/// The warnings come at the call, as unfused: a function that may produce
/// NaN (`log`, `log1p`, `sqrt`) or lose accuracy (`%`) is deferred only over
/// a computed column (a deferred operand is computed first), whose values
/// are counted without computing the function (`FusedExpression.countBelow`,
/// `moduloLossCount`).
///
/// Lua keeps no reference count, so a deferred column read by a second
/// expression (`local a = d.x:sqrt(); local b, c = a * 2, a + 1`) is
/// computed then rather than inlined twice; trees are capped at
/// `maximumNodes` (a loop of `c = c + 1` computes every few steps).
enum DeferredColumns {
  /// Rows below which nothing is deferred: a pass over them fits in cache.
  static let minimumRows = 1 << 14
  static let maximumNodes = 16

  /// An operand of a fused expression.
  enum Piece {
    case expression(FusedExpression, rows: Int, source: LuaColumn)
    case constant(Double)

    var rows: Int? {
      if case .expression(_, let rows, _) = self { return rows }
      return nil
    }
    var fused: FusedExpression {
      switch self {
      case .expression(let e, _, _): return e
      case .constant(let c): return .constant(c)
      }
    }
  }

  /// Argument `index` as a piece: a long double column (its expression, if
  /// deferred and not yet read by another), or a number; nil for anything
  /// else, which then goes the unfused way.
  static func piece(_ call: LuaCall, _ index: Int) -> Piece? {
    guard index <= call.count else { return nil }
    if call.isObject(index, of: LuaColumn.self) {
      guard let c = try? call.object(index, as: LuaColumn.self) else { return nil }
      if let (e, rows) = c.deferredExpression {
        if c.deferredUses == 0 && e.nodeCount < maximumNodes {
          c.deferredUses += 1
          return .expression(e, rows: rows, source: c)
        }
      }
      guard case .double(let v) = c.column, v.count >= minimumRows else { return nil }
      return .expression(.column(v), rows: v.count, source: c)
    }
    guard call.typeName(index) == "number" else { return nil }
    switch try? call.value(index) {
    case .integer(let i)?: return .constant(Double(i))
    case .number(let x)?: return .constant(x)
    default: return nil
    }
  }

  /// Whether argument `index` is a column `piece` takes (no side effect).
  static func isFusableColumn(_ call: LuaCall, _ index: Int) -> Bool {
    guard index <= call.count, call.isObject(index, of: LuaColumn.self),
      let c = try? call.object(index, as: LuaColumn.self)
    else { return false }
    if c.deferredExpression != nil { return true }
    guard case .double(let v) = c.column else { return false }
    return v.count >= minimumRows
  }

  /// The values of a piece's column, computed (for counting warnings).
  static func computed(_ p: Piece) -> [Double]? {
    guard case .expression(let e, _, let source) = p else { return nil }
    if case .column(let v) = e { return v }
    guard case .double(let v) = source.column else { return nil }
    return v
  }

  /// The common rows of pieces (nil unless at least one is a column and
  /// all columns have the same rows).
  static func rows(_ pieces: [Piece]) -> Int? {
    let counts = pieces.compactMap(\.rows)
    guard let n = counts.first, counts.allSatisfy({ $0 == n }) else { return nil }
    return n
  }

  static func result(_ e: FusedExpression, rows: Int, name: String) throws -> [LuaValue] {
    [.object(try LuaColumn(deferred: e, rows: rows, name: name))]
  }

  /// `f` of the column at 1 (a method or the global's x), or nil.
  static func unary(_ call: LuaCall, _ f: ElementwiseFunction, name: String) throws -> [LuaValue]? {
    guard let u = FusedUnary(f), let p = piece(call, 1), let rows = p.rows else { return nil }
    var operand = p.fused
    if let limit = u.nanBelow {
      guard let values = computed(p) else { return nil }
      operand = .column(values)
      ColumnMathFunctions.warnNaNs(name, FusedExpression.countBelow(values, limit))
    }
    return try result(.unary(u, operand), rows: rows, name: name)
  }

  /// `-c`.
  static func negated(_ call: LuaCall) throws -> [LuaValue]? {
    guard let p = piece(call, 1), let rows = p.rows else { return nil }
    return try result(.unary(.negate, p.fused), rows: rows, name: "neg")
  }

  /// `a + b`, `a - b`, `a * b`, `a / b` (the unfused `Column.apply`'s
  /// double path: a constant operand held by the kernel).
  static func arithmetic(_ call: LuaCall, _ op: BinaryOperator) throws -> [LuaValue]? {
    let f: FusedBinary
    switch op {
    case .add: f = .add
    case .subtract: f = .subtract
    case .multiply: f = .multiply
    case .divide: f = .divide
    default: return nil
    }
    guard let a = piece(call, 1), let b = piece(call, 2), let rows = rows([a, b]) else { return nil }
    return try result(.binary(f, a.fused, b.fused), rows: rows, name: op.rawValue)
  }

  /// `a ^ b` as `Column.power`: a constant exponent through its kernels.
  static func power(_ call: LuaCall, name: String) throws -> [LuaValue]? {
    guard let a = piece(call, 1), let b = piece(call, 2), let rows = rows([a, b]) else { return nil }
    let e: FusedExpression
    switch b {
    case .constant(2): e = .unary(.square, a.fused)
    case .constant(let exponent) where a.rows != nil: e = .unary(.power(exponent: exponent), a.fused)
    default: e = .binary(.power, a.fused, b.fused)
    }
    return try result(e, rows: rows, name: name)
  }

  /// `a % d` for a number d, as `Column.modulo`, with its warning.
  static func modulo(_ call: LuaCall) throws -> [LuaValue]? {
    guard let a = piece(call, 1), case .constant(let divisor) = piece(call, 2), let rows = a.rows,
      let values = computed(a)
    else { return nil }
    let loss = FusedExpression.moduloLossCount(values, divisor: divisor)
    if loss > 0 {
      RunWarnings.emit(line: "Warning in %: probable complete loss of accuracy in modulus (\(loss) values)")
    }
    return try result(.unary(.modulo(divisor: divisor), .column(values)), rows: rows, name: "%")
  }

  /// `pmin`/`pmax` of arguments 1...last, folded left as
  /// `Column.parallelExtreme` folds them.
  static func extreme(_ call: LuaCall, last: Int, maximum: Bool, skipNA: Bool, name: String) throws
    -> [LuaValue]?
  {
    guard last >= 2 else { return nil }
    var pieces: [Piece] = []
    for i in 1...last {
      guard let p = piece(call, i) else { return nil }
      pieces.append(p)
    }
    guard let rows = rows(pieces) else { return nil }
    let f: FusedBinary
    switch (maximum, skipNA) {
    case (false, false): f = .min
    case (true, false): f = .max
    case (false, true): f = .minSkippingNA
    case (true, true): f = .maxSkippingNA
    }
    var e = pieces[0].fused
    for p in pieces.dropFirst() { e = .binary(f, e, p.fused) }
    return try result(e, rows: rows, name: name)
  }
}
