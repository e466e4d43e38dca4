import Analysis
import Datasets
import Survival

/// The `tidy()` forms of the survival results (km, km_at, km_quantile,
/// km_rmst, logrank, pairwise_logrank, followup), after broom's
/// `tidy.survfit`, `tidy.survdiff` and `tidy.pairwise.htest`, with
/// snake_case names. Numbers are the Swift values the result tables are
/// encoded from (SurvivalEncoding), so they equal the tables' fields.
enum SurvivalTidy {
  /// `km`: one row per curve time (broom tidy.survfit): strata, time,
  /// n_risk, n_event, n_censor, estimate (survival), std_error (R's
  /// std.err, of the cumulative hazard), conf_low, conf_high. `strata` is
  /// the curve's label ("all" for `~ 1`).
  static let km = Tidier(
    KaplanMeierAnalysis.self,
    rows: "one row per curve time: strata, time, n_risk, n_event, n_censor, estimate (survival), "
      + "std_error, conf_low, conf_high"
  ) { a, _ in
    var t = TidyTable()
    let curves = zip(a.labels, a.curves)
    try t.labels("strata", curves.flatMap { label, c in Array(repeating: label, count: c.time.count) })
    t.numbers("time", a.curves.flatMap(\.time))
    t.counts("n_risk", a.curves.flatMap(\.nRisk))
    t.counts("n_event", a.curves.flatMap(\.nEvent))
    t.counts("n_censor", a.curves.flatMap(\.nCensor))
    t.numbers("estimate", a.curves.flatMap(\.surv))
    t.numbers("std_error", a.curves.flatMap { padded($0.stdErr, to: $0.time.count) })
    t.numbers("conf_low", a.curves.flatMap { padded($0.lower, to: $0.time.count) })
    t.numbers("conf_high", a.curves.flatMap { padded($0.upper, to: $0.time.count) })
    return try t.dataset()
  }

  /// `km_at`: one row per curve and time, the columns of `km`.
  static let at = Tidier(
    KaplanMeierAtResult.self,
    rows: "one row per curve and time: strata, time, n_risk, n_event, n_censor, estimate, "
      + "std_error, conf_low, conf_high"
  ) { r, _ in
    var t = TidyTable()
    try t.labels("strata", zip(r.analysis.labels, r.rows).flatMap { Array(repeating: $0, count: $1.time.count) })
    t.numbers("time", r.rows.flatMap(\.time))
    t.counts("n_risk", r.rows.flatMap(\.nRisk))
    t.counts("n_event", r.rows.flatMap(\.nEvent))
    t.counts("n_censor", r.rows.flatMap(\.nCensor))
    t.numbers("estimate", r.rows.flatMap(\.surv))
    t.numbers("std_error", r.rows.flatMap { padded($0.stdErr, to: $0.time.count) })
    t.numbers("conf_low", r.rows.flatMap { padded($0.lower, to: $0.time.count) })
    t.numbers("conf_high", r.rows.flatMap { padded($0.upper, to: $0.time.count) })
    return try t.dataset()
  }

  /// `km_quantile`: one row per curve and probability: strata,
  /// probability, estimate (the quantile of survival time), conf_low,
  /// conf_high.
  static let quantile = Tidier(
    KaplanMeierQuantileResult.self,
    rows: "one row per curve and probability: strata, probability, estimate, conf_low, conf_high"
  ) { r, _ in
    var t = TidyTable()
    let rows = zip(r.analysis.labels, r.quantiles)
    try t.labels("strata", rows.flatMap { Array(repeating: $0, count: $1.probs.count) })
    t.numbers("probability", r.quantiles.flatMap(\.probs))
    t.numbers("estimate", r.quantiles.flatMap(\.quantile))
    t.numbers("conf_low", r.quantiles.flatMap { padded($0.lower, to: $0.probs.count) })
    t.numbers("conf_high", r.quantiles.flatMap { padded($0.upper, to: $0.probs.count) })
    return try t.dataset()
  }

  /// `km_rmst`: one row per curve (type "rmst": n, events, estimate = the
  /// restricted mean, std_error) and, with two curves, a row of their
  /// difference (type "difference", strata "B - A": estimate, std_error,
  /// conf_low, conf_high, statistic = z, p_value). Cells a row does not
  /// have are NA; `tau` is on every row.
  static let rmst = Tidier(
    KaplanMeierRMSTResult.self,
    rows: "one row per curve (type \"rmst\") and, with two curves, one of their difference (type "
      + "\"difference\"): strata, type, tau, n, events, estimate, std_error, conf_low, conf_high, "
      + "statistic, p_value"
  ) { r, _ in
    let a = r.analysis, s = r.summary
    var strata: [String] = a.labels, type = Array(repeating: "rmst", count: a.labels.count)
    var n: [Int?] = a.curves.map(\.n), events = a.curves.map(\.events)
    var estimate = s.means.map(\.rmean), se = s.means.map(\.stdErr)
    var low = Array(repeating: Double.nan, count: a.labels.count), high = low, z = low, p = low
    if let d = s.difference, a.labels.count >= 2 {
      strata.append("\(a.labels[1]) - \(a.labels[0])")
      type.append("difference")
      n.append(nil)
      events.append(.nan)
      estimate.append(d.difference)
      se.append(d.stdErr)
      low.append(d.lower)
      high.append(d.upper)
      z.append(d.z)
      p.append(d.p)
    }
    var t = TidyTable()
    try t.labels("strata", strata)
    try t.labels("type", type)
    t.numbers("tau", Array(repeating: s.tau, count: strata.count))
    t.integers("n", n)
    t.counts("events", events)
    t.numbers("estimate", estimate)
    t.numbers("std_error", se)
    t.numbers("conf_low", low)
    t.numbers("conf_high", high)
    t.numbers("statistic", z)
    t.numbers("p_value", p)
    return try t.dataset()
  }

  /// `logrank`: one row per group (broom tidy.survdiff: group, n, observed,
  /// expected), with the k-sample test (statistic = chi-square, df,
  /// p_value) repeated on every row, so that one dataset holds all of
  /// survdiff's printout; the trend test stays in the result's `trend`.
  static let logrank = Tidier(
    LogRankAnalysis.self,
    rows: "one row per group: group, n, observed, expected, and the test on every row: method (the weight, "
      + "or \"maxcombo\"), statistic (chi-square, or max |Z|), df (NA for MaxCombo), p_value"
  ) { a, _ in
    let test = a.test
    let k = test.groupCount
    var t = TidyTable()
    try t.labels("group", Array(a.labels.prefix(k)))
    t.integers("n", Array(test.n.prefix(k)))
    t.counts("observed", Array(test.observed.prefix(k)))
    t.numbers("expected", Array(test.expected.prefix(k)))
    let method = a.maxCombo == nil ? LogRankWeightOptions.label(test.weight) : "maxcombo"
    try t.labels("method", Array(repeating: method, count: k))
    t.numbers("statistic", Array(repeating: a.maxCombo?.statistic ?? test.chiSquare, count: k))
    t.integers("df", Array(repeating: a.maxCombo == nil ? test.df : nil, count: k))
    t.numbers("p_value", Array(repeating: a.maxCombo?.p ?? test.p, count: k))
    return try t.dataset()
  }

  /// `pairwise_logrank`: one row per pair (broom tidy.pairwise.htest:
  /// group1, group2, p_value), with the pair's chi-square (statistic) and
  /// the raw p; p_value is the adjusted p, as broom's.
  static let pairwise = Tidier(
    PairwiseLogRankAnalysis.self,
    rows: "one row per pair: group1, group2, statistic, p_unadjusted, p_value (adjusted)"
  ) { a, _ in
    let pairs = a.result.comparisons
    var t = TidyTable()
    try t.labels("group1", pairs.map { a.labels[$0.first] })
    try t.labels("group2", pairs.map { a.labels[$0.second] })
    t.numbers("statistic", pairs.map(\.chiSquare))
    t.numbers("p_unadjusted", pairs.map(\.p))
    t.numbers("p_value", pairs.map(\.adjustedP))
    return try t.dataset()
  }

  /// `followup`: a row "all" (overall) and one per group: group, n,
  /// censored, estimate (median follow-up), conf_low, conf_high,
  /// median_censored.
  static let followup = Tidier(
    FollowUpAnalysis.self,
    rows: "a row \"all\" and one per group: group, n, censored, estimate (median follow-up), "
      + "conf_low, conf_high, median_censored"
  ) { a, _ in
    let rows = [a.overall] + a.groups
    var t = TidyTable()
    try t.labels("group", ["all"] + a.labels.prefix(a.groups.count))
    t.integers("n", rows.map(\.n))
    t.integers("censored", rows.map(\.censored))
    t.numbers("estimate", rows.map(\.median.median))
    t.numbers("conf_low", rows.map(\.median.lower))
    t.numbers("conf_high", rows.map(\.median.upper))
    t.numbers("median_censored", rows.map(\.medianCensoredTime))
    return try t.dataset()
  }
}
