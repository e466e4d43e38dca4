import Foundation
import RunControl

/// How `rank` orders tied values (R's `ties.method`).
public enum RankTies: String, Sendable, CaseIterable {
  /// The mean of the tied ranks (a double column): R's default.
  case average
  /// The smallest (`min`) or largest (`max`) of the tied ranks (an int column).
  case min, max
  /// Tied values ranked in row order (an int column).
  case first
}

/// Column functions that look at other rows: `cumsum`, `lag`/`lead`
/// (within groups too), `rank`, `scale`.
extension Column {
  /// R's `cumsum`: the running sum in row order. An int (or bool) column
  /// gives an int column; from the first NA on, every value is NA (R's
  /// `cumsum` of integers). A double column is summed in extended
  /// precision as R sums (long double), and NaN propagates. Where the int
  /// sum would overflow (R gives NA and a warning), the result is computed
  /// as double instead, with a warning.
  public func cumulativeSum() throws -> Column {
    switch self {
    case .int, .bool:
      let v = Column.ints(.column(self), count)
      var out = [Int](repeating: Column.naInt, count: count)
      var sum = 0
      for i in 0..<count {
        if v[i] == Column.naInt { break }
        let (s, overflow) = sum.addingReportingOverflow(v[i])
        if overflow || s == Column.naInt {
          RunWarnings.emit(
            "cumsum: the integer sum in row \(i + 1) does not fit an int column (beyond ±9223372036854775807), "
              + "so the result is computed as double")
          return .double(Self.extendedCumulativeSum(asDoubles()))
        }
        sum = s
        out[i] = s
      }
      return .int(out)
    case .double(let v): return .double(Self.extendedCumulativeSum(v))
    case .factor, .date: throw DatasetError.invalid("cumsum needs a number column, got a \(kind.rawValue) column")
    }
  }

  static func extendedCumulativeSum(_ v: [Double]) -> [Double] {
    var out = [Double](repeating: .nan, count: v.count)
    #if arch(x86_64) || arch(i386)
      var sum: Float80 = 0
      for i in 0..<v.count {
        sum += Float80(v[i])
        out[i] = Double(sum)
      }
    #else
      var sum = 0.0
      for i in 0..<v.count {
        sum += v[i]
        out[i] = sum
      }
    #endif
    return out
  }

  /// Dense group numbers of the rows: rows with equal values (NA with NA)
  /// share one, numbered in order of first appearance.
  public func groupNumbers() -> (ids: [Int], groups: Int) {
    var ids = [Int](repeating: 0, count: count)
    var seen: [UInt64: Int] = [:]
    for i in 0..<count {
      let key: UInt64
      switch self {
      case .double(let v): key = v[i].isNaN ? Double.nan.bitPattern : (v[i] == 0 ? 0 : v[i].bitPattern)
      case .int(let v): key = UInt64(bitPattern: Int64(v[i]))
      case .factor(let c, _): key = UInt64(bitPattern: Int64(c[i]))
      case .bool(let v): key = UInt64(v[i])
      case .date(let v): key = UInt64(bitPattern: Int64(v[i]))
      }
      if let g = seen[key] {
        ids[i] = g
      } else {
        ids[i] = seen.count
        seen[key] = seen.count
      }
    }
    return (ids, seen.count)
  }

  /// Rows shifted by `k` within groups (`groups`: the group number of each
  /// row, nil for one group): `lag` (`forward` false) gives row i the value
  /// of the k-th earlier row of its group, `lead` of the k-th later; rows
  /// without one get `fill` (NA by default). The column keeps its type; a
  /// fill of another type is an error, except an int column with a
  /// non-whole number fill, which becomes double, and a string fill that
  /// is not a level of a string column, which is added as the last level.
  public func shifted(by k: Int, forward: Bool, fill: Scalar = .missing, groups: [Int]? = nil) throws -> Column {
    guard k >= 0 else { throw DatasetError.invalid("the shift must be 0 or more, got \(k)") }
    if let groups, groups.count != count {
      throw DatasetError.invalid("the groups have \(groups.count) rows, the column \(count)")
    }
    var source = [Int](repeating: -1, count: count)
    if let groups {
      var members: [[Int]] = []
      for (i, g) in groups.enumerated() {
        while members.count <= g { members.append([]) }
        members[g].append(i)
      }
      for rows in members {
        for (j, row) in rows.enumerated() {
          let from = forward ? j + k : j - k
          if from >= 0 && from < rows.count { source[row] = rows[from] }
        }
      }
    } else {
      for i in 0..<count {
        let from = forward ? i + k : i - k
        if from >= 0 && from < count { source[i] = from }
      }
    }
    return try gathering(source, fill: fill)
  }

  /// Rows `source` (−1: none, given `fill`).
  func gathering(_ source: [Int], fill: Scalar) throws -> Column {
    func mismatch() -> DatasetError {
      DatasetError.invalid("the default must be a \(kind.rawValue) value like the column, got \(fill)")
    }
    switch self {
    case .double(let v):
      guard let f = Column.scalarDouble(fill) else { throw mismatch() }
      return .double(source.map { $0 < 0 ? f : v[$0] })
    case .int(let v):
      switch fill {
      case .missing: return .int(source.map { $0 < 0 ? Column.naInt : v[$0] })
      case .int(let f) where f != Column.naInt: return .int(source.map { $0 < 0 ? f : v[$0] })
      case .double(let f): return try Column.double(asDoubles()).gathering(source, fill: .double(f))
      case .int(let f): return try Column.double(asDoubles()).gathering(source, fill: .double(Double(f)))
      default: throw mismatch()
      }
    case .bool(let v):
      let f: UInt8
      switch fill {
      case .missing: f = Column.naBool
      case .bool(let b): f = b ? 1 : 0
      default: throw mismatch()
      }
      return .bool(source.map { $0 < 0 ? f : v[$0] })
    case .date(let v):
      let f: Int32
      switch fill {
      case .missing: f = Column.naDate
      case .date(let d): f = d
      default: throw mismatch()
      }
      return .date(source.map { $0 < 0 ? f : v[$0] })
    case .factor(let codes, var levels):
      let f: Int32
      switch fill {
      case .missing: f = -1
      case .string(let s):
        if let i = levels.firstIndex(of: s) {
          f = Int32(i)
        } else {
          f = Int32(levels.count)
          levels.append(s)
        }
      default: throw mismatch()
      }
      return .factor(codes: source.map { $0 < 0 ? f : codes[$0] }, levels: levels)
    }
  }

  /// R's `rank(x, na.last = "keep", ties.method =)`: ranks 1...m of the m
  /// values present, NA kept as NA; numbers by value, dates by day, bools
  /// false < true, strings by level order (R ranks a factor by its codes).
  /// `average` gives a double column, the other methods an int column.
  public func rank(ties: RankTies = .average) -> Column {
    let keys = asDoubles()
    var order = (0..<count).filter { !keys[$0].isNaN }
    order.sort { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
    var averaged = [Double](repeating: .nan, count: count)
    var whole = [Int](repeating: Column.naInt, count: count)
    var start = 0
    while start < order.count {
      var end = start
      while end + 1 < order.count && keys[order[end + 1]] == keys[order[start]] { end += 1 }
      for j in start...end {
        let row = order[j]
        switch ties {
        case .average: averaged[row] = Double(start + end + 2) / 2
        case .min: whole[row] = start + 1
        case .max: whole[row] = end + 1
        case .first: whole[row] = j + 1
        }
      }
      start = end + 1
    }
    return ties == .average ? .double(averaged) : .int(whole)
  }

  /// R's `scale(x, center, scale)` of one column: `center` true subtracts
  /// the mean of the values present (a number subtracts that number);
  /// `scale` true then divides by the root mean square of the (centred)
  /// values present, √(Σx²/(n−1)) (the SD when centred); a number divides
  /// by that number. NA stays NA. Always double.
  public func scaled(center: Scalar = .bool(true), scale: Scalar = .bool(true)) throws -> Column {
    guard kind == .double || kind == .int || kind == .bool else {
      throw DatasetError.invalid("scale needs a number column, got a \(kind.rawValue) column")
    }
    var x = asDoubles()
    func sum(_ values: [Double], _ f: (Double) -> Double) -> (Double, Int) {
      #if arch(x86_64) || arch(i386)
        var s: Float80 = 0
      #else
        var s = 0.0
      #endif
      var n = 0
      for v in values where !v.isNaN {
        s += .init(f(v))
        n += 1
      }
      return (Double(s), n)
    }
    switch center {
    case .bool(false): break
    case .bool(true):
      let (s, n) = sum(x) { $0 }
      let mean = n > 0 ? s / Double(n) : .nan
      for i in x.indices { x[i] -= mean }
    case .double(let c): for i in x.indices { x[i] -= c }
    case .int(let c): for i in x.indices { x[i] -= Double(c) }
    default: throw DatasetError.invalid("center must be true, false or a number, got \(center)")
    }
    switch scale {
    case .bool(false): break
    case .bool(true):
      let (s, n) = sum(x) { $0 * $0 }
      let rms = (s / Double(Swift.max(1, n - 1))).squareRoot()
      for i in x.indices { x[i] /= rms }
    case .double(let c): for i in x.indices { x[i] /= c }
    case .int(let c): for i in x.indices { x[i] /= Double(c) }
    default: throw DatasetError.invalid("scale must be true, false or a number, got \(scale)")
    }
    return .double(x)
  }
}
