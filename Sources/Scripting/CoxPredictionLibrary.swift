import Analysis
import Datasets
import LuaHost
import Survival

/// Predictions and tests of a fitted Cox model, declared through the binding
/// layer as methods of the `cox` result: `m:predict` (R `predict.coxph`),
/// `m:survfit` (R `survfit.coxph`; the result is a km result, so it prints,
/// reads with `:at{}`/`:quantile{}` and plots as one), `m:baseline` (R
/// `basehaz`), `m:aic`/`m:bic` (R `AIC`/`BIC`) and `m:test`/`m:contrast`
/// (Wald tests of linear hypotheses). The numbers come from
/// `Analysis/CoxPrediction.swift` and `Analysis/CoxHypothesis.swift`.
struct CoxPredictionLibrary: KaplanLibrary {
  let name = "cox_predict"

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(functions: [predict, survfit, baseline, aic, bic, test, contrast, adjusted], kinds: kinds)
  }

  private var kinds: [ResultKind] { [
    ResultKind("cox_wald", section: "Survival", summary: "Wald test of linear hypotheses on Cox coefficients.",
               fields: [
                 ("statistic", "Wald chi-square (Lβ)ᵀ(LVLᵀ)⁻¹(Lβ)"), ("df", "rank of L"), ("p", "p-value"),
                 ("estimate", "Lβ per row of L"), ("se", "standard error of each row's Lβ"),
                 ("names", "the coefficients tested (m:test) or nil"),
               ], tidy: CoxWaldTidy.wald)
  ] }

  /// The types of `predict`; nil is "terms" (a column per term, `CoxAnalysis.predictTerms`).
  private static let types: [(String, CoxPredictionType?)] =
    CoxPredictionType.allCases.map { ($0.rawValue, $0) } + [("terms", nil)]
  private static let references: [(String, CoxPredictionReference)] =
    CoxPredictionReference.allCases.map { ($0.rawValue, $0) }
  private static let confTypes: [(String, ConfidenceType)] = ConfidenceType.allCases.map { ($0.rawValue, $0) }

  private var predict: KaplanFunction {
    KaplanFunction(
      "predict", receiver: "cox", section: "Survival", signature: "m:predict([newdata] [, opts])",
      summary: "Predictions of a Cox model, as R's predict.coxph with se.fit = TRUE: a dataset with columns fit "
        + "and se_fit, one row per row of newdata, or per row of the fitted data (NA for rows dropped for "
        + "missing values). type = \"expected\" or \"survival\" with newdata needs its Surv() columns; a model "
        + "with offset() needs the offset column in newdata. type = \"terms\" gives one column per term (R's "
        + "term labels) and se_<term> columns; the terms add up to lp without its offset.",
      options: [
        OptionSpec.choice("type", Self.types, default: "lp",
                          doc: "\"lp\" (linear predictor), \"risk\" (exp(lp)), \"expected\" (events expected "
                            + "by each row's time), \"survival\" (exp(-expected)) or \"terms\" (lp per term)"),
        OptionSpec.choice("reference", Self.references, default: "strata",
                          doc: "centring of lp, risk and terms: \"strata\" (the stratum's means, as R; for "
                            + "terms R's default is \"sample\"), \"sample\" (the fit's means) or \"zero\""),
      ],
      optionsArgument: 2, returns: nil,
      example: """
        local lung = dataset("lung")
        local m = cox(lung, "Surv(time, status) ~ age + sex")
        local profiles = lung:head(3)
        print(m:predict(profiles, {type = "risk"}))
        print(m:predict(nil, {type = "survival"}):head(3))
        print(m:predict(profiles, {type = "terms"}))
        """
    ) { call in
      let model = try call.receiver(as: CoxAnalysis.self)
      let newdata = try call.newdataArgument()
      let reference = try call.options.choice("reference", Self.references)
      do {
        guard let type = try call.options.choice("type", Self.types) else {
          // R's default reference for terms is "sample".
          let t = try model.predictTerms(
            newdata: newdata, reference: call.options.has("reference") ? reference : .sample)
          let names = t.terms + t.terms.map { "se_" + $0 }
          let columns = (t.fit + t.se).map { Column.double($0) }
          return [.object(try LuaDataset(try Dataset(names: names, columns: columns)))]
        }
        let p = try model.predict(newdata: newdata, type: type, reference: reference)
        let dataset = try Dataset(names: ["fit", "se_fit"], columns: [.double(p.fit), .double(p.se)])
        return [.object(try LuaDataset(dataset))]
      } catch let error as ModelFrameError where newdata != nil {
        throw call.lua.argumentError(2, error.message)
      }
    }
  }

  private var survfit: KaplanFunction {
    KaplanFunction(
      "survfit", receiver: "cox", section: "Survival", signature: "m:survfit([newdata] [, opts])",
      summary: "Predicted survival curves of a Cox model, as R's survfit(m, newdata): one curve per row of "
        + "newdata (in its stratum; per stratum when newdata has no strata column), or the curve at the fit's "
        + "means. Standard errors as R (Tsiatis); a km result: print it, read it with :at{} and :quantile{}, "
        + "plot it. The default interval is log-log, as km's (R's survfit.coxph default is \"log\").",
      options: [
        OptionSpec.choice("conf_type", Self.confTypes, default: "log-log",
                          doc: "interval transformation, as km's (R's default here is \"log\")"),
        OptionSpec("conf_level", .number(.probability), default: .number(0.95), doc: "confidence level"),
      ],
      optionsArgument: 2, returns: "km",
      example: """
        local lung = dataset("lung")
        local m = cox(lung, "Surv(time, status) ~ age + sex")
        local curves = m:survfit(lung:head(2))
        print(curves)
        print(curves:at{180, 365})
        """
    ) { call in
      let model = try call.receiver(as: CoxAnalysis.self)
      let newdata = try call.newdataArgument()
      let curves: KaplanMeierAnalysis
      do {
        curves = try model.survfit(
          newdata: newdata, confType: try call.options.choice("conf_type", Self.confTypes),
          confLevel: try call.options.number("conf_level"))
      } catch let error as ModelFrameError where newdata != nil {
        throw call.lua.argumentError(2, error.message)
      }
      var table = try SurvivalEncoding.km(curves)
      if case .table(var t) = table {
        // The km printer's first line names what the curves are.
        t.fields.append(("title", .string("Predicted survival from a Cox model (survfit)")))
        table = .table(t)
      }
      return call.result(table, of: curves)
    }
  }

  private var baseline: KaplanFunction {
    KaplanFunction(
      "baseline", receiver: "cox", section: "Survival", signature: "m:baseline([opts])",
      summary: "The baseline cumulative hazard per stratum, as R's basehaz(m, centered): a dataset with "
        + "columns hazard, time (and strata).",
      options: [OptionSpec("centered", .boolean, default: .boolean(true),
                           doc: "at the fit's means (true, as R) or at zero covariates")],
      optionsArgument: 1, returns: nil,
      example: """
        local m = cox(dataset("lung"), "Surv(time, status) ~ age + strata(sex)")
        print(m:baseline():head(3))
        """
    ) { call in
      let model = try call.receiver(as: CoxAnalysis.self)
      let table = try model.baseline(centered: try call.options.boolean("centered"))
      var names = ["hazard", "time"]
      var columns: [Column] = [.double(table.hazard), .double(table.time)]
      if !table.strata.isEmpty {
        let levels = model.strata
        let index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0)) })
        names.append("strata")
        columns.append(.factor(codes: table.strata.map { index[$0] ?? -1 }, levels: levels))
      }
      return [.object(try LuaDataset(try Dataset(names: names, columns: columns)))]
    }
  }

  private var aic: KaplanFunction {
    KaplanFunction(
      "aic", receiver: "cox", section: "Survival", signature: "m:aic()",
      summary: "Akaike's information criterion, as R's AIC(m): -2 loglik + 2 k (k coefficients estimated).",
      returns: nil,
      example: "print(cox(dataset(\"lung\"), \"Surv(time, status) ~ age + sex\"):aic())"
    ) { call in
      [.number(try call.receiver(as: CoxAnalysis.self).aic)]
    }
  }

  private var bic: KaplanFunction {
    KaplanFunction(
      "bic", receiver: "cox", section: "Survival", signature: "m:bic()",
      summary: "Bayesian information criterion, as R's BIC(m): -2 loglik + log(events) k (R counts a Cox "
        + "model's observations as its events).",
      returns: nil,
      example: "print(cox(dataset(\"lung\"), \"Surv(time, status) ~ age + sex\"):bic())"
    ) { call in
      [.number(try call.receiver(as: CoxAnalysis.self).bic)]
    }
  }

  private var test: KaplanFunction {
    KaplanFunction(
      "test", receiver: "cox", section: "Survival", signature: "m:test(names)",
      summary: "Wald test that the named coefficients are all zero (e.g. every level of a factor), with the "
        + "fit's variance (robust when robust): chi-square, df, p.",
      returns: "cox_wald",
      example: """
        local m = cox(dataset("veteran"), "Surv(time, status) ~ trt + celltype + karno")
        print(m:test{"celltypesmallcell", "celltypeadeno", "celltypelarge"})
        """
    ) { call in
      let model = try call.receiver(as: CoxAnalysis.self)
      let names = try stringList(call.lua, 2, what: "coefficient names")
      guard !names.isEmpty else {
        throw call.lua.argumentError(2, "no coefficient names given (e.g. m:test{\"armB\", \"armC\"})")
      }
      var seen = Set<String>()
      if let repeated = names.first(where: { !seen.insert($0).inserted }) {
        throw call.lua.argumentError(2, "'\(repeated)' is named twice")
      }
      let all = model.coefficients.map(\.name)
      let L = try names.map { name -> [Double] in
        guard let j = all.firstIndex(of: name) else {
          throw call.lua.argumentError(
            2, "'\(name)' is not a coefficient of the model (coefficients: \(all.joined(separator: ", ")))")
        }
        var row = [Double](repeating: 0, count: all.count)
        row[j] = 1
        return row
      }
      let w = try model.contrast(L)
      return call.result(try Self.encode(w, names: names), of: CoxWaldResult(test: w, names: names))
    }
  }

  /// A value that is not finite as R prints it: NaN, Inf, -Inf.
  static func nonFinite(_ x: Double) -> String { x.isNaN ? "NaN" : (x > 0 ? "Inf" : "-Inf") }

  private var contrast: KaplanFunction {
    KaplanFunction(
      "contrast", receiver: "cox", section: "Survival", signature: "m:contrast(L)",
      summary: "Wald test of L beta = 0 for a contrast vector or a matrix (a table of rows), one value per "
        + "coefficient in the order of m.terms.",
      returns: "cox_wald",
      example: """
        local m = cox(dataset("veteran"), "Surv(time, status) ~ trt + celltype + karno")
        print(m:contrast{0, 1, -1, 0, 0})     -- smallcell vs adeno
        """
    ) { call in
      let model = try call.receiver(as: CoxAnalysis.self)
      let L: [[Double]]
      switch try call.lua.value(2) {
      case .table(let t) where !t.array.isEmpty && t.array.allSatisfy({ $0.typeName == "table" }):
        L = try t.array.enumerated().map { r, item in
          guard case .table(let row) = item else { return [] }
          return try row.array.enumerated().map { j, v in
            guard let x = v.doubleValue, v.typeName == "number" else {
              throw call.lua.argumentError(2, "row \(r + 1), entry \(j + 1) of L is a \(v.typeName), not a number")
            }
            guard x.isFinite else {
              throw call.lua.argumentError(
                2, "row \(r + 1), entry \(j + 1) of L is \(Self.nonFinite(x)), not a finite number")
            }
            return x
          }
        }
      default:
        L = [try numberList(call.lua, 2, what: "numbers")]
        if let j = L[0].firstIndex(where: { !$0.isFinite }) {
          throw call.lua.argumentError(2, "entry \(j + 1) of L is \(Self.nonFinite(L[0][j])), not a finite number")
        }
      }
      do {
        let w = try model.contrast(L)
        return call.result(try Self.encode(w, names: nil), of: CoxWaldResult(test: w, names: nil))
      } catch let error as ModelFrameError {
        throw call.lua.argumentError(2, error.message)
      }
    }
  }

  private static let intervals: [(String, AdjustedCurvesInterval)] =
    AdjustedCurvesInterval.allCases.map { ($0.rawValue, $0) }

  private var adjusted: KaplanFunction {
    KaplanFunction(
      "adjusted_curves", section: "Survival", signature: "adjusted_curves(m, d [, opts])",
      summary: "Covariate-adjusted survival curves by direct standardisation (adjustedCurves' \"direct\" "
        + "method): for each level of `by`, the mean over the rows of d of the model's predicted curves with "
        + "`by` set to that level, each row in its own stratum for a model with strata(). Intervals: delta method "
        + "(ci = \"delta\", transformed as conf_type, as km's) or bootstrap percentiles (ci = \"bootstrap\", "
        + "refitting the model to `reps` resamples drawn with `seed`). A km result: print, :at{}, plot (the risk "
        + "table counts the observed rows of each group of d).",
      options: [
        OptionSpec("by", .column, doc: "the column whose levels get one curve each (required)"),
        OptionSpec.choice("ci", Self.intervals, default: "delta",
                          doc: "\"delta\" (delta-method standard errors), \"bootstrap\" (percentile intervals) or "
                            + "\"none\""),
        OptionSpec.choice("conf_type", Self.confTypes, default: "log-log",
                          doc: "transformation of the delta-method interval, as km's"),
        OptionSpec("conf_level", .number(.probability), default: .number(0.95), doc: "confidence level"),
        OptionSpec("reps", .integer(.positive), default: .integer(200), doc: "bootstrap resamples"),
        OptionSpec("seed", .integer(.nonNegative), default: .integer(1), doc: "seed of the bootstrap resampling"),
      ],
      optionsArgument: 3, returns: "km",
      example: """
        local v = dataset("veteran")
        local m = cox(v, "Surv(time, status) ~ celltype + karno + age + strata(prior)")
        local adj = adjusted_curves(m, v, {by = "celltype"})
        print(adj:at{90, 180})
        local boot = adjusted_curves(m, v, {by = "celltype", ci = "bootstrap", reps = 20, seed = 7})
        print(boot:at{90})
        plot(adj, {file = "adjusted.svg", risk_table = true})
        """
    ) { call in
      let model = try call.result(1, as: CoxAnalysis.self, kind: "cox")
      let data = try call.lua.object(2, as: LuaDataset.self).dataset
      guard let by = try call.options.optionalString("by") else {
        throw call.lua.argumentError(3, "option 'by' is required (the column to standardise over)")
      }
      guard data[by] != nil else {
        throw call.lua.argumentError(3, "option 'by': the data have no column '\(by)'")
      }
      guard model.formula.variables.contains(where: { $0.columns.contains(by) }) || model.formula.strata.contains(by)
      else {
        throw call.lua.argumentError(
          3, "option 'by': '\(by)' is not a variable of the model (the curves would not differ)")
      }
      var o = CoxAdjustedCurvesOptions()
      o.interval = try call.options.choice("ci", Self.intervals)
      o.confType = try call.options.choice("conf_type", Self.confTypes)
      o.confLevel = try call.options.number("conf_level")
      o.reps = try call.options.integer("reps")
      o.seed = UInt64(try call.options.integer("seed"))
      for key in ["reps", "seed"] where o.interval != .bootstrap && call.options.has(key) {
        throw call.lua.argumentError(3, "option '\(key)' applies to ci = \"bootstrap\" only")
      }
      if o.interval != .delta && call.options.has("conf_type") {
        throw call.lua.argumentError(3, "option 'conf_type' applies to ci = \"delta\" only (bootstrap intervals "
                                       + "are percentiles)")
      }
      let curves: KaplanMeierAnalysis
      do {
        curves = try model.adjustedCurves(data: data, by: by, options: o)
      } catch let error as ModelFrameError {
        throw call.lua.argumentError(2, error.message)
      }
      var table = try SurvivalEncoding.km(curves)
      if case .table(var t) = table {
        let how =
          switch o.interval {
          case .none: ""
          case .delta: "; delta-method CIs"
          case .bootstrap: "; bootstrap percentile CIs, \(o.reps) resamples, seed \(o.seed)"
          }
        t.fields.append(("title", .string("Adjusted survival (direct standardisation\(how))")))
        if o.interval == .bootstrap {
          // The printout names the interval: percentiles, not a transformation of an se.
          t.fields = t.fields.map { $0.0 == "conf_type" ? ($0.0, .string("bootstrap percentile")) : $0 }
        }
        table = .table(t)
      }
      return call.result(table, of: curves)
    }
  }

  static func encode(_ w: CoxWaldTest, names: [String]?) throws -> LuaValue {
    .record([
      "statistic": .number(w.statistic), "df": .integer(w.df), "p": .number(w.p),
      "estimate": try ResultArray.numbers(w.estimate), "se": try ResultArray.numbers(w.se),
      "names": names.map { .strings($0) } ?? .nil,
    ])
  }
}
