/// Columns brought to one type and gathered from one or two sources: what
/// joins, `bind_rows` and `pivot_longer` share.
///
/// The type rules are dplyr's (`vctrs` common types): int with double gives
/// double; strings (factors) with strings give a factor whose levels are the
/// union in order of appearance (the first column's levels, then each later
/// column's new ones); bool, date and double combine only with their own
/// kind (and double with int). Anything else is a `ColumnKindConflict`.
extension Column {
  /// Two kinds that have no common type.
  public struct KindConflict: Error, Equatable {
    public let first: Column.Kind
    public let second: Column.Kind
  }

  /// The columns converted to their common type (see above); each keeps
  /// its rows.
  public static func unified(_ columns: [Column]) throws -> [Column] {
    guard let first = columns.first else { return [] }
    var kind = first.kind
    for c in columns.dropFirst() where c.kind != kind {
      switch (kind, c.kind) {
      case (.int, .double), (.double, .int): kind = .double
      default: throw KindConflict(first: kind, second: c.kind)
      }
    }
    switch kind {
    case .double: return columns.map { if case .double = $0 { return $0 } else { return .double($0.asDoubles()) } }
    case .string:
      var levels: [String] = []
      var position: [String: Int32] = [:]
      for case .factor(_, let l) in columns {
        for level in l where position[level] == nil {
          position[level] = Int32(levels.count)
          levels.append(level)
        }
      }
      return columns.map { c in
        guard case .factor(let codes, let own) = c else { return c }
        if own == levels { return c }
        let map = own.map { position[$0] ?? -1 }
        return .factor(codes: codes.map { $0 < 0 ? -1 : map[Int($0)] }, levels: levels)
      }
    default: return columns
    }
  }

  /// A column of `count` missing values of `kind` (a factor with `levels`).
  public static func missing(_ kind: Column.Kind, count: Int, levels: [String] = []) -> Column {
    switch kind {
    case .double: return .double([Double](repeating: .nan, count: count))
    case .int: return .int([Int](repeating: Column.naInt, count: count))
    case .string: return .factor(codes: [Int32](repeating: -1, count: count), levels: levels)
    case .bool: return .bool([UInt8](repeating: Column.naBool, count: count))
    case .date: return .date([Int32](repeating: Column.naDate, count: count))
    }
  }

  /// Rows `indices` (0-based) of this column; a negative index gives NA
  /// (the rows of a join that have no partner).
  public func gather<I: FixedWidthInteger>(filling indices: [I]) -> Column {
    switch self {
    case .double(let v): return .double(gatherTwo(v, indices, [], [], na: .nan))
    case .int(let v): return .int(gatherTwo(v, indices, [], [], na: Column.naInt))
    case .factor(let c, let l): return .factor(codes: gatherTwo(c, indices, [], [], na: -1), levels: l)
    case .bool(let v): return .bool(gatherTwo(v, indices, [], [], na: Column.naBool))
    case .date(let v): return .date(gatherTwo(v, indices, [], [], na: Column.naDate))
    }
  }

  /// Row k is `a[first[k]]` when `first[k]` ≥ 0, else `b[second[k]]` when
  /// that is ≥ 0, else NA: the key column of a full join. `a` and `b` must
  /// be of one type (`unified`).
  static func gather<I: FixedWidthInteger>(_ a: Column, _ first: [I], _ b: Column, _ second: [I]) -> Column {
    switch (a, b) {
    case (.double(let x), .double(let y)): return .double(gatherTwo(x, first, y, second, na: .nan))
    case (.int(let x), .int(let y)): return .int(gatherTwo(x, first, y, second, na: Column.naInt))
    case (.factor(let x, let l), .factor(let y, _)): return .factor(codes: gatherTwo(x, first, y, second, na: -1),
                                                                    levels: l)
    case (.bool(let x), .bool(let y)): return .bool(gatherTwo(x, first, y, second, na: Column.naBool))
    case (.date(let x), .date(let y)): return .date(gatherTwo(x, first, y, second, na: Column.naDate))
    default: return a.gather(filling: first)
    }
  }

  /// The columns one after another (all of one type: `unified`).
  static func concatenated(_ parts: [Column]) -> Column {
    guard let first = parts.first else { return .double([]) }
    switch first {
    case .double: return .double(parts.flatMap { if case .double(let v) = $0 { return v } else { return [] } })
    case .int: return .int(parts.flatMap { if case .int(let v) = $0 { return v } else { return [] } })
    case .factor(_, let l):
      return .factor(codes: parts.flatMap { if case .factor(let c, _) = $0 { return c } else { return [] } },
                     levels: l)
    case .bool: return .bool(parts.flatMap { if case .bool(let v) = $0 { return v } else { return [] } })
    case .date: return .date(parts.flatMap { if case .date(let v) = $0 { return v } else { return [] } })
    }
  }
}

/// `out[k] = first[k] >= 0 ? a[first[k]] : second[k] >= 0 ? b[second[k]] : na`
/// over contiguous buffers (`second` may be empty: then only `a`). The
/// indices are in range by construction (the join made them).
@inline(__always)
func gatherTwo<T, I: FixedWidthInteger>(_ a: [T], _ first: [I], _ b: [T], _ second: [I], na: T) -> [T] {
  let n = first.count
  return a.withUnsafeBufferPointer { x in
    b.withUnsafeBufferPointer { y in
      first.withUnsafeBufferPointer { f in
        second.withUnsafeBufferPointer { s in
          [T](unsafeUninitializedCapacity: n) { out, initialized in
            guard let base = out.baseAddress else {
              initialized = 0
              return
            }
            if s.isEmpty {
              for k in 0..<n {
                let i = Int(truncatingIfNeeded: f[k])
                (base + k).initialize(to: i >= 0 ? x[i] : na)
              }
            } else {
              for k in 0..<n {
                let i = Int(truncatingIfNeeded: f[k])
                let j = Int(truncatingIfNeeded: s[k])
                (base + k).initialize(to: i >= 0 ? x[i] : j >= 0 ? y[j] : na)
              }
            }
            initialized = n
          }
        }
      }
    }
  }
}
