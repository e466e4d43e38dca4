import Foundation
import TestSupport
import Testing
@testable import Datasets

/// Issue 14: the fast float parser (Clinger's fast path, then Eisel–Lemire,
/// then `strtod`) gives exactly `strtod`'s double on random and edge-case
/// decimal text, and Eisel–Lemire alone is exact whenever it answers.
struct FastFloatTests {
  static func viaStrtod(_ s: String) -> Double { strtod(s, nil) }

  static func parsed(_ s: String) -> Double? {
    let bytes = Array(s.utf8)
    return bytes.withUnsafeBufferPointer { b in b.baseAddress.flatMap { NumberParsing.parseDouble($0, b.count) } }
  }

  static func expectExact(_ s: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let expected = viaStrtod(s)
    guard let got = parsed(s) else {
      Issue.record("'\(s)' did not parse", sourceLocation: sourceLocation)
      return
    }
    #expect(got.bitPattern == expected.bitPattern, "'\(s)': \(got) vs strtod \(expected)",
            sourceLocation: sourceLocation)
  }

  @Test func edgeCasesMatchStrtod() {
    let cases = [
      // Subnormals and the ends of the range.
      "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "2.2250738585072011e-308",
      "2.2250738585072014e-308", "1.7976931348623157e308", "1.7976931348623158e308", "1.8e308", "1e-400",
      // 17+ digits and halfway cases.
      "9007199254740993", "9007199254740993.0000000001", "0.30000000000000004", "123456789012345678901234",
      "1.00000000000000011102230246251565404236316680908203125",
      "1.00000000000000011102230246251565404236316680908203124",
      "1.00000000000000011102230246251565404236316680908203126",
      "9007199254740992.5", "9007199254740993.5", "18014398509481985", "18014398509481987",
      "7.2057594037927933e16", "3.1415926535897932384626433832795028841971",
      // Exponents.
      "1e22", "1e23", "1e-22", "1e-23", "8.5e-5", "1234.5e-300", "0.000001e310", "12345678901234567e-340",
      "5e-324", "1e308", "-1e-310", "+2.5e+10", "1E5", "7.038531e-26",
    ]
    for s in cases { Self.expectExact(s) }
  }

  @Test func randomDecimalTextMatchesStrtod() {
    var rng = SplitMix64(seed: 1_402)
    for _ in 0..<200_000 {
      let digits = Int.random(in: 1...20, using: &rng)
      var s = Bool.random(using: &rng) ? "-" : ""
      for k in 0..<digits {
        s += String(Int.random(in: k == 0 ? 1...9 : 0...9, using: &rng))
        if k == 0, digits > 1, Bool.random(using: &rng) { s += "." }
      }
      s += "e\(Int.random(in: -345...310, using: &rng))"
      Self.expectExact(s)
    }
  }

  @Test func randomDoublesRoundTrip() {
    var rng = SplitMix64(seed: 14)
    for _ in 0..<200_000 {
      let d = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
      Self.expectExact(String(format: "%.17g", d))
      Self.expectExact("\(d)")
    }
  }

  /// Eisel–Lemire alone: whenever it answers, the answer is strtod's.
  @Test func eiselLemireIsExactWhenItAnswers() {
    var rng = SplitMix64(seed: 7)
    var answered = 0
    for _ in 0..<200_000 {
      let mantissa = rng.next() >> UInt64(Int.random(in: 0...63, using: &rng)) | 1
      let exponent = Int.random(in: -345...345, using: &rng)
      guard let v = EiselLemire.double(mantissa: mantissa, exponent: exponent) else { continue }
      answered += 1
      let expected = Self.viaStrtod("\(mantissa)e\(exponent)")
      #expect(v.bitPattern == expected.bitPattern, "\(mantissa)e\(exponent)")
    }
    #expect(answered > 150_000)
  }
}
