import Foundation
import RunControl

/// `^`, `%` (R's `%%`) and `pmin`/`pmax` of columns and constants.
extension Column {
  /// Rows of the operands (columns of equal length; a constant is
  /// broadcast); `what` names the operation in messages. At least one
  /// operand must be a column.
  static func commonRows(_ operands: [Operand], _ what: String) throws -> Int {
    var n: Int?
    for case .column(let c) in operands {
      if let m = n, m != c.count {
        throw DatasetError.invalid("\(what): columns have different lengths (\(m) and \(c.count))")
      }
      n = c.count
    }
    guard let n else { throw DatasetError.invalid("\(what): at least one operand must be a column") }
    return n
  }

  /// Whether an operand is a number (int, double, bool) column or constant, or NA.
  static func isNumeric(_ o: Operand) -> Bool { OperandKind(o).isNumeric }

  static func requireNumbers(_ operands: [Operand], _ what: String) throws {
    for o in operands where !isNumeric(o) {
      throw DatasetError.invalid("\(what) needs numbers, got \(OperandKind(o).name)")
    }
  }

  /// `a ^ b` as R's `^` (`R_pow`): always double; `x ^ 0` and `1 ^ y` are 1
  /// even for NA, as in R (and C's `pow`); a negative base with a
  /// non-integer exponent gives NaN (NA) without a warning, as in R.
  public static func power(_ a: Operand, _ b: Operand) throws -> Column {
    let n = try commonRows([a, b], "'^'")
    try requireNumbers([a, b], "'^'")
    if case .scalar(let s) = b, let e = scalarDouble(s) {
      let x = doubles(a, n)
      if e == 2 { return .double(ElementwiseKernel.map(x, SquareKernel()).values) }
      return .double(ElementwiseKernel.map(x, PowerKernel(exponent: e)).values)
    }
    return .double(ElementwiseKernel.combine(a, b, n, RPowerKernel()))
  }

  /// One `x ^ y` as R's `R_pow`: C's `pow` for finite values; R's own
  /// rules where C differs: `(-0) ^ -1` is +inf, a negative base to an
  /// infinite power and `-inf` to a fractional power are NaN.
  @inline(__always)
  static func rPower(_ x: Double, _ y: Double) -> Double {
    if x == 1 || y == 0 { return 1 }
    if x == 0 { return y > 0 ? 0 : y < 0 ? .infinity : y }
    if x.isFinite && y.isFinite { return y == 2 ? x * x : Foundation.pow(x, y) }
    if x.isNaN || y.isNaN { return x + y }
    if !x.isFinite {
      if x > 0 { return y < 0 ? 0 : .infinity }
      if y.isFinite && y == y.rounded(.down) {
        return y < 0 ? 0 : (y.truncatingRemainder(dividingBy: 2) != 0 ? x : -x)
      }
    }
    if !y.isFinite && x >= 0 {
      if y > 0 { return x >= 1 ? .infinity : 0 }
      return x < 1 ? .infinity : 0
    }
    return .nan
  }

  /// A number constant as a double (NA as NaN); nil for other constants.
  static func scalarDouble(_ s: Scalar) -> Double? {
    switch s {
    case .double(let v): return v
    case .int(let v): return Double(v)
    case .bool(let b): return b ? 1 : 0
    case .missing: return .nan
    default: return nil
    }
  }

  /// `a % b` as R's `%%`: the result has the sign of the divisor
  /// (`-5 %% 3` is 1, `5 %% -3` is −1). Two int operands give an int column
  /// (`x %% 0` is NA, as in R); otherwise double, computed as R's `myfmod`
  /// (`x − floor(x / y)·y` in extended precision, then reduced again, so
  /// that the result lies in [0, y) or (y, 0]); `x %% 0` is NaN (NA).
  /// `lossRows` counts rows whose quotient is beyond 2^53, where R warns
  /// "probable complete loss of accuracy in modulus".
  public static func modulo(_ a: Operand, _ b: Operand) throws -> (column: Column, lossRows: Int) {
    let n = try commonRows([a, b], "'%'")
    try requireNumbers([a, b], "'%'")
    let ka = OperandKind(a), kb = OperandKind(b)
    if ka != .double, kb != .double, ka != .missing || kb != .missing, !holdsIntNACode(a), !holdsIntNACode(b) {
      let x = ints(a, n), y = ints(b, n)
      var out = [Int](repeating: Column.naInt, count: n)
      for i in 0..<n where x[i] != Column.naInt && y[i] != Column.naInt && y[i] != 0 {
        let (r, overflow) = x[i].remainderReportingOverflow(dividingBy: y[i])
        let rem = overflow ? 0 : r
        out[i] = rem != 0 && (rem < 0) != (y[i] < 0) ? rem + y[i] : rem
      }
      return (.int(out), 0)
    }
    if case .scalar(let s) = b, let divisor = scalarDouble(s) {
      // A constant divisor: one pass on all cores that also counts the loss.
      guard case .column(let c) = a else { return (.double([]), 0) }
      let (values, loss) =
        ElementwiseKernel.mapNumeric(c, ModuloKernel(divisor: divisor))
        ?? ElementwiseKernel.map(c.asDoubles(), ModuloKernel(divisor: divisor))
      return (.double(values), loss)
    }
    let x = doubles(a, n), y = doubles(b, n)
    var out = [Double](repeating: .nan, count: n)
    var loss = 0
    for i in 0..<n {
      let (v, lost) = rModulo(x[i], y[i])
      out[i] = v
      if lost { loss += 1 }
    }
    return (.double(out), loss)
  }

  /// Reciprocal of the double epsilon: quotients beyond it lose every digit.
  static let modulusAccuracyLimit = 1 / Double.ulpOfOne

  /// One double `x %% y`, and whether R would warn of lost accuracy.
  static func rModulo(_ x: Double, _ y: Double) -> (Double, Bool) {
    if x.isNaN || y.isNaN { return (x + y, false) }
    if y == 0 { return (.nan, false) }
    if Swift.abs(y) > modulusAccuracyLimit && x.isFinite && Swift.abs(x) <= Swift.abs(y) {
      if Swift.abs(x) == Swift.abs(y) { return (0, false) }
      return ((x < 0 && y > 0) || (y < 0 && x > 0) ? x + y : x, false)
    }
    let q = x / y
    let lost = q.isFinite && Swift.abs(q) > modulusAccuracyLimit
    #if arch(x86_64) || arch(i386)
      let t = Float80(x) - Float80(q.rounded(.down)) * Float80(y)
      return (Double(t - floor80(t / Float80(y)) * Float80(y)), lost)
    #else
      let t = x - q.rounded(.down) * y
      return (t - (t / y).rounded(.down) * y, lost)
    #endif
  }

  #if arch(x86_64) || arch(i386)
    /// floor of an extended double without libm's `floorl`, which changes
    /// the x87 control word and took ~100 ns a call here: through a
    /// truncating conversion to Int64, exact below 2^63 (every extended
    /// double at or beyond 2^63 is a whole number already).
    @inline(__always)
    static func floor80(_ v: Float80) -> Float80 {
      guard v.isFinite, Swift.abs(v) < 9.2e18 else { return v }
      let t = Float80(Int64(v))
      return t > v ? t - 1 : t
    }
  #endif

  /// R's `pmin` (`maximum` false) or `pmax` of columns and constants, row
  /// by row: an int column when every operand is int (or bool), else
  /// double. A NA in any operand gives NA unless `skipNA` (R's `na.rm`),
  /// which takes the extreme of the values present (NA when none is).
  public static func parallelExtreme(_ operands: [Operand], maximum: Bool, skipNA: Bool) throws -> Column {
    let what = maximum ? "pmax" : "pmin"
    let n = try commonRows(operands, what)
    try requireNumbers(operands, what)
    let allInt = operands.allSatisfy {
      let k = OperandKind($0)
      return (k == .int || k == .bool || k == .missing) && !holdsIntNACode($0)
    } && operands.contains { OperandKind($0) != .missing }
    // A fold over the operands: NA absorbs unless skipped, then skipped NA
    // gives way to any value.
    if allInt {
      var out = ints(operands[0], n)
      for o in operands.dropFirst() {
        let v = ints(o, n)
        for i in 0..<n {
          let a = out[i], b = v[i]
          if a == Column.naInt || b == Column.naInt {
            out[i] = skipNA ? (a == Column.naInt ? b : a) : Column.naInt
          } else {
            out[i] = maximum ? Swift.max(a, b) : Swift.min(a, b)
          }
        }
      }
      return .int(out)
    }
    // One pass on all cores per further operand, a kernel per option (selects
    // only, which the compiler vectorises).
    var out = doubles(operands[0], n)
    for o in operands.dropFirst() {
      let r = Operand.column(.double(out))
      switch (maximum, skipNA) {
      case (false, false): out = ElementwiseKernel.combine(r, o, n, MinKernel())
      case (true, false): out = ElementwiseKernel.combine(r, o, n, MaxKernel())
      case (false, true): out = ElementwiseKernel.combine(r, o, n, MinSkippingKernel())
      case (true, true): out = ElementwiseKernel.combine(r, o, n, MaxSkippingKernel())
      }
    }
    return .double(out)
  }
}

struct SquareKernel: ScalarKernel {
  @inline(__always) func callAsFunction(_ x: Double) -> Double { x * x }
}
struct PowerKernel: ScalarKernel {
  let exponent: Double
  @inline(__always) func callAsFunction(_ x: Double) -> Double { Column.rPower(x, exponent) }
}
/// `x %% divisor`; counts the rows whose quotient is beyond 2^53 (R's
/// "probable complete loss of accuracy in modulus").
///
/// A whole divisor (`x %% 3`, the usual case) has an exact path in double
/// arithmetic: when `floor(x / d)·d` is a whole number below 2^53 (exact),
/// `x − floor(x / d)·d` is exact (Fast2Sum's error term is zero) and lies in
/// [0, d) (or (d, 0]), R's extended-precision steps give that same value,
/// so it is the result; any other value takes `Column.rModulo`.
struct ModuloKernel: ScalarKernel {
  let divisor: Double
  let wholeDivisor: Bool
  init(divisor: Double) {
    self.divisor = divisor
    wholeDivisor = divisor != 0 && Swift.abs(divisor) <= 2_147_483_648 && divisor == divisor.rounded(.towardZero)
  }

  @inline(__always) func callAsFunction(_ x: Double) -> Double {
    if wholeDivisor {
      let q = x / divisor
      if Swift.abs(q) < RRounding.Rounder.wholeLimit {
        var down = Double(Int64(q))
        if down > q { down -= 1 }
        let m = down * divisor
        if Swift.abs(m) < Self.exactProducts, Swift.abs(x) >= Swift.abs(m) {
          let r = (x - m) + 0.0  // -0 - 0 is -0; R's extended steps give +0
          if (x - r) - m == 0, divisor > 0 ? (r >= 0 && r < divisor) : (r <= 0 && r > divisor) { return r }
        }
      }
    }
    return Column.rModulo(x, divisor).0
  }
  /// Whole numbers below 2^53 - 2^20: a product that rounds below it is exact.
  static let exactProducts = 9_007_199_253_692_416.0
  @inline(__always) func counts(_ x: Double, _ y: Double) -> Bool {
    let q = x / divisor
    return q.isFinite && Swift.abs(q) > Column.modulusAccuracyLimit
  }
}
