import Datasets
import Foundation
import Testing
import TestSupport

@Suite("Number parsing equals strtod")
struct NumberParsingTests {
  /// Random decimal texts of every shape the fast path and the fallback
  /// take: short and long significands, leading zeros, exponents near the
  /// fast-path limit (±22) and the double range.
  @Test func randomDecimalTextsParseExactlyAsStrtod() throws {
    var rng = SplitMix64(seed: 7)
    var texts: [String] = []
    for _ in 0..<20_000 {
      var s = Bool.random(using: &rng) ? "" : "-"
      let intDigits = Int.random(in: 0...20, using: &rng)
      let fracDigits = Int.random(in: 0...20, using: &rng)
      for _ in 0..<intDigits { s += String(Int.random(in: 0...9, using: &rng)) }
      if fracDigits > 0 || intDigits == 0 {
        s += "."
        for _ in 0..<max(fracDigits, intDigits == 0 ? 1 : 0) { s += String(Int.random(in: 0...9, using: &rng)) }
      }
      if Int.random(in: 0...2, using: &rng) == 0 {
        s += "e" + String(Int.random(in: -330...310, using: &rng))
      }
      texts.append(s)
    }
    let d = try CSVReader.read(
      text: "x\n" + texts.joined(separator: "\n") + "\n", options: CSVOptions(columnTypes: ["x": .double]))
    let got = doubles(d["x"])
    var mismatches = 0
    for (text, value) in zip(texts, got) {
      let expected = text.withCString { strtod($0, nil) }
      if value.bitPattern != expected.bitPattern {
        mismatches += 1
        if mismatches < 5 { Issue.record("\(text): got \(value), strtod \(expected)") }
      }
    }
    #expect(mismatches == 0)
  }

  @Test func integersAtTheLimits() throws {
    let d = try CSVReader.read(text: "i\n9223372036854775807\n-9223372036854775807\n+5\n")
    #expect(d["i"] == .int([Int.max, -Int.max, 5]))
    // Int.min is the NA sentinel, so it reads as Double, like overflow.
    let e = try CSVReader.read(text: "i\n-9223372036854775808\n9223372036854775808\n")
    #expect(e["i"] == .double([-9223372036854775808, 9223372036854775808]))
  }

  @Test func textThatIsNotANumberStaysText() throws {
    for bad in ["1e", "0x10", " 1", "1 ", "1.2.3", "--1", "+", "e5", "1e+", "nan1", "1,5"] {
      let d = try CSVReader.read(text: "x\n\"\(bad)\"\n")
      #expect(d["x"]?.kind == .string, "\(bad)")
    }
  }
}
