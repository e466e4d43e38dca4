/// An immutable table of named, typed columns of equal length.
///
/// Every operation returns a new value; a `Dataset` shared between parts of
/// a script can never be changed under one of them.
public struct Dataset: Sendable, Equatable {
  public let names: [String]
  public let columns: [Column]
  /// Labels, value labels, formats and special missing codes (from SAS,
  /// Stata and SPSS files); see `DatasetAttributes` for which operations
  /// keep them.
  public let attributes: DatasetAttributes

  /// Number of rows.
  public var rowCount: Int { columns.first?.count ?? 0 }

  /// Builds a dataset; fails when names repeat or lengths differ.
  public init(names: [String], columns: [Column], attributes: DatasetAttributes = DatasetAttributes()) throws {
    guard names.count == columns.count else {
      throw DatasetError.invalid("\(names.count) names for \(columns.count) columns")
    }
    var seen = Set<String>()
    for n in names where !seen.insert(n).inserted {
      throw DatasetError.invalid("duplicate column name '\(n)'")
    }
    if let first = columns.first {
      for (n, c) in zip(names, columns) where c.count != first.count {
        throw DatasetError.invalid(
          "column '\(n)' has \(c.count) rows, expected \(first.count)")
      }
    }
    self.names = names
    self.columns = columns
    self.attributes = attributes.restricted(to: names)
  }

  /// A dataset from parts already checked (same names, same columns).
  init(unchecked names: [String], _ columns: [Column], _ attributes: DatasetAttributes) {
    self.names = names
    self.columns = columns
    self.attributes = attributes
  }

  /// The index of column `name`, if present.
  public func index(of name: String) -> Int? { names.firstIndex(of: name) }

  /// The column named `name`, if present.
  public subscript(name: String) -> Column? {
    index(of: name).map { columns[$0] }
  }
}

/// Errors raised by dataset construction and I/O. Messages are complete
/// sentences for the analyst (they name file, line, column where known).
public enum DatasetError: Error, Equatable, CustomStringConvertible {
  case invalid(String)
  case parse(file: String, line: Int, column: Int, message: String)
  case io(String)

  public var description: String {
    switch self {
    case .invalid(let m): return m
    case .parse(let f, let l, let c, let m): return "\(f):\(l):\(c): \(m)"
    case .io(let m): return m
    }
  }
}
