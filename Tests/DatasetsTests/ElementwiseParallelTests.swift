import Foundation
import Testing
@testable import Datasets

/// The element-wise kernels on all cores (`ElementwiseKernel.map2`,
/// `combine`) and their exact paths (`%` by a whole number, `round`
/// without libm) give bit for bit what the one-value functions give: the
/// reference here is the serial loop over `Column.rModulo`, `rPower`, ...
/// (whose agreement with R is `ColumnMathFixtureTests`'). Columns are
/// longer than `ElementwiseKernel.parallelRows`, so every block boundary
/// is crossed.
struct ElementwiseParallelTests {
  static let rows = ElementwiseKernel.parallelRows * 2 + 17

  /// Values with every special: NaN (NA), ±inf, ±0, tiny, huge, whole
  /// numbers and values one ulp beside multiples of 3.
  static func values(seed: UInt64) -> [Double] {
    var state = seed
    func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    let specials: [Double] = [.nan, .infinity, -.infinity, 0, -0.0, 1e-310, 1e300, -1e300, 3, -3, 9e15, 4.5e15]
    return (0..<rows).map { i in
      let u = Double(next() >> 11) / Double(1 << 53)
      switch i % 7 {
      case 0: return specials[Int(next() % UInt64(specials.count))]
      case 1: return (3 * Double(Int(next() % 1000)) - 1500).nextDown
      case 2: return (3 * Double(Int(next() % 1000)) - 1500).nextUp
      case 3: return Double(Int(next() % 2001)) - 1000
      case 4: return (u - 0.5) * 1e18
      default: return (u - 0.5) * 20
      }
    }
  }

  static func same(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
  }

  func doubles(_ c: Column) throws -> [Double] {
    guard case .double(let v) = c else { throw DatasetError.invalid("not a double column") }
    return v
  }

  @Test func arithmeticOnAllCoresEqualsTheSerialLoop() throws {
    let x = Self.values(seed: 1), y = Self.values(seed: 2)
    let ops: [(BinaryOperator, (Double, Double) -> Double)] = [
      (.add, { $0 + $1 }), (.subtract, { $0 - $1 }), (.multiply, { $0 * $1 }), (.divide, { $0 / $1 }),
    ]
    for (op, f) in ops {
      let both = try doubles(try Column.apply(op, .column(.double(x)), .column(.double(y))))
      #expect(Self.same(both, zip(x, y).map(f)), "column \(op.rawValue) column")
      let right = try doubles(try Column.apply(op, .column(.double(x)), .scalar(.double(2.5))))
      #expect(Self.same(right, x.map { f($0, 2.5) }), "column \(op.rawValue) constant")
      let left = try doubles(try Column.apply(op, .scalar(.int(-7)), .column(.double(y))))
      #expect(Self.same(left, y.map { f(-7, $0) }), "constant \(op.rawValue) column")
      let ints = Column.int((0..<Self.rows).map { $0 % 5 == 0 ? Column.naInt : $0 - 1000 })
      let mixed = try doubles(try Column.apply(op, .column(ints), .column(.double(y))))
      #expect(Self.same(mixed, zip(ints.asDoubles(), y).map(f)), "int column \(op.rawValue) double column")
    }
    #expect(Self.same(try doubles(try Column.double(x).negated()), x.map { -$0 }))
  }

  @Test func powerAndExtremesOnAllCoresEqualTheSerialLoop() throws {
    let x = Self.values(seed: 3), y = Self.values(seed: 4).map { $0.truncatingRemainder(dividingBy: 8) }
    let power = try doubles(try Column.power(.column(.double(x)), .column(.double(y))))
    #expect(Self.same(power, zip(x, y).map { Column.rPower($0, $1) }))
    for maximum in [false, true] {
      for skip in [false, true] {
        let got = try doubles(
          try Column.parallelExtreme(
            [.column(.double(x)), .column(.double(y)), .scalar(.double(1))], maximum: maximum, skipNA: skip))
        func pick(_ a: Double, _ b: Double) -> Double {
          if skip { return a.isNaN ? b : maximum ? (b > a ? b : a) : (b < a ? b : a) }
          return a.isNaN || b.isNaN ? .nan : maximum ? (b > a ? b : a) : (b < a ? b : a)
        }
        #expect(Self.same(got, zip(x, y).map { pick(pick($0, $1), 1) }), "max \(maximum) skip \(skip)")
      }
    }
  }

  /// `%` by a constant takes the exact double path for whole divisors:
  /// the same bits as R's extended-precision `myfmod` (`rModulo`), and the
  /// same count of quotients beyond 2^53 (R's warning).
  @Test func moduloByAConstantEqualsRModuloBitForBit() throws {
    let x = Self.values(seed: 5)
    for divisor in [3.0, -3, 1, 7, 2, 1000, 2_147_483_648, 0.5, -0.1, 0, .infinity, .nan] {
      let (column, loss) = try Column.modulo(.column(.double(x)), .scalar(.double(divisor)))
      let reference = x.map { Column.rModulo($0, divisor) }
      #expect(Self.same(try doubles(column), reference.map(\.0)), "x %% \(divisor)")
      #expect(loss == reference.filter(\.1).count, "loss count of x %% \(divisor)")
    }
    // -0 %% 3 is +0 in R (its extended steps), not the -0 of -0 - 0.
    let zero = try doubles(try Column.modulo(.column(.double([-0.0])), .scalar(.double(3))).column)
    #expect(zero[0].bitPattern == (0.0).bitPattern)
  }

  /// R 4's `round(x, digits)` as `fround.c` writes it (libm floor, ceil,
  /// fmod; both candidates divided back and compared): the reference for
  /// `RRounding.Rounder`'s exact shortcuts.
  static func referenceRound(_ x: Double, _ digits: Int) -> Double {
    if x.isNaN || !x.isFinite || x == 0 { return x }
    if digits == 0 { return x.rounded(.toNearestOrEven) }
    let sign: Double = x < 0 ? -1 : 1
    let a = Swift.abs(x)
    if Double(digits) + (Double(a.exponent) + 0.5) * 0.30102999566398119521 > 15 { return sign * a }
    let p10 = RRounding.powerOfTen(digits)
    let scaled = p10 * a
    let lower = Foundation.floor(scaled) / p10, upper = Foundation.ceil(scaled) / p10
    let toUpper = upper - a, toLower = a - lower
    let odd = Foundation.fmod(Foundation.floor(scaled), 2) == 1
    return sign * ((toUpper < toLower || (toUpper == toLower && odd)) ? upper : lower)
  }

  @Test func roundShortcutsEqualRsAlgorithm() throws {
    let x = Self.values(seed: 7)
    // Values at and one or two ulps beside the midpoints k.5 / 10^d.
    var near: [Double] = []
    for k in stride(from: -2000, to: 2000, by: 7) {
      for d in [0, 1, 2, 3] {
        let mid = (Double(k) + 0.5) / RRounding.powerOfTen(d)
        near += [mid, mid.nextUp, mid.nextDown, mid.nextUp.nextUp, mid.nextDown.nextDown]
      }
    }
    for digits in [-2, 0, 1, 2, 3, 7] {
      let rounder = RRounding.Rounder(digits: Double(digits))
      for v in x + near {
        let got = rounder.round(v), want = Self.referenceRound(v, digits)
        #expect(got.bitPattern == want.bitPattern || (got.isNaN && want.isNaN), "round(\(v), \(digits))")
      }
    }
  }

  /// `//` as R's `%/%` (values printed by R 4.2.2 with %.17g).
  @Test func floorDivisionIsRs() throws {
    let x: [Double] = [5, -5, 5, 5.5, 1, 1, -0.5, 0.3, 7, 1e20]
    let y: [Double] = [3, 3, -3, 2, 0.2, 0.1, 2, 0.1, 0, 3]
    let byR: [Double] = [1, -2, -2, 2, 4, 9, -1, 2, .infinity, 3.3333333333333332e+19]
    let got = try doubles(try Column.integerDivide(.column(.double(x)), .column(.double(y))))
    #expect(Self.same(got, byR))
    // Two int columns give ints; x %/% 0 is NA; -7 %/% 2 is -4.
    let ints = try Column.integerDivide(.column(.int([-7, 5, 7, Column.naInt])), .column(.int([2, 0, -2, 1])))
    #expect(ints == .int([-4, Column.naInt, -4, Column.naInt]))
    let big = x.flatMap { a in y.map { b in (a, b) } }
    let pairs = try doubles(
      try Column.integerDivide(.column(.double(big.map(\.0))), .column(.double(big.map(\.1)))))
    // x %/% y * y + x %% y recovers x where both are finite (R's identity).
    for (i, (a, b)) in big.enumerated() where b != 0 && pairs[i].isFinite && Swift.abs(a / b) < 1e15 {
      #expect(Swift.abs(pairs[i] * b + Column.rModulo(a, b).0 - a) <= 1e-12 * Swift.max(1, Swift.abs(a)))
    }
  }

  @Test func scatteredPutsGroupPiecesBackInTheirRows() throws {
    let pieces: [Column] = [.int([10, 11]), .double([2.5]), .int([30, 31])]
    let rows = [[1, 4], [0], [2, 3]]
    let column = try Column.scattered(pieces, rows: rows, count: 5)
    #expect(column == .double([2.5, 10, 30, 31, 11]))
    let strings: [Column] = [.factor(codes: [0], levels: ["b"]), .factor(codes: [0], levels: ["a"])]
    #expect(try Column.scattered(strings, rows: [[1], [0]], count: 2) == .factor(codes: [1, 0], levels: ["b", "a"]))
    #expect(throws: Column.KindConflict.self) {
      try Column.scattered([.int([1]), .factor(codes: [0], levels: ["a"])], rows: [[0], [1]], count: 2)
    }
  }
}
