import Analysis
import LuaHost
import Survival

/// Cox results as plain Lua tables (R's field names in snake_case; NA as
/// nil) for `stdlib/kaplan/cox.lua` to print.
enum CoxEncoding {
  /// A number for Lua, NA (NaN) as nil.
  static func number(_ x: Double) -> LuaValue { x.isNaN ? .nil : .number(x) }

  private static func test(_ t: CoxChiSquareTest) -> LuaValue {
    .record(["statistic": number(t.statistic), "df": .integer(t.df), "p": number(t.p)])
  }

  /// Rows of a row-major p × p matrix.
  private static func matrix(_ m: [Double], _ p: Int) throws -> LuaValue {
    .array(try (0..<p).map { i in try ResultArray.numbers(Array(m[(i * p)..<((i + 1) * p)])) })
  }

  /// `cox()`: the coefficients with their labels, tests, concordance,
  /// variance and R's warnings.
  static func cox(_ a: CoxAnalysis) throws -> LuaValue {
    let f = a.fit
    let p = f.coefficients.count
    let terms: [LuaValue] = (0..<p).map { j in
      let label = a.coefficients[j]
      return .record([
        "name": .string(label.name), "term": .string(label.term), "variable": .string(label.variable),
        "level": label.level.map { .string($0) } ?? .nil,
        "reference_level": label.referenceLevel.map { .string($0) } ?? .nil,
        "coef": number(f.coefficients[j]), "hr": number(f.hazardRatios[j]),
        "se": number(f.standardErrors[j]),
        "robust_se": f.robustStandardErrors.map { number($0[j]) } ?? .nil,
        "z": number(f.z[j]), "p": number(f.p[j]),
        "lower": number(f.lower[j]), "upper": number(f.upper[j]),
        "singular": .boolean(f.singular[j]),
      ])
    }
    var tests: [(String, LuaValue)] = [
      ("lr", test(f.likelihoodRatioTest)), ("wald", test(f.waldTest)), ("score", test(f.scoreTest)),
    ]
    if let r = f.robustScoreTest { tests.append(("robust_score", test(r))) }
    var fields: [(String, LuaValue)] = [
      ("formula", .string(a.formula.text)),
      ("terms", .array(terms)),
      ("loglik", .record(["null": number(f.loglikInitial), "fitted": number(f.loglik)])),
      ("n", .integer(a.n)),
      ("events", .integer(a.events)),
      ("n_dropped", .integer(a.droppedCount)),
      ("iterations", .integer(f.iterations)),
      ("converged", .boolean(f.converged)),
      ("var", try matrix(f.variance, p)),
      ("means", try ResultArray.numbers(f.means)),
      ("tests", .table(LuaTable(fields: tests))),
      ("concordance", .record([
        "c": number(f.concordance.concordance), "se": number(f.concordance.standardError),
      ])),
      ("ties", .string(f.ties.rawValue)),
      ("conf_level", .number(f.confidenceLevel)),
      ("robust", .boolean(a.isRobust)),
      ("counting_process", .boolean(a.isCountingProcess)),
      ("warnings", .strings(a.warnings)),
    ]
    if a.isRobust { fields.append(("naive_var", try matrix(f.naiveVariance, p))) }
    if let cluster = a.cluster { fields.append(("cluster", .string(cluster))) }
    if !a.strata.isEmpty { fields.append(("strata", .strings(a.strata))) }
    if let w = a.options.weights { fields.append(("weights", .string(w))) }
    return .table(LuaTable(fields: fields))
  }

  /// `m:anova()`: one row per nested model.
  static func anova(_ table: CoxDevianceTable) throws -> LuaValue {
    let rows: [LuaValue] = table.rows.map { row in
      var fields: [(String, LuaValue)] = [("term", .string(row.term)), ("loglik", number(row.loglik))]
      if let chi = row.chiSquare { fields.append(("chisq", number(chi))) }
      if let df = row.df { fields.append(("df", .integer(df))) }
      if let p = row.p { fields.append(("p", number(p))) }
      return .table(LuaTable(fields: fields))
    }
    return .record([
      "formula": .string(table.formula.text), "ties": .string(table.ties.rawValue), "n": .integer(table.n),
      "rows": .array(rows),
    ])
  }

  /// `lrtest(m1, m2)`.
  static func comparison(_ c: CoxComparison) throws -> LuaValue {
    .record([
      "statistic": number(c.test.statistic), "df": .integer(c.test.df), "p": number(c.test.p),
      "loglik": try ResultArray.numbers([c.loglik.0, c.loglik.1]),
      "formulas": .strings([c.formulas.0, c.formulas.1]),
    ])
  }
}
