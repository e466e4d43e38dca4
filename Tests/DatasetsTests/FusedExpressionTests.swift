import Foundation
import Testing
@testable import Datasets

/// A fused expression (`FusedExpression.evaluate`, one pass in blocks on all
/// cores) gives bit for bit the column the unfused functions give one at a
/// time (`Column.applying`, `power`, `modulo`, `apply`, `parallelExtreme`,
/// `negated`), on random data with NA, ±inf, ±0 and huge values
/// (`ElementwiseParallelTests.values`); and its warning counts
/// (`countBelow`, `moduloLossCount`) equal the unfused counts.
struct FusedExpressionTests {
  /// Two workers' ranges, each of several blocks and a partial one.
  static let rows = ElementwiseKernel.parallelRows + 2 * FusedExpression.blockRows + 17
  let x = Array(ElementwiseParallelTests.values(seed: 11).prefix(rows))
  let y = Array(ElementwiseParallelTests.values(seed: 12).prefix(rows))

  func doubles(_ c: Column) throws -> [Double] {
    guard case .double(let v) = c else { throw DatasetError.invalid("not a double column") }
    return v
  }

  func same(_ a: [Double], _ b: [Double]) -> Bool { ElementwiseParallelTests.same(a, b) }

  static let functions: [ElementwiseFunction] = [
    .log(base: nil), .log(base: 10), .log(base: 2), .log1p, .exp, .sqrt, .abs, .floor, .ceil, .trunc,
    .round(digits: 0), .round(digits: 2), .round(digits: -1),
  ]

  @Test func eachFunctionEqualsItsUnfusedColumn() throws {
    for f in Self.functions {
      let unary = try #require(FusedUnary(f))
      let (column, nans) = try Column.double(x).applying(f)
      let fused = FusedExpression.unary(unary, .column(x)).evaluate(rows: Self.rows)
      #expect(same(fused, try doubles(column)), "\(f)")
      let counted = unary.nanBelow.map { FusedExpression.countBelow(x, $0) } ?? 0
      #expect(counted == nans, "NaN count of \(f)")
    }
    // Not fused: log to another base (its NaNs are not those of x < 0), and
    // signif, which gives NaN for some values that are not NA.
    #expect(FusedUnary(.log(base: 3)) == nil && FusedUnary(.signif(digits: 3)) == nil)
  }

  @Test func powerModuloAndNegationEqualTheirUnfusedColumns() throws {
    let cx = Operand.column(.double(x)), cy = Operand.column(.double(y))
    #expect(same(FusedExpression.unary(.square, .column(x)).evaluate(rows: Self.rows),
                 try doubles(try Column.power(cx, .scalar(.double(2))))))
    for e in [0.5, 3, -1, 0] {
      #expect(same(FusedExpression.unary(.power(exponent: e), .column(x)).evaluate(rows: Self.rows),
                   try doubles(try Column.power(cx, .scalar(.double(e))))), "x ^ \(e)")
    }
    #expect(same(FusedExpression.binary(.power, .constant(2), .column(y)).evaluate(rows: Self.rows),
                 try doubles(try Column.power(.scalar(.double(2)), cy))))
    #expect(same(FusedExpression.binary(.power, .column(x), .column(y)).evaluate(rows: Self.rows),
                 try doubles(try Column.power(cx, cy))))
    for d in [3.0, -3, 0.1, 0, 2_147_483_648, .nan] {
      let (column, loss) = try Column.modulo(cx, .scalar(.double(d)))
      #expect(same(FusedExpression.unary(.modulo(divisor: d), .column(x)).evaluate(rows: Self.rows),
                   try doubles(column)), "x %% \(d)")
      #expect(FusedExpression.moduloLossCount(x, divisor: d) == loss, "loss count of x %% \(d)")
    }
    #expect(same(FusedExpression.unary(.negate, .column(x)).evaluate(rows: Self.rows),
                 try doubles(try Column.double(x).negated())))
  }

  @Test func arithmeticAndExtremesEqualTheirUnfusedColumns() throws {
    let cx = Operand.column(.double(x)), cy = Operand.column(.double(y))
    let ops: [(BinaryOperator, FusedBinary)] = [(.add, .add), (.subtract, .subtract), (.multiply, .multiply),
                                                 (.divide, .divide)]
    for (op, f) in ops {
      #expect(same(FusedExpression.binary(f, .column(x), .column(y)).evaluate(rows: Self.rows),
                   try doubles(try Column.apply(op, cx, cy))), "x \(op.rawValue) y")
      #expect(same(FusedExpression.binary(f, .column(x), .constant(2.5)).evaluate(rows: Self.rows),
                   try doubles(try Column.apply(op, cx, .scalar(.double(2.5))))), "x \(op.rawValue) 2.5")
      #expect(same(FusedExpression.binary(f, .constant(-7), .column(y)).evaluate(rows: Self.rows),
                   try doubles(try Column.apply(op, .scalar(.int(-7)), cy))), "-7 \(op.rawValue) y")
    }
    let kinds: [(Bool, Bool, FusedBinary)] = [(false, false, .min), (true, false, .max),
                                              (false, true, .minSkippingNA), (true, true, .maxSkippingNA)]
    for (maximum, skip, f) in kinds {
      let unfused = try Column.parallelExtreme([.scalar(.double(1)), cx, cy], maximum: maximum, skipNA: skip)
      let fused = FusedExpression.binary(f, .binary(f, .constant(1), .column(x)), .column(y))
      #expect(same(fused.evaluate(rows: Self.rows), try doubles(unfused)), "max \(maximum) skip \(skip)")
    }
  }

  /// The derive benchmark's chains, and a deeper tree whose registers are
  /// reused, against the unfused functions one at a time.
  @Test func chainsEqualTheFunctionsOneAtATime() throws {
    let cx = Operand.column(.double(x)), cy = Operand.column(.double(y))
    let sqrtX = try Column.double(x).applying(.sqrt).column, expY = try Column.double(y).applying(.exp).column
    let product = try Column.apply(.multiply, .column(sqrtX), .column(expY))
    let fusedProduct = FusedExpression.binary(.multiply, .unary(.sqrt, .column(x)), .unary(.exp, .column(y)))
    #expect(same(fusedProduct.evaluate(rows: Self.rows), try doubles(product)))

    let square = try Column.power(cx, .scalar(.double(2))), remainder = try Column.modulo(cy, .scalar(.int(3)))
    let sum = try Column.apply(.add, .column(square), .column(remainder.column))
    let fusedSum = FusedExpression.binary(.add, .unary(.square, .column(x)), .unary(.modulo(divisor: 3), .column(y)))
    #expect(same(fusedSum.evaluate(rows: Self.rows), try doubles(sum)))

    // round(abs(x - y) / (1 + exp(-y)), 2) ^ 0.5 - pmin(x, y)
    let diff = try Column.apply(.subtract, cx, cy)
    let absolute = try diff.applying(.abs).column
    let negY = try Column.double(y).negated()
    let denominator = try Column.apply(.add, .scalar(.double(1)), .column(try negY.applying(.exp).column))
    let ratio = try Column.apply(.divide, .column(absolute), .column(denominator))
    let rounded = try ratio.applying(.round(digits: 2)).column
    let root = try Column.power(.column(rounded), .scalar(.double(0.5)))
    let low = try Column.parallelExtreme([cx, cy], maximum: false, skipNA: false)
    let want = try Column.apply(.subtract, .column(root), .column(low))
    let tree = FusedExpression.binary(
      .subtract,
      .unary(.power(exponent: 0.5), .unary(.round(RRounding.Rounder(digits: 2)), .binary(
        .divide, .unary(.abs, .binary(.subtract, .column(x), .column(y))),
        .binary(.add, .constant(1), .unary(.exp, .unary(.negate, .column(y))))))),
      .binary(.min, .column(x), .column(y)))
    #expect(tree.nodeCount == 16)
    #expect(same(tree.evaluate(rows: Self.rows), try doubles(want)))
  }

  /// NA (NaN) in gives NA out for every operation, except R's `x ^ 0` and
  /// `1 ^ y` (1) and the na.rm extremes (the other value).
  @Test func naPropagatesThroughEveryOperation() throws {
    let na = [Double.nan, .nan, .nan], values = [2.0, -3, 0.5]
    let unaries: [FusedUnary] = [.naturalLog, .log10, .log2, .log1p, .exp, .sqrt, .abs, .floor, .ceil, .trunc,
                                 .roundEven, .negate, .square, .round(RRounding.Rounder(digits: 2)),
                                 .power(exponent: 3), .modulo(divisor: 3)]
    for f in unaries {
      #expect(FusedExpression.unary(f, .column(na)).evaluate(rows: 3).allSatisfy { $0.isNaN }, "\(f) of NA")
    }
    #expect(FusedExpression.unary(.power(exponent: 0), .column(na)).evaluate(rows: 3) == [1, 1, 1])
    for f in [FusedBinary.add, .subtract, .multiply, .divide, .power, .min, .max] {
      #expect(FusedExpression.binary(f, .column(na), .column(values)).evaluate(rows: 3).allSatisfy { $0.isNaN })
      #expect(FusedExpression.binary(f, .constant(.nan), .column(values)).evaluate(rows: 3).allSatisfy { $0.isNaN })
    }
    #expect(FusedExpression.binary(.power, .constant(1), .column(na)).evaluate(rows: 3) == [1, 1, 1])
    #expect(FusedExpression.binary(.minSkippingNA, .column(na), .column(values)).evaluate(rows: 3) == values)
    #expect(FusedExpression.binary(.maxSkippingNA, .column(values), .column(na)).evaluate(rows: 3) == values)
  }

  @Test func shortAndEmptyColumnsAndConstantRoots() throws {
    #expect(FusedExpression.unary(.sqrt, .column([])).evaluate(rows: 0) == [])
    #expect(FusedExpression.binary(.add, .column([1, 2]), .constant(1)).evaluate(rows: 2) == [2, 3])
    #expect(FusedExpression.column([1, -0.0]).evaluate(rows: 2).map(\.bitPattern) == [1, -0.0].map(\.bitPattern))
    #expect(FusedExpression.binary(.min, .constant(5), .constant(3)).evaluate(rows: 2) == [3, 3])
  }
}
