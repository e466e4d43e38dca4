/// Column building for tmerge's terms, keeping the value's type as R does
/// (int stays int, a string column stays a factor with its levels).
enum TermColumns {
  typealias Fail = SurvivalDataError

  /// `values[index[r]]` per row, NA (or `missingValue` for numbers) where
  /// the index is -1.
  static func gather(_ values: Column, _ index: [Int], missingValue: Double) -> Column {
    switch values {
    case .double(let v): return .double(index.map { $0 >= 0 ? v[$0] : missingValue })
    case .int(let v):
      if !missingValue.isNaN, missingValue != missingValue.rounded() || abs(missingValue) > 1e15 {
        return gather(.double(values.asDoubles()), index, missingValue: missingValue)
      }
      let fill = missingValue.isNaN ? Column.naInt : Int(missingValue)
      return .int(index.map { $0 >= 0 ? v[$0] : fill })
    case .factor(let c, let l): return .factor(codes: index.map { $0 >= 0 ? c[$0] : -1 }, levels: l)
    case .bool(let v): return .bool(index.map { $0 >= 0 ? v[$0] : Column.naBool })
    case .date(let v): return .date(index.map { $0 >= 0 ? v[$0] : Column.naDate })
    }
  }

  /// `old` with the rows where `mask` holds taken from `new` (same type;
  /// int and double mix to double).
  static func update(_ old: Column, with new: Column, where mask: [Bool], name: String) throws -> Column {
    switch (old, new) {
    case (.double(var o), _) where new.kind == .int || new.kind == .double:
      let n = new.asDoubles()
      for r in mask.indices where mask[r] { o[r] = n[r] }
      return .double(o)
    case (.int, .double):
      return try update(.double(old.asDoubles()), with: new, where: mask, name: name)
    case (.int(var o), .int(let n)):
      for r in mask.indices where mask[r] { o[r] = n[r] }
      return .int(o)
    case (.bool(var o), .bool(let n)):
      for r in mask.indices where mask[r] { o[r] = n[r] }
      return .bool(o)
    case (.factor(var o, let l), .factor(let n, let m)) where l == m:
      for r in mask.indices where mask[r] { o[r] = n[r] }
      return .factor(codes: o, levels: l)
    default:
      throw TimeDependentMerge.termError(
        name, "the update of '\(name)' holds \(new.kind.rawValue) values, the variable "
        + "\(old.kind.rawValue) values" + (old.kind == .string ? " (or other levels)" : ""))
    }
  }

  /// Increments of cumtdc/cumevent: the values as numbers (true 1), or 1 each.
  static func increments(_ values: Column?, count: Int, name: String) throws -> [Double] {
    guard let values else { return [Double](repeating: 1, count: count) }
    switch values {
    case .double, .int, .bool: return values.asDoubles()
    default:
      throw TimeDependentMerge.termError(
        name, "cumtdc and cumevent need numbers (or true/false), got a \(values.kind.rawValue) column")
    }
  }

  /// An event column of `count` rows, all censored, of the type of `like`.
  static func censored(like: Column, count: Int) -> Column {
    switch like {
    case .double: return .double([Double](repeating: 0, count: count))
    case .int: return .int([Int](repeating: 0, count: count))
    case .bool: return .bool([UInt8](repeating: 0, count: count))
    case .factor(_, let l): return .factor(codes: [Int32](repeating: l.isEmpty ? -1 : 0, count: count), levels: l)
    case .date: return .date([Int32](repeating: Column.naDate, count: count))
    }
  }

  /// The censoring value of an event column (R's `tcens`).
  static func censorValue(_ c: Column) -> Scalar {
    switch c {
    case .double: return .double(0)
    case .int: return .int(0)
    case .bool: return .bool(false)
    case .factor(_, let l): return l.first.map { .string($0) } ?? .missing
    case .date: return .missing
    }
  }

  /// `target[rows[i]] = from[at[i]]`, in order (a later value wins).
  static func assign(_ target: Column, rows: [Int], from: Column, at: [Int], name: String) throws -> Column {
    switch (target, from) {
    case (.int(var t), .int(let f)):
      for (r, i) in zip(rows, at) { t[r] = f[i] }
      return .int(t)
    case (.int, .double), (.double, .int), (.double, .double):
      var t = target.asDoubles()
      let f = from.asDoubles()
      for (r, i) in zip(rows, at) { t[r] = f[i] }
      return .double(t)
    case (.bool(var t), .bool(let f)):
      for (r, i) in zip(rows, at) { t[r] = f[i] }
      return .bool(t)
    case (.factor(var t, let l), .factor(let f, let m)):
      // Levels of the update must be levels of the variable (R's check).
      var code = [Int32]()
      for level in m {
        guard let k = l.firstIndex(of: level) else {
          throw TimeDependentMerge.termError(
            name, "level \"\(level)\" of the update is not a level of event variable '\(name)'")
        }
        code.append(Int32(k))
      }
      for (r, i) in zip(rows, at) { t[r] = f[i] < 0 ? -1 : code[Int(f[i])] }
      return .factor(codes: t, levels: l)
    default:
      throw TimeDependentMerge.termError(
        name, "the update of event variable '\(name)' holds \(from.kind.rawValue) values, the "
        + "variable \(target.kind.rawValue) values")
    }
  }

  /// `c` with `rows` set to `value` (an event's censoring value).
  static func setting(_ c: Column, rows: [Int], to value: Scalar, name: String) throws -> Column {
    switch (c, value) {
    case (.int(var v), .int(let x)):
      for r in rows { v[r] = x }
      return .int(v)
    case (.double(var v), .int(let x)):
      for r in rows { v[r] = Double(x) }
      return .double(v)
    case (.double(var v), .double(let x)):
      for r in rows { v[r] = x }
      return .double(v)
    case (.int, .double(let x)):
      return try setting(.double(c.asDoubles()), rows: rows, to: .double(x), name: name)
    case (.bool(var v), .bool(let x)):
      for r in rows { v[r] = x ? 1 : 0 }
      return .bool(v)
    case (.factor(var codes, let l), .string(let s)):
      guard let k = l.firstIndex(of: s) else {
        throw Fail.data("event variable '\(name)' no longer has its censoring level \"\(s)\"")
      }
      for r in rows { codes[r] = Int32(k) }
      return .factor(codes: codes, levels: l)
    default:
      throw Fail.data("event variable '\(name)' no longer matches its original type")
    }
  }
}
