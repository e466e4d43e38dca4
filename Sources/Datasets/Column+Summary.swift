/// Column summaries. Missing values are skipped (R's `na.rm = TRUE`); a
/// summary of no values is nil. Int, Bool (0/1) and Date (days since
/// 1970-01-01) columns summarise as numbers; string columns have levels and
/// counts only.
extension Column {
  /// The number of missing values.
  public var missingCount: Int {
    switch self {
    case .double(let v): return v.reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
    case .int(let v): return v.reduce(0) { $0 + ($1 == Column.naInt ? 1 : 0) }
    case .factor(let c, _): return c.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
    case .bool(let v): return v.reduce(0) { $0 + ($1 == Column.naBool ? 1 : 0) }
    case .date(let v): return v.reduce(0) { $0 + ($1 == Column.naDate ? 1 : 0) }
    }
  }

  /// Row-wise missingness as a Bool column (never NA).
  public func missingMask() -> Column {
    .bool((0..<count).map { isMissing($0) ? 1 : 0 })
  }

  /// The non-missing values as doubles, in row order; fails for strings.
  func presentValues(_ what: String) throws -> [Double] {
    if case .factor = self {
      throw DatasetError.invalid("\(what) is not defined for a string column")
    }
    return asDoubles().filter { !$0.isNaN }
  }

  /// Sum of the non-missing values (0 when there are none).
  public func sum() throws -> Double {
    try presentValues("sum").reduce(0, +)
  }

  /// Arithmetic mean of the non-missing values, with R's second pass
  /// (mean + mean of the residuals) for accuracy.
  public func mean() throws -> Double? {
    let v = try presentValues("mean")
    guard !v.isEmpty else { return nil }
    let n = Double(v.count)
    let m = v.reduce(0, +) / n
    guard m.isFinite else { return m }
    return m + v.reduce(0) { $0 + ($1 - m) } / n
  }

  /// Sample standard deviation of the non-missing values (denominator
  /// n − 1, deviations from the two-pass mean), as R's `sd(x, na.rm = TRUE)`;
  /// nil with fewer than two values.
  public func standardDeviation() throws -> Double? {
    let v = try presentValues("sd")
    guard v.count >= 2, let m = try mean() else { return nil }
    let squares = v.reduce(0) { $0 + ($1 - m) * ($1 - m) }
    return (squares / Double(v.count - 1)).squareRoot()
  }

  /// The smallest non-missing value, in the column's own type.
  public func min() throws -> Scalar? { try extreme(<, "min") }

  /// The largest non-missing value, in the column's own type.
  public func max() throws -> Scalar? { try extreme(>, "max") }

  private func extreme(_ better: (Double, Double) -> Bool, _ what: String) throws -> Scalar? {
    let v = asDoubles()
    if case .factor = self { throw DatasetError.invalid("\(what) is not defined for a string column") }
    var best: Int?
    for i in 0..<v.count where !v[i].isNaN {
      if let b = best { if better(v[i], v[b]) { best = i } } else { best = i }
    }
    return best.map { value(at: $0) }
  }

  /// The median of the non-missing values (mean of the middle two for an
  /// even count), as R's `median`.
  public func median() throws -> Double? {
    let v = try presentValues("median").sorted()
    guard !v.isEmpty else { return nil }
    let half = v.count / 2
    return v.count % 2 == 1 ? v[half] : (v[half - 1] + v[half]) / 2
  }

  /// The `p`-quantile of the non-missing values by R's default (type 7):
  /// with sorted x₁…xₙ and h = 1 + (n − 1)p, lo = ⌊h⌋, hi = ⌈h⌉, the result
  /// is (1 − (h − lo))·x_lo + (h − lo)·x_hi, computed as R does.
  public func quantile(_ p: Double) throws -> Double? {
    guard p >= 0, p <= 1 else { throw DatasetError.invalid("quantile: p must lie in [0, 1], got \(p)") }
    let v = try presentValues("quantile").sorted()
    guard !v.isEmpty else { return nil }
    return Column.sortedQuantile(v, p)
  }

  /// The levels of a string column, in order; nil for other types.
  public var levels: [String]? {
    if case .factor(_, let l) = self { return l }
    return nil
  }

  /// Counts of each distinct value, missing values excluded: per level in
  /// level order for strings (zero counts included), FALSE/TRUE for bools,
  /// ascending values for the other types.
  public func valueCounts() -> [(label: String, count: Int)] {
    let (codes, labels) = factorized()
    var counts = [Int](repeating: 0, count: labels.count)
    for c in codes where c >= 0 { counts[Int(c)] += 1 }
    return zip(labels, counts).map { ($0, $1) }
  }

  /// The type 7 quantile of sorted values without NA (R's `quantile`):
  /// h = 1 + (n − 1)p, interpolated between the values at ⌊h⌋ and ⌈h⌉.
  public static func sortedQuantile(_ v: [Double], _ p: Double) -> Double {
    let index = 1 + Double(v.count - 1) * p
    let lo = index.rounded(.down), hi = index.rounded(.up)
    let xlo = v[Int(lo) - 1], xhi = v[Int(hi) - 1]
    guard index > lo, xhi != xlo else { return xlo }
    let h = index - lo
    return (1 - h) * xlo + h * xhi
  }
}
