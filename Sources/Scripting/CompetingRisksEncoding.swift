import Analysis
import LuaHost
import Survival

/// Competing-risks results as plain Lua tables (R's field names in
/// snake_case; NA as nil) for `stdlib/kaplan/competing.lua` to print.
/// Counts travel as number arrays, as the other result encoders do.
enum CompetingRisksEncoding {
  static func number(_ x: Double) -> LuaValue { x.isNaN ? .nil : .number(x) }
  static func numbers(_ xs: [Double]) throws -> LuaValue { try ResultArray.numbers(xs) }
  static func counts(_ xs: [Int]) throws -> LuaValue { try ResultArray.counts(xs) }

  static func confType(_ t: CumulativeIncidence.ConfidenceType) -> String {
    switch t {
    case .logLog: return "log-log"
    case .plain: return "plain"
    }
  }

  /// `cuminc`: curves (cause-major, then group) and Gray's tests.
  static func cuminc(_ a: CompetingRisksAnalysis) throws -> LuaValue {
    let curves: [LuaValue] = try a.curves.map { c in
      .record([
        "group": c.group.map { .string($0) } ?? .nil, "cause": .string(c.cause),
        "n": .integer(c.n), "events": .integer(c.events),
        "time": try numbers(c.time), "est": try numbers(c.estimate), "var": try numbers(c.variance),
        "lower": try numbers(c.lower), "upper": try numbers(c.upper),
        "n_risk": try counts(c.nRisk), "n_event": try counts(c.nEvent), "n_censor": try counts(c.nCensor),
      ])
    }
    let tests: LuaValue = a.tests.map { tests in
      .array(tests.map { t in
        .record([
          "cause": .string(t.cause), "statistic": number(t.statistic), "df": .integer(t.df), "p": number(t.p),
        ])
      })
    } ?? .nil
    return .record([
      "formula": .string(a.formula.text),
      "n": .integer(a.n), "n_dropped": .integer(a.droppedCount),
      "causes": .strings(a.causes), "all_causes": .strings(a.allCauses), "censor": .string(a.censor),
      "groups": a.groups.map { .strings($0) } ?? .nil,
      "strata": a.strata.isEmpty ? .nil : .strings(a.strata),
      "conf_type": .string(confType(a.options.confidenceType)), "conf_level": .number(a.options.confidenceLevel),
      "variance": .string(a.options.variance.rawValue), "rho": .number(a.options.rho),
      "curves": .array(curves), "tests": tests,
    ])
  }

  /// `ci:at(times)`: the curves at the (sorted, unique) times, as
  /// `cmprsk::timepoints`.
  static func at(_ a: CompetingRisksAnalysis, times: [Double], _ curves: [CompetingRisksAnalysis.CurveAtTimes])
    throws -> LuaValue
  {
    .record([
      "formula": .string(a.formula.text), "time": try ResultArray.numbers(times),
      "conf_level": .number(a.options.confidenceLevel), "conf_type": .string(confType(a.options.confidenceType)),
      "variance": .string(a.options.variance.rawValue), "causes": .strings(a.causes),
      "curves": .array(try curves.map { c in
        .record([
          "group": c.group.map { .string($0) } ?? .nil, "cause": .string(c.cause),
          "est": try numbers(c.estimate), "var": try numbers(c.variance), "lower": try numbers(c.lower),
          "upper": try numbers(c.upper), "n_risk": try counts(c.nRisk),
        ])
      }),
    ])
  }

  /// `finegray`: R `crr`'s coefficients with labels, SHRs and intervals,
  /// pseudo log-likelihoods, convergence and the baseline jumps.
  static func finegray(_ a: FineGrayAnalysis) throws -> LuaValue {
    let f = a.fit
    let p = f.p
    let terms: [LuaValue] = (0..<p).map { j in
      let label = a.terms[j]
      return .record([
        "name": .string(label.name), "term": .string(label.term), "variable": .string(label.variable),
        "level": label.level.map { .string($0) } ?? .nil,
        "reference_level": label.referenceLevel.map { .string($0) } ?? .nil,
        "coef": number(f.coefficients[j]), "shr": number(f.hazardRatios[j]), "se": number(f.standardErrors[j]),
        "z": number(f.z[j]), "p": number(f.pValues[j]),
        "lower": number(f.lower[j]), "upper": number(f.upper[j]),
      ])
    }
    let variance: [LuaValue] = try (0..<p).map { i in try numbers(Array(f.variance[(i * p)..<((i + 1) * p)])) }
    let lr = f.likelihoodRatioTest
    return .record([
      "formula": .string(a.formula.text),
      "cause": .string(a.cause), "competing": .strings(a.competingCauses), "censor": .string(a.censor),
      "n": .integer(a.n), "n_dropped": .integer(a.droppedCount), "events": .integer(a.events),
      "competing_events": .integer(a.competingEvents), "censored": .integer(a.censored),
      "cengroup": a.options.censoringGroup.map { .string($0) } ?? .nil,
      "cengroups": a.censoringGroups.map { .strings($0) } ?? .nil,
      "conf_level": .number(f.confidenceLevel),
      "terms": .array(terms), "var": .array(variance),
      "loglik": number(f.logLikelihood), "loglik_null": number(f.nullLogLikelihood),
      "lr_test": .record([
        "statistic": number(lr.statistic), "df": .integer(lr.df), "p": number(lr.p),
      ]),
      "iterations": .integer(f.iterations), "converged": .boolean(f.converged),
      "variables": .strings(a.profile.variables),
      "uftime": try numbers(f.failureTimes), "bfitj": try numbers(f.baselineJumps),
      "warnings": .strings(f.converged ? [] : [
        "did not converge in \(f.iterations) iteration\(f.iterations == 1 ? "" : "s") (raise max_iter)",
      ]),
    ])
  }
}
