import Analysis
import Datasets
import LuaHost
import Survival

/// `parametric_compare()`: the HTA comparison of parametric families
/// (`ParametricComparison`), its printed table (log-likelihood, parameters,
/// AIC, BIC sorted by AIC), `tidy()` and `plot()` (PlotFigure+Parametric).
/// Declared with the flexsurv library (`FlexsurvLibrary.install`).
enum ParametricCompareBinding {
  static var functions: [KaplanFunction] { [compare] }

  static var kinds: [ResultKind] { [
    ResultKind("parametric_compare", section: "Survival",
               summary: "A comparison of parametric survival models (parametric_compare()).", fields: [
      ("formula", "the formula as given"), ("n", "rows used"),
      ("models", "one table per model, sorted by AIC: dist, label, loglik, df, aic, bic, delta_aic, converged"),
      ("warnings", "warnings of the fits, prefixed by the model's label"),
    ], tidy: tidier),
  ] }

  static let tidier = Tidier(
    ParametricComparison.self,
    rows: "one row per model, sorted by AIC: dist, loglik, df, aic, bic, delta_aic, converged (false: the fit "
      + "stopped at its iteration limit; its warning is in the result's warnings)"
  ) { c, _ in
    var t = TidyTable()
    try t.labels("dist", c.entries.map { name($0.distribution) })
    t.numbers("loglik", c.entries.map(\.model.loglik))
    t.numbers("df", c.entries.map { Double($0.model.parameterCount) })
    t.numbers("aic", c.entries.map(\.model.aic))
    t.numbers("bic", c.entries.map(\.model.bic))
    let best = c.entries.first?.model.aic ?? 0
    t.numbers("delta_aic", c.entries.map { $0.model.aic - best })
    t.booleans("converged", c.entries.map(\.model.converged))
    return try t.dataset()
  }

  /// The name of a family as `dists` takes it ("spline" families as "spline(hazard, k=1)").
  static func name(_ d: ComparedDistribution) -> String {
    switch d {
    case .locationScale(let s): return s.rawValue
    case .flexible(.spline(let k, let scale)): return "spline(\(scale.rawValue), k=\(k))"
    case .flexible(let f): return f.name
    }
  }

  static let names = SurvregDistribution.allCases.map(\.rawValue) + ["gompertz", "gengamma", "spline"]

  /// One entry of `dists`: a name, or {"spline", k = 1, scale = "odds"}.
  static func distribution(_ value: LuaValue, index: Int, _ call: KaplanCall) throws -> ComparedDistribution {
    func bad(_ what: String) -> LuaError {
      call.lua.argumentError(3, "option 'dists': entry \(index) \(what)")
    }
    var name: String
    var k = 1
    var scale = RoystonParmarFamily.Scale.hazard
    switch value {
    case .string(let s): name = s
    case .table(let t):
      guard t.array.count == 1, case .string(let s) = t.array[0] else {
        throw bad("must be a name or {\"spline\", k = 1, scale = \"hazard\"}")
      }
      name = s
      for (key, v) in t.fields {
        switch (key, v) {
        case ("k", .integer(let i)) where i >= 0: k = i
        case ("scale", .string(let text)):
          guard let sc = RoystonParmarFamily.Scale(rawValue: text) else {
            throw bad("has scale \"\(text)\" (scales: hazard, odds, normal)")
          }
          scale = sc
        default: throw bad("has a bad field '\(key)' (k: an integer >= 0, scale: \"hazard\", \"odds\" or \"normal\")")
        }
      }
      if name != "spline" { throw bad("gives options, which only \"spline\" takes") }
    default: throw bad("must be a name or a table, got \(value.typeName)")
    }
    if let d = SurvregDistribution(rawValue: name) { return .locationScale(d) }
    switch name {
    case "gompertz": return .flexible(.gompertz)
    case "gengamma": return .flexible(.gengamma)
    case "spline": return .flexible(.spline(knots: k, scale: scale))
    default:
      throw bad("is an unknown distribution \"\(name)\" (known: " + names.joined(separator: ", ") + ")")
    }
  }

  static var compare: KaplanFunction {
    KaplanFunction(
      "parametric_compare", section: "Survival", signature: "parametric_compare(d, formula [, opts])",
      summary: "Fits several parametric survival models to the same data and ranks them by AIC, as in NICE "
        + "DSU TSD 14: log-likelihood, number of parameters, AIC and BIC. The location-scale families are "
        + "survreg() fits, gompertz, gengamma and spline flexsurv() fits. plot(fits, {km = true, horizon = t}) "
        + "draws every model's average fitted survival over the Kaplan-Meier curve; {type = \"hazard\"} the "
        + "hazards.",
      options: [
        OptionSpec("dists", .table, defaultText: "{\"exponential\", \"weibull\", \"gompertz\", \"lognormal\", "
                     + "\"loglogistic\", \"gengamma\"}",
                   doc: "families: survreg's names, \"gompertz\", \"gengamma\", \"spline\" or {\"spline\", k = 2, "
                     + "scale = \"odds\"}"),
        OptionSpec("weights", .column, doc: "column of case weights (> 0)"),
      ],
      optionsArgument: 3, returns: "parametric_compare",
      example: """
        local lung = dataset("lung")
        local fits = parametric_compare(lung, "Surv(time, status) ~ 1")
        print(fits)
        print(tidy(fits))
        print(parametric_compare(lung, "Surv(time, status) ~ sex", {dists = {"weibull", {"spline", k = 1}}}))
        """
    ) { call in
      let (dataset, formula) = try analysisArguments(call)
      var dists = ComparedDistribution.defaults
      if case .table(let t)? = try call.options.value("dists") {
        if let (key, _) = t.fields.first {
          throw call.lua.argumentError(3, "option 'dists' must be an array, but it has a field '\(key)'")
        }
        dists = try t.array.enumerated().map { try distribution($1, index: $0 + 1, call) }
        if dists.isEmpty { throw call.lua.argumentError(3, "option 'dists' must name at least one distribution") }
        if Set(dists).count != dists.count {
          throw call.lua.argumentError(3, "option 'dists' names a distribution twice")
        }
      }
      let comparison = try ParametricComparison(
        dataset: dataset, formula: formula, distributions: dists, weights: try call.options.optionalString("weights"))
      return try call.result(encode(comparison), of: comparison)
    }
  }

  static func encode(_ c: ParametricComparison) throws -> LuaValue {
    let best = c.entries.first?.model.aic ?? 0
    let models: [LuaValue] = c.entries.map { e in
      .table(LuaTable(fields: [
        ("dist", .string(name(e.distribution))), ("label", .string(e.distribution.label)),
        ("loglik", .number(e.model.loglik)), ("df", .integer(e.model.parameterCount)),
        ("aic", .number(e.model.aic)), ("bic", .number(e.model.bic)), ("delta_aic", .number(e.model.aic - best)),
        ("converged", .boolean(e.model.converged)),
      ]))
    }
    let warnings = c.entries.flatMap { e in e.model.warnings.map { "\(e.distribution.label): \($0)" } }
    return .table(LuaTable(fields: [
      ("formula", .string(c.formula.text)), ("n", .integer(c.n)), ("models", .array(models)),
      ("warnings", .strings(warnings)),
    ]))
  }
}
