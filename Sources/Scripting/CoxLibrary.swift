import Analysis
import Datasets
import LuaHost
import Survival

/// The Swift half of Cox regression (R `survival` `coxph`, `anova.coxph`):
/// `core.cox.fit(d, formula, opts)` decodes and checks the options, runs
/// `CoxAnalysis` and returns the fit as a plain table;
/// `core.cox.lrtest(loglik1, df1, loglik2, df2)` is the chi-square of
/// `anova(m1, m2)`. `stdlib/kaplan/cox.lua` turns these into the public
/// `cox()` and `lrtest()` with their printing and help.
struct CoxLibrary: KaplanLibrary {
  let name = "cox"

  /// The options of `cox()`, in the order the messages list them.
  static let optionNames = ["ties", "weights", "robust", "conf_level", "init", "max_iter", "tol"]

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(internals: try installInternals(in: runtime))
  }

  func installInternals(in runtime: KaplanRuntime) throws -> [(String, LuaValue)] {
    let lua = runtime.lua
    return [
      ("fit", lua.function("cox") { call in
        let d = try call.object(1, as: LuaDataset.self).dataset
        guard let formula = try? call.string(2) else {
          throw call.argumentError(2, "formula string expected, got \(call.typeName(2))")
        }
        let options = try coxOptions(try call.optionalTable(3))
        let analysis = try analysisStep("cox") {
          try CoxAnalysis(dataset: d, formula: formula, options: options)
        }
        return [coxResult(analysis)]
      }),
      ("anova", lua.function("anova") { call in
        let d = try call.object(1, as: LuaDataset.self).dataset
        let formula = try call.string(2)
        let options = try coxOptions(try call.optionalTable(3))
        let table = try analysisStep("anova") {
          try CoxDevianceTable(dataset: d, formula: formula, options: options)
        }
        let rows: [LuaValue] = table.rows.map { row in
          var fields: [(String, LuaValue)] = [("term", .string(row.term)), ("loglik", number(row.loglik))]
          if let chi = row.chiSquare { fields.append(("chisq", number(chi))) }
          if let df = row.df { fields.append(("df", .integer(df))) }
          if let p = row.p { fields.append(("p", number(p))) }
          return .table(LuaTable(fields: fields))
        }
        return [.record([
          "kind": .string("anova"), "formula": .string(table.formula.text),
          "ties": .string(table.ties.rawValue), "n": .integer(table.n), "rows": .array(rows),
        ])]
      }),
      ("lrtest", lua.function("lrtest") { call in
        let (l1, df1, l2, df2) = (try call.number(1), try call.integer(2), try call.number(3), try call.integer(4))
        // anova.coxphlist: |2 Δloglik| on |Δdf| degrees of freedom.
        let chi = abs(2 * (l2 - l1))
        let df = abs(df2 - df1)
        return [.record([
          "statistic": .number(chi), "df": .integer(df),
          "p": df > 0 ? .number(ChiSquare.upperTail(chi, df: Double(df))) : .nil,
        ])]
      }),
      ("options", .strings(CoxLibrary.optionNames)),
    ]
  }
}

/// `cox()` options from Lua: unknown keys and wrong types are errors naming
/// the key; ranges are checked here too, so that the messages use the
/// Lua names (`max_iter`, not R's `iter.max`).
private func coxOptions(_ table: LuaTable?) throws -> CoxAnalysisOptions {
  var o = CoxAnalysisOptions()
  guard let table else { return o }
  if !table.array.isEmpty {
    throw LuaError.runtime(
      "cox: options must be given as key = value (options: \(CoxLibrary.optionNames.joined(separator: ", ")))")
  }
  for (key, value) in table.fields {
    func wrong(_ what: String) -> LuaError {
      let shown: String
      switch value {
      case .string(let s): shown = "\"\(s)\""
      case .integer(let i): shown = String(i)
      case .number(let x): shown = String(x)
      default: shown = value.typeName
      }
      return LuaError.runtime("cox: option '\(key)' must be \(what), got \(shown)")
    }
    func typeError(_ what: String) -> LuaError {
      LuaError.runtime("cox: option '\(key)' must be \(what), got \(value.typeName)")
    }
    switch key {
    case "ties":
      guard let s = value.stringValue else { throw typeError("\"efron\", \"breslow\" or \"exact\"") }
      guard let ties = CoxTies(rawValue: s) else { throw wrong("\"efron\", \"breslow\" or \"exact\"") }
      o.ties = ties
    case "weights":
      guard let s = value.stringValue else { throw typeError("a column name (string)") }
      o.weights = s
    case "robust":
      guard case .boolean(let b) = value else { throw typeError("a boolean") }
      o.robust = b
    case "conf_level":
      guard let x = value.doubleValue else { throw typeError("a number") }
      guard x > 0, x < 1 else { throw wrong("between 0 and 1 (e.g. 0.95)") }
      o.confidenceLevel = x
    case "init":
      guard case .table(let t) = value, t.fields.isEmpty else { throw typeError("an array of numbers") }
      o.initial = try t.array.enumerated().map { i, v in
        guard let x = v.doubleValue else {
          throw LuaError.runtime("cox: option 'init' must be an array of numbers (entry \(i + 1) is \(v.typeName))")
        }
        guard x.isFinite else { throw LuaError.runtime("cox: option 'init': entry \(i + 1) is not finite") }
        return x
      }
    case "max_iter":
      guard let x = value.doubleValue else { throw typeError("a whole number ≥ 0") }
      guard x >= 0, x == x.rounded(), x < 1e9 else { throw wrong("a whole number ≥ 0") }
      o.maxIterations = Int(x)
    case "tol":
      guard let x = value.doubleValue else { throw typeError("a positive number") }
      guard x > 0, x.isFinite else { throw wrong("a positive number (default 1e-9)") }
      o.tolerance = x
    default:
      throw LuaError.runtime(
        "cox: unknown option '\(key)' (options: \(CoxLibrary.optionNames.joined(separator: ", ")))")
    }
  }
  return o
}

/// A number for Lua, NA (NaN) as nil.
private func number(_ x: Double) -> LuaValue { x.isNaN ? .nil : .number(x) }

private func test(_ t: CoxChiSquareTest) -> LuaValue {
  .record(["statistic": number(t.statistic), "df": .integer(t.df), "p": number(t.p)])
}

/// Rows of a row-major p × p matrix.
private func matrix(_ m: [Double], _ p: Int) -> LuaValue {
  .array((0..<p).map { i in .numbers(Array(m[(i * p)..<((i + 1) * p)]), nanAsNil: true) })
}

/// The fit as a plain table; `cox.lua` adds the metatable and printing.
private func coxResult(_ a: CoxAnalysis) -> LuaValue {
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
    ("kind", .string("cox")),
    ("formula", .string(a.formula.text)),
    ("terms", .array(terms)),
    ("loglik", .record(["null": number(f.loglikInitial), "fitted": number(f.loglik)])),
    ("n", .integer(a.n)),
    ("events", .integer(a.events)),
    ("n_dropped", .integer(a.droppedCount)),
    ("iterations", .integer(f.iterations)),
    ("converged", .boolean(f.converged)),
    ("var", matrix(f.variance, p)),
    ("means", .numbers(f.means, nanAsNil: true)),
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
  if a.isRobust { fields.append(("naive_var", matrix(f.naiveVariance, p))) }
  if let cluster = a.cluster { fields.append(("cluster", .string(cluster))) }
  if !a.strata.isEmpty { fields.append(("strata", .strings(a.strata))) }
  if let w = a.options.weights { fields.append(("weights", .string(w))) }
  return .table(LuaTable(fields: fields))
}
