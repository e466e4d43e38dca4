import Analysis
import Datasets
import Foundation
import Survival

/// The `tidy()` form of a `survreg` result, after broom's `tidy.survreg`:
/// one row per parameter, the coefficients then the log-scale(s) (term
/// "Log(scale)", as broom), with estimate, std_error, statistic (z),
/// p_value, conf_low, conf_high (Wald, on the estimate's scale). Numbers are
/// those the result table is encoded from (SurvregEncoding).
enum SurvregTidy {
  static let survreg = Tidier(
    SurvregAnalysis.self,
    rows: "one row per parameter (coefficients, then Log(scale)): term, estimate, std_error, statistic, "
      + "p_value, conf_low, conf_high"
  ) { a, _ in
    let rows = SurvregEncoding.rows(a)
    var t = TidyTable()
    try t.labels("term", a.parameterNames)
    t.numbers("estimate", rows.map(\.value))
    t.numbers("std_error", rows.map(\.se))
    t.numbers("statistic", rows.map(\.z))
    t.numbers("p_value", rows.map(\.p))
    t.numbers("conf_low", rows.map(\.lower))
    t.numbers("conf_high", rows.map(\.upper))
    return try t.dataset()
  }
}
