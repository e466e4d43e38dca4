import Analysis
import Datasets

/// What a `cox_wald` result's handle keeps: the test and, for `m:test`, the
/// coefficients it tested (so that `tidy` can name the hypothesis).
struct CoxWaldResult: Sendable {
  let test: CoxWaldTest
  let names: [String]?
}

/// The `tidy()` form of the Wald test of `m:test` / `m:contrast`, after
/// broom's tidy of a `car::linearHypothesis` (`tidy.anova`): one row with
/// term (the hypothesis: `a = b = 0`, or `L beta = 0` for a contrast),
/// statistic (the Wald chi-square), df and p_value, in snake_case.
enum CoxWaldTidy {
  static let wald = Tidier(
    CoxWaldResult.self, rows: "one row: term (the hypothesis), statistic (Wald chi-square), df, p_value"
  ) { w, _ in
    var t = TidyTable()
    try t.labels("term", [w.names.map { $0.joined(separator: " = ") + " = 0" } ?? "L beta = 0"])
    t.numbers("statistic", [w.test.statistic])
    t.integers("df", [w.test.df])
    t.numbers("p_value", [w.test.p])
    return try t.dataset()
  }
}
