import Datasets
import LuaHost

/// Builds the dataset of a tidier column by column, with typed columns:
/// labels (groups, strata, terms) as string columns, estimates as doubles
/// (NaN is NA, as R's NA), counts as int columns when every count is whole
/// (unweighted data) and doubles otherwise (case weights), as the result
/// tables give counts.
struct TidyTable {
  private var names: [String] = []
  private var columns: [Column] = []

  /// A string column; nil is NA. Levels in order of first appearance, so
  /// that groups keep the result's order.
  mutating func labels(_ name: String, _ values: [String?]) throws {
    var levels: [String] = []
    var codes: [Int32] = []
    var index: [String: Int32] = [:]
    codes.reserveCapacity(values.count)
    for value in values {
      guard let value else {
        codes.append(-1)
        continue
      }
      if let code = index[value] {
        codes.append(code)
        continue
      }
      guard let code = Int32(exactly: levels.count), code < Int32.max else {
        throw LuaError.runtime("tidy: too many labels in column '\(name)'")
      }
      index[value] = code
      levels.append(value)
      codes.append(code)
    }
    columns.append(.factor(codes: codes, levels: levels))
    names.append(name)
  }

  /// A double column; NaN is NA.
  mutating func numbers(_ name: String, _ values: [Double]) {
    columns.append(.double(values))
    names.append(name)
  }

  /// A double column from optional values (nil is NA).
  mutating func numbers(_ name: String, _ values: [Double?]) {
    numbers(name, values.map { $0 ?? .nan })
  }

  /// An int column; nil is NA.
  mutating func integers(_ name: String, _ values: [Int?]) {
    columns.append(.int(values.map { $0 ?? Column.naInt }))
    names.append(name)
  }

  /// A boolean column.
  mutating func booleans(_ name: String, _ values: [Bool]) {
    columns.append(.bool(values.map { $0 ? 1 : 0 }))
    names.append(name)
  }

  /// Counts: an int column when every count is whole or NA, else doubles.
  mutating func counts(_ name: String, _ values: [Double]) {
    let whole = values.allSatisfy { $0.isNaN || ($0 == $0.rounded() && abs($0) < 9e15) }
    if whole {
      integers(name, values.map { $0.isNaN ? nil : Int($0) })
    } else {
      numbers(name, values)
    }
  }

  /// The dataset (every column must have the same length).
  func dataset() throws -> Dataset {
    try Dataset(names: names, columns: columns)
  }
}

/// `values` with NaN (NA) appended up to `count` entries: a curve's limits
/// are empty when it has none (conf_type = "none").
func padded(_ values: [Double], to count: Int) -> [Double] {
  values.count >= count ? Array(values.prefix(count)) : values + Array(repeating: .nan, count: count - values.count)
}
