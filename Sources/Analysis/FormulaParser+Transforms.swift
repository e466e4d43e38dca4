/// The parts of the formula language inside calls: the arithmetic of
/// `I()` and of function arguments (R's precedence: `^` binds tighter than
/// unary minus, which binds tighter than `*` and `/`, then `+` and `-`;
/// `^` is right-associative), the transform calls (`log(x)`, `poly(x, 2)`,
/// `ns(x, df = 3)`, `bs(x, knots = c(40, 60))`, `tt(x)`) and the event
/// comparison of `Surv(time, status == "Dead")`.
extension FormulaParser {
  /// An argument of a call: an expression, a vector `c(...)` of numbers, or
  /// `TRUE`/`FALSE`.
  enum ArgumentValue {
    case expression(TransformExpression)
    case vector([Double])
    case logical(Bool)

    var deparsed: String {
      switch self {
      case .expression(let e): return e.deparsed
      case .vector(let v): return "c(" + v.map(RValueFormat.number).joined(separator: ", ") + ")"
      case .logical(let b): return b ? "TRUE" : "FALSE"
      }
    }
  }

  struct Argument {
    let name: String?
    let value: ArgumentValue
    let position: Int

    var deparsed: String { (name.map { "\($0) = " } ?? "") + value.deparsed }
  }

  // MARK: Transform calls

  /// The transform `name(...)` (the '(' has been read), or nil when
  /// `name` is not a transform function.
  mutating func parseTransformCall(_ name: String, at position: Int) throws -> VariableTransform? {
    let kinds = ["poly", "ns", "bs", "tt", "pspline"]
    guard ElementFunction(rawValue: name) != nil || kinds.contains(name) else { return nil }
    let arguments = try parseArguments(of: name)
    let label = name + "(" + arguments.map(\.deparsed).joined(separator: ", ") + ")"
    if let f = ElementFunction(rawValue: name) {
      guard arguments.count == 1, arguments[0].name == nil, case .expression(let x) = arguments[0].value else {
        let extra = name == "log" ? "; for another base use log2(), log10() or I(log(x)/log(b))" : ""
        throw error("\(name)() takes one argument, an expression of columns\(extra)", at: position)
      }
      try requireColumn(x, in: name, at: position)
      return VariableTransform(kind: .elementwise, argument: .call(f, x), label: label, position: position)
    }
    var bound = try bind(arguments, to: Self.parameters[name] ?? [], in: name, at: position)
    guard case .expression(let x)? = bound.removeValue(forKey: "x") else {
      throw error("\(name)() needs a column (or an expression of columns) as its first argument", at: position)
    }
    try requireColumn(x, in: name, at: position)
    let kind: VariableTransform.Kind
    switch name {
    case "poly":
      let degree = try integer(bound["degree"], "degree", in: name, at: position, default: 1, minimum: 1)
      kind = .poly(degree: degree, raw: try logical(bound["raw"], "raw", in: name, at: position))
    case "pspline":
      kind = .penalisedSpline(try penalisedSpline(bound, at: position))
    case "ns", "bs":
      let degree = name == "bs"
        ? try integer(bound["degree"], "degree", in: name, at: position, default: 3, minimum: 1) : 3
      let intercept = try logical(bound["intercept"], "intercept", in: name, at: position)
      let knots = try numbers(bound["knots"], "knots", in: name, at: position)
      let boundary = try numbers(bound["Boundary.knots"], "Boundary.knots", in: name, at: position)
      if let boundary, boundary.count != 2 || !(boundary[0] < boundary[1]) {
        throw error("\(name)(): Boundary.knots must be two increasing numbers, c(low, high)", at: position)
      }
      var df: Int?
      if bound["df"] != nil {
        // R's smallest df: ns 1 (+ intercept), bs its order (degree + 1, less 1 without intercept).
        let least = name == "ns" ? 1 + (intercept ? 1 : 0) : degree + (intercept ? 1 : 0)
        df = try integer(bound["df"], "df", in: name, at: position, default: least, minimum: least)
      }
      let spec = SplineKnots(df: knots == nil ? df : nil, knots: knots.map { $0.sorted() }, boundary: boundary)
      kind = name == "ns"
        ? .naturalSpline(spec, intercept: intercept) : .bSpline(spec, degree: degree, intercept: intercept)
    default:  // tt
      kind = .timeTransform
    }
    return VariableTransform(kind: kind, argument: x, label: label, position: position)
  }

  /// The most columns (df, degree) a basis may have: far beyond any model a
  /// dataset supports, and a bound on the work a formula can ask for.
  static let maxBasisColumns = 100

  /// Each function's parameters in R's order (positional arguments fill
  /// them in turn; named ones match exactly).
  static let parameters: [String: [String]] = [
    "poly": ["x", "degree", "raw"],
    "ns": ["x", "df", "knots", "intercept", "Boundary.knots"],
    "bs": ["x", "df", "knots", "degree", "intercept", "Boundary.knots"],
    "tt": ["x"],
    "pspline": ["x", "df", "theta", "nterm", "degree", "eps", "method", "Boundary.knots", "intercept", "penalty",
                "combine"],
  ]

  /// The arguments of `pspline(x, df = 4, theta, nterm = 2.5 * df, degree = 3, eps = 0.1)`, checked as R's
  /// `pspline` checks them (theta in (0, 1); df > 1 and at most nterm; at least 3 intervals).
  private func penalisedSpline(_ bound: [String: ArgumentValue], at position: Int) throws -> PenalisedSplineSpec {
    for key in ["method", "Boundary.knots", "intercept", "penalty", "combine"] where bound[key] != nil {
      throw error(
        "pspline(): argument '\(key)' is not supported (Kaplan fits R's default pspline: df or theta, nterm, "
          + "degree, eps)", at: position)
    }
    func number(_ key: String) throws -> Double? {
      guard let value = bound[key] else { return nil }
      guard case .expression(let e) = value, let x = e.constant, x.isFinite else {
        throw error("pspline(): \(key) must be a number, got \(value.deparsed)", at: position)
      }
      return x
    }
    let df = try number("df") ?? 4
    let theta = try number("theta")
    let eps = try number("eps") ?? 0.1
    if let theta, !(theta > 0 && theta < 1) {
      throw error("pspline(): theta must be between 0 and 1 (exclusive), got \(RValueFormat.number(theta))",
                  at: position)
    }
    if theta == nil && df == 0 {
      throw error("pspline(): df = 0 (R's AIC choice of theta) is not supported; give df > 1 or theta",
                  at: position)
    }
    if theta == nil && !(df > 1) {
      throw error("pspline(): df must be greater than 1 (R: too few degrees of freedom), got "
                  + RValueFormat.number(df), at: position)
    }
    if !(eps > 0) { throw error("pspline(): eps must be > 0, got \(RValueFormat.number(eps))", at: position) }
    let nterm = try number("nterm") ?? 2.5 * df
    if theta == nil && df > nterm {
      throw error("pspline(): nterm (\(RValueFormat.number(nterm))) is too small for df = \(RValueFormat.number(df))",
                  at: position)
    }
    let rounded = nterm.rounded(.toNearestOrEven)
    guard rounded >= 3, rounded <= Double(Self.maxBasisColumns) else {
      throw error("pspline(): nterm must round to a whole number from 3 to \(Self.maxBasisColumns), got "
                  + RValueFormat.number(nterm), at: position)
    }
    let degree = try integer(bound["degree"], "degree", in: "pspline", at: position, default: 3, minimum: 1)
    return PenalisedSplineSpec(df: df, theta: theta, nterm: Int(rounded), degree: degree, eps: eps)
  }

  private func bind(
    _ arguments: [Argument], to parameters: [String], in name: String, at position: Int
  ) throws -> [String: ArgumentValue] {
    var bound: [String: ArgumentValue] = [:]
    var free = parameters
    for a in arguments where a.name != nil {
      guard let key = a.name, let k = free.firstIndex(of: key) else {
        if let key = a.name, bound[key] != nil {
          throw error("\(name)() has argument '\(key)' twice", at: a.position)
        }
        let known = parameters.dropFirst().joined(separator: ", ")
        throw error(
          "\(name)() has no argument '\(a.name ?? "")'" + (known.isEmpty ? "" : " (its arguments: \(known))"),
          at: a.position)
      }
      bound[key] = a.value
      free.remove(at: k)
    }
    for a in arguments where a.name == nil {
      guard !free.isEmpty else {
        throw error("\(name)() takes at most \(parameters.count) argument(s)", at: a.position)
      }
      bound[free.removeFirst()] = a.value
    }
    return bound
  }

  private func requireColumn(_ x: TransformExpression, in name: String, at position: Int) throws {
    if x.columns.isEmpty {
      throw error("\(name)() of a constant is not a variable; give a column", at: position)
    }
  }

  private func integer(
    _ value: ArgumentValue?, _ key: String, in name: String, at position: Int, default: Int, minimum: Int
  ) throws -> Int {
    guard let value else { return `default` }
    guard case .expression(let e) = value, let x = e.constant, x.rounded() == x, x >= Double(minimum),
      x <= Double(Self.maxBasisColumns)
    else {
      throw error(
        "\(name)(): \(key) must be a whole number from \(minimum) to \(Self.maxBasisColumns), got \(value.deparsed)",
        at: position)
    }
    return Int(x)
  }

  private func logical(_ value: ArgumentValue?, _ key: String, in name: String, at position: Int) throws -> Bool {
    guard let value else { return false }
    guard case .logical(let b) = value else {
      throw error("\(name)(): \(key) must be TRUE or FALSE, got \(value.deparsed)", at: position)
    }
    return b
  }

  private func numbers(_ value: ArgumentValue?, _ key: String, in name: String, at position: Int) throws -> [Double]? {
    switch value {
    case nil: return nil
    case .vector(let v)?: if v.allSatisfy(\.isFinite) { return v }
    case .expression(let e)?: if let x = e.constant, x.isFinite { return [x] }
    case .logical?: break
    }
    throw error("\(name)(): \(key) must be finite numbers, c(a, b, ...), got \(value?.deparsed ?? "")", at: position)
  }

  /// `arg, name = arg, ...)` after a function name and its '('.
  private mutating func parseArguments(of name: String) throws -> [Argument] {
    var arguments: [Argument] = []
    if current.kind == .rightParen {
      advance()
      return arguments
    }
    while true {
      let position = current.position
      var argumentName: String?
      if case .name(let n, _) = current.kind, index + 1 < tokens.count, tokens[index + 1].kind == .equals {
        argumentName = n
        advance()
        advance()
      }
      arguments.append(Argument(name: argumentName, value: try parseArgumentValue(in: name), position: position))
      if current.kind == .comma {
        advance()
        continue
      }
      try expect(.rightParen, "expected ',' or ')' in the arguments of \(name)()")
      return arguments
    }
  }

  private mutating func parseArgumentValue(in name: String) throws -> ArgumentValue {
    if case .name(let n, false) = current.kind {
      if n == "TRUE" || n == "FALSE" {
        advance()
        return .logical(n == "TRUE")
      }
      if n == "c", index + 1 < tokens.count, tokens[index + 1].kind == .leftParen {
        advance()
        advance()
        var values: [Double] = []
        while current.kind != .rightParen {
          if !values.isEmpty { try expect(.comma, "expected ',' or ')' in c()") }
          let start = current
          guard let x = try parseArithmetic().constant else {
            throw error("c() in a formula takes numbers", at: start.position)
          }
          values.append(x)
        }
        advance()
        return .vector(values)
      }
    }
    let left = try parseArithmetic()
    // A comparison, the whole argument of I() (R's `I(age > 60)`).
    guard case .comparison(let symbol) = current.kind else { return .expression(left) }
    guard name == "I" else {
      throw error("'\(symbol)' compares only inside I() (as I(age > 60)), not in \(name)()", at: current.position)
    }
    guard let op = TransformOperator(rawValue: symbol) else {
      throw error("'\(symbol)' cannot be used inside I(); compare with < <= > >= == !=", at: current.position)
    }
    advance()
    return .expression(.binary(op, left, try parseArithmetic()))
  }

  // MARK: Arithmetic

  /// `a + b - c`: sums and differences, left to right.
  mutating func parseArithmetic() throws -> TransformExpression {
    var left = try parseTerm()
    while current.kind == .plus || current.kind == .minus {
      let op: TransformOperator = current.kind == .plus ? .add : .subtract
      advance()
      left = .binary(op, left, try parseTerm())
    }
    return left
  }

  private mutating func parseTerm() throws -> TransformExpression {
    var left = try parseUnary()
    while current.kind == .star || current.kind == .slash {
      let op: TransformOperator = current.kind == .star ? .multiply : .divide
      advance()
      left = .binary(op, left, try parseUnary())
    }
    return left
  }

  private mutating func parseUnary() throws -> TransformExpression {
    if current.kind == .minus {
      try enter()
      advance()
      let inner = try parseUnary()
      nesting -= 1
      return .negate(inner)
    }
    return try parsePower()
  }

  private mutating func parsePower() throws -> TransformExpression {
    let base = try parsePrimary()
    guard current.kind == .caret else { return base }
    advance()
    try enter()
    let exponent = try parseUnary()
    nesting -= 1
    return .binary(.power, base, exponent)
  }

  private mutating func enter() throws {
    guard nesting < Self.maxNesting else {
      throw error("expressions nested more than \(Self.maxNesting) deep", at: current.position)
    }
    nesting += 1
  }

  private mutating func parsePrimary() throws -> TransformExpression {
    let token = current
    switch token.kind {
    case .number(let text):
      guard let x = Double(text), x.isFinite else { throw error("malformed number '\(text)'", at: token.position) }
      advance()
      return .number(x)
    case .leftParen:
      advance()
      try enter()
      let inner = try parseArithmetic()
      nesting -= 1
      try expect(.rightParen, "expected ')'")
      return .group(inner)
    case .name(let name, let quoted):
      advance()
      guard !quoted, current.kind == .leftParen else { return .column(name) }
      guard let f = ElementFunction(rawValue: name) else {
        throw error(
          "function '\(name)()' cannot be used inside an expression; inside I() and transforms use "
            + ElementFunction.allCases.map { $0.rawValue + "()" }.joined(separator: ", "), at: token.position)
      }
      advance()
      try enter()
      let inner = try parseArithmetic()
      nesting -= 1
      try expect(.rightParen, "\(name)() takes one argument; expected ')'")
      return .call(f, inner)
    default:
      throw error("expected a column, a number or '(' in an expression", got: token)
    }
  }

  // MARK: Event comparison

  /// `== v`, `!= v` or `%in% c(v, ...)` / `%in% {v, ...}` after the event
  /// column of `Surv()`; values are strings or numbers.
  mutating func parseEventCondition(column: String) throws -> EventCondition {
    guard case .comparison(let op) = current.kind else { throw error("expected a comparison", got: current) }
    advance()
    var values: [EventCondition.Value] = []
    if op == "%in%" {
      let close: FormulaToken.Kind
      if current.kind == .leftBrace {
        close = .rightBrace
      } else if case .name("c", false) = current.kind {
        advance()
        guard current.kind == .leftParen else { throw error("expected '(' after c", got: current) }
        close = .rightParen
      } else {
        throw error("expected c(...) or {...} after %in%", got: current)
      }
      advance()
      while current.kind != close {
        if !values.isEmpty {
          guard current.kind == .comma else { throw error("expected ',' or the end of the list", got: current) }
          advance()
        }
        values.append(try parseStatusValue())
      }
      advance()
      if values.isEmpty { throw error("%in% needs at least one value", at: current.position) }
    } else {
      let start = current
      values.append(try parseStatusValue())
      if op != "==", op != "!=", case .text = values[0] {
        throw error("'\(op)' in Surv() compares the event column with a number", at: start.position)
      }
    }
    func text(_ v: EventCondition.Value) -> String {
      switch v {
      case .number(let x): return RValueFormat.number(x)
      case .text(let s): return "\"\(s)\""
      }
    }
    let right = op == "%in%" ? "c(" + values.map(text).joined(separator: ", ") + ")" : text(values[0])
    return EventCondition(
      negated: op == "!=", values: values,
      text: FormulaVariable.deparse(column) + " \(op) " + right,
      ordering: ["<", "<=", ">", ">="].contains(op) ? op : nil)
  }

  private mutating func parseStatusValue() throws -> EventCondition.Value {
    let token = current
    var sign = 1.0
    if token.kind == .minus {
      sign = -1
      advance()
    }
    switch current.kind {
    case .string(let s) where sign > 0:
      advance()
      return .text(s)
    case .number(let text):
      guard let x = Double(text) else { throw error("malformed number '\(text)'", at: current.position) }
      advance()
      return .number(sign * x)
    default:
      throw error("expected a string or a number to compare the event column with", got: current)
    }
  }
}
