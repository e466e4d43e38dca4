import Foundation

/// The breaks of `Column.cut`: a number of equal-width intervals over the
/// range of the values, or the break points themselves.
public enum CutBreaks: Sendable, Equatable {
  case count(Int)
  case values([Double])
}

/// The labels of `Column.cut`: R's interval labels (`(0,10]`) written with
/// at least `digits` significant digits, the caller's labels (one per
/// interval; equal labels make one level, as R's `factor` merges them), or
/// the interval numbers as an int column (R's `labels = FALSE`).
public enum CutLabels: Sendable, Equatable {
  case intervals(digits: Int)
  case given([String])
  case codes
}

/// A mistake in the arguments of a column function, naming the argument
/// (`breaks`, `labels`, `k`) so that the binding layer can number it as
/// the caller wrote it.
public struct ColumnArgumentError: Error, Equatable, CustomStringConvertible {
  public let argument: String
  public let message: String

  public init(_ argument: String, _ message: String) {
    self.argument = argument
    self.message = message
  }

  public var description: String { message }
}

/// R's `cut` and quantile groups (R 4.2 `cut.default`, `.bincode`,
/// `quantile(type = 7)`).
extension Column {
  /// The values cut into intervals, as R's `cut(x, breaks, labels, right,
  /// include.lowest, dig.lab)`: a factor whose levels are in break order
  /// (an int column of interval numbers for `.codes`).
  ///
  /// With `right`, interval k is (b_k, b_k+1]; otherwise [b_k, b_k+1).
  /// `includeLowest` closes the first interval on the left (with `right`)
  /// or the last on the right (without). Values outside the breaks, and
  /// NA, are NA. `.count(k)` makes k intervals of equal width over the
  /// range of the values, the outer breaks moved out by 1/1000 of the range
  /// (R's rule; a constant column gets breaks ±1/1000 of its value, or ±1/1000
  /// for zero). Unlike R, which sorts the breaks, breaks that do not
  /// increase are an error (a typo in a list of cut points should not pass).
  public func cut(
    _ breaks: CutBreaks, labels: CutLabels = .intervals(digits: 3), right: Bool = true,
    includeLowest: Bool = false
  ) throws -> Column {
    let x = try cutValues()
    let b: [Double]
    switch breaks {
    case .count(let k): b = try Column.equalWidthBreaks(k, over: x)
    case .values(let v):
      try Column.checkBreaks(v)
      b = v
    }
    return try Column.binned(x, breaks: b, labels: labels, right: right, includeLowest: includeLowest)
  }

  /// Groups of about equal size: the values cut at their quantiles
  /// 0, 1/k, ..., 1 (R's type 7, NA skipped), the lowest value included, as
  /// `cut(x, quantile(x, 0:k/k), include.lowest = TRUE)`. Two equal
  /// quantiles (too many ties for k groups) are an error naming the value.
  public func quantileGroups(_ k: Int, labels: CutLabels = .intervals(digits: 3)) throws -> Column {
    guard k >= 2 else { throw ColumnArgumentError("k", "the number of groups must be at least 2, got \(k)") }
    guard k <= 100_000 else { throw ColumnArgumentError("k", "the number of groups must be at most 100000, got \(k)") }
    let x = try cutValues()
    var sorted = x.filter { !$0.isNaN }
    guard !sorted.isEmpty else { throw DatasetError.invalid("the column has no values (all NA)") }
    sorted.sort()
    let breaks = (0...k).map { Column.sortedQuantile(sorted, Double($0) / Double(k)) }
    for i in 1...k where breaks[i] == breaks[i - 1] {
      throw ColumnArgumentError(
        "k", "the \(Column.shortNumber(Double(i - 1) / Double(k))) and \(Column.shortNumber(Double(i) / Double(k))) "
          + "quantiles are both \(RNumberText.asCharacter(breaks[i])): too many ties for \(k) groups")
    }
    return try Column.binned(x, breaks: breaks, labels: labels, right: true, includeLowest: true)
  }

  /// A probability as messages write it: 0.25, 0.333.
  static func shortNumber(_ p: Double) -> String { String(format: "%.3g", p) }

  /// The values of a number column as doubles (NaN for NA); other types are
  /// an error of argument "x".
  func cutValues() throws -> [Double] {
    switch self {
    case .double(let v): return v
    case .int(let v): return v.map { $0 == Column.naInt ? .nan : Double($0) }
    default:
      throw ColumnArgumentError("x", "a number column (double or int) expected, got \(kind.columnPhrase)")
    }
  }

  /// Breaks must be at least two numbers, not NaN, strictly increasing.
  static func checkBreaks(_ b: [Double]) throws {
    guard b.count >= 2 else {
      throw ColumnArgumentError("breaks", "at least 2 breaks expected, got \(b.count)")
    }
    for (i, x) in b.enumerated() {
      if x.isNaN { throw ColumnArgumentError("breaks", "break \(i + 1) is NaN") }
      if i > 0, !(x > b[i - 1]) {
        let (this, before) = (RNumberText.asCharacter(x), RNumberText.asCharacter(b[i - 1]))
        throw ColumnArgumentError("breaks", "breaks must be increasing, got \(this) after \(before)")
      }
    }
  }

  /// R's breaks for `cut(x, k)`: `seq.int(min, max, length.out = k + 1)`
  /// (from + i·by, the last exactly max), the outer two moved out by
  /// range/1000; for a constant column, k + 1 points from value − d to
  /// value + d, d = |value|/1000 (1/1000 for zero).
  static func equalWidthBreaks(_ k: Int, over x: [Double]) throws -> [Double] {
    guard k >= 2 else {
      throw ColumnArgumentError("breaks", "the number of intervals must be at least 2, got \(k)")
    }
    guard k <= 100_000 else {
      throw ColumnArgumentError("breaks", "the number of intervals must be at most 100000, got \(k)")
    }
    var lo = Double.infinity, hi = -Double.infinity
    for v in x where !v.isNaN {
      lo = Swift.min(lo, v)
      hi = Swift.max(hi, v)
    }
    guard lo <= hi else { throw DatasetError.invalid("the column has no values (all NA) to take a range from") }
    guard lo.isFinite, hi.isFinite else {
      throw DatasetError.invalid("cut: the values have an infinite range; give the breaks")
    }
    let nb = k + 1
    let dx = hi - lo
    if dx == 0 {
      let d = lo != 0 ? abs(lo) : 1
      return sequence(from: lo - d / 1000, to: hi + d / 1000, count: nb)
    }
    var b = sequence(from: lo, to: hi, count: nb)
    b[0] = lo - dx / 1000
    b[nb - 1] = hi + dx / 1000
    return b
  }

  /// `seq.int(from, to, length.out = count)` as R 4.2 computes it.
  static func sequence(from: Double, to: Double, count: Int) -> [Double] {
    let by = (to - from) / Double(count - 1)
    var out = (0..<count).map { from + Double($0) * by }
    out[count - 1] = to
    return out
  }

  /// The values binned at increasing `breaks` (R's `.bincode`) and labelled.
  static func binned(
    _ x: [Double], breaks b: [Double], labels: CutLabels, right: Bool, includeLowest: Bool
  ) throws -> Column {
    let intervals = b.count - 1
    var levels: [String] = []
    var levelOfInterval: [Int32] = Array(0..<Int32(intervals))
    switch labels {
    case .codes: break
    case .intervals(let digits): levels = intervalLabels(b, right: right, includeLowest: includeLowest, digits: digits)
    case .given(let given):
      guard given.count == intervals else {
        throw ColumnArgumentError(
          "labels", "\(intervals) labels expected (one per interval between \(b.count) breaks), got \(given.count)")
      }
      // Equal labels make one level, as R's factor() merges duplicated labels.
      var position: [String: Int32] = [:]
      for (i, l) in given.enumerated() {
        if let p = position[l] {
          levelOfInterval[i] = p
        } else {
          position[l] = Int32(levels.count)
          levelOfInterval[i] = Int32(levels.count)
          levels.append(l)
        }
      }
    }
    var codes = [Int32](repeating: -1, count: x.count)
    x.withUnsafeBufferPointer { xs in
      b.withUnsafeBufferPointer { bs in
        codes.withUnsafeMutableBufferPointer { out in
          let first = bs[0], last = bs[intervals]
          for i in 0..<xs.count {
            let v = xs[i]
            // Outside, NaN, or on the open outer border: NA.
            guard v >= first, v <= last else { continue }
            if right ? (v == first && !includeLowest) : (v == last && !includeLowest) { continue }
            var lo = 0, hi = intervals
            while hi - lo >= 2 {
              let mid = (hi + lo) / 2
              if v > bs[mid] || (!right && v == bs[mid]) { lo = mid } else { hi = mid }
            }
            out[i] = Int32(lo)
          }
        }
      }
    }
    if case .codes = labels {
      return .int(codes.map { $0 < 0 ? Column.naInt : Int($0) + 1 })
    }
    if case .given = labels {
      for i in 0..<codes.count where codes[i] >= 0 { codes[i] = levelOfInterval[Int(codes[i])] }
    }
    return .factor(codes: codes, levels: levels)
  }

  /// R's default labels of `cut`: "(a,b]" or "[a,b)", the breaks written by
  /// `formatC(breaks, digits = d, width = 1)` (C's `%.*g`; infinite breaks
  /// as "Inf"/"-Inf" right-aligned to a common width, as formatC does) with
  /// d from `digits` up to max(12, digits) until neighbouring breaks differ;
  /// "Range_1", ... when even 12 digits do not tell them apart. With
  /// `includeLowest` the first label opens with "[" (right-closed) or the
  /// last closes with "]" (left-closed).
  public static func intervalLabels(_ b: [Double], right: Bool, includeLowest: Bool, digits: Int) -> [String] {
    let n = b.count - 1
    var text: [String]?
    for d in digits...Swift.max(12, digits) {
      let t = formatBreaks(b, digits: d)
      if (1...n).allSatisfy({ t[$0] != t[$0 - 1] }) {
        text = t
        break
      }
    }
    guard let text else { return (1...n).map { "Range_\($0)" } }
    let open = right ? "(" : "[", close = right ? "]" : ")"
    var labels = (0..<n).map { i -> String in open + text[i] + "," + text[i + 1] + close }
    if includeLowest {
      if right {
        labels[0] = "[" + String(labels[0].dropFirst())
      } else {
        labels[n - 1] = String(labels[n - 1].dropLast()) + "]"
      }
    }
    return labels
  }

  /// `formatC(0 + b, digits = digits, width = 1)` for doubles.
  static func formatBreaks(_ b: [Double], digits: Int) -> [String] {
    var out = b.map { x -> String in
      if x.isInfinite { return x > 0 ? "Inf" : "-Inf" }
      return String(format: "%.\(Swift.max(0, Swift.min(digits, 50)))g", x + 0.0)
    }
    let width = zip(b, out).filter { !$0.0.isFinite }.map { $0.1.count }.max() ?? 0
    for i in out.indices where !b[i].isFinite && out[i].count < width {
      out[i] = String(repeating: " ", count: width - out[i].count) + out[i]
    }
    return out
  }
}
