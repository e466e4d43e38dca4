import Datasets
import Survival

/// Options of a table of baseline characteristics (`table1()`), as
/// gtsummary's `tbl_summary(by =)` + `add_p()` + `add_overall()` name them.
public struct BaselineTableOptions: Sendable, Equatable {
  /// How a variable is summarised; nil decides as gtsummary does.
  public enum VariableType: String, Sendable {
    case categorical, continuous
  }

  /// The grouping column (the trial arm); nil: one column, all rows.
  public var by: String? = nil
  /// The variables in order; nil: every column but `by` and the date columns.
  public var variables: [String]? = nil
  /// Forced types by variable name.
  public var types: [String: VariableType] = [:]
  /// Run the tests (needs `by`).
  public var tests = false

  public init() {}
}

/// Why a baseline table cannot be made: the option at fault and the reason
/// (the binding names the function and argument).
public struct BaselineTableError: Error, Sendable, Equatable, CustomStringConvertible {
  public let option: String
  public let message: String

  public init(option: String, _ message: String) {
    self.option = option
    self.message = message
  }

  public var description: String { "option '\(option)' \(message)" }
}

/// The summary statistics of one continuous variable in one column of the table.
public struct ContinuousSummary: Sendable, Equatable {
  /// Non-missing values; the statistics are NaN when 0 (and sd when 1).
  public let n: Int
  public let mean: Double
  public let sd: Double
  /// Type-7 quantiles (R's default `quantile`): median, Q1, Q3.
  public let median: Double
  public let q1: Double
  public let q3: Double
  public let min: Double
  public let max: Double
}

/// The test of one variable across the groups.
public struct BaselineTest: Sendable, Equatable {
  /// `chisq`, `fisher`, `wilcoxon` or `kruskal`.
  public let method: String
  /// X² (chisq and fisher), W (wilcoxon) or H (kruskal).
  public let statistic: Double
  public let df: Int?
  public let p: Double
  public let note: String?

  /// The name a printout gives the method.
  public var title: String {
    switch method {
    case "chisq": return "Pearson's chi-squared test"
    case "fisher": return "Fisher's exact test"
    case "wilcoxon": return "Wilcoxon rank-sum test"
    default: return "Kruskal-Wallis rank-sum test"
    }
  }
}

/// One row block of the table: a variable and its statistics per column.
public struct BaselineVariable: Sendable {
  public let name: String
  public let type: BaselineTableOptions.VariableType
  /// Categorical: the levels in level order (string factors as declared,
  /// numbers ascending, FALSE before TRUE).
  public let levels: [String]
  /// Per column (the groups, then the overall column): counts by level
  /// (categorical; `counts[column][level]`).
  public let counts: [[Int]]
  /// Per column: the non-missing values (the percentages' denominator).
  public let nonMissing: [Int]
  /// Per column: the missing values.
  public let missing: [Int]
  /// Continuous: the statistics per column.
  public let summaries: [ContinuousSummary]
  /// The test across the groups (nil without tests, or with fewer than two
  /// groups holding values; `testNote` then says why).
  public let test: BaselineTest?
  public let testNote: String?
}

/// A table of baseline characteristics by group, as gtsummary 1.7
/// `tbl_summary(data, by =)` with `add_p()` and `add_overall()`.
///
/// Types, as gtsummary decides them: string and bool columns are
/// categorical (every level shown, FALSE/TRUE or 0/1 included: gtsummary's
/// one-row "dichotomous" type is not used); number columns with fewer than
/// 10 distinct values are categorical, the others continuous; `types`
/// overrides. Percentages are of the non-missing values of each column.
/// Date columns are refused (a number derived from them is summarised).
/// Rows with a missing `by` are left out and counted (`droppedCount`)
/// before anything else, as gtsummary removes them: a number or bool value
/// that only those rows have is no level; a string column shows all its
/// levels (0 where no row has one), as gtsummary shows a factor's; levels
/// of `by` that no row has are dropped (R's `droplevels`).
/// Tests (gtsummary's `add_p` defaults): categorical, Fisher's exact test
/// when an expected count is < 5, else Pearson's chi-square without
/// correction (`ContingencyTest`); continuous, Wilcoxon rank-sum for two
/// groups and Kruskal–Wallis for more (`RankTest`).
public struct BaselineTable: Sendable {
  /// gtsummary: numbers with fewer distinct values than this are categorical.
  public static let categoricalDistinctLimit = 10

  public let by: String?
  /// The group labels (the levels of `by` in level order), then "Overall".
  public let columns: [String]
  /// Rows per column (groups, then overall).
  public let columnN: [Int]
  public let variables: [BaselineVariable]
  /// Rows left out for a missing `by`.
  public let droppedCount: Int
  public let tests: Bool

  /// The number of group columns (the overall column follows them).
  public var groupCount: Int { columns.count - 1 }

  public init(dataset: Dataset, options: BaselineTableOptions) throws {
    var groupCodes = [Int32](repeating: 0, count: dataset.rowCount)
    var groupLabels = ["Overall"]
    var dropped = 0
    if let by = options.by {
      let column = try Self.column(by, option: "by", in: dataset)
      let (codes, labels) = Self.usedLevels(column)
      groupCodes = codes
      groupLabels = labels
      dropped = codes.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
      guard !labels.isEmpty else { throw BaselineTableError(option: "by", "column '\(by)' has only missing values") }
    } else if options.tests {
      throw BaselineTableError(option: "tests", "needs a 'by' column to compare groups")
    }
    let names = options.variables ?? dataset.names.filter { name in
      name != options.by && dataset[name]?.kind != .date
    }
    for name in names { _ = try Self.column(name, option: "vars", in: dataset) }
    for (name, _) in options.types where !names.contains(name) {
      throw BaselineTableError(option: "types", "names '\(name)', which is not among the table's variables")
    }
    if let by = options.by, names.contains(by) {
      throw BaselineTableError(option: "vars", "includes the 'by' column '\(by)'")
    }
    let groups = options.by == nil ? 0 : groupLabels.count
    by = options.by
    columns = options.by == nil ? ["Overall"] : groupLabels + ["Overall"]
    var sizes = [Int](repeating: 0, count: groups + 1)
    for code in groupCodes where code >= 0 {
      if groups > 0 { sizes[Int(code)] += 1 }
      sizes[groups] += 1
    }
    columnN = sizes
    droppedCount = dropped
    tests = options.tests
    variables = try names.map { name in
      // Checked above; a column found once is found again.
      guard let column = dataset[name] else { throw BaselineTableError(option: "vars", "lost column '\(name)'") }
      if case .date = column {
        throw BaselineTableError(
          option: "vars", "names the date column '\(name)'; summarise a number derived from it (years_between, ...)")
      }
      let type = options.types[name] ?? Self.defaultType(column)
      if type == .continuous, case .factor = column {
        throw BaselineTableError(option: "types", "makes '\(name)' continuous, but it is a string column")
      }
      return try Self.summarise(
        name: name, column: column, type: type, groupCodes: groupCodes, groups: groups, tests: options.tests)
    }
  }

  static func column(_ name: String, option: String, in dataset: Dataset) throws -> Column {
    if let column = dataset[name] { return column }
    var message = "names column '\(name)', which is not in the dataset"
    if let suggestion = ColumnLookup.suggestion(for: name, among: dataset.names) {
      message += " (did you mean '\(suggestion)'?)"
    }
    let shown = dataset.names.prefix(40).joined(separator: ", ") + (dataset.names.count > 40 ? ", ..." : "")
    throw BaselineTableError(option: option, message + "; its columns: " + shown)
  }

  /// The column as codes of the levels some row has (R's `droplevels`): a
  /// group or subgroup nobody is in gets no column of its own.
  /// Numbers are labelled as R's `as.character` writes them (`1`, not `1.0`).
  /// With `rows`, only the rows whose code there is not negative count as
  /// having a level (the rows a table uses).
  static func usedLevels(_ column: Column, rows: [Int32]? = nil) -> (codes: [Int32], labels: [String]) {
    var (codes, labels) = column.factorized()
    if case .double(let v) = column {
      var label = [String](repeating: "", count: labels.count)
      for i in v.indices where codes[i] >= 0 { label[Int(codes[i])] = RNumberText.asCharacter(v[i]) }
      labels = label
    }
    var used = [Bool](repeating: false, count: labels.count)
    for (i, c) in codes.enumerated() where c >= 0 && (rows.map { $0[i] >= 0 } ?? true) { used[Int(c)] = true }
    if !used.contains(false) { return (codes, labels) }
    var map = [Int32](repeating: -1, count: labels.count)
    var kept: [String] = []
    for k in labels.indices where used[k] {
      map[k] = Int32(kept.count)
      kept.append(labels[k])
    }
    return (codes.map { $0 < 0 ? -1 : map[Int($0)] }, kept)
  }

  /// A categorical variable's codes and levels: every level of a string
  /// column (unused ones count 0, as gtsummary shows a factor's levels),
  /// the values of the other types that the table's rows have (`groupCodes`
  /// not negative: a value only in rows left out for a missing `by` is no
  /// level, as gtsummary drops those rows before it looks at the values).
  static func levels(_ column: Column, groupCodes: [Int32]) -> (codes: [Int32], labels: [String]) {
    if case .factor = column { return column.factorized() }
    return usedLevels(column, rows: groupCodes)
  }

  /// gtsummary's default: strings and bools categorical; numbers with fewer
  /// than 10 distinct values categorical; other numbers continuous.
  static func defaultType(_ column: Column) -> BaselineTableOptions.VariableType {
    switch column {
    case .factor, .bool: return .categorical
    case .date: return .continuous
    case .double(let v):
      var seen = Set<Double>()
      for x in v where !x.isNaN {
        seen.insert(x + 0.0)
        if seen.count >= categoricalDistinctLimit { return .continuous }
      }
      return .categorical
    case .int(let v):
      var seen = Set<Int>()
      for x in v where x != Column.naInt {
        seen.insert(x)
        if seen.count >= categoricalDistinctLimit { return .continuous }
      }
      return .categorical
    }
  }

  private static func summarise(
    name: String, column: Column, type: BaselineTableOptions.VariableType, groupCodes: [Int32], groups: Int,
    tests: Bool
  ) throws -> BaselineVariable {
    let width = groups + 1
    var nonMissing = [Int](repeating: 0, count: width)
    var missing = [Int](repeating: 0, count: width)
    // The rows of each column: the group's rows, then every row with a group.
    func add(_ array: inout [Int], _ code: Int32) {
      if groups > 0 { array[Int(code)] += 1 }
      array[groups] += 1
    }
    if type == .categorical {
      let (codes, levels) = Self.levels(column, groupCodes: groupCodes)
      var counts = [[Int]](repeating: [Int](repeating: 0, count: levels.count), count: width)
      for i in 0..<codes.count where groupCodes[i] >= 0 {
        let g = groupCodes[i]
        if codes[i] < 0 {
          add(&missing, g)
          continue
        }
        add(&nonMissing, g)
        if groups > 0 { counts[Int(g)][Int(codes[i])] += 1 }
        counts[groups][Int(codes[i])] += 1
      }
      var test: BaselineTest?
      var note: String?
      if tests {
        var table: [Int] = []
        for level in 0..<levels.count { for g in 0..<groups { table.append(counts[g][level]) } }
        if let t = try ContingencyTest.chosen(counts: table, rows: levels.count, columns: groups) {
          test = BaselineTest(method: t.method.rawValue, statistic: t.statistic, df: t.df, p: t.p, note: t.note)
        } else {
          note = "no test: fewer than two levels or groups with values"
        }
      }
      return BaselineVariable(
        name: name, type: type, levels: levels, counts: counts, nonMissing: nonMissing, missing: missing,
        summaries: [], test: test, testNote: note)
    }
    let values = column.asDoubles()
    var byColumn = [[Double]](repeating: [], count: width)
    for i in 0..<values.count where groupCodes[i] >= 0 {
      let g = groupCodes[i]
      if values[i].isNaN {
        add(&missing, g)
        continue
      }
      add(&nonMissing, g)
      if groups > 0 { byColumn[Int(g)].append(values[i]) }
      byColumn[groups].append(values[i])
    }
    let summaries = byColumn.map(Self.continuous)
    var test: BaselineTest?
    var note: String?
    if tests {
      if let t = RankTest.test(values: values, groups: groupCodes) {
        test = BaselineTest(method: t.method.rawValue, statistic: t.statistic, df: t.df, p: t.p, note: nil)
      } else {
        note = "no test: fewer than two groups with values"
      }
    }
    return BaselineVariable(
      name: name, type: type, levels: [], counts: [], nonMissing: nonMissing, missing: missing,
      summaries: summaries, test: test, testNote: note)
  }

  /// Mean (R's two-pass), SD (n − 1), type-7 quartiles, min and max.
  static func continuous(_ values: [Double]) -> ContinuousSummary {
    let v = values.sorted()
    guard !v.isEmpty else {
      return ContinuousSummary(n: 0, mean: .nan, sd: .nan, median: .nan, q1: .nan, q3: .nan, min: .nan, max: .nan)
    }
    let n = Double(v.count)
    var mean = v.reduce(0, +) / n
    if mean.isFinite { mean += v.reduce(0) { $0 + ($1 - mean) } / n }
    let sd = v.count < 2 ? Double.nan : (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
    return ContinuousSummary(
      n: v.count, mean: mean, sd: sd, median: Column.sortedQuantile(v, 0.5), q1: Column.sortedQuantile(v, 0.25),
      q3: Column.sortedQuantile(v, 0.75), min: v[0], max: v[v.count - 1])
  }
}
