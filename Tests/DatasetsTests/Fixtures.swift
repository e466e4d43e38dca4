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
