import Analysis
import Datasets
import LuaHost
import Survival

/// Cox regression, declared through the binding layer: `cox` (R `survival`
/// 3.5 `coxph`), `m:anova()` (R `anova(m)`, the sequential analysis of
/// deviance) and `lrtest(m1, m2)` / `m1:anova(m2)` (R `anova(m1, m2)`).
///
/// The handle of a `cox` result is its `CoxAnalysis`, which keeps the
/// dataset, formula and options it was fitted with: `m:anova()` refits the
/// nested models from it, never from the (editable) result table.
/// `stdlib/kaplan/cox.lua` prints the results and passes the second model
/// of `lrtest`/`anova` as its handle.
struct CoxLibrary: KaplanLibrary {
  let name = "cox"

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(functions: [cox, anova, lrtest], kinds: kinds)
  }

  private var kinds: [ResultKind] { [
    ResultKind("cox", section: "Survival", summary: "A Cox proportional-hazards model (cox()).", fields: [
      ("formula", "the formula as given"),
      ("terms", "one table per coefficient: name, term, variable, level, reference_level, coef, hr, se, "
        + "robust_se, z, p, lower, upper, singular"),
      ("loglik", "{null, fitted}: the log partial likelihood at init and at the fit"),
      ("n", "rows used"), ("events", "events"), ("n_dropped", "rows dropped for a missing value"),
      ("iterations", "Newton–Raphson iterations"), ("converged", "whether the fit converged"),
      ("var", "variance matrix (rows; the robust one when robust)"),
      ("naive_var", "the model-based variance matrix, when robust"),
      ("means", "the column means the fit centres on"),
      ("tests", "lr, wald, score (and robust_score): {statistic, df, p}"),
      ("concordance", "{c, se}: Harrell's concordance"),
      ("ties", "\"efron\", \"breslow\" or \"exact\""), ("conf_level", "level of the HR intervals"),
      ("robust", "whether the variance is robust (sandwich)"),
      ("counting_process", "whether the response is Surv(start, stop, event)"),
      ("cluster", "the cluster() column, if any"), ("strata", "the strata labels, if any"),
      ("weights", "the case-weight column, if any"),
      ("warnings", "R's warnings of the fit (non-convergence, infinite or singular coefficients)"),
    ], tidy: CoxTidy.cox),
    ResultKind("cox_pspline", section: "Survival",
               summary: "A Cox model with pspline() terms (cox() with R's penalised splines).", fields: [
                 ("formula", "the formula as given"),
                 ("rows", "R's printed table, one table per line: label, term, kind (\"linear\", \"nonlinear\" "
                   + "or \"coefficient\"), coef, se, se2, chisq, df, p"),
                 ("coefficients", "one table per design column: name, coef, se, se2"),
                 ("df", "per term: term, df (the effective degrees of freedom)"),
                 ("theta", "per pspline term: the theta of the fit"),
                 ("theta_next", "per pspline term: the theta R's search proposed next (R prints it as Theta=)"),
                 ("spline_terms", "the pspline term labels"),
                 ("loglik", "{null, fitted}: the log partial likelihood at 0 and at the fit (unpenalised)"),
                 ("penalty", "the penalty at the fit"),
                 ("iterations", "{outer, newton}: theta updates and Newton–Raphson iterations"),
                 ("lr", "{statistic, df, p}: R's likelihood-ratio test on the summed effective df"),
                 ("var", "the variance matrix H⁻¹ (rows)"), ("var2", "R's var2, H⁻¹ I H⁻¹ (rows)"),
                 ("n", "rows used"), ("events", "events"), ("n_dropped", "rows dropped for a missing value"),
                 ("ties", "\"efron\" or \"breslow\""), ("strata", "the strata labels, if any"),
                 ("weights", "the case-weight column, if any"), ("warnings", "R's warnings of the fit"),
               ], tidy: CoxPenalisedTidy.table),
    ResultKind("cox_anova", section: "Survival", summary: "Analysis of deviance of a Cox model (m:anova()).",
               fields: [
                 ("rows", "per model: term, loglik, chisq, df, p (the first row, NULL, has loglik only)"),
                 ("formula", "the model's formula"), ("ties", "the ties method"), ("n", "rows used"),
               ], tidy: CoxTidy.anova),
    ResultKind("lrtest", section: "Survival", summary: "Likelihood-ratio test of nested Cox models (lrtest()).",
               fields: [
                 ("statistic", "2 × the difference of the log-likelihoods"), ("df", "degrees of freedom"),
                 ("p", "p-value"), ("loglik", "{model 1, model 2}"), ("formulas", "{model 1, model 2}"),
               ], tidy: CoxTidy.lrtest),
  ] }

  private static let ties: [(String, CoxTies)] = [("efron", .efron), ("breslow", .breslow), ("exact", .exact)]

  private var cox: KaplanFunction {
    KaplanFunction(
      "cox", section: "Survival", signature: "cox(d, formula [, opts])",
      summary: "Cox proportional-hazards regression, as R's coxph: hazard ratios with CIs, Wald/LR/score "
        + "tests, concordance. Formula: Surv(time, event) or Surv(start, stop, event) ~ terms; a + b, a:b, "
        + "a*b, factor(x), strata(x), cluster(id), offset(x), transforms (log(x), I(age^2)), poly(), ns(), bs(), "
        + "pspline(x, df = 4) (R's penalised spline: a cox_pspline result), tt(x) with the tt option, and '.'; "
        + "string columns are factors (the first level is the reference). "
        + "help(\"formulas\") describes them all.",
      options: [
        OptionSpec.choice(
          "ties", Self.ties, default: "efron",
          doc: "\"efron\" (as R), \"breslow\" (as SAS and Stata) or \"exact\" (conditional logistic; no case "
            + "weights; with Surv(start, stop, event) and cluster(id) the robust variance uses Breslow score "
            + "residuals, as R)"),
        OptionSpec("weights", .column, doc: "column of case weights (> 0)"),
        OptionSpec("robust", .boolean, defaultText: "true with cluster(id) or non-integer weights (as R)",
                   doc: "robust (sandwich) standard errors"),
        OptionSpec("conf_level", .number(.probability), default: .number(0.95),
                   doc: "level of the hazard-ratio confidence intervals"),
        OptionSpec("init", .numbers, defaultText: "zeros",
                   doc: "initial coefficients, one per coefficient; loglik.null and the tests are then at init, "
                     + "as in R"),
        OptionSpec("max_iter", .integer(.nonNegative), default: .integer(20),
                   doc: "Newton–Raphson iterations (R's iter.max)"),
        OptionSpec("tol", .number(.positive), default: .number(1e-9),
                   doc: "convergence tolerance on the relative change of the log-likelihood (R's eps)"),
        OptionSpec("tt", .function,
                   doc: "function(x, t) for the formula's tt(x) terms (R's tt): called at each event time t with "
                     + "the column of x for the rows at risk; returns a column or array of numbers"),
      ],
      optionsArgument: 3, returns: "cox",
      example: """
        local colon = dataset("colon")
        local deaths = colon:where(colon.etype:eq(2))
        local m = cox(deaths, "Surv(time, status) ~ rx + age + nodes + strata(sex)")
        print(m)
        print(m.terms[2].hr, m.terms[2].lower, m.terms[2].upper)
        print(cox(dataset("lung"), "Surv(time, status) ~ age + sex", {ties = "breslow"}).tests.lr.p)
        print(cox(dataset("lung"), "Surv(time, status) ~ ns(age, df = 3) + tt(age)",
                  {tt = function(x, t) return x * math.log(t) end}))
        print(cox(dataset("lung"), "Surv(time, status) ~ pspline(age, df = 4) + sex"))
        """
    ) { call in
      let (dataset, formula) = try analysisArguments(call)
      let o = call.options
      var options = CoxAnalysisOptions()
      options.ties = try o.choice("ties", Self.ties)
      options.weights = try o.optionalString("weights")
      options.robust = try o.optionalBoolean("robust")
      options.confidenceLevel = try o.number("conf_level")
      options.initial = try o.optionalNumbers("init")
      options.maxIterations = try o.integer("max_iter")
      options.tolerance = try o.number("tol")
      if formula.hasPenalisedSplines {
        if try o.value("tt") != nil {
          throw ModelFrameError("the tt option is not supported with pspline() terms")
        }
        let analysis = try PenalisedCoxAnalysis(dataset: dataset, formula: formula, options: options)
        return [try CoxPenalisedEncoding.table(analysis), .object(ResultHandle(kind: "cox_pspline", value: analysis))]
      }
      let tt = try o.value("tt").map { CoxTimeTransformBinding.transform($0, lua: call.lua) }
      let analysis = try CoxAnalysis(dataset: dataset, formula: formula, options: options, timeTransform: tt)
      return try call.result(CoxEncoding.cox(analysis), of: analysis)
    }
  }

  private var anova: KaplanFunction {
    KaplanFunction(
      "anova", receiver: "cox", section: "Survival", signature: "m:anova([m2])",
      summary: "Analysis of deviance of a Cox model, as R's anova(m): terms added one at a time, each with its "
        + "likelihood-ratio test; every nested model uses the full model's rows, strata, offset and case "
        + "weights (R drops the weights), and a robust variance is refused, as in R. With a second model, "
        + "the test of lrtest(m, m2).",
      returns: "cox_anova",
      example: """
        local m = cox(dataset("veteran"), "Surv(time, status) ~ trt + celltype + karno")
        print(m:anova())
        print(m:anova(cox(dataset("veteran"), "Surv(time, status) ~ karno")).p)
        """
    ) { call in
      let model = try call.receiver(as: CoxAnalysis.self)
      if !call.lua.isNil(2) {
        let comparison = try CoxComparison(model, try coxModel(call, 2))
        return [try CoxEncoding.comparison(comparison), .object(ResultHandle(kind: "lrtest", value: comparison))]
      }
      let table = try CoxDevianceTable(dataset: model.dataset, formula: model.formula, options: model.options)
      return try call.result(CoxEncoding.anova(table), of: table)
    }
  }

  private var lrtest: KaplanFunction {
    KaplanFunction(
      "lrtest", section: "Survival", signature: "lrtest(m1, m2)",
      summary: "Likelihood-ratio test between nested Cox models fitted to the same rows (R's anova(m1, m2)); "
        + "also m1:anova(m2).",
      returns: "lrtest",
      example: """
        local lung = dataset("lung"):where(function(r) return r["ph.ecog"] ~= nil end)
        local small = cox(lung, "Surv(time, status) ~ age")
        local big = cox(lung, "Surv(time, status) ~ age + sex + ph.ecog")
        print(lrtest(small, big))
        """
    ) { call in
      let comparison = try CoxComparison(try coxModel(call, 1), try coxModel(call, 2))
      return try call.result(CoxEncoding.comparison(comparison), of: comparison)
    }
  }
}

/// The Cox fit at argument `index`: the stdlib passes a cox result as its
/// handle, anything else as it is (and it is refused here, by type).
private func coxModel(_ call: KaplanCall, _ index: Int) throws -> CoxAnalysis {
  guard call.lua.isObject(index, of: ResultHandle.self) else {
    let type = call.lua.typeName(index)
    let got = type == "table" ? "a table not made by cox()" : type
    throw call.lua.argumentError(index, "cox result expected, got \(got)")
  }
  let handle = try call.lua.object(index, as: ResultHandle.self)
  guard let model = handle.value as? CoxAnalysis else {
    throw call.lua.argumentError(index, "cox result expected, got a \(handle.kind) result")
  }
  return model
}
