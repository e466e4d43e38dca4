import RunControl

/// Stacking, de-duplicating, renaming, slicing and sampling rows, as
/// dplyr's `bind_rows`, `distinct`, `rename`, `slice` and `slice_sample`.
extension Dataset {
  /// The rows of `parts` one after another (dplyr's `bind_rows`): columns
  /// matched by name, in order of first appearance; a column a part lacks is
  /// NA in its rows; types combine as `Column.unified` says (int with double
  /// gives double, strings give the union of levels in order of
  /// appearance); any other conflict is an error naming the column.
  public static func bindRows(_ parts: [Dataset]) throws -> Dataset {
    var names: [String] = []
    var seen = Set<String>()
    for d in parts {
      for n in d.names where seen.insert(n).inserted { names.append(n) }
    }
    let total = parts.reduce(0) { $0 + $1.rowCount }
    try MemoryBudget.require(count: total, stride: 8 * Swift.max(names.count, 1), for: "bind_rows of \(total) rows")
    var columns: [Column] = []
    for name in names {
      let present = parts.compactMap { $0[name] }
      let unified: [Column]
      do { unified = try Column.unified(present) } catch let conflict as Column.KindConflict {
        let first = parts.firstIndex { $0[name]?.kind == conflict.first } ?? 0
        let second = parts.firstIndex { $0[name]?.kind == conflict.second } ?? 0
        throw DatasetError.invalid(
          "column '\(name)' is \(conflict.first.rawValue) in dataset \(first + 1) but \(conflict.second.rawValue) "
            + "in dataset \(second + 1)")
      }
      guard let kind = unified.first?.kind else { continue }
      let levels = unified.first?.levels ?? []
      var next = unified.makeIterator()
      let pieces = parts.map { d -> Column in
        d[name] == nil ? Column.missing(kind, count: d.rowCount, levels: levels) : next.next() ?? .double([])
      }
      columns.append(Column.concatenated(pieces))
    }
    // Each column's metadata from the first part that has the column.
    var attributes = DatasetAttributes(label: parts.first?.attributes.label)
    for d in parts { attributes.columns.merge(d.attributes.columns) { first, _ in first } }
    return try Dataset(names: names, columns: columns, attributes: attributes)
  }

  /// The first row of each distinct combination of `keys` (all columns
  /// when empty), in row order; only the key columns unless `keepAll`
  /// (dplyr's `distinct(..., .keep_all)`). NA equals NA.
  public func distinct(_ keys: [String], keepAll: Bool = false) throws -> Dataset {
    let names = keys.isEmpty ? self.names : keys
    if names.isEmpty { return self }
    let groups = try grouping(by: names)
    var rows = groups.firstRows.filter { $0 >= 0 }
    rows.sort()
    let kept = try (keepAll || keys.isEmpty) ? self : select(keys)
    return try kept.rows(rows)
  }

  /// Columns renamed by `(old, new)` pairs, all at once (dplyr's `rename`,
  /// written old = new as Lua table keys are the existing names); a new name
  /// that another column keeps, or two columns given one name, is an error.
  public func renamed(_ pairs: [(old: String, new: String)]) throws -> Dataset {
    var newNames = names
    for (old, new) in pairs {
      guard let i = index(of: old) else { throw noColumn(old) }
      newNames[i] = new
    }
    var seen = Set<String>()
    for n in newNames where !seen.insert(n).inserted {
      throw DatasetError.invalid("two columns would be named '\(n)'")
    }
    return try Dataset(names: newNames, columns: columns, attributes: attributes.renamed(pairs))
  }

  /// Rows `from` through `to` (1-based, inclusive; `to` past the end stops
  /// at the last row; an empty dataset when `to` < `from`).
  public func slice(from: Int, to: Int) throws -> Dataset {
    guard from >= 1 else { throw DatasetError.invalid("the first row must be ≥ 1, got \(from)") }
    let end = Swift.min(to, rowCount)
    if end < from { return try rows([]) }
    return try rows(Array((from - 1)..<end))
  }

  /// `n` rows drawn at random: without replacement (distinct rows, in the
  /// order drawn; `n` at most the row count) or with replacement (a
  /// bootstrap sample). Deterministic for a seed; see `SampleGenerator`.
  public func sample(_ n: Int, replace: Bool, seed: UInt64) throws -> Dataset {
    guard n >= 0 else { throw DatasetError.invalid("the sample size must be ≥ 0, got \(n)") }
    if !replace && n > rowCount {
      throw DatasetError.invalid(
        "cannot take \(n) rows without replacement from \(rowCount) rows (set replace = true)")
    }
    if replace && rowCount == 0 && n > 0 {
      throw DatasetError.invalid("cannot sample from a dataset with no rows")
    }
    try MemoryBudget.require(count: n, stride: 8 * Swift.max(columns.count, 1), for: "a sample of \(n) rows")
    var rng = SampleGenerator(seed: seed)
    var picked: [Int]
    if replace {
      picked = (0..<n).map { _ in rng.below(rowCount) }
    } else {
      // A partial Fisher–Yates shuffle: the first n positions.
      var positions = Array(0..<rowCount)
      for k in 0..<n {
        let j = k + rng.below(rowCount - k)
        positions.swapAt(k, j)
      }
      picked = Array(positions.prefix(n))
    }
    return try rows(picked)
  }
}

/// The generator of `d:sample`: xoshiro256** (Blackman and Vigna, 2018)
/// seeded through SplitMix64, as their reference code recommends; uniform
/// integers below a bound by Lemire's multiply-and-reject method (2019), so
/// no bound is favoured. The same seed gives the same rows on every
/// platform. (Not R's Mersenne Twister: R's `sample` draws other rows.)
public struct SampleGenerator {
  private var s: (UInt64, UInt64, UInt64, UInt64)

  public init(seed: UInt64) {
    var seeder = SplitMix64(seed: seed)
    s = (seeder.next(), seeder.next(), seeder.next(), seeder.next())
  }

  public mutating func next() -> UInt64 {
    let five = s.1 &* 5
    let result = ((five << 7) | (five >> 57)) &* 9
    let t = s.1 << 17
    s.2 ^= s.0
    s.3 ^= s.1
    s.1 ^= s.2
    s.0 ^= s.3
    s.2 ^= t
    s.3 = s.3 << 45 | s.3 >> 19
    return result
  }

  /// A uniform integer in 0..<bound (bound > 0).
  public mutating func below(_ bound: Int) -> Int {
    let b = UInt64(bound)
    var m = next().multipliedFullWidth(by: b)
    if m.low < b {
      let threshold = (0 &- b) % b
      while m.low < threshold { m = next().multipliedFullWidth(by: b) }
    }
    return Int(m.high)
  }
}
