import Foundation

/// `a // b` of columns, as R's `%/%` (Lua's `//` on numbers is the same
/// floor division).
extension Column {
  /// `a %/% b` row by row: two int (or bool) operands give an int column
  /// (`x %/% 0` is NA, as in R); otherwise double, computed as R's
  /// `myfloor` (`floor(q) + floor((x − floor(q)·y) / y)` with the remainder
  /// in extended precision, so that `x %/% y * y + x %% y` is x); `x %/% 0`
  /// is ±inf or NaN (NA), as the quotient.
  public static func integerDivide(_ a: Operand, _ b: Operand) throws -> Column {
    let n = try commonRows([a, b], "'//'")
    try requireNumbers([a, b], "'//'")
    let ka = OperandKind(a), kb = OperandKind(b)
    if ka != .double, kb != .double, ka != .missing || kb != .missing, !holdsIntNACode(a), !holdsIntNACode(b) {
      let x = ints(a, n), y = ints(b, n)
      var out = [Int](repeating: Column.naInt, count: n)
      for i in 0..<n where x[i] != Column.naInt && y[i] != Column.naInt && y[i] != 0 {
        let (q, overflow) = x[i].dividedReportingOverflow(by: y[i])
        // Int.min // -1 overflows; its double is exact (2^63).
        if overflow { return .double(ElementwiseKernel.combine(a, b, n, FloorDivideKernel())) }
        out[i] = (x[i] % y[i] != 0) && ((x[i] < 0) != (y[i] < 0)) ? q - 1 : q
      }
      return .int(out)
    }
    return .double(ElementwiseKernel.combine(a, b, n, FloorDivideKernel()))
  }

  /// One double `x %/% y` as R's `myfloor`.
  static func rFloorDivide(_ x: Double, _ y: Double) -> Double {
    let q = x / y
    if y == 0 || Swift.abs(q) > modulusAccuracyLimit || !q.isFinite { return q }
    if Swift.abs(q) < 1 { return q < 0 ? -1 : ((x < 0 && y > 0) || (x > 0 && y < 0) ? -1 : 0) }
    let fq = q.rounded(.down)
    #if arch(x86_64) || arch(i386)
      let t = Float80(x) - Float80(fq) * Float80(y)
      return Double(Float80(fq) + floor80(t / Float80(y)))
    #else
      let t = x - fq * y
      return fq + (t / y).rounded(.down)
    #endif
  }
}

struct FloorDivideKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { Column.rFloorDivide(x, y) }
}
