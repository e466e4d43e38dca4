import RunControl

/// One summary of a group: a function of one column (none for `count`).
public struct Summary: Sendable, Equatable {
  /// The summary functions, with R's semantics (dplyr's `summarise` of
  /// `n()`, `sum`, `mean`, `sd`, `median`, `min`, `max`, `quantile` (type
  /// 7), `n_distinct`, `first`, `last`).
  public enum Function: Sendable, Equatable {
    case count, sum, mean, sd, median, min, max, nDistinct, first, last
    case quantile(Double)

    public var name: String {
      switch self {
      case .count: return "count"
      case .sum: return "sum"
      case .mean: return "mean"
      case .sd: return "sd"
      case .median: return "median"
      case .min: return "min"
      case .max: return "max"
      case .nDistinct: return "n_distinct"
      case .first: return "first"
      case .last: return "last"
      case .quantile: return "quantile"
      }
    }
  }

  public var function: Function
  public var column: String?
  /// Skip missing values (R's `na.rm = TRUE`). Without it a missing value
  /// makes the summary NA (`sum`, `mean`, `sd`, `median`, `quantile`,
  /// `min`, `max`), counts as a value (`n_distinct`) or is kept (`first`).
  public var naRm: Bool

  public init(_ function: Function, column: String? = nil, naRm: Bool = false) {
    self.function = function
    self.column = column
    self.naRm = naRm
  }
}

extension Dataset {
  /// One row per group of `keys` (sorted by key, see `grouping(by:)`; one
  /// row without keys), with the key columns then one column per summary.
  ///
  /// Types: count and n_distinct are int; sum is int for int and bool
  /// columns (NA with a warning on overflow, as R) and double for double;
  /// min, max, first and last keep the column's type; mean, sd, median and
  /// quantile are double. Bool columns are summed and averaged as 0/1.
  /// `min`/`max` of a group with no values (after `na_rm`) are NA for int
  /// and date columns and -Inf/Inf for doubles, with a warning (R gives
  /// Inf for both).
  public func summarise(by keys: [String], _ summaries: [(name: String, summary: Summary)]) throws -> Dataset {
    var seen = Set(keys)
    for (name, _) in summaries where !seen.insert(name).inserted {
      let among = keys.isEmpty ? "" : " (group columns: \(keys.joined(separator: ", ")))"
      throw DatasetError.invalid("column '\(name)' is named twice\(among)")
    }
    // Every column is checked before any work, so a mistake costs nothing.
    let inputs = try summaries.map { _, s -> Column? in
      guard let name = s.column else { return nil }
      let c = try column(named: name)
      try Self.check(s.function, c, name)
      return c
    }
    let groups = try grouping(by: keys)
    let keyColumns = try keys.map { try column(named: $0).gather(groups.firstRows) }
    var kernel = GroupKernel(groups)
    var out: [Column] = []
    for ((name, s), input) in zip(summaries, inputs) {
      try Cancellation.check()
      out.append(try kernel.summary(s, input, name: s.column ?? name))
    }
    return try Dataset(names: keys + summaries.map(\.name), columns: keyColumns + out)
  }

  static func check(_ f: Summary.Function, _ c: Column, _ name: String) throws {
    switch (f, c) {
    case (.sum, .factor), (.mean, .factor), (.sd, .factor), (.median, .factor), (.quantile, .factor),
      (.min, .factor), (.max, .factor), (.sum, .date), (.sd, .date):
      throw DatasetError.invalid("\(f.name)(\"\(name)\"): column '\(name)' is \(c.kind.rawValue)")
    case (.quantile(let p), _) where !(p >= 0 && p <= 1):
      throw DatasetError.invalid("quantile(\"\(name)\", p): p must lie in [0, 1], got \(p)")
    default: return
    }
  }
}

/// The per-group passes of `summarise`: one pass over the rows per summary
/// for counts, sums, means and extremes (group totals stay in cache); the
/// values scattered by group for medians and quantiles.
struct GroupKernel {
  let groups: Grouping
  private var sizes: [Int]?

  init(_ groups: Grouping) { self.groups = groups }

  mutating func groupSizes() -> [Int] {
    if let sizes { return sizes }
    var n = [Int](repeating: 0, count: groups.count)
    groups.codes.withUnsafeBufferPointer { codes in
      n.withUnsafeMutableBufferPointer { n in
        for c in codes { n[Int(c)] += 1 }
      }
    }
    sizes = n
    return n
  }

  /// One summary per group; `name` is the input column's, for warnings.
  mutating func summary(_ s: Summary, _ input: Column?, name: String) throws -> Column {
    guard let c = input else { return .int(groupSizes()) }
    switch s.function {
    case .count: return .int(groupSizes())
    case .sum:
      switch c {
      case .double(let v): return .double(sums(v, naRm: s.naRm).sum)
      case .int(let v): return .int(intSums(v, naRm: s.naRm, name: name))
      case .bool(let v): return .int(intSums(v.map { $0 == Column.naBool ? Column.naInt : Int($0) },
                                             naRm: s.naRm, name: name))
      default: return Column.missing(.double, count: groups.count)
      }
    case .mean:
      let (sum, n) = sums(c.asDoubles(), naRm: s.naRm)
      return .double(zip(sum, n).map { $1 == 0 ? .nan : $0 / Double($1) })
    case .sd: return .double(standardDeviations(c.asDoubles(), naRm: s.naRm))
    case .median: return .double(quantiles(c.asDoubles(), 0.5, naRm: s.naRm, median: true))
    case .quantile(let p): return .double(quantiles(c.asDoubles(), p, naRm: s.naRm, median: false))
    case .min, .max: return extremes(c, max: s.function == .max, naRm: s.naRm, name: name)
    case .first, .last: return c.gather(filling: ends(c, last: s.function == .last, naRm: s.naRm))
    case .nDistinct: return .int(try distinctCounts(c, naRm: s.naRm))
    }
  }

  /// Sums and counts of the values per group; without `naRm` a NaN is
  /// summed (so the sum is NaN), and counted.
  func sums(_ v: [Double], naRm: Bool) -> (sum: [Double], n: [Int]) {
    var sum = [Double](repeating: 0, count: groups.count)
    var n = [Int](repeating: 0, count: groups.count)
    groups.codes.withUnsafeBufferPointer { codes in
      v.withUnsafeBufferPointer { v in
        sum.withUnsafeMutableBufferPointer { sum in
          n.withUnsafeMutableBufferPointer { n in
            if naRm {
              for i in 0..<v.count where !v[i].isNaN {
                let g = Int(codes[i])
                sum[g] += v[i]
                n[g] += 1
              }
            } else {
              for i in 0..<v.count {
                let g = Int(codes[i])
                sum[g] += v[i]
                n[g] += 1
              }
            }
          }
        }
      }
    }
    return (sum, n)
  }

  func intSums(_ v: [Int], naRm: Bool, name: String) -> [Int] {
    var sum = [Int](repeating: 0, count: groups.count)
    var missing = [Bool](repeating: false, count: groups.count)
    var overflowed = false
    for (i, x) in v.enumerated() {
      let g = Int(groups.codes[i])
      if x == Column.naInt {
        if !naRm { missing[g] = true }
        continue
      }
      let (s, o) = sum[g].addingReportingOverflow(x)
      if o {
        missing[g] = true
        overflowed = true
      }
      sum[g] = s
    }
    if overflowed { RunWarnings.emit("sum(\"\(name)\"): integer overflow in a group gives NA (sum a double column)") }
    return zip(sum, missing).map { $1 ? Column.naInt : $0 }
  }

  /// R's `sd`: deviations from the group mean, denominator n − 1; NA with
  /// fewer than two values.
  func standardDeviations(_ v: [Double], naRm: Bool) -> [Double] {
    let (sum, n) = sums(v, naRm: naRm)
    let mean = zip(sum, n).map { $1 == 0 ? Double.nan : $0 / Double($1) }
    var squares = [Double](repeating: 0, count: groups.count)
    groups.codes.withUnsafeBufferPointer { codes in
      v.withUnsafeBufferPointer { v in
        mean.withUnsafeBufferPointer { mean in
          squares.withUnsafeMutableBufferPointer { squares in
            for i in 0..<v.count where !(naRm && v[i].isNaN) {
              let g = Int(codes[i])
              let d = v[i] - mean[g]
              squares[g] += d * d
            }
          }
        }
      }
    }
    return zip(squares, n).map { $1 < 2 ? .nan : ($0 / Double($1 - 1)).squareRoot() }
  }

  /// Type-7 quantiles per group (the median as R's `median`: the mean of
  /// the middle two for an even count). A NaN without `naRm` gives NaN.
  ///
  /// The values are first scattered by group into one buffer (a counting
  /// sort by group: each group's values contiguous), then each group's
  /// order statistics are found by selection (Hoare's FIND, median-of-three
  /// pivots), O(n) per group on average instead of a sort.
  mutating func quantiles(_ v: [Double], _ p: Double, naRm: Bool, median: Bool) -> [Double] {
    let sizes = groupSizes()
    let g = groups.count
    var start = [Int](repeating: 0, count: g + 1)
    for k in 0..<g { start[k + 1] = start[k] + sizes[k] }
    var next = Array(start.prefix(g))
    var missing = [Bool](repeating: false, count: g)
    var buffer = [Double](repeating: 0, count: v.count)
    groups.codes.withUnsafeBufferPointer { codes in
      v.withUnsafeBufferPointer { v in
        buffer.withUnsafeMutableBufferPointer { out in
          for i in 0..<v.count {
            let k = Int(codes[i])
            let x = v[i]
            if x.isNaN {
              missing[k] = true
              continue
            }
            out[next[k]] = x
            next[k] += 1
          }
        }
      }
    }
    var result = [Double](repeating: .nan, count: g)
    buffer.withUnsafeMutableBufferPointer { all in
      guard let base = all.baseAddress else { return }
      for k in 0..<g {
        let n = next[k] - start[k]
        if (missing[k] && !naRm) || n == 0 { continue }
        let a = base + start[k]
        if median {
          let half = n / 2
          let upper = Self.select(a, n, half)
          if n % 2 == 1 {
            result[k] = upper
          } else {
            var lower = a[0]
            for j in 1..<half where a[j] > lower { lower = a[j] }
            result[k] = (lower + upper) / 2
          }
          continue
        }
        let index = 1 + Double(n - 1) * p
        let lo = index.rounded(.down)
        let xlo = Self.select(a, n, Int(lo) - 1)
        guard index > lo else {
          result[k] = xlo
          continue
        }
        var xhi = a[Int(lo)]
        for j in Int(lo)..<n where a[j] < xhi { xhi = a[j] }
        let h = index - lo
        result[k] = xhi != xlo ? (1 - h) * xlo + h * xhi : xlo
      }
    }
    return result
  }

  /// The k-th smallest (0-based) of a[0..<n], which it partially orders:
  /// afterwards a[0..<k] ≤ a[k] ≤ a[k+1..<n]. Hoare's FIND (1961) with a
  /// median-of-three pivot; the values have no NaN.
  static func select(_ a: UnsafeMutablePointer<Double>, _ n: Int, _ k: Int) -> Double {
    var lo = 0
    var hi = n - 1
    while hi > lo {
      let mid = lo + (hi - lo) / 2
      let x = a[lo], y = a[mid], z = a[hi]
      let pivot = Swift.max(Swift.min(x, y), Swift.min(Swift.max(x, y), z))
      var i = lo
      var j = hi
      while i <= j {
        while a[i] < pivot { i += 1 }
        while a[j] > pivot { j -= 1 }
        if i <= j {
          let t = a[i]
          a[i] = a[j]
          a[j] = t
          i += 1
          j -= 1
        }
      }
      if k <= j {
        hi = j
      } else if k >= i {
        lo = i
      } else {
        return a[k]
      }
    }
    return a[k]
  }

  /// min or max per group in the column's type.
  func extremes(_ c: Column, max: Bool, naRm: Bool, name: String) -> Column {
    let v = c.asDoubles()
    var best = [Int](repeating: -1, count: groups.count)
    var missing = [Bool](repeating: false, count: groups.count)
    for (i, x) in v.enumerated() {
      let g = Int(groups.codes[i])
      if x.isNaN {
        if !naRm { missing[g] = true }
        continue
      }
      let b = best[g]
      if b < 0 || (max ? x > v[b] : x < v[b]) { best[g] = i }
    }
    let empty = zip(best, missing).contains { $0 < 0 && !$1 }
    let rows = zip(best, missing).map { $1 ? -1 : $0 }
    var out = c.gather(filling: rows)
    if empty {
      RunWarnings.emit("\(max ? "max" : "min")(\"\(name)\"): a group has no values, "
        + "giving \(c.kind == .double ? (max ? "-Inf" : "Inf") : "NA")")
      if case .double(var d) = out {
        for (g, b) in best.enumerated() where b < 0 && !missing[g] { d[g] = max ? -.infinity : .infinity }
        out = .double(d)
      }
    }
    return out
  }

  /// The first (last) row of each group, or its first (last) row with a
  /// value under `naRm`; -1 when there is none.
  func ends(_ c: Column, last: Bool, naRm: Bool) -> [Int] {
    var row = [Int](repeating: -1, count: groups.count)
    let indices = last ? Array((0..<c.count).reversed()) : Array(0..<c.count)
    for i in indices {
      let g = Int(groups.codes[i])
      if row[g] >= 0 || (naRm && c.isMissing(i)) { continue }
      row[g] = i
    }
    return row
  }

  /// Distinct values per group (NA one value unless `naRm`).
  func distinctCounts(_ c: Column, naRm: Bool) throws -> [Int] {
    let values = try SortedCodes(c)
    let pairs = try SortedCodes(codes: groups.codes, count: groups.count).combined(with: values)
    var counted = [Bool](repeating: false, count: pairs.count)
    var n = [Int](repeating: 0, count: groups.count)
    for i in 0..<c.count {
      if naRm && c.isMissing(i) { continue }
      let p = Int(pairs.codes[i])
      if counted[p] { continue }
      counted[p] = true
      n[Int(groups.codes[i])] += 1
    }
    return n
  }
}
