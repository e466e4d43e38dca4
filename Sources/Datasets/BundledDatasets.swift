/// The datasets shipped under `stdlib/data/`, exported from R's `survival`
/// package by `scripts/export_datasets.R`.
///
/// Layout of `<stdlib>/data/`:
/// - `index.tsv`: header `name rows columns description`, one dataset a line;
/// - `<name>.csv`: the data (header row, `NA` for missing);
/// - `<name>.schema.tsv`: one line per column, tab-separated: name, type
///   (`double`, `int`, `string`, `bool`, `date`) and, for strings, the levels
///   in R's order. The schema fixes types and level order, so nothing is
///   inferred when a bundled dataset loads.
public enum BundledDatasets {
  /// One entry of `index.tsv`.
  public struct Entry: Sendable, Equatable {
    public let name: String
    public let rows: Int
    public let columns: Int
    public let description: String
  }

  /// The bundled datasets listed in `<stdlib>/data/index.tsv`.
  public static func list(stdlib: String) throws -> [Entry] {
    let path = stdlib + "/data/index.tsv"
    let bytes = try FileBytes.read(path: path)
    let lines = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
    return try lines.dropFirst().enumerated().map { k, line in
      let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard f.count == 4, let rows = Int(f[1]), let columns = Int(f[2]) else {
        throw DatasetError.parse(file: path, line: k + 2, column: 1, message: "expected name, rows, columns, "
          + "description")
      }
      return Entry(name: f[0], rows: rows, columns: columns, description: f[3])
    }
  }

  /// Loads bundled dataset `name` from `<stdlib>/data/`, with the types and
  /// level order of its schema.
  public static func load(_ name: String, stdlib: String) throws -> Dataset {
    let known = try list(stdlib: stdlib)
    guard known.contains(where: { $0.name == name }) else {
      throw DatasetError.invalid(
        "no bundled dataset '\(name)' (available: \(known.map(\.name).joined(separator: ", ")))")
    }
    let base = stdlib + "/data/" + name
    let schema = try readSchema(path: base + ".schema.tsv")
    var options = CSVOptions(delimiter: ",", missing: ["NA"])
    for column in schema {
      options.columnTypes[column.name] = column.kind
      if column.kind == .string { options.levels[column.name] = column.levels }
    }
    let d = try CSVReader.read(path: base + ".csv", options: options)
    guard d.names == schema.map(\.name) else {
      throw DatasetError.invalid("\(base).csv: columns \(d.names) differ from its schema \(schema.map(\.name))")
    }
    return d
  }

  struct SchemaColumn {
    let name: String
    let kind: Column.Kind
    let levels: [String]
  }

  static func readSchema(path: String) throws -> [SchemaColumn] {
    let text = String(decoding: try FileBytes.read(path: path), as: UTF8.self)
    return try text.split(separator: "\n").enumerated().map { k, line in
      let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard f.count >= 2, let kind = Column.Kind(rawValue: f[1]) else {
        throw DatasetError.parse(file: path, line: k + 1, column: 2, message: "expected a column name and a type")
      }
      return SchemaColumn(name: f[0], kind: kind, levels: Array(f.dropFirst(2)))
    }
  }
}

extension Dataset {
  /// Loads a bundled dataset; see `BundledDatasets.load(_:stdlib:)`.
  public static func bundled(_ name: String, stdlib: String) throws -> Dataset {
    try BundledDatasets.load(name, stdlib: stdlib)
  }
}
