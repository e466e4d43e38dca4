import Datasets
import Testing

@testable import Analysis

/// The formula language of transforms: term labels as R's `terms()` writes
/// them (checked against R 4.x `attr(terms(f), "term.labels")`), the
/// arguments of poly/ns/bs, event comparisons, `.`, and every parse error
/// with its position.
@Suite struct FormulaTransformParserTests {
  @Test func labelsAsR() throws {
    // R: attr(terms(Surv(time, status) ~ ...), "term.labels").
    let f = try Formula(
      parsing: "Surv(time, status) ~ I(age*2) + I(age/10) + I(-age) + log(age + 1) + I((age-50)^2) + "
        + "ns(age,df=3) + ns(age, knots=c(50,60)) + bs(age, df=4, degree=2) + poly(age, degree=2) + "
        + "I(1e-3*age) + I(age^0.5) + I(2.50*age) + I(age - -1) + exp(-age/100)")
    #expect(f.terms.map(\.label) == [
      "I(age * 2)", "I(age/10)", "I(-age)", "log(age + 1)", "I((age - 50)^2)", "ns(age, df = 3)",
      "ns(age, knots = c(50, 60))", "bs(age, df = 4, degree = 2)", "poly(age, degree = 2)", "I(0.001 * age)",
      "I(age^0.5)", "I(2.5 * age)", "I(age - -1)", "exp(-age/100)",
    ])
    #expect(f.columnNames == ["time", "status", "age"])
  }

  @Test func repeatedTransformsAreOneTerm() throws {
    let f = try Formula(parsing: "Surv(t, e) ~ log(x) + log( x ) + log(x):g")
    #expect(f.terms.map(\.label) == ["log(x)", "log(x):g"])
    #expect(f.variables.count == 2)
  }

  @Test func powerBindsTighterThanMinus() throws {
    let f = try Formula(parsing: "Surv(t, e) ~ I(-x^2) + I(2^-1 * x) + I(x / 2 / 4)")
    let values = f.terms.map { term in term.variables[0].transform?.argument.value { _ in 3 } }
    #expect(values == [-9, 1.5, 0.375])
  }

  @Test func basisArguments() throws {
    let f = try Formula(parsing: "Surv(t, e) ~ poly(x, 3, raw = TRUE) + ns(y, 4) + bs(z, 5, degree = 2)")
    let kinds = f.terms.compactMap { $0.variables[0].transform?.kind }
    #expect(kinds == [
      .poly(degree: 3, raw: true), .naturalSpline(SplineKnots(df: 4), intercept: false),
      .bSpline(SplineKnots(df: 5), degree: 2, intercept: false),
    ])
  }

  @Test func eventComparisons() throws {
    let a = try Formula(parsing: "Surv(time, status == \"Dead\") ~ x")
    #expect(a.response.event == "status")
    #expect(a.response.eventCondition == EventCondition(
      negated: false, values: [.text("Dead")], text: "status == \"Dead\""))
    let b = try Formula(parsing: "Surv(t0, t1, st %in% {'Dead', 'Died'}) ~ x")
    #expect(b.response.eventCondition?.values == [.text("Dead"), .text("Died")])
    #expect(b.response.eventCondition?.text == "st %in% c(\"Dead\", \"Died\")")
    let c = try Formula(parsing: "Surv(time, status != -1)")
    #expect(c.response.eventCondition == EventCondition(negated: true, values: [.number(-1)], text: "status != -1"))
  }

  @Test func dotIsRecorded() throws {
    let f = try Formula(parsing: "Surv(time, status) ~ . + strata(sex)")
    #expect(f.dotPosition == 22)
    #expect(f.terms.isEmpty)
    #expect(f.strata == ["sex"])
  }

  @Test(arguments: [
    ("Surv(t, e) ~ log(x, 2)", 14,
     "log() takes one argument, an expression of columns; for another base use log2(), log10() or I(log(x)/log(b))"),
    ("Surv(t, e) ~ sqrt()", 14, "sqrt() takes one argument, an expression of columns"),
    ("Surv(t, e) ~ I(2)", 14, "I() of a constant is not a variable; give a column"),
    ("Surv(t, e) ~ I(x +)", 19, "expected a column, a number or '(' in an expression, got ')'"),
    ("Surv(t, e) ~ I(foo(x))", 16,
     "function 'foo()' cannot be used inside an expression; inside I() and transforms use log(), log2(), "
       + "log10(), log1p(), exp(), sqrt(), abs(), I()"),
    ("Surv(t, e) ~ ns(x, df = 0)", 14, "ns(): df must be a whole number from 1 to 100, got 0"),
    ("Surv(t, e) ~ bs(x, df = 2)", 14, "bs(): df must be a whole number from 3 to 100, got 2"),
    ("Surv(t, e) ~ ns(x, dg = 3)", 20,
     "ns() has no argument 'dg' (its arguments: df, knots, intercept, Boundary.knots)"),
    ("Surv(t, e) ~ poly(x, 2, FALSE, 4)", 32, "poly() takes at most 3 argument(s)"),
    ("Surv(t, e) ~ ns(x, df = 2, df = 3)", 28, "ns() has argument 'df' twice"),
    ("Surv(t, e) ~ tt(x, 2)", 20, "tt() takes at most 1 argument(s)"),
    ("Surv(t, e) ~ poly(x, 1.5)", 14, "poly(): degree must be a whole number from 1 to 100, got 1.5"),
    ("Surv(t, e) ~ poly(x, raw = 1)", 14, "poly(): raw must be TRUE or FALSE, got 1"),
    ("Surv(t, e) ~ ns(x, knots = c(a, 2))", 30, "c() in a formula takes numbers"),
    ("Surv(t, e) ~ ns(x, Boundary.knots = c(5, 1))", 14,
     "ns(): Boundary.knots must be two increasing numbers, c(low, high)"),
    ("Surv(t, e) ~ ns(df = 3)", 14, "ns() needs a column (or an expression of columns) as its first argument"),
    ("Surv(t, e) ~ pspline(x, df = 1)", 14,
     "pspline(): df must be greater than 1 (R: too few degrees of freedom), got 1"),
    ("Surv(t, e) ~ pspline(x, df = 4, nterm = 3)", 14, "pspline(): nterm (3) is too small for df = 4"),
    ("Surv(t, e) ~ pspline(x, theta = 1)", 14, "pspline(): theta must be between 0 and 1 (exclusive), got 1"),
    ("Surv(t, e) ~ pspline(x, df = 0)", 14,
     "pspline(): df = 0 (R's AIC choice of theta) is not supported; give df > 1 or theta"),
    ("Surv(t, e) ~ pspline(x, method = 2)", 14,
     "pspline(): argument 'method' is not supported (Kaplan fits R's default pspline: df or theta, nterm, "
       + "degree, eps)"),
    ("Surv(t, e) ~ pspline(x, theta = 0.5, nterm = 2)", 14,
     "pspline(): nterm must round to a whole number from 3 to 100, got 2"),
    ("Surv(t, e) ~ x^2", 15, "'^' between terms (crossing) is not supported; for a power write I(x^2)"),
    ("Surv(t, e) ~ -x", 14, "removing terms with '-' is not supported"),
    ("Surv(t, e) ~ . + .", 18, "'.' may appear only once"),
    ("Surv(t, e) ~ .:x", 14, "'.' (every other column) must be a term of its own"),
    ("Surv(t, e == ) ~ x", 14, "expected a string or a number to compare the event column with, got ')'"),
    ("Surv(t, e %in% \"a\") ~ x", 16, "expected c(...) or {...} after %in%, got the string \"a\""),
    ("Surv(t, e %in% c()) ~ x", 19, "%in% needs at least one value"),
    ("Surv(t == 1, e) ~ x", 8, "a comparison in Surv() must be its last argument, the event"),
    ("Surv(t, e) ~ I(x %% 2)", 18, "unexpected character '%' (the only operator with '%' is %in%)"),
    ("Surv(t, e == \"a) ~ x", 14, "unterminated string (no closing \")"),
    ("Surv(t, e) ~ I(1..2 * x)", 16, "malformed number '1..2'"),
  ])
  func rejects(text: String, position: Int, message: String) {
    #expect(throws: FormulaError(formula: text, position: position, message: message)) {
      try Formula(parsing: text)
    }
  }
}

/// `~ .` against a dataset: every column but the response, strata, cluster,
/// offset and weights columns; columns written beside it stay once.
@Suite struct FormulaDotTests {
  @Test func dotIsEveryOtherColumn() throws {
    let d = try Dataset(
      names: ["t", "e", "age", "my var", "site", "id", "w", "off"],
      columns: (0..<8).map { _ in Column.double([1, 2]) })
    let f = try Formula(parsing: "Surv(t, e) ~ . + log(age) + strata(site) + cluster(id) + offset(off)")
    let resolved = try f.resolvingDot(in: d, weights: "w")
    #expect(resolved.terms.map(\.label) == ["age", "`my var`", "log(age)"])
    #expect(resolved.text == f.text)
    #expect(resolved.strata == ["site"] && resolved.cluster == "id" && resolved.offsets == ["off"])
  }

  @Test func dotWithNoOtherColumnIsAnError() throws {
    let d = try Dataset(names: ["t", "e"], columns: [.double([1]), .double([1])])
    let f = try Formula(parsing: "Surv(t, e) ~ .")
    #expect(throws: FormulaError(
      formula: "Surv(t, e) ~ .", position: 14, message: "'.' stands for no column: the dataset has no other column")
    ) { try f.resolvingDot(in: d, weights: nil) }
  }
}
