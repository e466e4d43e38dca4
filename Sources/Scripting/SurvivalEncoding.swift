import Analysis
import LuaHost
import Survival

/// Survival results as plain Lua tables (R's field names in snake_case;
/// NA as nil), for `stdlib/kaplan/survival.lua` to label and print.
enum SurvivalEncoding {
  /// A number, or nil for NaN (R's NA).
  static func number(_ x: Double) -> LuaValue { x.isNaN ? .nil : .number(x) }

  /// A count: an integer when whole (unweighted data), else a number.
  static func count(_ x: Double) -> LuaValue {
    if x.isFinite, x == x.rounded(), abs(x) < 9e15 { return .integer(Int(x)) }
    return number(x)
  }

  static func numbers(_ xs: [Double]) throws -> LuaValue { try ResultArray.numbers(xs) }

  static func confType(_ t: ConfidenceType) -> LuaValue { .string(t.rawValue) }

  /// `km`: the fit and one table per curve (R `survfit` plus the median and
  /// its limits as `print.survfit`).
  static func km(_ a: KaplanMeierAnalysis) throws -> LuaValue {
    let strata: [LuaValue] = try zip(a.labels, a.curves).map { label, c in
      let m = c.median
      return .record([
        "label": .string(label), "n": .integer(c.n), "events": count(c.events),
        "time": try numbers(c.time), "n_risk": try numbers(c.nRisk), "n_event": try numbers(c.nEvent),
        "n_censor": try numbers(c.nCensor), "surv": try numbers(c.surv), "std_err": try numbers(c.stdErr),
        "lower": try numbers(c.lower), "upper": try numbers(c.upper), "cumhaz": try numbers(c.cumhaz),
        "std_chaz": try numbers(c.stdChaz),
        "median": number(m.median), "median_lower": number(m.lower), "median_upper": number(m.upper),
      ])
    }
    return .record([
      "formula": .string(a.formula.text), "n": .integer(a.count), "events": count(a.events),
      "n_dropped": .integer(a.droppedCount), "conf_type": confType(a.fit.confType),
      "conf_level": .number(a.fit.confLevel), "variance": .string(a.fit.variance.rawValue),
      "delayed_entry": .boolean(a.fit.hasDelayedEntry), "weights": a.options.weights.map { .string($0) } ?? .nil,
      "strata": .array(strata),
    ])
  }

  /// `fit:at(times)`: R `summary(fit, times =)` per curve.
  static func at(_ a: KaplanMeierAnalysis, _ rows: [SurvivalAtTimes]) throws -> LuaValue {
    let strata: [LuaValue] = try zip(a.labels, rows).map { label, r in
      .record([
        "label": .string(label), "time": try numbers(r.time), "n_risk": try numbers(r.nRisk),
        "n_event": try numbers(r.nEvent), "n_censor": try numbers(r.nCensor), "surv": try numbers(r.surv),
        "std_err": try numbers(r.stdErr), "lower": try numbers(r.lower), "upper": try numbers(r.upper),
        "cumhaz": try numbers(r.cumhaz), "std_chaz": try numbers(r.stdChaz),
      ])
    }
    return .record([
      "formula": .string(a.formula.text), "conf_type": confType(a.fit.confType),
      "conf_level": .number(a.fit.confLevel), "strata": .array(strata),
    ])
  }

  /// `fit:quantile(probs)`: R `quantile.survfit` per curve.
  static func quantiles(_ a: KaplanMeierAnalysis, probs: [Double], _ q: [SurvivalQuantiles]) throws -> LuaValue {
    let strata: [LuaValue] = try zip(a.labels, q).map { label, r in
      .record([
        "label": .string(label), "probs": try numbers(r.probs), "quantile": try numbers(r.quantile),
        "lower": try numbers(r.lower), "upper": try numbers(r.upper),
      ])
    }
    return .record([
      "formula": .string(a.formula.text), "probs": try numbers(probs), "conf_type": confType(a.fit.confType),
      "conf_level": .number(a.fit.confLevel), "strata": .array(strata),
    ])
  }

  /// `fit:rmst(tau)`: R `print(fit, rmean = tau)` per curve, and the
  /// difference of two curves (second − first).
  static func rmst(_ a: KaplanMeierAnalysis, _ s: RestrictedMeanSummary) throws -> LuaValue {
    let strata: [LuaValue] = zip(a.labels, zip(a.curves, s.means)).map { label, pair in
      .record([
        "label": .string(label), "n": .integer(pair.0.n), "events": count(pair.0.events),
        "rmean": number(pair.1.rmean), "se": number(pair.1.stdErr),
      ])
    }
    var difference = LuaValue.nil
    if let d = s.difference {
      difference = .record([
        "label": .string("\(a.labels[1]) - \(a.labels[0])"), "estimate": number(d.difference),
        "se": number(d.stdErr), "lower": number(d.lower), "upper": number(d.upper), "z": number(d.z),
        "p": number(d.p), "conf_level": .number(d.confLevel),
      ])
    }
    return .record([
      "formula": .string(a.formula.text), "tau": .number(s.tau), "common_tau": .boolean(s.isCommonHorizon),
      "conf_level": .number(a.fit.confLevel), "strata": .array(strata), "difference": difference,
    ])
  }

  /// `logrank`: R `survdiff` (and the trend test when asked for).
  static func logrank(_ a: LogRankAnalysis) throws -> LuaValue {
    let t = a.test
    let k = t.groupCount
    let byE = t.chiSquareContributionByExpected
    let byV = t.chiSquareContributionByVariance
    let groups: [LuaValue] = (0..<k).map { j in
      .record([
        "label": .string(a.labels[j]), "n": .integer(t.n[j]), "observed": number(t.observed[j]),
        "expected": number(t.expected[j]), "oe2_e": number(byE[j]), "oe2_v": number(byV[j]),
      ])
    }
    let variance: [LuaValue] = try (0..<k).map { j in try numbers(Array(t.variance[(j * k)..<((j + 1) * k)])) }
    var trend = LuaValue.nil
    if let tr = a.trend {
      trend = .record([
        "scores": try numbers(tr.scores), "score": number(tr.score), "variance": number(tr.variance),
        "chisq": number(tr.chiSquare), "df": .integer(tr.df), "p": number(tr.p),
      ])
    }
    var combo = LuaValue.nil
    if let m = a.maxCombo {
      let parts: [LuaValue] = MaxComboTest.components.enumerated().map { i, c in
        .record([
          "rho": .number(c.rho), "gamma": .number(c.gamma), "z": number(m.z[i]), "used": .boolean(m.used[i]),
        ])
      }
      combo = .record([
        "statistic": number(m.statistic), "p": number(m.p), "p_error": number(m.pError), "components": .array(parts),
      ])
    }
    return .record([
      "formula": .string(a.formula.text), "n": .integer(a.count), "n_dropped": .integer(a.droppedCount),
      "rho": .number(t.rho), "gamma": .number(t.gamma), "weights": .string(LogRankWeightOptions.label(t.weight)),
      "maxcombo": combo,
      "chisq": number(t.chiSquare), "df": .integer(t.df), "p": number(t.p),
      "groups": .array(groups), "var": .array(variance),
      "strata": a.strataLabels.isEmpty ? .nil : .strings(a.strataLabels), "trend": trend,
    ])
  }

  /// `pairwise_logrank`: one row per pair.
  static func pairwise(_ a: PairwiseLogRankAnalysis) throws -> LuaValue {
    let pairs: [LuaValue] = a.result.comparisons.map { c in
      .record([
        "first": .string(a.labels[c.first]), "second": .string(a.labels[c.second]),
        "chisq": number(c.chiSquare), "p": number(c.p), "p_adjusted": number(c.adjustedP),
      ])
    }
    return .record([
      "formula": .string(a.formula.text), "n": .integer(a.count), "n_dropped": .integer(a.droppedCount),
      "adjust": .string(a.result.adjustment.rawValue), "rho": .number(a.options.rho),
      "gamma": .number(a.options.gamma), "groups": .strings(a.labels), "pairs": .array(pairs),
    ])
  }

  /// `followup`: reverse Kaplan–Meier medians overall and per group.
  static func followup(_ a: FollowUpAnalysis) throws -> LuaValue {
    func row(_ label: String, _ s: FollowUp.Summary) -> LuaValue {
      .record([
        "label": .string(label), "n": .integer(s.n), "censored": .integer(s.censored),
        "median": number(s.median.median), "lower": number(s.median.lower), "upper": number(s.median.upper),
        "median_censored": number(s.medianCensoredTime),
      ])
    }
    return .record([
      "formula": .string(a.formula.text), "time": .string(a.formula.response.stop),
      "n": .integer(a.count), "n_dropped": .integer(a.droppedCount),
      "conf_type": confType(a.options.confType), "conf_level": .number(a.options.confLevel),
      "overall": row("all", a.overall),
      "groups": .array(zip(a.labels, a.groups).map { row($0, $1) }),
    ])
  }
}
