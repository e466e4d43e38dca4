/// Count of one level (or distinct value) of a column.
public struct LevelCount: Sendable, Equatable {
  public let level: String
  public let count: Int
  public init(level: String, count: Int) {
    self.level = level
    self.count = count
  }
}

/// A per-column summary, as data (formatting is done by the Lua stdlib).
///
/// Numeric and date columns have min, quartiles (R's `quantile` type 7),
/// mean, standard deviation and max (dates as days since 1970-01-01 in the
/// quartiles, mean and sd, as dates in `min`/`max`); string and bool columns
/// have level counts. Missing values are counted, not summarised.
public struct ColumnSummary: Sendable, Equatable {
  public let name: String
  public let kind: Column.Kind
  public let rows: Int
  public let missing: Int
  public let min: Scalar?
  /// The first quartile, median and third quartile (R's type 7).
  public let q1: Double?
  public let median: Double?
  public let q3: Double?
  public let mean: Double?
  /// Sample standard deviation (n − 1), as R's `sd`.
  public let sd: Double?
  public let max: Scalar?
  public let levelCounts: [LevelCount]
}

extension Column {
  /// The summary of this column under `name`.
  public func summary(name: String) -> ColumnSummary {
    var minimum: Scalar?, maximum: Scalar?, median: Double?, mean: Double?, q1: Double?, q3: Double?, sd: Double?
    var levelCounts: [LevelCount] = []
    switch self {
    case .factor, .bool:
      levelCounts = valueCounts().map { LevelCount(level: $0.label, count: $0.count) }
    default:
      break
    }
    if case .factor = self {} else {
      // Not a string column: these summaries cannot fail.
      minimum = (try? min()) ?? nil
      maximum = (try? max()) ?? nil
      median = (try? self.median()) ?? nil
      mean = (try? self.mean()) ?? nil
      q1 = (try? quantile(0.25)) ?? nil
      q3 = (try? quantile(0.75)) ?? nil
      sd = (try? standardDeviation()) ?? nil
    }
    return ColumnSummary(
      name: name, kind: kind, rows: count, missing: missingCount, min: minimum, q1: q1, median: median,
      q3: q3, mean: mean, sd: sd, max: maximum, levelCounts: levelCounts)
  }
}

extension Dataset {
  /// One summary per column, in column order.
  public func describe() -> [ColumnSummary] {
    zip(names, columns).map { $1.summary(name: $0) }
  }

  /// A plain-text rendering of `describe()` for logs and debugging: one line
  /// per column with type, missing count and min/median/max or level counts.
  public func describeText() -> String {
    var lines = ["\(rowCount) rows, \(columns.count) columns"]
    for s in describe() {
      var line = "\(s.name) <\(s.kind.rawValue)> missing \(s.missing)"
      if s.kind == .string || s.kind == .bool {
        line += ": " + s.levelCounts.map { "\($0.level) \($0.count)" }.joined(separator: ", ")
      } else if let lo = s.min, let hi = s.max, let med = s.median {
        let medianText = s.kind == .date
          ? CalendarDate.formatISO(Int32(med.rounded(.down))) : CSVWriter.formatDouble(med)
        line += ": min \(lo), median \(medianText), max \(hi)"
      }
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }
}
