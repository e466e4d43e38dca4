import Datasets
import Survival
import RunControl

/// A transform of a formula (`log(x)`, `I(age^2)`, `poly(age, 2)`,
/// `ns(age, df = 3)`, `bs(age)`, `tt(age)`) evaluated on every row of a
/// dataset, as R's `model.frame` evaluates the variables of a formula
/// before `na.omit`: the values where a column is missing, or where the
/// arithmetic has no value (`log(-1)`, `sqrt(-2)`: NaN, as R), are NaN and
/// drop the row. The knots of `ns()`/`bs()` and the coefficients of
/// `poly()` are computed from the non-missing values of the argument over
/// all rows (R computes them before rows are dropped for other columns);
/// `basis` keeps them, so that a prediction profile is evaluated on the
/// same basis (R's `makepredictcall`).
struct TransformedVariable: Sendable {
  /// The term's label (`log(x)`).
  let label: String
  /// The basis computed from the data.
  let basis: FittedBasis
  /// The design columns over all rows of the dataset.
  let columns: [[Double]]
  /// The suffix of each design column after the label (`""` for one
  /// column, `"1"`, `"2"`, ... for a basis: `ns(age, df = 3)2`).
  let suffixes: [String]
  /// The values of the argument (`age` in `tt(age)`) over all rows.
  let argument: [Double]
  /// Rows whose columns are all present but whose value is NaN (`log(-1)`):
  /// R warns "NaNs produced" and drops them.
  let undefinedCount: Int

  /// Evaluates every transform variable of `formula` on `dataset`.
  static func evaluateAll(_ formula: Formula, dataset: Dataset) throws -> [FormulaVariable: TransformedVariable] {
    var out: [FormulaVariable: TransformedVariable] = [:]
    for v in formula.variables {
      guard let t = v.transform else { continue }
      out[v] = try TransformedVariable(t, formula: formula, dataset: dataset)
    }
    return out
  }

  init(_ transform: VariableTransform, formula: Formula, dataset: Dataset) throws {
    let n = dataset.rowCount
    label = transform.label
    try MemoryBudget.require(
      count: n, stride: MemoryLayout<Double>.stride * 4, for: "the values of \(transform.label)")
    var inputs: [String: [Double]] = [:]
    for name in transform.argument.columns {
      let column = try ColumnLookup.column(name, in: dataset)
      switch column {
      case .double, .int, .bool: inputs[name] = column.asDoubles()
      case .factor, .date:
        throw FormulaError(
          formula: formula.text, position: transform.position,
          message: "\(transform.label) needs numbers, but column '\(name)' holds \(column.analysisKindNoun)")
      }
    }
    let x = transform.argument.values(inputs, count: n)
    argument = x
    var undefined = 0
    for i in 0..<n where x[i].isNaN && !inputs.values.contains(where: { $0[i].isNaN }) { undefined += 1 }
    undefinedCount = undefined
    func fail(_ message: String) -> FormulaError {
      FormulaError(formula: formula.text, position: transform.position, message: "\(transform.label): \(message)")
    }
    switch transform.kind {
    case .elementwise, .timeTransform:
      basis = transform.argument.isComparison ? .logical : .identity
    case .poly(let degree, let raw):
      if raw {
        try Self.checkDistinct(x, columns: degree, fail: fail)
        basis = .rawPolynomial(degree: degree)
      } else {
        if let row = x.firstIndex(where: \.isNaN) {
          throw fail("missing values are not allowed in poly() (as R), as in row \(row + 1)")
        }
        guard let p = OrthogonalPolynomial(fitting: x, degree: degree) else {
          throw fail("the degree (\(degree)) must be less than the number of distinct values")
        }
        basis = .orthogonalPolynomial(p)
      }
    case .penalisedSpline(let spec):
      // R's pspline: the boundary knots are the range of the non-missing x
      // over all rows of the model frame.
      var lower = Double.infinity
      var upper = -Double.infinity
      for v in x where !v.isNaN {
        lower = min(lower, v)
        upper = max(upper, v)
      }
      guard lower < upper, lower.isFinite, upper.isFinite else {
        throw fail("needs at least two distinct finite values")
      }
      // k distinct values carry at most k − 1 df: R's df search then runs
      // theta out of (0, 1) and its fit fails (NA/NaN/Inf).
      if spec.theta == nil {
        let distinct = Set(x.lazy.filter { !$0.isNaN }).count
        if Double(distinct) < spec.df + 1 {
          throw fail(
            "\(distinct) distinct values carry at most \(distinct - 1) df, too few for df = "
              + RValueFormat.number(spec.df))
        }
      }
      do {
        basis = .penalised(try PenalisedSplineBasis(lower: lower, upper: upper, nterm: spec.nterm, degree: spec.degree))
      } catch let e as CoxInputError {
        throw fail(e.message)
      }
    case .naturalSpline(let knots, let intercept), .bSpline(let knots, _, let intercept):
      let present = x.filter { !$0.isNaN }
      guard present.count >= 2 else { throw fail("needs at least two non-missing values") }
      let degree: Int
      if case .bSpline(_, let d, _) = transform.kind { degree = d } else { degree = 3 }
      let natural: Bool
      if case .naturalSpline = transform.kind { natural = true } else { natural = false }
      let extra = intercept ? 1 : 0
      let columns = natural
        ? knots.knots.map { $0.count + 1 + extra } ?? knots.df ?? 1 + extra
        : knots.knots.map { $0.count + degree + extra } ?? knots.df ?? degree + extra
      try Self.checkDistinct(x, columns: columns, fail: fail)
      do {
        basis = .spline(
          try SplineBasis(
            fitting: present, knots: knots, degree: degree, intercept: intercept, natural: natural))
      } catch let e as SplineBasis.Problem {
        throw fail(e.message)
      }
    }
    (columns, suffixes) = basis.design(x)
  }

  /// More basis columns than distinct values cannot be estimated (R would
  /// fit them and give NA coefficients); refused, which also bounds the work.
  private static func checkDistinct(_ x: [Double], columns: Int, fail: (String) -> FormulaError) throws {
    let distinct = Set(x.lazy.filter { !$0.isNaN }).count
    if columns > 1, columns > distinct {
      throw fail(
        "\(columns) basis columns but only \(distinct) distinct value\(distinct == 1 ? "" : "s"); "
          + "lower df (or the number of knots)")
    }
  }

  /// Marks the rows whose value is missing (NaN in any design column).
  func markMissing(_ missing: inout [Bool]) {
    for column in columns {
      for i in column.indices where column[i].isNaN { missing[i] = true }
    }
  }
}

/// What a transform computed from the data to evaluate new values.
enum FittedBasis: Sendable {
  /// One column, the value itself (`log(x)`: the whole call is the argument).
  case identity
  /// One 0/1 column of a comparison, named as R names a logical's (`TRUE`).
  case logical
  case rawPolynomial(degree: Int)
  case orthogonalPolynomial(OrthogonalPolynomial)
  case spline(SplineBasis)
  /// R's `pspline()` basis; columns named as R's `ps(x)3`, `ps(x)4`, ...
  /// after the label (suffixes 3, 4, ...: R numbers from 2 and drops the first).
  case penalised(PenalisedSplineBasis)

  /// The design columns of values `x` (NaN rows stay NaN) and their suffixes.
  func design(_ x: [Double]) -> ([[Double]], [String]) {
    switch self {
    case .identity:
      return ([x], [""])
    case .logical:
      return ([x], ["TRUE"])
    case .rawPolynomial(let degree):
      let columns = (1...degree).map { k in x.map { v in (1...k).reduce(1.0) { p, _ in p * v } } }
      return (columns, (1...degree).map(String.init))
    case .orthogonalPolynomial(let p):
      let columns = p.columns(x)
      return (columns, (1...columns.count).map(String.init))
    case .spline(let s):
      let columns = s.columns(x)
      return (columns, (1...columns.count).map(String.init))
    case .penalised(let b):
      // Values outside the range (new data) and NaN rows are NaN.
      let k = b.columns
      var columns = [[Double]](repeating: [Double](repeating: .nan, count: x.count), count: k)
      let rows = x.indices.filter { x[$0] >= b.lower && x[$0] <= b.upper }
      if let design = try? b.design(rows.map { x[$0] }) {
        for j in 0..<k { for (r, i) in rows.enumerated() { columns[j][i] = design[j * rows.count + r] } }
      }
      return (columns, (0..<k).map { String($0 + 3) })
    }
  }

  /// The design row of one value.
  func row(_ x: Double) -> [Double] { design([x]).0.map { $0[0] } }
}

extension ModelFrame {
  /// R's warning for transforms with no value on some rows (`log(-1)`),
  /// which drop them: `log(x): NaNs produced (3 rows dropped as missing)`.
  var transformWarnings: [String] {
    transformed.values.filter { $0.undefinedCount > 0 }.map { t in
      "\(t.label): NaNs produced (\(t.undefinedCount) row\(t.undefinedCount == 1 ? "" : "s") dropped as missing)"
    }.sorted()
  }
}
