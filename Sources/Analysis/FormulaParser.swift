/// Recursive-descent parser for survival formulas, with R's precedence
/// (`:` binds tighter than `*`, which binds tighter than `+`) and R's
/// expansion of terms (`terms.formula`: `a*b` is `a + b + a:b`, `(a+b):c`
/// is `a:c + b:c`, repeated terms dropped, terms sorted by order).
struct FormulaParser {
  /// The special functions of the right-hand side.
  enum Special: String {
    case strata, cluster, offset
  }

  /// The right-hand side as written, before expansion.
  indirect enum Expression {
    case variable(Int)
    case intercept(position: Int)
    case special(Special, columns: [String], position: Int)
    case sum(Expression, Expression)
    /// `a - b`: the terms of b removed from those of a (R's `-` in formulas).
    case difference(Expression, Expression)
    case interaction(Expression, Expression)
    case cross(Expression, Expression)
    case group(Expression)
    case dot(position: Int)
  }

  let text: String
  var tokens: [FormulaToken] = []
  var index = 0
  /// Variables in order of first appearance (R's variable order).
  private var variables: [FormulaVariable] = []
  /// How many variables had appeared when the first strata() was read.
  private var strataPosition: Int?
  /// Where `.` (every other column) stands, if written.
  private var dotPosition: Int?

  static let supportedFunctions =
    "supported are strata(), cluster(), offset(), factor(), log(), log2(), log10(), log1p(), exp(), sqrt(), "
    + "abs(), I(), poly(), ns(), bs() and tt()"

  /// Limits that keep the recursive descent (and the recursive expansion
  /// and release of the expression tree) far from the end of the stack:
  /// no real formula comes near them.
  static let maxTokens = 10_000
  static let maxNesting = 100
  /// Parentheses open at the current token.
  var nesting = 0

  init(text: String) { self.text = text }

  mutating func parseFormula() throws -> Formula {
    tokens = try FormulaLexer.tokenize(text)
    guard tokens.count <= Self.maxTokens else {
      throw error("the formula is too long (\(tokens.count) tokens; at most \(Self.maxTokens))", at: 1)
    }
    index = 0
    let response = try parseResponse()
    if current.kind == .end {
      return Formula(
        text: text, response: response, terms: [], strata: [], cluster: nil, offsets: [],
        strataPosition: 0)
    }
    guard current.kind == .tilde else {
      throw error("expected '~' after the Surv() response", got: current)
    }
    advance()
    let rhs = try parseSum()
    if current.kind == .caret {
      throw error(
        "'^' between terms (crossing) is not supported; for a power write I(x^2)", at: current.position)
    }
    guard current.kind == .end else {
      throw error("expected '+', ':', '*' or the end of the formula", got: current)
    }
    return try expand(rhs, response: response)
  }

  // MARK: Tokens

  var current: FormulaToken { tokens[index] }

  mutating func advance() {
    if index < tokens.count - 1 { index += 1 }
  }

  func error(_ message: String, at position: Int) -> FormulaError {
    FormulaError(formula: text, position: position, message: message)
  }

  /// "expected X" at the token, adding what was found unless the text ended.
  func error(_ expected: String, got token: FormulaToken) -> FormulaError {
    if token.kind == .end { return error(expected, at: token.position) }
    return error("\(expected), got \(token.spelling)", at: token.position)
  }

  mutating func expect(_ kind: FormulaToken.Kind, _ expected: String) throws {
    guard current.kind == kind else { throw error(expected, got: current) }
    advance()
  }

  mutating func columnName(_ expected: String = "expected a column name") throws -> String {
    guard case .name(let name, _) = current.kind else { throw error(expected, got: current) }
    advance()
    return name
  }

  // MARK: Response

  private mutating func parseResponse() throws -> SurvResponse {
    let expected = "expected Surv(time, event) or Surv(start, stop, event)"
    guard case .name("Surv", quoted: false) = current.kind else {
      throw error(expected, at: current.position)
    }
    let survPosition = current.position
    advance()
    guard current.kind == .leftParen else { throw error("expected '(' after Surv", got: current) }
    advance()
    var columns = [try columnName()]
    var condition: EventCondition?
    var type: String?
    while current.kind == .comma {
      advance()
      if let named = try parseSurvType() {
        type = named
        break
      }
      if columns.count == 3 {
        throw error("Surv() takes 2 or 3 column names (time, event or start, stop, event)", at: current.position)
      }
      columns.append(try columnName())
      if case .comparison = current.kind, columns.count >= 2 {
        condition = try parseEventCondition(column: columns[columns.count - 1])
        if current.kind == .comma {
          advance()
          guard let named = try parseSurvType() else { throw error("expected type = \"...\"", got: current) }
          type = named
        }
        break
      }
    }
    guard current.kind == .rightParen else {
      if case .comparison = current.kind {
        throw error("a comparison in Surv() must be its last argument, the event", at: current.position)
      }
      throw error("expected ',' or ')'", got: current)
    }
    if columns.count < 2 {
      throw error(
        "Surv() needs a time and an event column: Surv(time, event) or Surv(start, stop, event)",
        at: survPosition)
    }
    advance()
    if columns.count == 3 {
      if let type {
        throw error("type = \"\(type)\" takes two columns: Surv(time1, time2, type = ...)", at: survPosition)
      }
      return SurvResponse(start: columns[0], stop: columns[1], event: columns[2], eventCondition: condition)
    }
    return SurvResponse(stop: columns[0], event: columns[1], eventCondition: condition, type: type)
  }

  /// `type = "right" | "left" | "interval2"` as the last argument of `Surv()`
  /// (R's names); nil when the argument is not `type =`.
  private mutating func parseSurvType() throws -> String? {
    guard case .name("type", quoted: false) = current.kind, index + 1 < tokens.count,
      tokens[index + 1].kind == .equals
    else { return nil }
    advance()
    advance()
    guard case .string(let value) = current.kind else {
      throw error("expected a string after type =, such as \"interval2\"", got: current)
    }
    guard Self.survTypes.contains(value) else {
      throw error(
        "unknown Surv() type \"\(value)\"; supported are \"right\", \"left\" and \"interval2\"", at: current.position)
    }
    advance()
    return value
  }

  static let survTypes: Set<String> = ["right", "left", "interval2"]

  // MARK: Right-hand side

  mutating func parseSum() throws -> Expression {
    var left = try parseProduct()
    while current.kind == .plus || current.kind == .minus {
      let minus = current.kind == .minus
      advance()
      let right = try parseProduct()
      left = minus ? .difference(left, right) : .sum(left, right)
    }
    return left
  }

  private mutating func parseProduct() throws -> Expression {
    var left = try parseInteraction()
    while current.kind == .star {
      advance()
      left = .cross(left, try parseInteraction())
    }
    return left
  }

  private mutating func parseInteraction() throws -> Expression {
    var left = try parseAtom()
    while current.kind == .colon {
      advance()
      left = .interaction(left, try parseAtom())
    }
    return left
  }

  private mutating func parseAtom() throws -> Expression {
    let token = current
    switch token.kind {
    case .number(let n):
      guard n == "1" else {
        throw error(
          "expected a term, got the number \(n) (only '1', a model without covariates, is allowed)",
          at: token.position)
      }
      advance()
      return .intercept(position: token.position)
    case .leftParen:
      guard nesting < Self.maxNesting else {
        throw error("parentheses nested more than \(Self.maxNesting) deep", at: token.position)
      }
      advance()
      nesting += 1
      let inner = try parseSum()
      nesting -= 1
      try expect(.rightParen, "expected ')'")
      return .group(inner)
    case .name(let name, let quoted):
      advance()
      if !quoted, current.kind == .leftParen {
        return try parseCall(name, at: token.position)
      }
      if !quoted, name == "." {
        if dotPosition != nil { throw error("'.' may appear only once", at: token.position) }
        dotPosition = token.position
        return .dot(position: token.position)
      }
      return .variable(register(FormulaVariable(column: name)))
    case .string:
      let quote = text.dropFirst(token.position - 1).first.map(String.init) ?? "\""
      throw error("unexpected quote \(quote); write column names bare or in backquotes", at: token.position)
    case .minus:
      throw error("removing terms with '-' is not supported", at: token.position)
    default:
      throw error("expected a term", got: token)
    }
  }

  private mutating func parseCall(_ name: String, at position: Int) throws -> Expression {
    advance()  // the '('
    if name == "factor" {
      let column = try columnName()
      try expect(.rightParen, "factor() takes one column name; expected ')'")
      return .variable(register(FormulaVariable(column: column, isFactorCall: true)))
    }
    guard let special = Special(rawValue: name) else {
      if name == "Surv" {
        throw error("Surv() belongs on the left of '~'", at: position)
      }
      guard let transform = try parseTransformCall(name, at: position) else {
        throw error("unknown function '\(name)()'; \(Self.supportedFunctions)", at: position)
      }
      return .variable(register(FormulaVariable(transform: transform)))
    }
    if special == .strata, strataPosition == nil { strataPosition = variables.count }
    var columns = [try columnName()]
    if special == .strata {
      while current.kind == .comma {
        advance()
        columns.append(try columnName())
      }
      try expect(.rightParen, "expected ',' or ')'")
    } else {
      try expect(.rightParen, "\(name)() takes one column name; expected ')'")
    }
    return .special(special, columns: columns, position: position)
  }

  private mutating func register(_ variable: FormulaVariable) -> Int {
    if let i = variables.firstIndex(of: variable) { return i }
    variables.append(variable)
    return variables.count - 1
  }

  // MARK: Expansion (R's terms.formula)

  private func expand(_ rhs: Expression, response: SurvResponse) throws -> Formula {
    // The summands left to right, without recursion (a + b + c + ... is a
    // left-deep tree as long as the formula).
    // Summands after '-' (and inside parentheses after it) are removed.
    var operands: [Expression] = []
    var removed: [Expression] = []
    var pending = [(rhs, false)]
    while let (e, minus) = pending.popLast() {
      switch e {
      case .sum(let l, let r):
        pending.append((r, minus))
        pending.append((l, minus))
      case .difference(let l, let r):
        pending.append((r, !minus))
        pending.append((l, minus))
      case .group(let inner) where minus:
        pending.append((inner, minus))
      default:
        if minus { removed.append(e) } else { operands.append(e) }
      }
    }

    var termSets: [[Int]] = []
    var strata: [String] = []
    var cluster: String?
    var offsets: [String] = []
    for operand in operands {
      switch operand {
      case .special(.strata, let columns, _):
        for c in columns where !strata.contains(c) { strata.append(c) }
      case .special(.cluster, let columns, let position):
        if cluster != nil { throw error("only one cluster() term is allowed", at: position) }
        cluster = columns[0]
      case .special(.offset, let columns, _):
        offsets.append(columns[0])
      case .intercept, .dot:
        break
      default:
        termSets = Self.trimRepeats(termSets + (try terms(of: operand)))
      }
    }
    // R's `- term`: the term goes wherever it came from (a `.`, a product);
    // `- 1` leaves a Cox model as it is (it has no intercept).
    var removedSets = Set<[Int]>()
    var removedColumns: [String] = []
    for e in removed {
      switch e {
      case .intercept: continue
      case .dot(let position):
        throw error("'.' cannot be removed; remove columns from it: . - age", at: position)
      case .special(let s, _, let position):
        throw error("\(s.rawValue)() cannot be removed with '-'; leave it out", at: position)
      default:
        for t in try terms(of: e) {
          removedSets.insert(t)
          for c in t.flatMap({ variables[$0].columns }) where !removedColumns.contains(c) { removedColumns.append(c) }
        }
      }
    }
    termSets.removeAll { removedSets.contains($0) }
    // R sorts terms by order (number of variables), stably.
    let ordered = termSets.enumerated().sorted {
      ($0.element.count, $0.offset) < ($1.element.count, $1.offset)
    }
    let terms = ordered.map { Term($0.element.map { variables[$0] }) }
    return Formula(
      text: text, response: response, terms: terms, strata: strata, cluster: cluster,
      offsets: offsets, strataPosition: strataPosition ?? 0, dotPosition: dotPosition,
      removedColumns: removedColumns)
  }

  /// The terms of a sub-expression, each a sorted list of variable indices.
  private func terms(of e: Expression) throws -> [[Int]] {
    switch e {
    case .variable(let i):
      return [[i]]
    case .intercept(let position):
      throw error("'1' cannot be part of an interaction", at: position)
    case .dot(let position):
      throw error("'.' (every other column) must be a term of its own", at: position)
    case .special(let s, _, let position):
      throw error("\(s.rawValue)() must be a term of its own, not part of an interaction", at: position)
    case .group(let inner):
      if case .intercept = inner { return [] }
      return try terms(of: inner)
    case .difference(let l, let r):
      // `(a - b):c` inside an interaction: the terms of a without b's.
      let removed = Set(try Self.isIntercept(r) ? [] : terms(of: r))
      return try (Self.isIntercept(l) ? [] : terms(of: l)).filter { !removed.contains($0) }
    case .sum(let l, let r):
      // `(a + 1)` means `a`: an intercept among summands adds no term.
      let left = try Self.isIntercept(l) ? [] : terms(of: l)
      let right = try Self.isIntercept(r) ? [] : terms(of: r)
      return Self.trimRepeats(left + right)
    case .interaction(let l, let r):
      return Self.interact(try terms(of: l), try terms(of: r))
    case .cross(let l, let r):
      let left = try terms(of: l)
      let right = try terms(of: r)
      return Self.trimRepeats(left + right + Self.interact(left, right))
    }
  }

  private static func isIntercept(_ e: Expression) -> Bool {
    if case .intercept = e { return true }
    return false
  }

  private static func interact(_ left: [[Int]], _ right: [[Int]]) -> [[Int]] {
    var out: [[Int]] = []
    for a in left {
      for b in right { out.append(Array(Set(a).union(b)).sorted()) }
    }
    return trimRepeats(out)
  }

  private static func trimRepeats(_ terms: [[Int]]) -> [[Int]] {
    var seen = Set<[Int]>()
    return terms.filter { seen.insert($0).inserted }
  }
}
