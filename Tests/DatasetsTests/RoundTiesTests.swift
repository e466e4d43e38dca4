import Foundation
import Testing
import TestSupport

@testable import Datasets

/// R's `round(x, digits)` at and beside its ties, at digits from -308 to
/// 305, against R 4.2.2 (`scripts/fixtures/round_ties.R`): half to even on
/// an exact tie, and a decimal tie such as 2.675 stored below it rounds
/// down. Every path must give R's value bit for bit: the scalar
/// `RRounding.round`, the block kernel (`Rounder.round(_:_:_:)`, whose C
/// loop decides most rows), the unfused column function and the fused one.
struct RoundTiesTests {
  let x: [Double]
  let digits: [Double]
  let expected: [Double]

  init() throws {
    let block = try loadFixture("columns/round_ties.json") as? [String: Any] ?? [:]
    x = ((block["x"] as? [String]) ?? []).map(Self.number)
    digits = ((block["digits"] as? [Any]) ?? []).compactMap { ($0 as? NSNumber)?.doubleValue }
    expected = ((block["expected"] as? [String]) ?? []).map(Self.number)
  }

  static func number(_ s: String) -> Double {
    switch s {
    case "NA": return .nan
    case "Inf": return .infinity
    case "-Inf": return -.infinity
    default: return Double(s) ?? .nan
    }
  }

  static func same(_ a: Double, _ b: Double) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

  /// The fixture's rows at each number of digits.
  var groups: [(digits: Double, rows: [Int])] {
    var order: [Double] = []
    var rows: [Double: [Int]] = [:]
    for (i, d) in digits.enumerated() {
      if rows[d] == nil { order.append(d) }
      rows[d, default: []].append(i)
    }
    return order.map { ($0, rows[$0] ?? []) }
  }

  @Test func scalarRoundIsRs() {
    #expect(x.count > 3000 && x.count == digits.count && x.count == expected.count)
    var mismatches = 0
    for i in x.indices where !Self.same(RRounding.round(x[i], digits: digits[i]), expected[i]) {
      if mismatches < 5 { Issue.record("round(\(x[i]), \(digits[i])): R \(expected[i])") }
      mismatches += 1
    }
    #expect(mismatches == 0)
  }

  /// R: round(1.58e308, -308) is 1.0000000000000006e+308, not Inf (the
  /// upper candidate 2 / 10^-308 overflows, so R keeps the lower).
  @Test func candidateDividedBackToInfinityIsNotTaken() {
    #expect(RRounding.round(1.58e308, digits: -308) == 1.0000000000000006e+308)
    #expect(RRounding.round(-1.58e308, digits: -308) == -1.0000000000000006e+308)
  }

  @Test func blockKernelAndColumnPathsAreRs() throws {
    for (d, rows) in groups {
      let values = rows.map { x[$0] }, want = rows.map { expected[$0] }
      let rounder = RRounding.Rounder(digits: d)
      var block = [Double](repeating: 0, count: values.count)
      values.withUnsafeBufferPointer { src in
        block.withUnsafeMutableBufferPointer { dst in
          guard let s = src.baseAddress, let t = dst.baseAddress else { return }
          rounder.round(s, t, values.count)
        }
      }
      let unfused = doubles(try Column.double(values).applying(.round(digits: d)).column)
      let fused = FusedExpression.unary(.round(rounder), .column(values)).evaluate(rows: values.count)
      for (k, v) in values.enumerated() {
        #expect(Self.same(block[k], want[k]), "block round(\(v), \(d)): \(block[k]), R \(want[k])")
        #expect(Self.same(unfused[k], want[k]), "column round(\(v), \(d)): \(unfused[k]), R \(want[k])")
        #expect(Self.same(fused[k], want[k]), "fused round(\(v), \(d)): \(fused[k]), R \(want[k])")
      }
    }
  }

  /// The block kernel equals the scalar `round(_:)` on random values with
  /// every special (`ElementwiseParallelTests.values`) and on values at and
  /// beside the midpoints, at digits where its C loop decides rows and where
  /// it leaves them all (0, non-whole, beyond ±308, NaN).
  @Test func blockKernelEqualsScalarRound() {
    var values = Array(ElementwiseParallelTests.values(seed: 11).prefix(30_000))
    for k in stride(from: -3000, to: 3000, by: 11) {
      for d in [1, 2, 3, 5] {
        let mid = (Double(k) + 0.5) / RRounding.powerOfTen(d)
        values += [mid, mid.nextUp, mid.nextDown]
      }
    }
    let allDigits: [Double] = [-400, -308, -307, -20, -3, -1, 0, 0.3, 1, 2, 2.4, 3, 7, 15, 16, 22, 100, 300, 308, 309,
                               330, .nan, .infinity]
    var block = [Double](repeating: 0, count: values.count)
    for d in allDigits {
      let rounder = RRounding.Rounder(digits: d)
      values.withUnsafeBufferPointer { src in
        block.withUnsafeMutableBufferPointer { dst in
          guard let s = src.baseAddress, let t = dst.baseAddress else { return }
          rounder.round(s, t, values.count)
        }
      }
      var mismatches = 0
      for (k, v) in values.enumerated() where !Self.same(block[k], rounder.round(v)) {
        if mismatches < 3 { Issue.record("round(\(v), \(d)): block \(block[k]), scalar \(rounder.round(v))") }
        mismatches += 1
      }
      #expect(mismatches == 0, "digits \(d)")
    }
  }
}
