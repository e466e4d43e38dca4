import Datasets

/// A variable of the regular terms on the rows of a model frame.
enum Covariate: Sendable {
  /// Numbers, dates (days since 1970-01-01) as R's `model.matrix` uses them.
  case numeric([Double])
  /// Factors, booleans and `factor(x)`, with the levels R would give them.
  case categorical(Categorical)
  /// A transform of several design columns (`poly()`, `ns()`, `bs()`), each
  /// named by the variable's label and its suffix.
  case basis([[Double]], suffixes: [String])

  /// The selected rows of each column: the columns themselves (no copy)
  /// when every row is selected.
  init(_ t: TransformedVariable, rows: RowSelection) {
    let columns = t.columns.map { rows.gather($0) }
    if columns.count == 1, t.suffixes == [""] {
      self = .numeric(columns[0])
    } else {
      self = .basis(columns, suffixes: t.suffixes)
    }
  }

  /// A numeric variable on every row is the column itself (no copy: at
  /// 10⁷ rows, 80 MB per variable), and a factor's codes are shared when
  /// every level occurs (`Categorical.coding`).
  init(_ column: Column, variable: FormulaVariable, rows: RowSelection) {
    if variable.isFactorCall {
      // R evaluates factor(x) before dropping incomplete rows, so its
      // levels are those of the whole column.
      let levelRows = (0..<column.count).filter { !column.isMissing($0) }
      self = .categorical(
        Categorical.coding(column, rows: rows.indices, levelRows: levelRows, keepDeclaredLevels: false))
      return
    }
    switch column {
    case .factor, .bool:
      self = .categorical(Categorical.coding(column, rows: rows, keepDeclaredLevels: true))
    case .double, .int, .date:
      self = .numeric(rows.gather(column.asDoubles()))
    }
  }
}

/// The columns a formula reads, looked up once with did-you-mean errors.
struct ColumnResolver {
  let dataset: Dataset
  /// The columns in which a missing value drops a row.
  let used: [Column]
  let usedNames: [String]

  init(dataset: Dataset, formula: Formula, weights: String?) throws {
    self.dataset = dataset
    var names = formula.columnNames
    if let w = weights, !names.contains(w) { names.append(w) }
    usedNames = names
    used = try names.map { try ColumnLookup.column($0, in: dataset) }
  }

  func column(_ name: String) throws -> Column {
    try ColumnLookup.column(name, in: dataset)
  }

  func numeric(_ name: String, role: String) throws -> Column {
    let c = try column(name)
    switch c {
    case .double, .int: return c
    case .factor, .bool, .date:
      throw ModelFrameError("\(role) column '\(name)' must be numeric, but it holds \(c.analysisKindNoun)")
    }
  }
}

// Prefixed names: Datasets may grow members of its own with plain names.
extension Column {
  /// Sets `missing[i]` for each missing row, one pass over the buffer.
  func analysisMarkMissing(_ missing: inout [Bool]) {
    switch self {
    case .double(let v): for i in v.indices where v[i].isNaN { missing[i] = true }
    case .int(let v): for i in v.indices where v[i] == Column.naInt { missing[i] = true }
    case .factor(let c, _): for i in c.indices where c[i] < 0 { missing[i] = true }
    case .bool(let v): for i in v.indices where v[i] == Column.naBool { missing[i] = true }
    case .date(let v): for i in v.indices where v[i] == Column.naDate { missing[i] = true }
    }
  }

  /// What the column holds, for messages: "strings", "dates", ...
  var analysisKindNoun: String {
    switch kind {
    case .double, .int: return "numbers"
    case .string: return "strings"
    case .bool: return "true/false values"
    case .date: return "dates"
    }
  }
}
