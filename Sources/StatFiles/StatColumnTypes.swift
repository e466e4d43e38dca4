import Datasets

/// The `types` and `levels` options applied after reading, as `read_csv`
/// applies them: a forced type converts the column (an error names the
/// column and the first value that does not convert), levels reorder a
/// string column. A converted column keeps its variable label only.
enum StatColumnTypes {
  static func apply(_ options: StatReadOptions, to dataset: Dataset, path: String) throws -> Dataset {
    var d = dataset
    for (name, kind) in options.columnTypes.sorted(by: { $0.key < $1.key }) {
      guard let c = d[name] else { throw absent("types", name, d, path) }
      if c.kind == kind { continue }
      do {
        d = try d.with(name, try converted(c, to: kind))
      } catch let error as ColumnArgumentError {
        throw DatasetError.invalid("types: column '\(name)' cannot be read as \(kind.rawValue): \(error.message)")
      }
    }
    for (name, levels) in options.levels.sorted(by: { $0.key < $1.key }) {
      guard d[name] != nil else { throw absent("levels", name, d, path) }
      let a = d.attributes(of: name)
      d = try d.settingLevels(name, levels)
      d = try d.with(attributes: a, of: name)
    }
    return d
  }

  private static func absent(_ option: String, _ name: String, _ d: Dataset, _ path: String) -> DatasetError {
    .invalid("\(option): no column '\(name)' in '\(path)' (columns: \(d.names.joined(separator: ", ")))")
  }

  static func converted(_ c: Column, to kind: Column.Kind) throws -> Column {
    switch kind {
    case .double: return .double(try c.asNumber(hint: nil).asDoubles())
    case .string: return try c.asString()
    case .date: return try c.asDate(hint: nil)
    case .int:
      let x = try c.asNumber(hint: nil).asDoubles()
      if let bad = x.firstIndex(where: { !$0.isNaN && ($0 != $0.rounded() || abs($0) > 9.0e15) }) {
        throw ColumnArgumentError("x", "row \(bad + 1) is \(RNumberText.asCharacter(x[bad])), not a whole number")
      }
      return .int(x.map { $0.isNaN ? Column.naInt : Int($0) })
    case .bool:
      let x = try c.asNumber(hint: nil).asDoubles()
      if let bad = x.firstIndex(where: { !$0.isNaN && $0 != 0 && $0 != 1 }) {
        throw ColumnArgumentError("x", "row \(bad + 1) is \(RNumberText.asCharacter(x[bad])), not 0 or 1")
      }
      return .bool(x.map { $0.isNaN ? Column.naBool : UInt8($0) })
    }
  }
}
