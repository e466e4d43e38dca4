import Foundation
import Survival

/// An arithmetic expression of columns inside a formula term: the argument
/// of `log(x)`, `I(age^2)`, `ns(age, df = 3)`, `tt(age)`. Parentheses are
/// kept so that the term label reads as written (R's `deparse` keeps them:
/// `I((age - 50)^2)`).
public indirect enum TransformExpression: Sendable, Hashable {
  case column(String)
  /// A number and the text R's `deparse` gives it.
  case number(Double)
  case negate(TransformExpression)
  case binary(TransformOperator, TransformExpression, TransformExpression)
  case call(ElementFunction, TransformExpression)
  case group(TransformExpression)

  /// The columns read, in order of first appearance.
  public var columns: [String] {
    var out: [String] = []
    func walk(_ e: TransformExpression) {
      switch e {
      case .column(let c): if !out.contains(c) { out.append(c) }
      case .number: break
      case .negate(let x), .call(_, let x), .group(let x): walk(x)
      case .binary(_, let l, let r):
        walk(l)
        walk(r)
      }
    }
    walk(self)
    return out
  }

  /// R's `deparse`: spaces around `+`, `-` and `*`, none around `/` and
  /// `^` (`I(age * 2)`, `I(age/10)`, `I(age^2)`, `I(-age)`).
  public var deparsed: String {
    switch self {
    case .column(let c): return FormulaVariable.deparse(c)
    case .number(let x): return RValueFormat.number(x)
    case .negate(let x): return "-" + x.deparsed
    case .binary(let op, let l, let r):
      switch op {
      case .divide, .power: return "\(l.deparsed)\(op.rawValue)\(r.deparsed)"
      default: return "\(l.deparsed) \(op.rawValue) \(r.deparsed)"
      }
    case .call(let f, let x): return "\(f.rawValue)(\(x.deparsed))"
    case .group(let x): return "(\(x.deparsed))"
    }
  }

  /// The value for one row, given a way to read each column's value there.
  /// Domain errors give NaN (`log(-1)`, `sqrt(-1)`), as R does.
  func value(_ read: (String) -> Double) -> Double {
    switch self {
    case .column(let c): return read(c)
    case .number(let x): return x
    case .negate(let x): return -x.value(read)
    case .group(let x): return x.value(read)
    case .call(let f, let x): return f.apply(x.value(read))
    case .binary(let op, let l, let r): return op.apply(l.value(read), r.value(read))
    }
  }

  /// The value over whole columns: one pass per node over contiguous
  /// buffers (`columns[name]` holds every row, NaN where missing).
  func values(_ columns: [String: [Double]], count: Int) -> [Double] {
    switch self {
    case .column(let c): return columns[c] ?? [Double](repeating: .nan, count: count)
    case .number(let x): return [Double](repeating: x, count: count)
    case .negate(let x): return x.values(columns, count: count).map { -$0 }
    case .group(let x): return x.values(columns, count: count)
    case .call(let f, let x):
      var v = x.values(columns, count: count)
      for i in v.indices { v[i] = f.apply(v[i]) }
      return v
    case .binary(let op, let l, let r):
      var a = l.values(columns, count: count)
      let b = r.values(columns, count: count)
      for i in a.indices { a[i] = op.apply(a[i], b[i]) }
      return a
    }
  }

  /// Whether the value is a comparison (R's logical), inside `I()` and
  /// parentheses: its design column is named with R's suffix `TRUE`.
  var isComparison: Bool {
    switch self {
    case .binary(let op, _, _): return op.isComparison
    case .group(let x), .call(.identity, let x): return x.isComparison
    default: return false
    }
  }

  /// The value when the expression reads no column (a constant argument).
  var constant: Double? {
    columns.isEmpty ? value { _ in .nan } : nil
  }
}

/// The arithmetic of `I()` and of function arguments.
public enum TransformOperator: String, Sendable, Hashable {
  case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^"
  /// Comparisons inside `I()` (`I(age > 60)`): 1 where true, 0 where false,
  /// NaN where either side is NA, as R's logical (coded as its TRUE column).
  case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="

  var isComparison: Bool { ![.add, .subtract, .multiply, .divide, .power].contains(self) }

  func apply(_ a: Double, _ b: Double) -> Double {
    if isComparison, a.isNaN || b.isNaN { return .nan }
    switch self {
    case .less: return a < b ? 1 : 0
    case .lessEqual: return a <= b ? 1 : 0
    case .greater: return a > b ? 1 : 0
    case .greaterEqual: return a >= b ? 1 : 0
    case .equal: return a == b ? 1 : 0
    case .notEqual: return a != b ? 1 : 0
    case .add: return a + b
    case .subtract: return a - b
    case .multiply: return a * b
    case .divide: return a / b
    case .power: return Foundation.pow(a, b)
    }
  }
}

/// The element-wise functions a formula may apply to a column.
public enum ElementFunction: String, Sendable, Hashable, CaseIterable {
  case log, log2, log10, log1p, exp, sqrt, abs
  /// R's `I()`: the expression as it is (arithmetic, not formula operators).
  case identity = "I"

  func apply(_ x: Double) -> Double {
    switch self {
    case .log: return Foundation.log(x)
    case .log2: return Foundation.log2(x)
    case .log10: return Foundation.log10(x)
    case .log1p: return Foundation.log1p(x)
    case .exp: return Foundation.exp(x)
    case .sqrt: return Foundation.sqrt(x)
    case .abs: return Swift.abs(x)
    case .identity: return x
    }
  }
}

/// A variable computed from columns: an element-wise transform, an
/// orthogonal polynomial or spline basis (several design columns), or a
/// time-transformed covariate of Cox's `tt()`.
public struct VariableTransform: Sendable, Hashable {
  public enum Kind: Sendable, Hashable {
    /// `log(x)`, `I(x^2)`, `sqrt(x + 1)`: one column.
    case elementwise
    /// `poly(x, degree)`: R's orthogonal polynomials (or raw powers).
    case poly(degree: Int, raw: Bool)
    /// `ns(x, df = | knots =)`: a natural cubic spline basis.
    case naturalSpline(SplineKnots, intercept: Bool)
    /// `bs(x, df =, degree = | knots =)`: a B-spline basis.
    case bSpline(SplineKnots, degree: Int, intercept: Bool)
    /// Cox's `pspline(x, df =, theta =, nterm =, degree =)`: R's penalised
    /// spline (its basis, penalty and choice of theta, `PenalisedSplineSpec`).
    case penalisedSpline(PenalisedSplineSpec)
    /// Cox's `tt(x)`: the values of `x` passed through the `tt` function at
    /// each event time.
    case timeTransform
  }

  public let kind: Kind
  /// The expression the transform is applied to (`age` in `ns(age, df = 3)`;
  /// the whole call for `log(x)`).
  public let argument: TransformExpression
  /// The label R gives the term (`log(bili)`, `ns(age, df = 3)`).
  public let label: String
  /// The 1-based position of the call in the formula, for messages; not
  /// part of the variable's identity.
  public let position: Int

  public init(kind: Kind, argument: TransformExpression, label: String, position: Int) {
    self.kind = kind
    self.argument = argument
    self.label = label
    self.position = position
  }

  public static func == (a: VariableTransform, b: VariableTransform) -> Bool {
    a.kind == b.kind && a.argument == b.argument && a.label == b.label
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(kind)
    hasher.combine(argument)
    hasher.combine(label)
  }
}

/// How the interior knots of `ns()`/`bs()` are chosen: from `df` at
/// quantiles of the data, or given; boundary knots given or the range.
public struct SplineKnots: Sendable, Hashable {
  public var df: Int?
  public var knots: [Double]?
  public var boundary: [Double]?

  public init(df: Int? = nil, knots: [Double]? = nil, boundary: [Double]? = nil) {
    self.df = df
    self.knots = knots
    self.boundary = boundary
  }
}

/// The arguments of `pspline()` (R `survival::pspline`): theta given, or
/// chosen so that the term's effective df is within `eps` of `df`; `nterm`
/// equal intervals over the range of x (R's default round(2.5·df)); B-splines
/// of degree `degree`; a difference penalty of order 2.
public struct PenalisedSplineSpec: Sendable, Hashable {
  public var df: Double
  public var theta: Double?
  public var nterm: Int
  public var degree: Int
  public var eps: Double

  public init(df: Double, theta: Double?, nterm: Int, degree: Int, eps: Double) {
    self.df = df
    self.theta = theta
    self.nterm = nterm
    self.degree = degree
    self.eps = eps
  }

  /// How the Cox fit chooses theta (R's search starts from the points
  /// (theta, df) = (1, 1) and (0, nterm)).
  var rule: CoxThetaSearch.Rule {
    if let theta { return .fixed(theta: theta) }
    return .degreesOfFreedom(target: df, nterm: Double(nterm), eps: eps)
  }
}
