import Analysis
import Datasets
import LuaHost
import Survival

/// Parametric (accelerated failure time) survival regression, declared
/// through the binding layer: `survreg` (R `survival` 3.5 `survreg`),
/// `m:predict` (R `predict.survreg` with `se.fit = TRUE`), `m:aic()`,
/// `m:bic()`. The handle of a result is its `SurvregAnalysis`; methods read
/// it, never the (editable) result table. `stdlib/kaplan/survreg.lua` prints
/// the result as R's `summary(survreg)`.
struct SurvregLibrary: KaplanLibrary {
  let name = "survreg"

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(functions: [survreg, predict, aic, bic, SurvregCurveBinding.rmst], kinds: kinds)
  }

  private var kinds: [ResultKind] { [
    ResultKind("survreg", section: "Survival", summary: "A parametric survival regression (survreg()).", fields: [
      ("formula", "the formula as given"), ("dist", "the distribution (\"weibull\", ...)"),
      ("dist_name", "the distribution as R prints it"),
      ("terms", "one table per coefficient: name, term, variable, level, reference_level, coef, se, "
        + "(naive_se,) z, p, lower, upper"),
      ("log_scale", "one table per estimated log-scale (per stratum): name, (stratum,) coef, se, z, p, lower, upper"),
      ("scale", "the scale (an array with strata)"), ("scales", "the scale of each stratum"),
      ("scale_fixed", "whether the scale was fixed (exponential, or the scale option)"),
      ("loglik", "{null, fitted}: the log-likelihood of the intercept-only model and of the model"),
      ("chisq", "{statistic, df, p}: the likelihood-ratio test against the intercept-only model"),
      ("n", "rows used"), ("events", "uncensored rows"), ("n_dropped", "rows dropped for a missing value"),
      ("iterations", "Newton–Raphson iterations"), ("converged", "whether the fit converged"),
      ("var", "variance matrix of (coefficients, log-scales), rows (robust when robust)"),
      ("naive_var", "the model-based variance, when robust"),
      ("score", "the score (gradient of the log-likelihood) at the estimate: about 0"),
      ("conf_level", "level of the Wald intervals"), ("robust", "whether the variance is robust"),
      ("cluster", "the cluster() column, if any"), ("strata", "the strata labels, if any"),
      ("weights", "the case-weight column, if any"),
      ("ph", "Weibull and exponential with one scale: the proportional-hazards form as Stata's streg: "
        + "{terms = {name, coef, se, hr, z, p, lower, upper}, shape, shape_se}"),
      ("warnings", "warnings of the fit (non-convergence)"),
    ], tidy: SurvregTidy.survreg),
  ] }

  private static let distributions: [(String, SurvregDistribution)] =
    SurvregDistribution.allCases.map { ($0.rawValue, $0) }

  private var survreg: KaplanFunction {
    KaplanFunction(
      "survreg", section: "Survival", signature: "survreg(d, formula [, opts])",
      summary: "Parametric (accelerated failure time) survival regression, as R's survreg, printed as "
        + "summary(survreg): coefficients on the log-time scale (Value, Std. Error, z, p), the scale, the "
        + "log-likelihoods and the chi-square test against the intercept-only model. Response: Surv(time, "
        + "event), Surv(time, event, type = \"left\"), or Surv(lower, upper, type = \"interval2\") (a missing "
        + "lower end is left-censoring, a missing upper end right-censoring). strata(x) gives each stratum its "
        + "own scale; cluster(id) a robust variance; offset(x) as in cox(). Weibull and exponential fits also "
        + "give hazard ratios exp(-coef/scale) and the shape 1/scale (m.ph, as Stata's streg).",
      options: [
        OptionSpec.choice(
          "dist", Self.distributions, default: "weibull",
          doc: "\"weibull\", \"exponential\", \"lognormal\", \"loglogistic\" (log-time, times > 0), or "
            + "\"gaussian\", \"logistic\", \"extreme\" (on the time itself)"),
        OptionSpec("weights", .column, doc: "column of case weights (> 0)"),
        OptionSpec("robust", .boolean, defaultText: "true with cluster(id) (as R)",
                   doc: "robust (sandwich) standard errors"),
        OptionSpec("scale", .number(.positive), defaultText: "estimated",
                   doc: "fix the scale at this value (R's scale; not with strata)"),
        OptionSpec("init", .numbers, defaultText: "R's starting values",
                   doc: "initial coefficients (intercept first), optionally followed by the log-scales"),
        OptionSpec("max_iter", .integer(.nonNegative), default: .integer(30),
                   doc: "Newton–Raphson iterations (R's iter.max)"),
        OptionSpec("tol", .number(.positive), default: .number(1e-9),
                   doc: "convergence on the relative change of the log-likelihood (R's rel.tolerance)"),
        OptionSpec("conf_level", .number(.probability), default: .number(0.95),
                   doc: "level of the Wald intervals (terms' lower/upper, tidy's conf_low/conf_high)"),
      ],
      optionsArgument: 3, returns: "survreg",
      example: """
        local lung = dataset("lung")
        local m = survreg(lung, "Surv(time, status) ~ age + sex")
        print(m)
        print(m.scale, m.loglik.fitted, m:aic())
        print(m.ph.terms[3].hr, m.ph.shape)
        print(survreg(lung, "Surv(time, status) ~ age + sex", {dist = "lognormal"}).terms[3].coef)
        print(tidy(survreg(dataset("veteran"), "Surv(time, status) ~ trt + karno + strata(celltype)")))
        """
    ) { call in
      let (dataset, formula) = try analysisArguments(call)
      let o = call.options
      var options = SurvregAnalysisOptions()
      options.distribution = try o.choice("dist", Self.distributions)
      options.weights = try o.optionalString("weights")
      options.robust = try o.optionalBoolean("robust")
      options.scale = try o.optionalNumber("scale")
      options.initial = try o.optionalNumbers("init")
      options.maxIterations = try o.integer("max_iter")
      options.tolerance = try o.number("tol")
      options.confidenceLevel = try o.number("conf_level")
      let analysis = try SurvregAnalysis(dataset: dataset, formula: formula, options: options)
      return try call.result(SurvregEncoding.survreg(analysis), of: analysis)
    }
  }

  private var predict: KaplanFunction {
    KaplanFunction(
      "predict", receiver: "survreg", section: "Survival", signature: "m:predict([newdata] [, opts])",
      summary: "Predictions of a survreg model, as R's predict.survreg with se.fit = TRUE: a dataset with "
        + "columns fit and se_fit (delta method), one row per row of newdata (or of the fitted data; NA where "
        + "a covariate is missing). type = \"quantile\" gives the p-quantiles of the time, one row per row "
        + "and p, with a column p. newdata needs the model's strata and offset columns; the offset is part of "
        + "every prediction (R 3.5 leaves it out for new data). The curve types (\"survival\", \"hazard\", "
        + "\"cumhaz\" at times; \"rmst\" to tau; \"mean\") give a dataset with columns row, time (tau for rmst), "
        + "fit, se_fit (delta method in (coefficients, log-scales)), conf_low and conf_high (survival on the "
        + "log(-log S) scale, the others on the log scale; the mean of gaussian, logistic and extreme models as "
        + "it is), per row of newdata or averaged over them (average = true, as flexsurv's standsurv); bootstrap = B "
        + "refits on B resamples for percentile intervals. A row with a missing covariate is then an error.",
      options: [
        OptionSpec.choice("type", SurvregCurveBinding.types, default: "lp", doc: SurvregCurveBinding.typeDoc),
        OptionSpec("p", .numbers, defaultText: "{0.5}",
                   doc: "probabilities of type = \"quantile\" (each in (0, 1))"),
        OptionSpec("se", .boolean, default: .boolean(true), doc: "include the se_fit column"),
      ] + SurvregCurveBinding.predictOptions,
      optionsArgument: 2, returns: nil,
      example: """
        local lung = dataset("lung")
        local m = survreg(lung, "Surv(time, status) ~ age + sex")
        print(m:predict(lung:head(3), {type = "response"}))
        print(m:predict(lung:head(2), {type = "quantile", p = {0.25, 0.5}}))
        print(m:predict(lung:head(2), {type = "survival", times = {180, 365}}))
        print(m:predict(lung, {type = "survival", times = {365, 730}, average = true}))
        print(m:predict(lung:head(1), {type = "rmst", tau = 1000, bootstrap = 20, seed = 1}))
        """
    ) { call in
      let model = try call.receiver(as: SurvregAnalysis.self)
      let newdata = try call.newdataArgument()
      let type: SurvregPredictionType
      switch try call.options.choice("type", SurvregCurveBinding.types) {
      case .curve(let curve):
        if call.options.has("p") { throw call.lua.argumentError(3, "option 'p' is for type = \"quantile\"") }
        return try SurvregCurveBinding.predict(call, model: model, newdata: newdata, type: curve)
      case .classic(let classic):
        for key in SurvregCurveBinding.curveKeys where call.options.has(key) {
          throw call.lua.argumentError(3, "option '\(key)' is for the curve types (survival, hazard, ...)")
        }
        type = classic
      }
      let ps = try call.options.optionalNumbers("p") ?? [0.5]
      if call.options.has("p"), type != .quantile {
        throw call.lua.argumentError(2, "option 'p' is for type = \"quantile\"")
      }
      let result: SurvregPredictionResult
      do {
        result = try model.predict(newdata: newdata, type: type, probabilities: ps)
      } catch let error as ModelFrameError where newdata != nil {
        throw call.lua.argumentError(2, error.message)
      }
      var names = ["fit"]
      var fit: [Double] = []
      var se: [Double] = []
      var pColumn: [Double] = []
      let rows = result.fit.first?.count ?? 0
      for r in 0..<rows {
        for c in result.fit.indices {
          fit.append(result.fit[c][r])
          se.append(result.se[c][r])
          if type == .quantile { pColumn.append(result.probabilities[c]) }
        }
      }
      var columns: [Column] = [.double(fit)]
      if type == .quantile {
        names.insert("p", at: 0)
        columns.insert(.double(pColumn), at: 0)
      }
      if try call.options.boolean("se") {
        names.append("se_fit")
        columns.append(.double(se))
      }
      return [.object(try LuaDataset(try Dataset(names: names, columns: columns)))]
    }
  }

  private var aic: KaplanFunction {
    KaplanFunction(
      "aic", receiver: "survreg", section: "Survival", signature: "m:aic()",
      summary: "Akaike's information criterion, as R's AIC(m): -2 loglik + 2 k (k: coefficients and "
        + "estimated log-scales).",
      returns: nil,
      example: "print(survreg(dataset(\"lung\"), \"Surv(time, status) ~ age + sex\"):aic())"
    ) { call in
      [.number(try call.receiver(as: SurvregAnalysis.self).aic)]
    }
  }

  private var bic: KaplanFunction {
    KaplanFunction(
      "bic", receiver: "survreg", section: "Survival", signature: "m:bic()",
      summary: "Bayesian information criterion, as R's BIC(m): -2 loglik + log(n) k (n rows used).",
      returns: nil,
      example: "print(survreg(dataset(\"lung\"), \"Surv(time, status) ~ age + sex\"):bic())"
    ) { call in
      [.number(try call.receiver(as: SurvregAnalysis.self).bic)]
    }
  }
}
