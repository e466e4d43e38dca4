import Analysis
import LuaHost
import Survival

/// A Cox fit with `pspline()` terms (`PenalisedCoxAnalysis`) as a plain Lua
/// table for `stdlib/kaplan/cox.lua` to print as R's `print.coxph.penal`.
enum CoxPenalisedEncoding {
  private static func number(_ x: Double) -> LuaValue { CoxEncoding.number(x) }

  static func table(_ a: PenalisedCoxAnalysis) throws -> LuaValue {
    let f = a.fit
    let p = f.coefficients.count
    let rows: [LuaValue] = a.rows.map { r in
      .record([
        "label": .string(r.label), "term": .string(r.term), "kind": .string(r.kind.rawValue),
        "coef": number(r.coef), "se": number(r.se), "se2": number(r.se2), "chisq": number(r.chisq),
        "df": number(r.df), "p": number(r.p),
      ])
    }
    let coefficients: [LuaValue] = (0..<p).map { j in
      .record([
        "name": .string(a.columnNames[j]), "coef": number(f.coefficients[j]),
        "se": number(f.variance[j * p + j].squareRoot()), "se2": number(f.variance2[j * p + j].squareRoot()),
      ])
    }
    let df: [LuaValue] = zip(a.termLabels, f.df).map { .record(["term": .string($0), "df": number($1)]) }
    var fields: [(String, LuaValue)] = [
      ("formula", .string(a.formula.text)),
      ("rows", .array(rows)),
      ("coefficients", .array(coefficients)),
      ("df", .array(df)),
      ("theta", try ResultArray.numbers(f.theta)),
      ("theta_next", try ResultArray.numbers(f.thetaNext)),
      ("spline_terms", .strings(a.splineTerms)),
      ("loglik", .record(["null": number(f.loglikInitial), "fitted": number(f.loglik)])),
      ("penalty", number(f.penalty)),
      ("iterations", .record(["outer": .integer(f.outerIterations), "newton": .integer(f.newtonIterations)])),
      ("lr", .record([
        "statistic": number(a.likelihoodRatio), "df": number(a.likelihoodRatioDF), "p": number(a.likelihoodRatioP),
      ])),
      ("var", .array(try (0..<p).map { i in try ResultArray.numbers(Array(f.variance[(i * p)..<((i + 1) * p)])) })),
      ("var2", .array(try (0..<p).map { i in try ResultArray.numbers(Array(f.variance2[(i * p)..<((i + 1) * p)])) })),
      ("n", .integer(a.n)),
      ("events", .integer(a.events)),
      ("n_dropped", .integer(a.droppedCount)),
      ("ties", .string(a.options.ties.rawValue)),
      ("warnings", .strings(a.warnings)),
    ]
    if !a.strata.isEmpty { fields.append(("strata", .strings(a.strata))) }
    if let w = a.options.weights { fields.append(("weights", .string(w))) }
    return .table(LuaTable(fields: fields))
  }
}
