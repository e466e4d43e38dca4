import RunControl
import Survival

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
  /// Column-major values: column `j` is `values[j*rowCount ..< (j+1)*rowCount]`
  /// (empty when the matrix is kept as column arrays, or once handed to a
  /// fitter by `takeCovariates`).
  public private(set) var values: [Double]
  /// With `columnArrays`: one array per column, a numeric variable's being
  /// the model frame's own (no copy); empty otherwise.
  private(set) var columnArrays: [[Double]] = []
  /// The label of each term (`formula.terms[k].label`).
  public let termLabels: [String]
  /// The columns of each term, as R's `assign` attribute groups them.
  public let termColumns: [Range<Int>]
  /// The matrix's share of the run's memory budget, given back with it.
  private let reservation: MemoryReservation?

  public var columnCount: Int { columnNames.count }

  /// The values of column `j` (empty once handed over by `takeCovariates`).
  public func column(_ j: Int) -> ArraySlice<Double> {
    if !columnArrays.isEmpty { return columnArrays[j][...] }
    return values.isEmpty ? [] : values[(j * rowCount)..<((j + 1) * rowCount)]
  }

  /// Hands the values over (for a fitter that frees them early) and leaves
  /// this matrix without them.
  mutating func takeCovariates() -> CoxCovariates {
    if columnArrays.isEmpty {
      let taken = values
      values = []
      return .columnMajor(taken)
    }
    let taken = columnArrays
    columnArrays = []
    return .columns(taken)
  }

  /// The term (index into `termLabels`) of each column.
  public var assign: [Int] {
    termColumns.enumerated().flatMap { k, range in Array(repeating: k, count: range.count) }
  }

  /// Builds the matrix of the regular terms of `frame.formula`; throws when
  /// a factor to be coded by contrasts has fewer than two levels (R's
  /// "contrasts can be applied only to factors with 2 or more levels").
  ///
  /// With `columnArrays`, the matrix is kept as one array per column
  /// (`values` stays empty): a column that is a numeric variable as it is
  /// shares the model frame's array (at 10⁷ rows, 80 MB not copied), which
  /// a Cox fit reads through `CoxCovariates.columns`.
  public init(frame: ModelFrame, columnArrays: Bool = false) throws {
    let n = frame.count
    let terms = frame.formula.terms
    var covariates: [FormulaVariable: Covariate] = [:]
    for v in frame.formula.variables { covariates[v] = frame.covariate(v) }

    // First the columns as products of parts, then one pass per column.
    var specs: [(name: String, parts: [Part])] = []
    var termColumns: [Range<Int>] = []
    for (k, term) in terms.enumerated() {
      let first = specs.count
      var product: [(name: String, parts: [Part])] = [("", [])]
      for variable in term.variables {
        guard let covariate = covariates[variable] else {
          throw ModelFrameError("internal: variable '\(variable.label)' missing from the model frame")
        }
        var block: [(name: String, part: Part)] = []
        switch covariate {
        case .numeric(let x):
          block = [(variable.label, .numeric(x))]
        case .basis(let columns, let suffixes):
          block = zip(columns, suffixes).map { (variable.label + $1, .numeric($0)) }
        case .categorical(let coding):
          let contrasts = Self.usesContrasts(variable, in: term, preceding: terms[..<k])
          if contrasts, coding.levels.count < 2 {
            throw ModelFrameError(
              "factor '\(variable.label)' has only one level"
                + (coding.levels.first.map { " ('\($0)')" } ?? "")
                + "; a factor needs at least two levels to be used as a covariate")
          }
          let levels = contrasts ? Array(coding.levels.indices.dropFirst()) : Array(coding.levels.indices)
          block = levels.map { (variable.label + coding.levels[$0], .indicator(coding.codes, Int32($0))) }
        }
        // Cartesian product, first variable varying fastest.
        product = block.flatMap { piece in
          product.map { prefix in
            (prefix.name.isEmpty ? piece.name : prefix.name + ":" + piece.name, prefix.parts + [piece.part])
          }
        }
      }
      specs += product
      termColumns.append(first..<specs.count)
    }

    // n × p: a 3,000-level factor on 10⁵ rows is 2.4 GB, and a fit copies it
    // (sorted, centred) and adds a p × p information matrix.
    // Counted for as long as the matrix lives, so that the fit's own copies
    // are asked of what it leaves.
    let shared = columnArrays ? specs.filter { Self.sharedColumn($0.parts) != nil }.count : 0
    let reservation = try MemoryBudget.reserve(
      count: n, stride: (specs.count - shared) * MemoryLayout<Double>.stride,
      for: "the design matrix of \(n) rows × \(specs.count) columns")
    self.reservation = reservation
    self.rowCount = n
    self.columnNames = specs.map(\.name)
    self.termLabels = terms.map(\.label)
    self.termColumns = termColumns
    if columnArrays {
      self.values = []
      self.columnArrays = try specs.enumerated().map { j, spec in
        if j % 64 == 63 { try Cancellation.check() }
        if let x = Self.sharedColumn(spec.parts) { return x }
        return [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
          if let start = buffer.baseAddress { Self.write(spec.parts, n: n, into: start) }
          initialized = n
        }
      }
      return
    }
    // Filled column by column with a poll every 64 columns, so that a time
    // limit also stops the writing of a matrix of gigabytes; a stop keeps
    // only the columns written.
    let values = try [Double](unsafeUninitializedCapacity: n * specs.count) { buffer, initialized in
      initialized = 0
      for (j, spec) in specs.enumerated() {
        if j % 64 == 63 { try Cancellation.check() }
        let base = j * n
        guard let start = buffer.baseAddress else { break }  // n = 0: nothing to write
        Self.write(spec.parts, n: n, into: start + base)
        initialized = base + n
      }
    }
    self.values = values
  }

  /// The frame's array when a column is one numeric variable as it is.
  private static func sharedColumn(_ parts: [Part]) -> [Double]? {
    if parts.count == 1, case .numeric(let x) = parts[0] { return x }
    return nil
  }

  /// Initializes the n values of the column that is the product of `parts`.
  private static func write(_ parts: [Part], n: Int, into start: UnsafeMutablePointer<Double>) {
    // One pass for a column of one part: 1·x is x, bit for bit, and an
    // indicator is 1 or 0, as the product below would make them.
    if parts.count == 1 {
      switch parts[0] {
      case .numeric(let x):
        x.withUnsafeBufferPointer { x in
          start.initialize(from: x.baseAddress.unsafelyUnwrapped, count: n)
        }
      case .indicator(let codes, let level):
        codes.withUnsafeBufferPointer { codes in
          for i in 0..<n { (start + i).initialize(to: codes[i] == level ? 1 : 0) }
        }
      }
      return
    }
    start.initialize(repeating: 1, count: n)
    for part in parts {
      switch part {
      case .numeric(let x):
        x.withUnsafeBufferPointer { x in
          for i in 0..<n { start[i] *= x[i] }
        }
      case .indicator(let codes, let level):
        codes.withUnsafeBufferPointer { codes in
          for i in 0..<n where codes[i] != level { start[i] = 0 }
        }
      }
    }
  }

  /// A factor of one design column: a numeric variable, or the indicator
  /// of one level of a categorical one.
  private enum Part {
    case numeric([Double])
    case indicator([Int32], Int32)
  }

  /// R's rule (`TermCode` in `model.c`): a factor in a term is coded by
  /// contrasts when the term without it is empty or contained in a
  /// preceding term; otherwise by indicators of all its levels.
  static func usesContrasts(
    _ variable: FormulaVariable, in term: Term, preceding: ArraySlice<Term>
  ) -> Bool {
    let rest = Set(term.variables.filter { $0 != variable })
    if rest.isEmpty { return true }
    return preceding.contains { rest.isSubset(of: Set($0.variables)) }
  }
}
