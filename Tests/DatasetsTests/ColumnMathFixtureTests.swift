import Datasets
import Foundation
import RunControl
import Testing
import TestSupport

/// The column math functions against R 4.2.2 (`scripts/fixtures/column_math.R`,
/// `Tests/Fixtures/columns/column_math.json`): the same inputs through the
/// Datasets kernels, compared exactly where R's result is exact (rounding,
/// `%%`, ranks, integer results) and to a few ulps where it calls libm.
@Suite struct ColumnMathFixtureTests {
  /// Rounding, floor/ceil/trunc, abs, %%, ranks, pmin/pmax: R is exact, so are we.
  static let exact = 0.0
  /// log, exp, sqrt, log1p, pow: R and Kaplan call the same libm (glibc);
  /// two ulps allow a libm that rounds differently.
  static let libm = 2 * Double.ulpOfOne
  /// cumsum and scale sum in extended precision, as R's long double.
  static let extendedSum = 1e-15

  let fixture: [String: Any]
  init() throws {
    guard let f = try loadFixture("columns/column_math.json") as? [String: Any] else {
      throw DatasetError.invalid("column_math.json is not an object")
    }
    fixture = f
  }

  static func number(_ s: String) -> Double {
    switch s {
    case "NA": return .nan
    case "Inf": return .infinity
    case "-Inf": return -.infinity
    default: return Double(s) ?? .nan
    }
  }

  func numbers(_ key: String) -> [Double] { ((fixture[key] as? [String]) ?? []).map(Self.number) }

  func cases(_ key: String = "cases") -> [(name: String, args: [String: Double], integer: Bool, expected: [Double])] {
    ((fixture[key] as? [[String: Any]]) ?? []).map { c in
      let args = ((c["args"] as? [String: Any]) ?? [:]).compactMapValues { v -> Double? in
        let item = (v as? [Any])?.first ?? v
        if let s = item as? String { return Self.number(s) }
        return (item as? NSNumber)?.doubleValue
      }
      return (
        (c["name"] as? [String])?.first ?? (c["name"] as? String ?? ""), args,
        (c["integer"] as? [Bool])?.first ?? (c["integer"] as? Bool ?? false),
        ((c["expected"] as? [String]) ?? []).map(Self.number)
      )
    }
  }

  func check(_ got: Column, _ expected: [Double], _ tolerance: Double, _ label: String, integer: Bool? = nil) {
    #expect(got.count == expected.count, "\(label): length")
    if let integer { #expect((got.kind == .int) == integer, "\(label): type \(got.kind)") }
    let values = got.asDoubles()
    for (i, (a, e)) in zip(values, expected).enumerated() {
      let ok = tolerance == 0
        ? (a == e && a.sign == e.sign) || (a.isNaN && e.isNaN) : approxEqual(a, e, relative: tolerance)
      #expect(ok, "\(label) row \(i + 1): got \(a), R \(e)")
      if !ok { return }
    }
  }

  @Test func elementwiseFunctionsMatchR() throws {
    let x = Column.double(numbers("x")), y = Column.double(numbers("y"))
    let all = cases()
    #expect(all.count > 40)
    for c in all {
      let label = "\(c.name) \(c.args)"
      switch c.name {
      case "log": check(try x.applying(.log(base: c.args["base"])).column, c.expected, Self.libm, label)
      case "log1p": check(try x.applying(.log1p).column, c.expected, Self.libm, label)
      case "exp": check(try x.applying(.exp).column, c.expected, Self.libm, label)
      case "sqrt": check(try x.applying(.sqrt).column, c.expected, Self.exact, label)
      case "abs": check(try x.applying(.abs).column, c.expected, Self.exact, label)
      case "floor": check(try x.applying(.floor).column, c.expected, Self.exact, label)
      case "ceil": check(try x.applying(.ceil).column, c.expected, Self.exact, label)
      case "trunc": check(try x.applying(.trunc).column, c.expected, Self.exact, label)
      case "round":
        check(try x.applying(.round(digits: c.args["digits"] ?? 0)).column, c.expected, Self.exact, label)
      case "signif":
        check(try x.applying(.signif(digits: c.args["digits"] ?? 6)).column, c.expected, Self.exact, label)
      case "pow":
        let e = Operand.scalar(.double(c.args["exponent"] ?? .nan))
        check(try Column.power(.column(x), e), c.expected, Self.libm, label)
      case "mod":
        let m = Operand.scalar(.double(c.args["divisor"] ?? .nan))
        check(try RunWarnings.withSink({ _ in }) { try Column.modulo(.column(x), m).column }, c.expected, Self.exact,
              label)
      case "cumsum":
        check(try Column.double(Array(numbers("x")[0..<24])).cumulativeSum(), c.expected, Self.extendedSum, label)
      case "scale", "scale_uncentred":
        let v = numbers("x"), rows = Array(0..<22) + [24] + Array(27..<40)
        let column = Column.double(rows.map { v[$0] })
        let center: Scalar = .bool(c.name == "scale")
        check(try column.scaled(center: center), c.expected, Self.extendedSum, label)
      case "rank_average", "rank_min", "rank_max", "rank_first":
        let ties = RankTies(rawValue: String(c.name.dropFirst(5))) ?? .average
        check(Column.double(numbers("tied")).rank(ties: ties), c.expected, Self.exact, label,
              integer: ties != .average)
      case "pmin", "pmax", "pmin_na_rm":
        let result = try Column.parallelExtreme(
          [.column(x), .column(y)], maximum: c.name == "pmax", skipNA: c.name == "pmin_na_rm")
        check(result, c.expected, Self.exact, label)
      default: Issue.record("unknown case \(c.name)")
      }
    }
  }

  @Test func integerColumnsKeepRsTypes() throws {
    let ints = Column.int(numbers("ints").map { $0.isNaN ? Column.naInt : Int($0) })
    for c in cases("int_cases") {
      let got: Column
      switch c.name {
      case "abs": got = try ints.applying(.abs).column
      case "cumsum": got = try ints.gather(Array(0..<4)).cumulativeSum()
      case "cumsum_na": got = try ints.cumulativeSum()
      case "mod3": got = try Column.modulo(.column(ints), .scalar(.int(3))).column
      case "mod_neg": got = try Column.modulo(.column(ints), .scalar(.int(-4))).column
      case "mod0": got = try Column.modulo(.column(ints), .scalar(.int(0))).column
      case "pmax": got = try Column.parallelExtreme([.column(ints), .scalar(.int(2))], maximum: true, skipNA: false)
      case "round": got = try ints.applying(.round(digits: 1)).column
      default:
        Issue.record("unknown case \(c.name)")
        continue
      }
      check(got, c.expected, Self.exact, c.name, integer: c.integer)
    }
  }

  @Test func roundAndSignifMatchROnManyValues() throws {
    for (key, isRound) in [("round_many", true), ("signif_many", false)] {
      let block = fixture[key] as? [String: Any] ?? [:]
      let x = ((block["x"] as? [String]) ?? []).map(Self.number)
      let digits = ((block["digits"] as? [Any]) ?? []).compactMap { ($0 as? NSNumber)?.doubleValue }
      let expected = ((block["expected"] as? [String]) ?? []).map(Self.number)
      #expect(x.count >= 3000 && x.count == digits.count && x.count == expected.count)
      var mismatches = 0
      for i in x.indices {
        let got = isRound ? RRounding.round(x[i], digits: digits[i]) : RRounding.signif(x[i], digits: digits[i])
        if !(got == expected[i] || (got.isNaN && expected[i].isNaN)) {
          if mismatches < 5 { Issue.record("\(key) x=\(x[i]) digits=\(digits[i]): got \(got), R \(expected[i])") }
          mismatches += 1
        }
      }
      #expect(mismatches == 0, "\(key): \(mismatches) of \(x.count) differ")
    }
  }

  /// R: signif(3.14159, 1e300) is 3.14159 and signif(3.14159, -1e300) is 3
  /// (digits below 1 count as 1). A huge finite digits trapped in Int()
  /// (fuzz-lua-api's find).
  @Test func signifTakesHugeDigits() {
    #expect(RRounding.signif(3.14159, digits: 1e300) == 3.14159)
    #expect(RRounding.signif(3.14159, digits: -1e300) == 3)
    #expect(RRounding.signif(-271.8, digits: 2) == -270)
  }

  @Test func rsRoundingExamples() {
    // R 4.2.2: round(0.15, 1); round(2.5); round(-0.5); round(1.005, 2); round(0.125, 2); round(-1.5)
    #expect(RRounding.round(0.15, digits: 1) == 0.1)
    #expect(RRounding.round(2.5, digits: 0) == 2)
    let negativeZero = RRounding.round(-0.5, digits: 0)
    #expect(negativeZero == 0 && negativeZero.sign == .minus)
    #expect(RRounding.round(1.005, digits: 2) == 1)
    #expect(RRounding.round(0.125, digits: 2) == 0.12)
    #expect(RRounding.round(-1.5, digits: 0) == -2)
    #expect(RRounding.signif(123456, digits: 2) == 120000)
  }
}
