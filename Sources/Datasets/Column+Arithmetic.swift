import RunControl

/// An operand of element-wise column operations: a column, or a constant
/// broadcast to every row.
public enum Operand: Sendable {
  case column(Column)
  case scalar(Scalar)
}

/// Element-wise binary operators on columns.
public enum BinaryOperator: String, Sendable, CaseIterable {
  case add = "+", subtract = "-", multiply = "*", divide = "/"
  case equal = "==", notEqual = "~=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
  case and = "and", or = "or"

  var isArithmetic: Bool { [.add, .subtract, .multiply, .divide].contains(self) }
  var isComparison: Bool { [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(self) }
  var isOrdering: Bool { [.less, .lessEqual, .greater, .greaterEqual].contains(self) }
}

/// Days in a month and a year for `monthsBetween` / `yearsBetween`: the mean
/// Gregorian month (365.25 / 12) and the Julian year.
public enum DateUnits {
  public static let daysPerMonth = 30.4375
  public static let daysPerYear = 365.25
}

extension Column {
  /// `lhs op rhs` row by row; a missing value on either side gives a missing
  /// result, except `and`/`or`, which use three-valued logic (R's `&`, `|`):
  /// `NA and false` is false, `NA or true` is true.
  ///
  /// Types: Int ± * Int is Int, `/` and any Double operand
  /// give Double; Bool counts as Int 0/1 in arithmetic. Date − Date is Int
  /// days; Date ± Int (or whole Double) days is a Date. Comparisons give
  /// Bool: numbers numerically, dates by day (a string scalar compared with a
  /// Date column is read as ISO `YYYY-MM-DD`), strings (factors) only with
  /// `==`/`~=`, by label. Columns must have equal lengths; at least one
  /// operand must be a column.
  ///
  /// Where R gives NA for an integer overflow (with a warning), Kaplan
  /// never turns a value into NA: an Int result that overflows, or would be
  /// `Int.min` (the NA code of int columns), makes the whole result Double,
  /// with a warning (`RunWarnings`). An Int scalar operand of `Int.min`
  /// (`math.mininteger`) is computed and compared as the double −2^63.
  public static func apply(_ op: BinaryOperator, _ lhs: Operand, _ rhs: Operand) throws -> Column {
    let n: Int
    switch (lhs, rhs) {
    case (.column(let a), .column(let b)):
      guard a.count == b.count else {
        throw DatasetError.invalid("'\(op.rawValue)': columns have different lengths (\(a.count) and \(b.count))")
      }
      n = a.count
    case (.column(let a), .scalar), (.scalar, .column(let a)): n = a.count
    case (.scalar, .scalar):
      throw DatasetError.invalid("'\(op.rawValue)': at least one operand must be a column")
    }
    if op == .and || op == .or { return try logical(op, lhs, rhs, n) }
    let lk = OperandKind(lhs), rk = OperandKind(rhs)
    if lk == .date || rk == .date { return try dateOperation(op, lhs, rhs, n, lk, rk) }
    if op.isComparison, lk == .string || rk == .string { return try compareLabels(op, lhs, rhs, n) }
    guard lk.isNumeric, rk.isNumeric else {
      throw DatasetError.invalid("'\(op.rawValue)' is not defined for \(lk.name) and \(rk.name)")
    }
    if op.isComparison { return compareNumbers(op, lhs, rhs, n) }
    if lk != .double, rk != .double, op != .divide, !holdsIntNACode(lhs), !holdsIntNACode(rhs) {
      let a = ints(lhs, n), b = ints(rhs, n)
      var out = [Int](repeating: Column.naInt, count: n)
      var overflowRow: Int?
      for i in 0..<n where a[i] != Column.naInt && b[i] != Column.naInt {
        let (v, overflow): (Int, Bool)
        switch op {
        case .add: (v, overflow) = a[i].addingReportingOverflow(b[i])
        case .subtract: (v, overflow) = a[i].subtractingReportingOverflow(b[i])
        default: (v, overflow) = a[i].multipliedReportingOverflow(by: b[i])
        }
        if overflow || v == Column.naInt {
          overflowRow = i
          break
        }
        out[i] = v
      }
      guard let row = overflowRow else { return .int(out) }
      RunWarnings.emit(
        "'\(op.rawValue)': the integer result in row \(row + 1) does not fit an int column "
          + "(beyond ±9223372036854775807), so the result is computed as double")
    }
    // One pass on all cores, a constant operand held by the kernel.
    switch op {
    case .add: return .double(ElementwiseKernel.combine(lhs, rhs, n, AddKernel()))
    case .subtract: return .double(ElementwiseKernel.combine(lhs, rhs, n, SubtractKernel()))
    case .multiply: return .double(ElementwiseKernel.combine(lhs, rhs, n, MultiplyKernel()))
    default: return .double(ElementwiseKernel.combine(lhs, rhs, n, DivideKernel()))
    }
  }

  /// Logical negation; NA stays NA.
  public func not() throws -> Column {
    guard case .bool(let v) = self else {
      throw DatasetError.invalid("'not' needs a bool column, got \(kind.rawValue)")
    }
    return .bool(v.map { $0 == Column.naBool ? $0 : 1 - $0 })
  }

  /// Arithmetic negation of an int or double column; NA stays NA.
  public func negated() throws -> Column {
    switch self {
    case .double(let v): return .double(ElementwiseKernel.map(v, NegateKernel()).values)
    case .int(let v): return .int(v.map { $0 == Column.naInt ? $0 : -$0 })
    default: throw DatasetError.invalid("unary '-' needs a numeric column, got \(kind.rawValue)")
    }
  }

  /// (b − a) / 30.4375: months from date `a` to date `b` as Double.
  public static func monthsBetween(_ a: Operand, _ b: Operand) throws -> Column {
    try scaledDays(a, b, DateUnits.daysPerMonth)
  }

  /// (b − a) / 365.25: years from date `a` to date `b` as Double.
  public static func yearsBetween(_ a: Operand, _ b: Operand) throws -> Column {
    try scaledDays(a, b, DateUnits.daysPerYear)
  }

  /// The caller names itself in messages (`months_between: two dates expected ...`).
  static func scaledDays(_ a: Operand, _ b: Operand, _ unit: Double) throws -> Column {
    guard OperandKind(a) == .date || OperandKind(a) == .string,
      OperandKind(b) == .date || OperandKind(b) == .string
    else { throw DatasetError.invalid("two dates expected (dates, date columns or ISO date texts)") }
    let days = try apply(.subtract, b, a)
    guard case .int(let d) = days else {
      throw DatasetError.invalid("two dates expected (dates, date columns or ISO date texts)")
    }
    return .double(d.map { $0 == Column.naInt ? .nan : Double($0) / unit })
  }

  // MARK: Operand views

  enum OperandKind: Equatable {
    case int, double, bool, string, date, missing
    init(_ o: Operand) {
      switch o {
      case .column(let c):
        switch c {
        case .int: self = .int
        case .double: self = .double
        case .bool: self = .bool
        case .factor: self = .string
        case .date: self = .date
        }
      case .scalar(let s):
        switch s {
        case .int: self = .int
        case .double: self = .double
        case .bool: self = .bool
        case .string: self = .string
        case .date: self = .date
        case .missing: self = .missing
        }
      }
    }
    var isNumeric: Bool { self == .int || self == .double || self == .bool || self == .missing }
    var name: String {
      switch self {
      case .int: return "int"
      case .double: return "double"
      case .bool: return "bool"
      case .string: return "string"
      case .date: return "date"
      case .missing: return "NA"
      }
    }
  }

  /// Whether `o` is the Int scalar `Int.min`, which `ints` would read as NA.
  static func holdsIntNACode(_ o: Operand) -> Bool {
    if case .scalar(.int(Column.naInt)) = o { return true }
    return false
  }

  static func ints(_ o: Operand, _ n: Int) -> [Int] {
    switch o {
    case .column(.int(let v)): return v
    case .column(.bool(let v)): return v.map { $0 == Column.naBool ? Column.naInt : Int($0) }
    case .scalar(.int(let v)): return [Int](repeating: v, count: n)
    case .scalar(.bool(let b)): return [Int](repeating: b ? 1 : 0, count: n)
    default: return [Int](repeating: Column.naInt, count: n)
    }
  }

  /// A constant as `doubles` reads it (NA and strings as NaN).
  static func constantDouble(_ s: Scalar) -> Double {
    if let v = scalarDouble(s) { return v }
    if case .date(let d) = s { return Double(d) }
    return .nan
  }

  static func doubles(_ o: Operand, _ n: Int) -> [Double] {
    switch o {
    case .column(let c): return c.asDoubles()
    case .scalar(.double(let v)): return [Double](repeating: v, count: n)
    case .scalar(.int(let v)): return [Double](repeating: Double(v), count: n)
    case .scalar(.bool(let b)): return [Double](repeating: b ? 1 : 0, count: n)
    case .scalar(.date(let d)): return [Double](repeating: Double(d), count: n)
    default: return [Double](repeating: .nan, count: n)
    }
  }

  static func compareNumbers(_ op: BinaryOperator, _ lhs: Operand, _ rhs: Operand, _ n: Int) -> Column {
    var out = [UInt8](repeating: Column.naBool, count: n)
    if OperandKind(lhs) != .double, OperandKind(rhs) != .double, !holdsIntNACode(lhs), !holdsIntNACode(rhs) {
      let a = ints(lhs, n), b = ints(rhs, n)
      for i in 0..<n where a[i] != Column.naInt && b[i] != Column.naInt {
        out[i] = compare(op, a[i], b[i]) ? 1 : 0
      }
    } else {
      let a = doubles(lhs, n), b = doubles(rhs, n)
      for i in 0..<n where !a[i].isNaN && !b[i].isNaN { out[i] = compare(op, a[i], b[i]) ? 1 : 0 }
    }
    return .bool(out)
  }

  @inline(__always)
  static func compare<T: Comparable>(_ op: BinaryOperator, _ a: T, _ b: T) -> Bool {
    switch op {
    case .equal: return a == b
    case .notEqual: return a != b
    case .less: return a < b
    case .lessEqual: return a <= b
    case .greater: return a > b
    default: return a >= b
    }
  }

  /// Labels of a string operand, per row (nil = NA).
  static func labels(_ o: Operand, _ n: Int) -> [String?]? {
    switch o {
    case .column(.factor(let codes, let levels)): return codes.map { $0 < 0 ? nil : levels[Int($0)] }
    case .scalar(.string(let s)): return [String?](repeating: s, count: n)
    case .scalar(.missing): return [String?](repeating: nil, count: n)
    default: return nil
    }
  }

  static func compareLabels(_ op: BinaryOperator, _ lhs: Operand, _ rhs: Operand, _ n: Int) throws -> Column {
    guard op == .equal || op == .notEqual else {
      throw DatasetError.invalid("'\(op.rawValue)' is not defined for strings (only == and ~=)")
    }
    guard let a = labels(lhs, n), let b = labels(rhs, n) else {
      throw DatasetError.invalid(
        "'\(op.rawValue)': cannot compare \(OperandKind(lhs).name) with \(OperandKind(rhs).name)")
    }
    var out = [UInt8](repeating: Column.naBool, count: n)
    for i in 0..<n {
      if let x = a[i], let y = b[i] { out[i] = (x == y) == (op == .equal) ? 1 : 0 }
    }
    return .bool(out)
  }

  /// Days of a date operand per row (`Column.naDate` = NA); string scalars
  /// are read as ISO dates.
  static func days(_ o: Operand, _ n: Int, _ op: BinaryOperator) throws -> [Int32]? {
    switch o {
    case .column(.date(let v)): return v
    case .scalar(.date(let d)): return [Int32](repeating: d, count: n)
    case .scalar(.missing): return [Int32](repeating: Column.naDate, count: n)
    case .scalar(.string(let s)):
      guard let d = CalendarDate.parseISO(s) else {
        throw DatasetError.invalid("'\(op.rawValue)': '\(s)' is not a date (expected YYYY-MM-DD)")
      }
      return [Int32](repeating: d, count: n)
    default: return nil
    }
  }

  static func dateOperation(
    _ op: BinaryOperator, _ lhs: Operand, _ rhs: Operand, _ n: Int, _ lk: OperandKind, _ rk: OperandKind
  ) throws -> Column {
    let a = try days(lhs, n, op), b = try days(rhs, n, op)
    if op.isComparison || (op == .subtract && a != nil && b != nil) {
      guard let a, let b else {
        throw DatasetError.invalid("'\(op.rawValue)': cannot compare \(lk.name) with \(rk.name)")
      }
      if op == .subtract {
        var out = [Int](repeating: Column.naInt, count: n)
        for i in 0..<n where a[i] != Column.naDate && b[i] != Column.naDate { out[i] = Int(a[i]) - Int(b[i]) }
        return .int(out)
      }
      var out = [UInt8](repeating: Column.naBool, count: n)
      for i in 0..<n where a[i] != Column.naDate && b[i] != Column.naDate {
        out[i] = compare(op, a[i], b[i]) ? 1 : 0
      }
      return .bool(out)
    }
    // Date ± days, days + Date.
    let dates: [Int32], offsets: Operand, sign: Int
    if let a, lk == .date, op == .add || op == .subtract, rk.isNumeric, rk != .bool {
      (dates, offsets, sign) = (a, rhs, op == .add ? 1 : -1)
    } else if let b, rk == .date, op == .add, lk.isNumeric, lk != .bool {
      (dates, offsets, sign) = (b, lhs, 1)
    } else {
      throw DatasetError.invalid("'\(op.rawValue)' is not defined for \(lk.name) and \(rk.name)")
    }
    let d = doubles(offsets, n)
    var out = [Int32](repeating: Column.naDate, count: n)
    for i in 0..<n where dates[i] != Column.naDate && !d[i].isNaN {
      guard d[i] == d[i].rounded(), abs(d[i]) < 1e9 else {
        throw DatasetError.invalid("'\(op.rawValue)': a date moves by whole days, got \(CSVWriter.formatDouble(d[i]))")
      }
      let v = Int(dates[i]) + sign * Int(d[i])
      if let r = Int32(exactly: v), r != Column.naDate { out[i] = r }
    }
    return .date(out)
  }

  static func logical(_ op: BinaryOperator, _ lhs: Operand, _ rhs: Operand, _ n: Int) throws -> Column {
    func bools(_ o: Operand) throws -> [UInt8] {
      switch o {
      case .column(.bool(let v)): return v
      case .scalar(.bool(let b)): return [UInt8](repeating: b ? 1 : 0, count: n)
      case .scalar(.missing): return [UInt8](repeating: Column.naBool, count: n)
      default:
        throw DatasetError.invalid("'\(op.rawValue)' needs bool operands, got \(OperandKind(o).name)")
      }
    }
    let a = try bools(lhs), b = try bools(rhs)
    var out = [UInt8](repeating: Column.naBool, count: n)
    let na = Column.naBool
    for i in 0..<n {
      if op == .and {
        if a[i] == 0 || b[i] == 0 { out[i] = 0 } else if a[i] != na && b[i] != na { out[i] = 1 }
      } else {
        if a[i] == 1 || b[i] == 1 { out[i] = 1 } else if a[i] != na && b[i] != na { out[i] = 0 }
      }
    }
    return .bool(out)
  }
}

// MARK: Operators for Swift callers

extension Column {
  public static func + (l: Column, r: Column) throws -> Column { try apply(.add, .column(l), .column(r)) }
  public static func - (l: Column, r: Column) throws -> Column { try apply(.subtract, .column(l), .column(r)) }
  public static func * (l: Column, r: Column) throws -> Column { try apply(.multiply, .column(l), .column(r)) }
  public static func / (l: Column, r: Column) throws -> Column { try apply(.divide, .column(l), .column(r)) }
  public static func + (l: Column, r: Double) throws -> Column { try apply(.add, .column(l), .scalar(.double(r))) }
  public static func - (l: Column, r: Double) throws -> Column { try apply(.subtract, .column(l), .scalar(.double(r))) }
  public static func * (l: Column, r: Double) throws -> Column { try apply(.multiply, .column(l), .scalar(.double(r))) }
  public static func / (l: Column, r: Double) throws -> Column { try apply(.divide, .column(l), .scalar(.double(r))) }
}

struct NegateKernel: ScalarKernel {
  @inline(__always) func callAsFunction(_ x: Double) -> Double { -x }
  @inline(__always) func counts(_ x: Double, _ y: Double) -> Bool { false }
}
