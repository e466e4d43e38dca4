import RunControl

/// One typed column of a `Dataset`.
///
/// Missing values (NA) are stored in-band with a sentinel per type, so numeric
/// kernels read one contiguous buffer without a separate mask:
/// - `double`: `Double.nan`
/// - `int`: `Column.naInt` (`Int.min`); integers that include `Int.min`
///   are stored as `double` instead, with a warning (`Column(values:name:)`)
/// - `factor`: a negative code, `-1` (codes index `levels`, 0-based); a
///   value-labelled column read from a file may hold `-1 - k` for its
///   special missing value k (`Column.factorCode(missing:)`): test `< 0`
/// - `bool`: `Column.naBool` (255); otherwise 0 = false, 1 = true
/// - `date`: `Column.naDate` (`Int32.min`); otherwise days since 1970-01-01
public enum Column: Sendable, Equatable {
  case double([Double])
  case int([Int])
  case factor(codes: [Int32], levels: [String])
  case bool([UInt8])
  case date([Int32])

  public static let naInt = Int.min
  public static let naBool: UInt8 = 255
  public static let naDate = Int32.min

  /// The column's type, as named in printouts and `types()`.
  public enum Kind: String, Sendable, CaseIterable {
    case double, int, string, bool, date
  }

  public var kind: Kind {
    switch self {
    case .double: return .double
    case .int: return .int
    case .factor: return .string
    case .bool: return .bool
    case .date: return .date
    }
  }

  public var count: Int {
    switch self {
    case .double(let v): return v.count
    case .int(let v): return v.count
    case .factor(let c, _): return c.count
    case .bool(let v): return v.count
    case .date(let v): return v.count
    }
  }

  /// Whether row `i` (0-based) is missing.
  public func isMissing(_ i: Int) -> Bool {
    switch self {
    case .double(let v): return v[i].isNaN
    case .int(let v): return v[i] == Column.naInt
    case .factor(let c, _): return c[i] < 0
    case .bool(let v): return v[i] == Column.naBool
    case .date(let v): return v[i] == Column.naDate
    }
  }

  /// The column as doubles (NA → NaN) for numeric kernels; factors give
  /// their 0-based codes, bools 0/1, dates days since the epoch.
  public func asDoubles() -> [Double] {
    switch self {
    case .double(let v): return v
    case .int(let v): return v.map { $0 == Column.naInt ? .nan : Double($0) }
    case .factor(let c, _): return c.map { $0 < 0 ? .nan : Double($0) }
    case .bool(let v): return v.map { $0 == Column.naBool ? .nan : Double($0) }
    case .date(let v): return v.map { $0 == Column.naDate ? .nan : Double($0) }
    }
  }

  /// Rows `indices` (0-based) of this column, in that order.
  public func gather(_ indices: [Int]) -> Column {
    switch self {
    case .double(let v): return .double(indices.map { v[$0] })
    case .int(let v): return .int(indices.map { v[$0] })
    case .factor(let c, let l): return .factor(codes: indices.map { c[$0] }, levels: l)
    case .bool(let v): return .bool(indices.map { v[$0] })
    case .date(let v): return .date(indices.map { v[$0] })
    }
  }
}

extension Column {
  /// Whole numbers beyond ±2^53 are not all exact in a double.
  static let exactDoubleIntegerLimit = 1 << 53

  /// Warns that an int column is stored as double because it holds
  /// `Int.min`, the NA code of int columns (its `position`, e.g. "value 3"
  /// or "line 4"), and whether other values lose precision as doubles.
  static func warnIntNA<S: Sequence>(column name: String?, at position: String, ints: S) where S.Element == Int {
    let inexact = ints.contains {
      $0 != Column.naInt && ($0 > exactDoubleIntegerLimit || $0 < -exactDoubleIntegerLimit)
    }
    let subject = name.map { "column '\($0)'" } ?? "an integer column"
    RunWarnings.emit(
      "\(subject): \(position) is -9223372036854775808 (math.mininteger), the NA code of int columns, "
        + "so the column is stored as double"
        + (inexact ? " (integers beyond ±2^53 in it lose precision)" : ""))
  }
}
