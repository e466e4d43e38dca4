import Analysis
import Datasets
import Foundation
import Survival

/// The `tidy()` forms of the Cox results (cox, cox_anova, lrtest), after
/// broom's `tidy.coxph` and `tidy.anova`, with snake_case names. Numbers are
/// the Swift values the result tables are encoded from (CoxEncoding).
enum CoxTidy {
  /// `cox`: one row per coefficient: term (R's coefficient name), estimate
  /// (the log hazard ratio, `coef`), std_error (`se`), robust_se (only for a
  /// robust fit), statistic (z), p_value, conf_low, conf_high. As broom, the
  /// limits are on the estimate's scale: the logs of the table's
  /// `lower`/`upper`; with `{exponentiate = true}` the estimate is the
  /// hazard ratio (`hr`) and the limits are `lower`/`upper` themselves.
  static let cox = Tidier(
    CoxAnalysis.self,
    rows: "one row per coefficient: term, estimate (log HR; HR with {exponentiate = true}), "
      + "std_error, robust_se (robust fits), statistic, p_value, conf_low, conf_high",
    exponentiates: true
  ) { a, options in
    let f = a.fit
    let p = f.coefficients.count
    var t = TidyTable()
    try t.labels("term", a.coefficients.prefix(p).map(\.name))
    coefficients(&t, beta: f.coefficients, hr: f.hazardRatios, se: f.standardErrors, robust: f.robustStandardErrors,
                 z: f.z, p: f.p, lower: f.lower, upper: f.upper, exponentiate: options.exponentiate)
    return try t.dataset()
  }

  /// The columns of a proportional-hazards model's coefficients (also the
  /// Fine–Gray model's, CompetingRisksTidy).
  static func coefficients(
    _ t: inout TidyTable, beta: [Double], hr: [Double], se: [Double], robust: [Double]?, z: [Double], p: [Double],
    lower: [Double], upper: [Double], exponentiate: Bool
  ) {
    t.numbers("estimate", exponentiate ? hr : beta)
    t.numbers("std_error", se)
    if let robust { t.numbers("robust_se", robust) }
    t.numbers("statistic", z)
    t.numbers("p_value", p)
    t.numbers("conf_low", exponentiate ? lower : lower.map { log($0) })
    t.numbers("conf_high", exponentiate ? upper : upper.map { log($0) })
  }

  /// `cox_anova`: one row per nested model (broom tidy.anova): term,
  /// loglik, statistic (the likelihood-ratio chi-square), df, p_value; the
  /// first row (NULL) has loglik only, the rest NA.
  static let anova = Tidier(
    CoxDevianceTable.self,
    rows: "one row per nested model: term, loglik, statistic, df, p_value"
  ) { table, _ in
    var t = TidyTable()
    try t.labels("term", table.rows.map(\.term))
    t.numbers("loglik", table.rows.map(\.loglik))
    t.numbers("statistic", table.rows.map(\.chiSquare))
    t.integers("df", table.rows.map(\.df))
    t.numbers("p_value", table.rows.map(\.p))
    return try t.dataset()
  }

  /// `lrtest` (and `m:anova(m2)`): one row per model, as R's anova(m1, m2):
  /// model (its formula), loglik, and on the second row the test:
  /// statistic, df, p_value (NA on the first).
  static let lrtest = Tidier(
    CoxComparison.self,
    rows: "one row per model: model, loglik, and on the second the test: statistic, df, p_value"
  ) { c, _ in
    var t = TidyTable()
    try t.labels("model", [c.formulas.0, c.formulas.1])
    t.numbers("loglik", [c.loglik.0, c.loglik.1])
    t.numbers("statistic", [.nan, c.test.statistic])
    t.integers("df", [nil, c.test.df])
    t.numbers("p_value", [.nan, c.test.p])
    return try t.dataset()
  }
}
