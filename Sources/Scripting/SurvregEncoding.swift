import Analysis
import Foundation
import LuaHost
import Survival

/// `survreg()` results as plain Lua tables (R's names in snake_case; NA as
/// nil) for `stdlib/kaplan/survreg.lua` to print as `summary(survreg)`.
enum SurvregEncoding {
  static func number(_ x: Double) -> LuaValue { x.isNaN ? .nil : .number(x) }

  private static func matrix(_ m: [Double], _ q: Int) throws -> LuaValue {
    .array(try (0..<q).map { i in try ResultArray.numbers(Array(m[(i * q)..<((i + 1) * q)])) })
  }

  /// One row of R's summary table: value, se, z, p and the Wald interval.
  struct Row {
    let value: Double, se: Double, z: Double, p: Double, lower: Double, upper: Double
  }

  static func rows(_ a: SurvregAnalysis) -> [Row] {
    let q = a.parameterCount
    let values = a.fit.coefficients + a.fit.logScales
    let ses = a.standardErrors
    let crit = Normal.quantile(1 - (1 - a.options.confidenceLevel) / 2)
    return (0..<q).map { j in
      let z = values[j] / ses[j]
      return Row(
        value: values[j], se: ses[j], z: z, p: Normal.twoSidedP(z), lower: values[j] - crit * ses[j],
        upper: values[j] + crit * ses[j])
    }
  }

  static func survreg(_ a: SurvregAnalysis) throws -> LuaValue {
    let f = a.fit
    let p = f.coefficients.count
    let q = a.parameterCount
    let table = rows(a)
    let naive = a.naiveVariance.map { v in (0..<q).map { v[$0 * q + $0].squareRoot() } }
    let names = a.parameterNames
    func row(_ j: Int) -> [(String, LuaValue)] {
      var fields: [(String, LuaValue)] = [
        ("name", .string(names[j])), ("coef", number(table[j].value)), ("se", number(table[j].se)),
      ]
      if let naive { fields.append(("naive_se", number(naive[j]))) }
      fields += [
        ("z", number(table[j].z)), ("p", number(table[j].p)), ("lower", number(table[j].lower)),
        ("upper", number(table[j].upper)),
      ]
      return fields
    }
    let terms: [LuaValue] = (0..<p).map { j in
      let label = a.coefficients[j]
      var fields = row(j)
      fields.insert(contentsOf: [
        ("term", .string(label.term)), ("variable", .string(label.variable)),
        ("level", label.level.map { .string($0) } ?? .nil),
        ("reference_level", label.referenceLevel.map { .string($0) } ?? .nil),
      ], at: 1)
      return .table(LuaTable(fields: fields))
    }
    let logScales: [LuaValue] = (p..<q).map { j in
      var fields = row(j)
      if !a.strata.isEmpty { fields.insert(("stratum", .string(a.strata[j - p])), at: 1) }
      return .table(LuaTable(fields: fields))
    }
    let chi = f.chiSquare
    var fields: [(String, LuaValue)] = [
      ("formula", .string(a.formula.text)),
      ("dist", .string(a.distribution.rawValue)),
      ("dist_name", .string(a.distribution.displayName)),
      ("terms", .array(terms)),
      ("log_scale", .array(logScales)),
      ("scale", f.scales.count == 1 ? number(f.scales[0]) : try ResultArray.numbers(f.scales)),
      ("scales", try ResultArray.numbers(f.scales)),
      ("scale_fixed", .boolean(f.logScales.isEmpty)),
      ("loglik", .record(["null": number(f.loglikNull), "fitted": number(f.loglik)])),
      ("chisq", .record(["statistic": number(chi.statistic), "df": .integer(chi.df), "p": number(chi.p)])),
      ("n", .integer(a.n)), ("events", .integer(a.events)), ("n_dropped", .integer(a.droppedCount)),
      ("iterations", .integer(f.iterations)), ("converged", .boolean(f.converged)),
      ("var", try matrix(a.variance, q)),
      ("score", try ResultArray.numbers(f.score)),
      ("conf_level", .number(a.options.confidenceLevel)),
      ("robust", .boolean(a.isRobust)),
      ("warnings", .strings(a.warnings)),
    ]
    if let v = a.naiveVariance { fields.append(("naive_var", try matrix(v, q))) }
    if let cluster = a.cluster { fields.append(("cluster", .string(cluster))) }
    if !a.strata.isEmpty { fields.append(("strata", .strings(a.strata))) }
    if let w = a.options.weights { fields.append(("weights", .string(w))) }
    if let ph = a.proportionalHazards {
      let phTerms: [LuaValue] = ph.terms.map { t in
        .record([
          "name": .string(t.name), "coef": number(t.coef), "se": number(t.se), "hr": number(t.hr),
          "z": number(t.z), "p": number(t.p), "lower": number(t.lower), "upper": number(t.upper),
        ])
      }
      fields.append(("ph", .record([
        "terms": .array(phTerms), "shape": number(ph.shape), "shape_se": number(ph.shapeSE),
      ])))
    }
    return .table(LuaTable(fields: fields))
  }
}
