import Analysis
import Datasets
import LuaHost
import Survival

/// Flexible parametric survival models (issue 20): `flexsurv()` fits the
/// Gompertz, the generalised gamma and the Royston–Parmar spline models as
/// R's flexsurv parametrises them; `m:predict`, `m:rmst`, `m:aic`, `m:bic`.
/// A function of its own rather than more `dist` values of `survreg()`:
/// survreg's result is R's `survreg` (AFT coefficients, one scale, R's
/// printout), while these models have several ancillary parameters, other
/// signs of the covariate effects and flexsurv's printout. The handle is the
/// `FlexsurvAnalysis`.
struct FlexsurvLibrary: KaplanLibrary {
  let name = "flexsurv"

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(functions: [flexsurv, predict, rmst, aic, bic] + ParametricCompareBinding.functions,
                   kinds: kinds + ParametricCompareBinding.kinds)
  }

  private var kinds: [ResultKind] { [
    ResultKind("flexsurv", section: "Survival", summary: "A flexible parametric survival model (flexsurv()).",
               fields: [
      ("formula", "the formula as given"), ("dist", "\"gompertz\", \"gengamma\" or \"spline\""),
      ("dist_name", "the family as printed"),
      ("terms", "one table per parameter: name, baseline (a family parameter), coef, se, z, p, lower, upper "
        + "(estimation scale: log of a positive parameter), est, est_lower, est_upper, est_se (natural scale)"),
      ("loglik", "{fitted}: the log-likelihood"), ("df", "number of parameters (m:aic(), m:bic())"),
      ("n", "rows used"), ("events", "events (exact times)"), ("n_dropped", "rows dropped for a missing value"),
      ("n_interval", "rows censored to an interval (left-censored ones included)"),
      ("iterations", "Newton–Raphson iterations"), ("converged", "whether the fit converged"),
      ("var", "variance matrix of the parameters on the estimation scale, rows"),
      ("score", "the score (gradient of the log-likelihood) at the estimate: about 0"),
      ("conf_level", "level of the intervals"), ("k", "spline: internal knots"), ("scale", "spline: the scale"),
      ("knots", "spline: all knots on log time (boundaries included)"), ("weights", "the weight column, if any"),
      ("warnings", "warnings of the fit (non-convergence)"),
    ], tidy: FlexsurvTidy.flexsurv),
  ] }

  static let distributions: [(String, String)] = [("gompertz", "gompertz"), ("gengamma", "gengamma"),
                                                    ("spline", "spline")]
  static let scales: [(String, RoystonParmarFamily.Scale)] = RoystonParmarFamily.Scale.allCases.map {
    ($0.rawValue, $0)
  }
  private static let types: [(String, FlexiblePredictionType)] =
    FlexiblePredictionType.allCases.map { ($0.rawValue, $0) }

  private var flexsurv: KaplanFunction {
    KaplanFunction(
      "flexsurv", section: "Survival", signature: "flexsurv(d, formula [, opts])",
      summary: "Flexible parametric survival model, as R's flexsurvreg (dist = \"gompertz\": h(t) = rate·"
        + "exp(shape·t); \"gengamma\": Prentice's generalised gamma (mu, sigma, Q)) and flexsurvspline "
        + "(dist = \"spline\": Royston–Parmar, k internal knots at quantiles of the log event times, scale "
        + "\"hazard\", \"odds\" or \"normal\"). Covariates act on the location (log rate, mu, gamma0); anc = "
        + "{shape = \"~ x\"} puts covariates on another parameter. Printed as flexsurv: est, L95%, U95%, se "
        + "(natural scale), exp(est) for covariates. Response Surv(time, event), Surv(entry, time, event) "
        + "(left truncation), Surv(t1, t2, type = \"interval2\") (left-, right-, interval-censored and exact rows, "
        + "as survreg) or Surv(t, event, type = \"left\"); times > 0. For the Weibull, exponential, log-normal "
        + "and log-logistic use survreg().",
      options: [
        OptionSpec.choice("dist", Self.distributions, default: "gompertz",
                          doc: "\"gompertz\", \"gengamma\" or \"spline\""),
        OptionSpec("k", .integer(.nonNegative), default: .integer(0),
                   doc: "spline: number of internal knots (flexsurvspline's k)"),
        OptionSpec.choice("scale", Self.scales, default: "hazard",
                          doc: "spline: \"hazard\" (log cumulative hazard), \"odds\" (log cumulative odds) or "
                            + "\"normal\" (probit)"),
        OptionSpec("anc", .table, defaultText: "none",
                   doc: "covariates on ancillary parameters, e.g. {shape = \"~ arm\"} (gompertz: shape; "
                     + "gengamma: sigma, Q; spline: gamma1, ...)"),
        OptionSpec("weights", .column, doc: "column of case weights (> 0)"),
        OptionSpec("max_iter", .integer(.nonNegative), default: .integer(100), doc: "Newton–Raphson iterations"),
        OptionSpec("conf_level", .number(.probability), default: .number(0.95), doc: "level of the intervals"),
      ],
      optionsArgument: 3, returns: "flexsurv",
      example: """
        local lung = dataset("lung")
        local m = flexsurv(lung, "Surv(time, status) ~ sex", {dist = "gompertz"})
        print(m)
        print(m:aic(), m:bic(), m.terms[1].est)
        print(flexsurv(lung, "Surv(time, status) ~ sex", {dist = "spline", k = 1}))
        print(tidy(flexsurv(lung, "Surv(time, status) ~ 1", {dist = "gengamma"})))
        """
    ) { call in
      let (dataset, formula) = try analysisArguments(call)
      let o = call.options
      var options = FlexsurvAnalysisOptions()
      let dist = try o.choice("dist", Self.distributions)
      let k = try o.integer("k")
      let scale = try o.choice("scale", Self.scales)
      if dist != "spline" && (o.has("k") || o.has("scale")) {
        throw call.lua.argumentError(3, "options 'k' and 'scale' are for dist = \"spline\", got dist = \"\(dist)\"")
      }
      switch dist {
      case "gengamma": options.distribution = .gengamma
      case "spline": options.distribution = .spline(knots: k, scale: scale)
      default: options.distribution = .gompertz
      }
      if case .table(let t)? = try o.value("anc") {
        if !t.array.isEmpty {
          throw call.lua.argumentError(3, "option 'anc' must name parameters, e.g. {shape = \"~ arm\"}")
        }
        for (key, value) in t.fields {
          guard case .string(let rhs) = value else {
            throw call.lua.argumentError(3, "option 'anc': '\(key)' must be a formula string such as \"~ arm\"")
          }
          options.ancillary[key] = rhs
        }
      }
      options.weights = try o.optionalString("weights")
      options.maxIterations = try o.integer("max_iter")
      options.confidenceLevel = try o.number("conf_level")
      let analysis = try FlexsurvAnalysis(dataset: dataset, formula: formula, options: options)
      try FlexsurvIdentifiability.check(analysis)
      return try call.result(FlexsurvEncoding.flexsurv(analysis), of: analysis)
    }
  }

  private var predict: KaplanFunction {
    KaplanFunction(
      "predict", receiver: "flexsurv", section: "Survival", signature: "m:predict([newdata] [, opts])",
      summary: "Predictions of a flexsurv model for each row of newdata (default: one profile at the average "
        + "covariate row, as flexsurv's summary), or their sample average (average = true; without newdata the "
        + "fitted rows), as the other models' predict: a dataset with row (not for the average), time (p for "
        + "quantiles; none for the mean), fit, se_fit, conf_low, conf_high. Standard errors by the delta "
        + "method (numeric gradient); intervals on log(-log S) for the survival and on the log scale otherwise; "
        + "bootstrap = B refits on B resamples (two cores, seeded) for percentile intervals.",
      options: [
        OptionSpec.choice("type", Self.types, default: "survival",
                          doc: "\"survival\", \"hazard\", \"cumhaz\", \"quantile\", \"rmst\" or \"mean\""),
        OptionSpec("times", .numbers, defaultText: "required for survival, hazard, cumhaz and rmst",
                   doc: "times (rmst: horizons)"),
        OptionSpec("p", .numbers, defaultText: "{0.5}", doc: "probabilities of type = \"quantile\""),
        OptionSpec("average", .boolean, default: .boolean(false),
                   doc: "the sample average over the rows of newdata (the fitted rows without newdata), as "
                     + "flexsurv's standsurv: mean S, hazard sum(f)/sum(S), cumhaz -log(mean S), mean of the "
                     + "restricted means and means (not for quantiles)"),
      ] + PredictOptionReader.intervalOptions,
      optionsArgument: 2, returns: nil,
      example: """
        local lung = dataset("lung")
        local m = flexsurv(lung, "Surv(time, status) ~ sex", {dist = "gengamma"})
        print(m:predict(lung:head(2), {type = "survival", times = {365, 730}}))
        print(m:predict(nil, {type = "quantile", p = {0.5}}))
        print(m:predict(lung, {type = "survival", times = {365}, average = true}))
        print(m:predict(lung:head(1), {type = "rmst", times = {1000}, bootstrap = 10, seed = 1}))
        """
    ) { call in
      let model = try call.receiver(as: FlexsurvAnalysis.self)
      let newdata = try call.newdataArgument()
      let type = try call.options.choice("type", Self.types)
      // Argument 3 is the options table (#2 as the method's messages count them, self not counted).
      let reader = PredictOptionReader(call: call, argument: 3)
      try reader.belongs("p", to: "quantile", type: type.rawValue)
      if type == .quantile || type == .mean { try reader.refuse(["times"], for: type.rawValue) }
      let at: [Double]
      switch type {
      case .quantile: at = try call.options.optionalNumbers("p") ?? [0.5]
      case .mean: at = []
      default: at = try reader.numbers("times", for: type.rawValue, verb: "required")
      }
      var request = FlexiblePredictionRequest(type: type, at: at)
      if let bad = FlexsurvAnalysis.pointProblem(request) {
        throw reader.error("option '\(bad.option)' \(bad.problem)")
      }
      request.average = try reader.average()
      if request.average && type == .quantile {
        try reader.refuse(["average"], for: type.rawValue, why: "the quantile of a mixture is not an average")
      }
      let interval = try reader.interval()
      request.confidenceLevel = interval.confidenceLevel
      request.bootstrap = interval.bootstrap
      request.seed = interval.seed
      let result: FlexiblePredictionResult
      do {
        result = try model.predict(newdata: newdata, request)
      } catch let error as ModelFrameError {
        throw call.lua.argumentError(2, error.message)
      }
      for w in result.warnings { RunWarnings.emit(line: "Warning in predict(): \(w)") }
      return [.object(try LuaDataset(try Self.dataset(result)))]
    }
  }

  /// The predictions in the vocabulary of every `m:predict` (`PredictionColumns`).
  static func dataset(_ r: FlexiblePredictionResult) throws -> Dataset {
    var names: [String] = []
    var columns: [Column] = []
    if !r.average {
      names.append(PredictionColumns.row)
      columns.append(.int(r.profile))
    }
    switch r.type {
    case .quantile: names.append(PredictionColumns.probability); columns.append(.double(r.at))
    case .mean: break
    default: names.append(PredictionColumns.time); columns.append(.double(r.at))
    }
    names += PredictionColumns.estimates
    columns += [.double(r.estimate), .double(r.se), .double(r.lower), .double(r.upper)]
    return try Dataset(names: names, columns: columns)
  }

  private var rmst: KaplanFunction {
    KaplanFunction(
      "rmst", receiver: "flexsurv", section: "Survival", signature: "m:rmst(tau [, newdata])",
      summary: "Restricted mean survival time up to tau (extrapolated beyond follow-up): the integral of the "
        + "fitted survival, with delta-method se and interval, at the average covariate row or per newdata row.",
      returns: nil,
      example: """
        local m = flexsurv(dataset("lung"), "Surv(time, status) ~ 1", {dist = "spline", k = 1})
        print(m:rmst({365, 1500}))
        """
    ) { call in
      let model = try call.receiver(as: FlexsurvAnalysis.self)
      let taus = try numberList(call.lua, 2, what: "horizons")
      var newdata: Dataset? = nil
      if call.lua.isObject(3, of: LuaDataset.self) {
        newdata = try call.lua.object(3, as: LuaDataset.self).dataset
      } else if !call.lua.isNil(3) {
        throw call.lua.argumentError(3, "dataset expected, got \(call.lua.typeName(3))")
      }
      for t in taus where !(t > 0 && t.isFinite) {
        throw call.lua.argumentError(2, "tau must be a positive finite number, got \(OptionValues.shown(.number(t)))")
      }
      let result = try model.predict(newdata: newdata, type: .rmst, at: taus)
      return [.object(try LuaDataset(try Self.dataset(result)))]
    }
  }

  private var aic: KaplanFunction {
    KaplanFunction(
      "aic", receiver: "flexsurv", section: "Survival", signature: "m:aic()",
      summary: "Akaike's information criterion: -2 loglik + 2 k (k parameters), as flexsurv's AIC.",
      returns: nil,
      example: "print(flexsurv(dataset(\"lung\"), \"Surv(time, status) ~ sex\"):aic())"
    ) { call in [.number(try call.receiver(as: FlexsurvAnalysis.self).aic)] }
  }

  private var bic: KaplanFunction {
    KaplanFunction(
      "bic", receiver: "flexsurv", section: "Survival", signature: "m:bic()",
      summary: "Bayesian information criterion: -2 loglik + log(n) k (n rows used).",
      returns: nil,
      example: "print(flexsurv(dataset(\"lung\"), \"Surv(time, status) ~ sex\"):bic())"
    ) { call in [.number(try call.receiver(as: FlexsurvAnalysis.self).bic)] }
  }
}
