/// A survival model formula in R's `survival` syntax, parsed and expanded.
///
/// `Formula(parsing: "Surv(time, status) ~ rx * sex + strata(inst)")` mirrors
/// what R's `terms()` makes of the same formula in `coxph`, `survfit` and
/// `survdiff`: the response columns, the regular terms in R's order (main
/// effects first, then two-way interactions, ..., each group in order of
/// appearance; `a*b` expands to `a + b + a:b`; repeated terms dropped), and
/// the special terms `strata()`, `cluster()` and `offset()` set apart.
///
/// A formula without `~` (`"Surv(time, status)"`) is read as `~ 1`, the
/// response-only form used for follow-up summaries.
public struct Formula: Sendable, Equatable, CustomStringConvertible {
  /// The text as given.
  public let text: String
  /// The `Surv(...)` response.
  public let response: SurvResponse
  /// Regular terms, in the order of R's `attr(terms(f), "term.labels")`
  /// with the special terms removed. Empty for `~ 1`.
  public let terms: [Term]
  /// The columns of all `strata()` terms, in order (`strata(a) +
  /// strata(b, c)` gives `["a", "b", "c"]`); empty when there is none.
  public let strata: [String]
  /// The column of the `cluster()` term, if any.
  public let cluster: String?
  /// The columns of the `offset()` terms (R adds several offsets together).
  public let offsets: [String]

  /// Where `strata()` stands among the variables, in order of appearance
  /// (for the curve labels of `survfit`).
  let strataPosition: Int
  /// The position of `.` (every other column, as R's `y ~ .`), if the
  /// right-hand side has one; `resolvingDot(in:weights:)` replaces it.
  public let dotPosition: Int?

  public var description: String { text }

  /// The distinct variables of the regular terms, in R's variable order.
  public var variables: [FormulaVariable] {
    var seen = Set<FormulaVariable>()
    var out: [FormulaVariable] = []
    for term in terms {
      for v in term.variables where seen.insert(v).inserted { out.append(v) }
    }
    return out
  }

  /// Every column the formula reads, each once, in order of first use:
  /// response, terms, strata, cluster, offsets.
  public var columnNames: [String] {
    var seen = Set<String>()
    var out: [String] = []
    func add(_ name: String) { if seen.insert(name).inserted { out.append(name) } }
    response.columnNames.forEach(add)
    for term in terms { term.variables.forEach { $0.columns.forEach(add) } }
    strata.forEach(add)
    cluster.map(add)
    offsets.forEach(add)
    removedColumns.forEach(add)
    return out
  }

  /// The columns of terms removed with `-` (`~ . - inst`): read, as R's
  /// model frame reads them, so that a missing value there drops the row.
  public let removedColumns: [String]

  /// Parses `text`; throws `FormulaError` naming the 1-based position of the
  /// problem and what was expected there.
  public init(parsing text: String) throws {
    var parser = FormulaParser(text: text)
    self = try parser.parseFormula()
  }

  init(
    text: String, response: SurvResponse, terms: [Term], strata: [String],
    cluster: String?, offsets: [String], strataPosition: Int, dotPosition: Int? = nil,
    removedColumns: [String] = []
  ) {
    self.removedColumns = removedColumns
    self.strataPosition = strataPosition
    self.dotPosition = dotPosition
    self.text = text
    self.response = response
    self.terms = terms
    self.strata = strata
    self.cluster = cluster
    self.offsets = offsets
  }
}

/// The left-hand side `Surv(time, event)` or `Surv(start, stop, event)`.
public struct SurvResponse: Sendable, Equatable {
  /// Entry time column for counting-process data (`Surv(start, stop, event)`).
  public let start: String?
  /// The follow-up time (or the stop time of an interval).
  public let stop: String
  /// The event (status) column.
  public let event: String

  /// A comparison that makes the event from the column
  /// (`Surv(time, status == "Dead")`); nil when the column is the event.
  public let eventCondition: EventCondition?
  /// R's `Surv(..., type = "...")` when written (`"interval2"`: `stop` is the
  /// lower and `event` the upper end of an interval); only `survreg()` reads
  /// types other than "right".
  public let type: String?

  public init(
    start: String? = nil, stop: String, event: String, eventCondition: EventCondition? = nil, type: String? = nil
  ) {
    self.start = start
    self.stop = stop
    self.event = event
    self.eventCondition = eventCondition
    self.type = type
  }

  var columnNames: [String] { (start.map { [$0] } ?? []) + [stop, event] }
}

/// A regular model term: one variable (`age`) or an interaction of several
/// (`rx:age`), with the variables in R's order (order of first appearance
/// in the formula, whatever order the interaction was written in).
public struct Term: Sendable, Hashable, CustomStringConvertible {
  public let variables: [FormulaVariable]

  public init(_ variables: [FormulaVariable]) { self.variables = variables }

  /// The label R gives the term (`"rx:age"`, `` "`my var`" ``, `"factor(ecog)"`).
  public var label: String { variables.map(\.label).joined(separator: ":") }
  public var description: String { label }
}

/// A variable of a term: a column as it is, a column wrapped in
/// `factor()` (categorical whatever its type, as R's `factor(x)`), or a
/// transform of columns (`log(x)`, `I(age^2)`, `ns(age, df = 3)`, `tt(age)`).
public struct FormulaVariable: Sendable, Hashable, CustomStringConvertible {
  /// The column; for a transform, the first column it reads.
  public let column: String
  public let isFactorCall: Bool
  /// The transform, if the variable is computed from columns.
  public let transform: VariableTransform?

  public init(column: String, isFactorCall: Bool = false) {
    self.column = column
    self.isFactorCall = isFactorCall
    self.transform = nil
  }

  public init(transform: VariableTransform) {
    self.column = transform.argument.columns.first ?? ""
    self.isFactorCall = false
    self.transform = transform
  }

  /// Every column the variable reads.
  public var columns: [String] { transform?.argument.columns ?? [column] }

  /// The name R gives the variable in term labels and design column names:
  /// non-syntactic names in backquotes, `factor(x)` spelled out, a
  /// transform as R deparses the call.
  public var label: String {
    if let transform { return transform.label }
    let name = Self.deparse(column)
    return isFactorCall ? "factor(\(name))" : name
  }

  /// The name used in group and strata labels (`arm=A`): no backquotes, as
  /// R's `strata()` names the columns of a model frame.
  public var plainLabel: String {
    if let transform { return transform.label }
    return isFactorCall ? "factor(\(column))" : column
  }

  public var description: String { label }

  private static let reserved: Set<String> = [
    "if", "else", "repeat", "while", "function", "for", "next", "break", "TRUE",
    "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_",
    "NA_character_", "in",
  ]

  /// R's `deparse` of a symbol: backquoted unless it is a syntactic name.
  static func deparse(_ name: String) -> String {
    isSyntactic(name) ? name : "`\(name)`"
  }

  static func isSyntactic(_ name: String) -> Bool {
    let scalars = Array(name.unicodeScalars)
    guard let first = scalars.first, !reserved.contains(name) else { return false }
    if first == "." {
      if scalars.count > 1, isDigit(scalars[1]) { return false }
    } else if !isLetter(first) {
      return false
    }
    return scalars.allSatisfy { isLetter($0) || isDigit($0) || $0 == "." || $0 == "_" }
  }

  static func isLetter(_ s: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(s) || ("A"..."Z").contains(s)
  }

  static func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
}

/// The comparison of `Surv(time, status == "Dead")`,
/// `Surv(time, status != 0)` or `Surv(time, status %in% c("Dead", "Died"))`:
/// the event is 1 where the column's value is (or, for `!=`, is not) one of
/// `values`.
public struct EventCondition: Sendable, Equatable {
  public enum Value: Sendable, Equatable {
    case number(Double)
    case text(String)
  }

  public let negated: Bool
  public let values: [Value]
  /// How R deparses it (`status == "Dead"`), for messages.
  public let text: String
  /// `<`, `<=`, `>` or `>=` against the one number of `values`
  /// (`Surv(time, status > 1)`); nil for `==`, `!=` and `%in%`.
  public let ordering: String?

  public init(negated: Bool, values: [Value], text: String, ordering: String? = nil) {
    self.negated = negated
    self.values = values
    self.text = text
    self.ordering = ordering
  }
}
