import Datasets
import Foundation
import TestSupport

/// Path of a fixture under Tests/Fixtures/datasets/.
func fixturePath(_ name: String) -> String {
  projectRoot.appendingPathComponent("Tests/Fixtures/datasets").appendingPathComponent(name).path
}

/// The bundled stdlib directory.
let stdlibPath = projectRoot.appendingPathComponent("stdlib").path

/// Column equality that treats NaN as equal to NaN and compares doubles bit
/// for bit (so -0.0 and 0.0 differ), as a round trip must preserve.
func identical(_ a: Column, _ b: Column) -> Bool {
  switch (a, b) {
  case (.double(let x), .double(let y)):
    return x.count == y.count
      && zip(x, y).allSatisfy { ($0.isNaN && $1.isNaN) || $0.bitPattern == $1.bitPattern }
  default:
    return a == b
  }
}

func identical(_ a: Dataset, _ b: Dataset) -> Bool {
  a.names == b.names && a.columns.count == b.columns.count
    && zip(a.columns, b.columns).allSatisfy { identical($0, $1) }
}

/// Doubles of a column with NaN for NA, for comparisons in #expect.
func doubles(_ c: Column?) -> [Double] { c?.asDoubles() ?? [] }

/// SplitMix64: a small deterministic generator for property tests.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
