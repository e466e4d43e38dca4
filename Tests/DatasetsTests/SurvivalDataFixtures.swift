import Datasets
import Foundation
import TestSupport

/// Reading the survival-data fixtures (scripts/fixtures/survdata.R) and
/// comparing datasets with them.
enum SurvivalDataFixtures {
  static func path(_ name: String) -> String {
    projectRoot.appendingPathComponent("Tests/Fixtures/survdata/\(name).csv").path
  }

  static func read(_ name: String, levels: [String: [String]] = [:]) throws -> Dataset {
    var options = CSVOptions(delimiter: ",", missing: ["NA"])
    options.levels = levels
    return try CSVReader.read(path: path(name), options: options)
  }

  /// The first difference between `actual` and R's `expected` (names, rows,
  /// then values: numbers exactly — times are sums of no arithmetic, and
  /// R's values are written at 17 digits — texts as printed), or nil.
  static func difference(_ actual: Dataset, _ expected: Dataset) -> String? {
    if actual.names != expected.names { return "names \(actual.names) != \(expected.names)" }
    if actual.rowCount != expected.rowCount { return "rows \(actual.rowCount) != \(expected.rowCount)" }
    for (name, (a, e)) in zip(actual.names, zip(actual.columns, expected.columns)) {
      let numeric: Set<Column.Kind> = [.double, .int, .bool]
      if numeric.contains(a.kind) && numeric.contains(e.kind) {
        let x = a.asDoubles(), y = e.asDoubles()
        for i in x.indices where !(x[i] == y[i] || (x[i].isNaN && y[i].isNaN)) {
          return "column \(name) row \(i + 1): \(x[i]) != \(y[i])"
        }
      } else {
        for i in 0..<a.count where a.value(at: i).description != e.value(at: i).description {
          return "column \(name) row \(i + 1): \(a.value(at: i)) != \(e.value(at: i))"
        }
      }
    }
    return nil
  }
}
