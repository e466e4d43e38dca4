import Analysis
import Datasets
import Survival

/// The `tidy()` form of a Cox fit with `pspline()` terms: the rows of R's
/// printed coefficient table (`print.coxph.penal`).
enum CoxPenalisedTidy {
  static let table = Tidier(
    PenalisedCoxAnalysis.self,
    rows: "one row per line of R's table: term (\"pspline(age, df = 4), linear\", \", nonlin\", or the "
      + "coefficient), estimate (coef; NA on a nonlin row), std_error (se(coef)), std_error2 (se2), statistic "
      + "(Chisq), df, p_value"
  ) { a, _ in
    var t = TidyTable()
    try t.labels("term", a.rows.map(\.label))
    t.numbers("estimate", a.rows.map(\.coef))
    t.numbers("std_error", a.rows.map(\.se))
    t.numbers("std_error2", a.rows.map(\.se2))
    t.numbers("statistic", a.rows.map(\.chisq))
    t.numbers("df", a.rows.map(\.df))
    t.numbers("p_value", a.rows.map(\.p))
    return try t.dataset()
  }
}
