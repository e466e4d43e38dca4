import Analysis
import Foundation
import LuaHost
import Survival

/// `flexsurv()` results as plain Lua tables for `stdlib/kaplan/flexsurv.lua`
/// to print as flexsurv's `print.flexsurvreg`: per parameter the estimate on
/// the estimation scale (coef, se, z, p, Wald interval) and flexsurv's
/// columns (est, L95%, U95%, se on the natural scale: exp of a log
/// parameter, with the interval transformed and se by the delta method).
enum FlexsurvEncoding {
  static func number(_ x: Double) -> LuaValue { x.isNaN ? .nil : .number(x) }

  struct Row {
    let name: String
    let baseline: Bool
    let coef: Double, se: Double, z: Double, p: Double, lower: Double, upper: Double
    /// flexsurv's printed estimate, interval and se (natural scale).
    let est: Double, estLower: Double, estUpper: Double, estSE: Double
  }

  static func rows(_ a: FlexsurvAnalysis) -> [Row] {
    let theta = a.fit.theta
    let ses = a.fit.standardErrors
    let crit = Normal.quantile(1 - (1 - a.options.confidenceLevel) / 2)
    return theta.indices.map { j in
      let c = theta[j], s = ses[j]
      let z = c / s
      let lo = c - crit * s, hi = c + crit * s
      let log = a.isBaseline[j] && a.family.isLogScale(j)
      return Row(
        name: a.parameterNames[j], baseline: a.isBaseline[j], coef: c, se: s, z: z, p: Normal.twoSidedP(z),
        lower: lo, upper: hi, est: log ? exp(c) : c, estLower: log ? exp(lo) : lo, estUpper: log ? exp(hi) : hi,
        estSE: log ? exp(c) * s : s)
    }
  }

  static func flexsurv(_ a: FlexsurvAnalysis) throws -> LuaValue {
    let terms: [LuaValue] = rows(a).map { r in
      .table(LuaTable(fields: [
        ("name", .string(r.name)), ("baseline", .boolean(r.baseline)), ("coef", number(r.coef)),
        ("se", number(r.se)), ("z", number(r.z)), ("p", number(r.p)), ("lower", number(r.lower)),
        ("upper", number(r.upper)), ("est", number(r.est)), ("est_lower", number(r.estLower)),
        ("est_upper", number(r.estUpper)), ("est_se", number(r.estSE)),
      ]))
    }
    let q = a.parameterCount
    let v = a.fit.variance
    var fields: [(String, LuaValue)] = [
      ("formula", .string(a.formula.text)),
      ("dist", .string(a.distribution.name)),
      ("dist_name", .string(a.distribution.label)),
      ("terms", .array(terms)),
      ("loglik", .record(["fitted": number(a.fit.loglik)])),
      ("df", .integer(q)),
      ("n", .integer(a.n)), ("events", .integer(a.events)), ("n_dropped", .integer(a.droppedCount)),
      ("n_interval", .integer(a.intervalCensored)),
      ("iterations", .integer(a.fit.iterations)), ("converged", .boolean(a.fit.converged)),
      ("var", .array(try (0..<q).map { i in try ResultArray.numbers(Array(v[(i * q)..<((i + 1) * q)])) })),
      ("score", try ResultArray.numbers(a.fit.score)),
      ("conf_level", .number(a.options.confidenceLevel)),
      ("warnings", .strings(a.warnings)),
    ]
    if case .spline(let k, let scale) = a.distribution {
      fields += [("k", .integer(k)), ("scale", .string(scale.rawValue)), ("knots", try ResultArray.numbers(a.knots))]
    }
    if let w = a.options.weights { fields.append(("weights", .string(w))) }
    return .table(LuaTable(fields: fields))
  }
}

/// The `tidy()` form of a `flexsurv` result: one row per parameter with
/// flexsurv's natural-scale estimate, delta-method standard error and
/// transformed interval, as flexsurv's `tidy.flexsurvreg` (transform =
/// "none").
///
/// The test columns (session-7 review: a z on the log scale sat beside the
/// natural-scale estimate): `statistic` and `p_value` are the Wald test of
/// a covariate effect, coef/se and its two-sided normal p, on the scale where
/// the model is fitted, which for a covariate effect is the scale of its
/// estimate. For the family's own parameters they are NA, as in flexsurv's
/// tidy: "rate = 0" on the natural scale is no hypothesis, and the fitted
/// scale's test (log rate = 0) is in the printout's z and p (`m.terms`).
enum FlexsurvTidy {
  static let flexsurv = Tidier(
    FlexsurvAnalysis.self,
    rows: "one row per parameter (family parameters, then covariate effects): term, estimate, std_error, "
      + "statistic, p_value, conf_low, conf_high. The family parameters are on their natural scale (as "
      + "flexsurv's tidy: estimate, interval and delta-method std_error) with statistic and p_value NA; for "
      + "covariate effects statistic is the Wald z = coef/se on the fitted scale, p_value its two-sided p"
  ) { a, _ in
    let rows = FlexsurvEncoding.rows(a)
    var t = TidyTable()
    try t.labels("term", rows.map(\.name))
    t.numbers("estimate", rows.map(\.est))
    t.numbers("std_error", rows.map(\.estSE))
    t.numbers("statistic", rows.map { $0.baseline ? .nan : $0.z })
    t.numbers("p_value", rows.map { $0.baseline ? .nan : $0.p })
    t.numbers("conf_low", rows.map(\.estLower))
    t.numbers("conf_high", rows.map(\.estUpper))
    return try t.dataset()
  }
}
