import Analysis
import Datasets
import Survival

/// The `tidy()` forms of the competing-risks results (cuminc, cuminc_at,
/// finegray, finegray_predict), with broom's snake_case names. Numbers are
/// the Swift values the result tables are encoded from
/// (CompetingRisksEncoding).
enum CompetingRisksTidy {
  /// `cuminc`: one row per curve (group and cause) and time: group (NA for
  /// `~ 1`), cause, time, estimate, variance, conf_low, conf_high, n_risk,
  /// n_event, n_censor.
  static let cuminc = Tidier(
    CompetingRisksAnalysis.self,
    rows: "one row per curve time: group, cause, time, estimate, variance, conf_low, conf_high, "
      + "n_risk, n_event, n_censor"
  ) { a, _ in
    let curves = a.curves
    var t = TidyTable()
    try t.labels("group", curves.flatMap { Array(repeating: $0.group, count: $0.time.count) })
    try t.labels("cause", curves.flatMap { Array(repeating: Optional($0.cause), count: $0.time.count) })
    t.numbers("time", curves.flatMap(\.time))
    t.numbers("estimate", curves.flatMap(\.estimate))
    t.numbers("variance", curves.flatMap { padded($0.variance, to: $0.time.count) })
    t.numbers("conf_low", curves.flatMap { padded($0.lower, to: $0.time.count) })
    t.numbers("conf_high", curves.flatMap { padded($0.upper, to: $0.time.count) })
    t.integers("n_risk", curves.flatMap(\.nRisk))
    t.integers("n_event", curves.flatMap(\.nEvent))
    t.integers("n_censor", curves.flatMap(\.nCensor))
    return try t.dataset()
  }

  /// `cuminc_at`: one row per curve and time: group, cause, time,
  /// estimate, variance, conf_low, conf_high, n_risk.
  static let at = Tidier(
    CumulativeIncidenceAtResult.self,
    rows: "one row per curve and time: group, cause, time, estimate, variance, conf_low, conf_high, "
      + "n_risk"
  ) { r, _ in
    let k = r.times.count
    var t = TidyTable()
    try t.labels("group", r.curves.flatMap { Array(repeating: $0.group, count: k) })
    try t.labels("cause", r.curves.flatMap { Array(repeating: Optional($0.cause), count: k) })
    t.numbers("time", r.curves.flatMap { _ in r.times })
    t.numbers("estimate", r.curves.flatMap { padded($0.estimate, to: k) })
    t.numbers("variance", r.curves.flatMap { padded($0.variance, to: k) })
    t.numbers("conf_low", r.curves.flatMap { padded($0.lower, to: k) })
    t.numbers("conf_high", r.curves.flatMap { padded($0.upper, to: k) })
    t.integers("n_risk", r.curves.flatMap { c in (0..<k).map { $0 < c.nRisk.count ? c.nRisk[$0] : nil } })
    return try t.dataset()
  }

  /// `finegray`: one row per coefficient, the columns of `cox` (estimate:
  /// the log subdistribution hazard ratio; `{exponentiate = true}`: the
  /// SHR and its limits).
  static let finegray = Tidier(
    FineGrayAnalysis.self,
    rows: "one row per coefficient: term, estimate (log SHR; SHR with {exponentiate = true}), "
      + "std_error, statistic, p_value, conf_low, conf_high",
    exponentiates: true
  ) { a, options in
    let f = a.fit
    var t = TidyTable()
    try t.labels("term", a.terms.prefix(f.coefficients.count).map(\.name))
    CoxTidy.coefficients(&t, beta: f.coefficients, hr: f.hazardRatios, se: f.standardErrors, robust: nil,
                         z: f.z, p: f.pValues, lower: f.lower, upper: f.upper, exponentiate: options.exponentiate)
    return try t.dataset()
  }

  /// `finegray_predict`: one row per profile and failure time: profile
  /// (its label), time, estimate (the predicted cumulative incidence).
  static let predict = Tidier(
    FineGrayPredictionResult.self,
    rows: "one row per profile and failure time: profile, time, estimate"
  ) { r, _ in
    let times = r.model.fit.failureTimes
    let k = times.count
    var t = TidyTable()
    try t.labels("profile", r.labels.flatMap { Array(repeating: Optional($0), count: k) })
    t.numbers("time", r.labels.flatMap { _ in times })
    t.numbers("estimate", r.incidence.prefix(r.labels.count).flatMap { padded($0, to: k) })
    return try t.dataset()
  }
}
