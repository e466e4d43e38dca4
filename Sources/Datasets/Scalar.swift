import RunControl

/// One value of a column, or a constant operand of column arithmetic.
public enum Scalar: Sendable, Equatable, CustomStringConvertible {
  case missing
  case double(Double)
  case int(Int)
  case string(String)
  case bool(Bool)
  /// Days since 1970-01-01.
  case date(Int32)

  public var description: String {
    switch self {
    case .missing: return "NA"
    case .double(let v): return v.isNaN ? "NA" : CSVWriter.formatDouble(v)
    case .int(let v): return String(v)
    case .string(let s): return s
    case .bool(let b): return b ? "TRUE" : "FALSE"
    case .date(let d): return CalendarDate.formatISO(d)
    }
  }
}

extension Column {
  /// Row `i` (0-based) as a scalar; `.missing` for NA.
  public func value(at i: Int) -> Scalar {
    switch self {
    case .double(let v): return v[i].isNaN ? .missing : .double(v[i])
    case .int(let v): return v[i] == Column.naInt ? .missing : .int(v[i])
    case .factor(let c, let l): return c[i] < 0 ? .missing : .string(l[Int(c[i])])
    case .bool(let v): return v[i] == Column.naBool ? .missing : .bool(v[i] != 0)
    case .date(let v): return v[i] == Column.naDate ? .missing : .date(v[i])
    }
  }

  /// A column built from values of one kind (ints and doubles mix to
  /// Double); `.missing` is NA. Strings become a factor with sorted levels.
  /// An array of only `.missing` gives a Double column. Mixing other kinds
  /// is an error naming the first offending position (1-based).
  ///
  /// Integers that include `Int.min` (Lua's `math.mininteger`), the NA code
  /// of int columns, make a Double column (−2^63 is exact in a double) with
  /// a warning through `RunWarnings` naming `name`: the value is kept, never
  /// read back as NA.
  public init(values: [Scalar], name: String? = nil) throws {
    var kind: Column.Kind?
    for (i, v) in values.enumerated() {
      let k: Column.Kind
      switch v {
      case .missing: continue
      case .double: k = .double
      case .int: k = .int
      case .string: k = .string
      case .bool: k = .bool
      case .date: k = .date
      }
      switch (kind, k) {
      case (nil, _): kind = k
      case (.int?, .double), (.double?, .int): kind = .double
      case (let a?, let b) where a == b: break
      case (let a?, let b):
        throw DatasetError.invalid("value \(i + 1) is \(b.rawValue), but earlier values are \(a.rawValue)")
      }
    }
    if kind == .int, let i = values.firstIndex(of: .int(Column.naInt)) {
      Column.warnIntNA(column: name, at: "value \(i + 1)",
                       ints: values.lazy.compactMap { if case .int(let v) = $0 { return v } else { return nil } })
      kind = .double
    }
    switch kind ?? .double {
    case .double:
      self = .double(values.map {
        switch $0 {
        case .double(let v): return v
        case .int(let v): return Double(v)
        default: return .nan
        }
      })
    case .int:
      self = .int(values.map { if case .int(let v) = $0 { return v } else { return Column.naInt } })
    case .bool:
      self = .bool(values.map { if case .bool(let b) = $0 { return b ? 1 : 0 } else { return Column.naBool } })
    case .date:
      self = .date(values.map { if case .date(let d) = $0 { return d } else { return Column.naDate } })
    case .string:
      let labels = values.map { v -> String? in if case .string(let s) = v { return s } else { return nil } }
      let levels = Set(labels.compactMap { $0 }).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      var code: [String: Int32] = [:]
      for (k, l) in levels.enumerated() { code[l] = Int32(k) }
      self = .factor(codes: labels.map { $0.flatMap { code[$0] } ?? -1 }, levels: levels)
    }
  }
}
