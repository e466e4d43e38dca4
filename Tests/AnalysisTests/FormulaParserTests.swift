import Testing

@testable import Analysis

/// Term labels as R's `attr(terms(f), "term.labels")` gives them (specials
/// removed); each expectation was checked in R 4.2.
@Suite struct FormulaParserGoodTests {
  @Test(arguments: [
    ("Surv(time, status) ~ 1", []),
    ("Surv(os_months,os_event)~arm", ["arm"]),
    ("  Surv ( t , e )~a+b  ", ["a", "b"]),
    ("Surv(t, e) ~ 1 + age", ["age"]),
    ("Surv(t, e) ~ a + a", ["a"]),
    ("Surv(t, e) ~ a*b", ["a", "b", "a:b"]),
    ("Surv(t, e) ~ a*b*c", ["a", "b", "c", "a:b", "a:c", "b:c", "a:b:c"]),
    ("Surv(t, e) ~ (a+b)*c + d", ["a", "b", "c", "d", "a:c", "b:c"]),
    ("Surv(t, e) ~ (a+b):c", ["a:c", "b:c"]),
    ("Surv(t, e) ~ b:a + a", ["a", "b:a"]),
    ("Surv(t, e) ~ a + b:a", ["a", "a:b"]),
    ("Surv(t, e) ~ a:b + b:a + a", ["a", "a:b"]),
    ("Surv(t, e) ~ a*b + c:d + a", ["a", "b", "a:b", "c:d"]),
    ("Surv(t, e) ~ a + strata(s) + b:a + cluster(id)", ["a", "a:b"]),
    ("Surv(t, e) ~ factor(ecog) + `my var` + factor(`my var`)", ["factor(ecog)", "`my var`", "factor(`my var`)"]),
    ("Surv(t, e) ~ factor(x)*age", ["factor(x)", "age", "factor(x):age"]),
    ("Surv(t, e) ~ x + factor(x)", ["x", "factor(x)"]),
    ("Surv(t, e) ~ (a + 1)", ["a"]),
    ("Surv(t, e) ~ ph.ecog + wt_loss", ["ph.ecog", "wt_loss"]),
  ])
  func termLabels(text: String, labels: [String]) throws {
    let f = try Formula(parsing: text)
    #expect(f.terms.map(\.label) == labels)
  }

  @Test func survWithTwoColumns() throws {
    let f = try Formula(parsing: "Surv(os_months, os_event) ~ arm")
    #expect(f.response == SurvResponse(stop: "os_months", event: "os_event"))
    #expect(f.text == "Surv(os_months, os_event) ~ arm")
  }

  @Test func countingProcessResponse() throws {
    let f = try Formula(parsing: "Surv(tstart, tstop, death) ~ transplant")
    #expect(f.response == SurvResponse(start: "tstart", stop: "tstop", event: "death"))
    #expect(f.columnNames == ["tstart", "tstop", "death", "transplant"])
  }

  @Test func responseOnlyIsInterceptModel() throws {
    let f = try Formula(parsing: "Surv(time, status)")
    #expect(f.terms.isEmpty)
    #expect(f.strata.isEmpty)
    #expect(f.cluster == nil)
  }

  @Test func specialsAreSetApart() throws {
    let f = try Formula(
      parsing: "Surv(t, e) ~ rx + strata(sex, ph.ecog) + cluster(id) + offset(lo) + strata(inst) + offset(lo2)")
    #expect(f.terms.map(\.label) == ["rx"])
    #expect(f.strata == ["sex", "ph.ecog", "inst"])
    #expect(f.cluster == "id")
    #expect(f.offsets == ["lo", "lo2"])
    #expect(f.columnNames == ["t", "e", "rx", "sex", "ph.ecog", "inst", "id", "lo", "lo2"])
  }

  @Test func variablesKeepFactorCalls() throws {
    let f = try Formula(parsing: "Surv(t, e) ~ factor(trt) * celltype")
    #expect(f.variables == [
      FormulaVariable(column: "trt", isFactorCall: true), FormulaVariable(column: "celltype"),
    ])
    #expect(f.terms[2].variables.map(\.label) == ["factor(trt)", "celltype"])
  }

  @Test func backquotedNamesMayHoldAnything() throws {
    let f = try Formula(parsing: "Surv(`time (m)`, `dead?`) ~ `arm 1` + `x`")
    #expect(f.response == SurvResponse(stop: "time (m)", event: "dead?"))
    #expect(f.terms.map(\.label) == ["`arm 1`", "x"])
    #expect(f.variables.map(\.plainLabel) == ["arm 1", "x"])
  }
}

/// Every parse error, with its message and 1-based position.
@Suite struct FormulaParserErrorTests {
  @Test(arguments: [
    ("Surv(t, e) ~ a +", 16, "expected a term"),
    ("Surv(t, e) ~ a + ", 16, "expected a term"),
    ("Surv(t, e) ~", 12, "expected a term"),
    ("Surv(t, e) ~ foo(x)", 14,
     "unknown function 'foo()'; supported are strata(), cluster(), offset(), factor(), log(), log2(), log10(), "
       + "log1p(), exp(), sqrt(), abs(), I(), poly(), ns(), bs() and tt()"),
    ("time ~ a", 1, "expected Surv(time, event) or Surv(start, stop, event)"),
    ("", 1, "expected Surv(time, event) or Surv(start, stop, event)"),
    ("Surv(t) ~ a", 1,
     "Surv() needs a time and an event column: Surv(time, event) or Surv(start, stop, event)"),
    ("Surv(a, b, c, d) ~ x", 15, "Surv() takes 2 or 3 column names (time, event or start, stop, event)"),
    ("Surv(t e) ~ a", 8, "expected ',' or ')', got 'e'"),
    ("Surv t, e ~ a", 6, "expected '(' after Surv, got 't'"),
    ("Surv(t, 2) ~ a", 9, "expected a column name, got '2'"),
    ("Surv(t, e) a", 12, "expected '~' after the Surv() response, got 'a'"),
    ("Surv(t, e) ~ a b", 16, "expected '+', ':', '*' or the end of the formula, got 'b'"),
    ("Surv(t, e) ~ a ~ b", 16, "expected '+', ':', '*' or the end of the formula, got '~'"),
    ("Surv(t, e) ~ (a + b", 19, "expected ')'"),
    ("Surv(t, e) ~ a + )", 18, "expected a term, got ')'"),
    ("Surv(t, e) ~ a - strata(b)", 18, "strata() cannot be removed with '-'; leave it out"),
    ("Surv(t, e) ~ a - .", 18, "'.' cannot be removed; remove columns from it: . - age"),
    ("Surv(t, e) ~ a $ b", 16, "unexpected character '$'"),
    ("Surv(t, e) ~ a + \"b\"", 18, "unexpected quote \"; write column names bare or in backquotes"),
    ("Surv(t, e) ~ `a", 14, "unterminated backquoted name"),
    ("Surv(t, e) ~ ``", 14, "empty backquoted name"),
    ("Surv(t, e) ~ strata(s):a", 14, "strata() must be a term of its own, not part of an interaction"),
    ("Surv(t, e) ~ a*cluster(id)", 16, "cluster() must be a term of its own, not part of an interaction"),
    ("Surv(t, e) ~ cluster(a) + cluster(b)", 27, "only one cluster() term is allowed"),
    ("Surv(t, e) ~ factor(a, b)", 22, "factor() takes one column name; expected ')', got ','"),
    ("Surv(t, e) ~ offset(a, b)", 22, "offset() takes one column name; expected ')', got ','"),
    ("Surv(t, e) ~ strata()", 21, "expected a column name, got ')'"),
    ("Surv(t, e) ~ strata(a b)", 23, "expected ',' or ')', got 'b'"),
    ("Surv(t, e) ~ 0", 14, "expected a term, got the number 0 (only '1', a model without covariates, is allowed)"),
    ("Surv(t, e) ~ a:1", 16, "'1' cannot be part of an interaction"),
    ("Surv(t, e) ~ Surv(a, b)", 14, "Surv() belongs on the left of '~'"),
  ])
  func rejects(text: String, position: Int, message: String) {
    #expect(throws: FormulaError(formula: text, position: position, message: message)) {
      try Formula(parsing: text)
    }
  }

  @Test func descriptionNamesFormulaAndPosition() {
    let error = FormulaError(formula: "Surv(t, e) ~ a +", position: 16, message: "expected a term")
    #expect(error.description == "formula 'Surv(t, e) ~ a +': expected a term at position 16")
  }
}

/// Hostile formulas (robustness probes, scripts/probes/formulas.probes):
/// huge or deeply nested input is an error, never a stack overflow.
@Suite struct FormulaParserLimitTests {
  @Test func deepParenthesesAreAnError() throws {
    let deep = "Surv(t, e) ~ " + String(repeating: "(", count: 100_000) + "x" + String(repeating: ")", count: 100_000)
    #expect(throws: FormulaError.self) { try Formula(parsing: deep) }
    let nested = "Surv(t, e) ~ " + String(repeating: "(", count: 101) + "x" + String(repeating: ")", count: 101)
    #expect(throws: FormulaError(formula: nested, position: 114, message: "parentheses nested more than 100 deep")) {
      try Formula(parsing: nested)
    }
    // 100 levels are still fine.
    let ok = "Surv(t, e) ~ " + String(repeating: "(", count: 100) + "x" + String(repeating: ")", count: 100)
    #expect(try Formula(parsing: ok).terms.count == 1)
  }

  @Test func veryLongFormulasAreAnError() throws {
    let long = "Surv(t, e) ~ " + String(repeating: "x + ", count: 100_000) + "x"
    #expect(throws: FormulaError.self) { try Formula(parsing: long) }
  }

  @Test func longSumsExpandWithoutRecursion() throws {
    // A left-deep sum of ~4,000 terms: flattened iteratively.
    let text = "Surv(t, e) ~ " + (1...4_000).map { "x\($0 % 50)" }.joined(separator: " + ")
    #expect(try Formula(parsing: text).terms.count == 50)
  }

  @Test func longFormulasAreQuotedShortInMessages() {
    let text = "Surv(t, e) ~ " + String(repeating: "x + ", count: 100) + "?"
    let message = String(describing: FormulaError(formula: text, position: 1, message: "m"))
    #expect(message.hasPrefix("formula 'Surv(t, e) ~ x + x"))
    #expect(message.contains("…': m at position 1"))
    #expect(message.count < 140)
  }
}
