/// The covariate matrix of a regression, as R's `model.matrix` builds it for
/// `coxph` (with the intercept column removed).
///
/// - Numeric and date variables enter as they are.
/// - Factors (string columns, `factor(x)`) and booleans use treatment
///   contrasts: one indicator per level after the first, named variable then
///   level (`rxLev`, `factor(ecog)2`, `femaleTRUE`). A boolean always has the
///   levels `FALSE`, `TRUE`; a string column keeps all its declared levels,
///   so an unused level gives a column of zeros, as in R.
/// - Interactions multiply the columns of their variables, the first
///   variable varying fastest, names joined by `:` (`rxLev:age`). A factor in
///   an interaction is coded by contrasts when the term without it appears
///   among the preceding terms (or is empty), and by one indicator per level
///   otherwise, as R's `terms.formula` decides (`age:rx` without `rx` gives
///   `age:rxObs`, `age:rxLev`, ...).
///
/// Constant or collinear columns are kept; the fitter decides what to do.
public struct DesignMatrix: Sendable {
  /// Rows (those of the model frame).
  public let rowCount: Int
  /// Column names as in R's `colnames(model.matrix(fit))`.
  public let columnNames: [String]
  /// Column-major values: column `j` is `values[j*rowCount ..< (j+1)*rowCount]`.
  public let values: [Double]
  /// The label of each term (`formula.terms[k].label`).
  public let termLabels: [String]
  /// The columns of each term, as R's `assign` attribute groups them.
  public let termColumns: [Range<Int>]

  public var columnCount: Int { columnNames.count }

  /// The values of column `j`.
  public func column(_ j: Int) -> ArraySlice<Double> {
    values[(j * rowCount)..<((j + 1) * rowCount)]
  }

  /// The term (index into `termLabels`) of each column.
  public var assign: [Int] {
    termColumns.enumerated().flatMap { k, range in Array(repeating: k, count: range.count) }
  }

  /// Builds the matrix of the regular terms of `frame.formula`; throws when
  /// a factor to be coded by contrasts has fewer than two levels (R's
  /// "contrasts can be applied only to factors with 2 or more levels").
  public init(frame: ModelFrame) throws {
    let n = frame.count
    let terms = frame.formula.terms
    var names: [String] = []
    var values: [Double] = []
    var termColumns: [Range<Int>] = []

    for (k, term) in terms.enumerated() {
      let first = names.count
      // Each variable's block: its columns (value per row) and name pieces.
      var blocks: [(columns: [[Double]], names: [String])] = []
      for variable in term.variables {
        guard let covariate = frame.covariates[variable] else {
          throw ModelFrameError("internal: variable '\(variable.label)' missing from the model frame")
        }
        switch covariate {
        case .numeric(let x):
          blocks.append(([x], [variable.label]))
        case .categorical(let coding):
          let contrasts = Self.usesContrasts(variable, in: term, preceding: terms[..<k])
          if contrasts, coding.levels.count < 2 {
            throw ModelFrameError(
              "factor '\(variable.label)' has only one level"
                + (coding.levels.first.map { " ('\($0)')" } ?? "")
                + "; a factor needs at least two levels to be used as a covariate")
          }
          let levels = contrasts ? Array(coding.levels.indices.dropFirst()) : Array(coding.levels.indices)
          let columns = levels.map { level in coding.codes.map { $0 == Int32(level) ? 1.0 : 0.0 } }
          blocks.append((columns, levels.map { variable.label + coding.levels[$0] }))
        }
      }
      // Cartesian product, first variable varying fastest.
      var product: [(column: [Double], name: String)] = [([Double](repeating: 1, count: n), "")]
      for block in blocks {
        var next: [(column: [Double], name: String)] = []
        for (column, name) in zip(block.columns, block.names) {
          for (prefix, prefixName) in product {
            var c = prefix
            for i in 0..<n { c[i] *= column[i] }
            next.append((c, prefixName.isEmpty ? name : prefixName + ":" + name))
          }
        }
        product = next
      }
      for (column, name) in product {
        values.append(contentsOf: column)
        names.append(name)
      }
      termColumns.append(first..<names.count)
    }
    self.rowCount = n
    self.columnNames = names
    self.values = values
    self.termLabels = terms.map(\.label)
    self.termColumns = termColumns
  }

  /// R's rule (`TermCode` in `model.c`): a factor in a term is coded by
  /// contrasts when the term without it is empty or contained in a
  /// preceding term; otherwise by indicators of all its levels.
  private static func usesContrasts(
    _ variable: FormulaVariable, in term: Term, preceding: ArraySlice<Term>
  ) -> Bool {
    let rest = Set(term.variables.filter { $0 != variable })
    if rest.isEmpty { return true }
    return preceding.contains { rest.isSubset(of: Set($0.variables)) }
  }
}
