import Analysis
import Datasets
import Foundation
import LuaHost
import Survival

/// Competing risks, declared through the binding layer: `cuminc` (R
/// `cmprsk` `cuminc`, with `survival::survfit`'s multi-state variance as an
/// option), `ci:at` (`cmprsk::timepoints`), `finegray` (`cmprsk::crr`) and
/// `m:predict` (`predict.crr`).
///
/// The handle of a `cuminc` result is its `CompetingRisksAnalysis`, and of a
/// `finegray` result its `FineGrayAnalysis`: `ci:at` and `m:predict` read
/// them, never the (editable) result table. `stdlib/kaplan/competing.lua`
/// prints the results.
struct CompetingRisksLibrary: KaplanLibrary {
  let name = "competing"

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(functions: [cuminc, at, finegray, predict], kinds: kinds)
  }

  private var kinds: [ResultKind] { [
    ResultKind("cuminc", section: "Competing risks", summary: "Cumulative incidence curves (cuminc()).", fields: [
      ("formula", "the formula as given"), ("n", "rows used"), ("n_dropped", "rows dropped for a missing value"),
      ("causes", "the causes reported"), ("all_causes", "every cause in the data"),
      ("censor", "the status value meaning censored"), ("groups", "the group labels (nil for ~ 1)"),
      ("strata", "the strata of Gray's test, if any"),
      ("curves", "per group and cause: group, cause, n, events, time, est, var, lower, upper, n_risk, n_event, "
        + "n_censor (every time with an event or censoring)"),
      ("tests", "Gray's test per cause (two or more groups): cause, statistic, df, p"),
      ("conf_type", "CI transformation"), ("conf_level", "confidence level"),
      ("variance", "\"aalen\" or \"ij\""), ("rho", "the weight power of Gray's test"),
    ], tidy: CompetingRisksTidy.cuminc),
    ResultKind("cuminc_at", section: "Competing risks", summary: "Cumulative incidence at chosen times (ci:at()).",
               fields: [
                 ("time", "the times, sorted and unique"),
                 ("curves", "per group and cause: group, cause, est, var, lower, upper, n_risk (NA as nil)"),
                 ("formula", "the formula"), ("causes", "the causes"), ("conf_type", "CI transformation"),
                 ("conf_level", "confidence level"), ("variance", "\"aalen\" or \"ij\""),
               ], tidy: CompetingRisksTidy.at),
    ResultKind("finegray", section: "Competing risks",
               summary: "A Fine–Gray subdistribution hazards model (finegray()).", fields: [
      ("formula", "the formula as given"), ("cause", "the cause modelled"), ("competing", "the competing causes"),
      ("censor", "the status value meaning censored"),
      ("terms", "one table per coefficient: name, term, variable, level, reference_level, coef, shr, se, z, p, "
        + "lower, upper"),
      ("n", "rows used"), ("n_dropped", "rows dropped for a missing value"), ("events", "events of the cause"),
      ("competing_events", "events of the other causes"), ("censored", "censored rows"),
      ("cengroup", "the censoring-group column, if any"), ("cengroups", "its groups"),
      ("conf_level", "level of the SHR intervals"), ("var", "variance matrix (rows)"),
      ("loglik", "pseudo log-likelihood at the fit"), ("loglik_null", "pseudo log-likelihood at 0"),
      ("lr_test", "pseudo likelihood-ratio test: statistic, df, p"),
      ("iterations", "Newton–Raphson iterations"), ("converged", "whether the fit converged"),
      ("variables", "the model's variables, in order"), ("uftime", "the failure times"),
      ("bfitj", "the baseline jumps at uftime"), ("warnings", "warnings of the fit (non-convergence)"),
    ], tidy: CompetingRisksTidy.finegray),
    ResultKind("finegray_predict", section: "Competing risks",
               summary: "Predicted cumulative incidence of a Fine–Gray model (m:predict()).", fields: [
                 ("time", "the failure times"), ("formula", "the model's formula"), ("cause", "the cause"),
                 ("curves", "per profile: label, profile, covariates (its design row), est (at each time)"),
               ], tidy: CompetingRisksTidy.predict),
  ] }

  private static let confLevel = OptionSpec(
    "conf_level", .number(.probability), default: .number(0.95), doc: "confidence level")
  private static let censor = OptionSpec(
    "censor", .either(.number(.any), .string), defaultText: "0 for numbers, \"censored\" for strings",
    doc: "the status value meaning censored")
  private static let confTypes: [(String, CumulativeIncidence.ConfidenceType)] = [
    ("log-log", .logLog), ("plain", .plain),
  ]
  private static let variances = CumulativeIncidenceVariance.allCases.map { ($0.rawValue, $0) }

  /// The myeloid data as competing risks, for the examples: complete
  /// response (1) versus death before it (2); 0 censored.
  private static let myeloid = """
    local my = dataset("myeloid")
    local t, e = {}, {}
    for i, r in my:rows() do
      t[i] = r.crtime or r.futime
      e[i] = r.crtime and 1 or (r.death == 1 and 2 or 0)
    end
    my = my:with{ t = t, event = e }
    """

  private var cuminc: KaplanFunction {
    KaplanFunction(
      "cuminc", section: "Competing risks", signature: "cuminc(d, formula [, opts])",
      summary: "Cumulative incidence of competing risks per group and cause (Aalen–Johansen) with Gray's test, "
        + "as R's cmprsk::cuminc. Formula: Surv(time, status) ~ group + strata(s): status holds cause codes "
        + "or labels; groups are the combinations of the terms (~ 1 for one curve); strata() stratifies "
        + "Gray's test.",
      options: [
        Self.censor,
        OptionSpec("cause", .either(.number(.any), .string), defaultText: "all causes",
                   doc: "report one cause only, e.g. 1 or \"relapse\""),
        Self.confLevel,
        OptionSpec.choice("conf_type", Self.confTypes, default: "log-log",
                          doc: "\"log-log\" (as SAS and most trial reports) or \"plain\""),
        OptionSpec("rho", .number(.any), default: .number(0), doc: "weight power of Gray's test"),
        OptionSpec.choice("variance", Self.variances, default: "aalen",
                          doc: "\"aalen\" (cmprsk::cuminc's variance) or \"ij\" (survival::survfit's multi-state "
                            + "infinitesimal jackknife)"),
      ],
      optionsArgument: 3, returns: "cuminc",
      example: Self.myeloid + """

        local ci = cuminc(my, "Surv(t, event) ~ trt")
        print(ci)
        print(ci:at{100, 365, 1000})
        print(cuminc(my, "Surv(t, event) ~ trt", {cause = 1, variance = "ij"}).tests[1].p)
        """
    ) { call in
      let (dataset, formula) = try analysisArguments(call)
      let o = call.options
      var options = CompetingRisksOptions()
      options.censor = try statusValue(o, "censor")
      options.cause = try statusValue(o, "cause")
      options.confidenceLevel = try o.number("conf_level")
      options.confidenceType = try o.choice("conf_type", Self.confTypes)
      options.rho = try o.number("rho")
      options.variance = try o.choice("variance", Self.variances)
      let analysis = try CompetingRisksAnalysis(dataset: dataset, formula: formula, options: options)
      return try call.result(CompetingRisksEncoding.cuminc(analysis), of: analysis)
    }
  }

  private var at: KaplanFunction {
    KaplanFunction(
      "at", receiver: "cuminc", section: "Competing risks", signature: "ci:at(times)",
      summary: "Cumulative incidence, its variance and CI at the given times, per group and cause, as "
        + "cmprsk::timepoints (times sorted and made unique; NA past a group's follow-up).",
      returns: "cuminc_at",
      example: Self.myeloid + """

        print(cuminc(my, "Surv(t, event) ~ trt"):at{100, 365, 1000})
        """
    ) { call in
      let analysis = try call.receiver(as: CompetingRisksAnalysis.self)
      let times = try numberList(call.lua, 2, what: "times")
      let (sorted, curves) = try analysis.at(times)
      return call.result(
        try CompetingRisksEncoding.at(analysis, times: sorted, curves),
        of: CumulativeIncidenceAtResult(analysis: analysis, times: sorted, curves: curves))
    }
  }

  private var finegray: KaplanFunction {
    KaplanFunction(
      "finegray", section: "Competing risks", signature: "finegray(d, formula [, opts])",
      summary: "Fine–Gray proportional subdistribution hazards regression, as R's cmprsk::crr. Formula: "
        + "Surv(time, status) ~ terms; a + b, a:b, a*b, factor(x); string columns are factors (the first "
        + "level is the reference), coded as in cox().",
      options: [
        OptionSpec("cause", .either(.number(.any), .string), defaultText: "the first cause (crr's failcode = 1)",
                   doc: "the cause modelled"),
        Self.censor,
        OptionSpec("conf_level", .number(.probability), default: .number(0.95),
                   doc: "level of the SHR confidence intervals"),
        OptionSpec("cengroup", .column, doc: "column whose groups each get their own censoring distribution "
                     + "(crr's cengroup)"),
        OptionSpec("max_iter", .integer(.nonNegative), default: .integer(10),
                   doc: "Newton–Raphson iterations (crr's maxiter)"),
      ],
      optionsArgument: 3, returns: "finegray",
      example: Self.myeloid + """

        local m = finegray(my, "Surv(t, event) ~ trt + sex", {cause = 1})
        print(m)
        print(m:predict{ {trt = "A", sex = "f"}, {trt = "B", sex = "f"} })
        plot(m, {file = "shr.svg"})
        """
    ) { call in
      let (dataset, formula) = try analysisArguments(call)
      let o = call.options
      var options = FineGrayOptions()
      options.censor = try statusValue(o, "censor")
      options.cause = try statusValue(o, "cause")
      options.confidenceLevel = try o.number("conf_level")
      options.censoringGroup = try o.optionalString("cengroup")
      options.maxIterations = try o.integer("max_iter")
      let analysis = try FineGrayAnalysis(dataset: dataset, formula: formula, options: options)
      return try call.result(CompetingRisksEncoding.finegray(analysis), of: analysis)
    }
  }

  private var predict: KaplanFunction {
    KaplanFunction(
      "predict", receiver: "finegray", section: "Competing risks", signature: "m:predict(profiles)",
      summary: "Predicted cumulative incidence of the model's cause for covariate profiles, as predict.crr: "
        + "{ {rx = \"Obs\", age = 60}, {rx = \"Lev+5FU\", age = 60} }, one profile, or design rows of numbers "
        + "in the order of m.terms.",
      returns: "finegray_predict",
      example: Self.myeloid + """

        local m = finegray(my, "Surv(t, event) ~ trt + sex")
        print(m:predict{ {trt = "A", sex = "f"}, {trt = "B", sex = "m"} })
        print(m:predict{trt = "B", sex = "f"}.curves[1].est[10])
        """
    ) { call in
      let model = try call.receiver(as: FineGrayAnalysis.self)
      let profiles = try predictProfiles(call.lua, 2)
      let rows = try profiles.map { p -> [Double] in
        switch p {
        case .named: return try model.profile.row(p.dictionary)
        case .row(let x): return x
        }
      }
      let cif = try model.predict(rows: rows)
      let curves: [LuaValue] = try zip(profiles, zip(rows, cif)).map { p, rc in
        .record([
          "label": .string(label(p, model)), "profile": p.value,
          "covariates": try ResultArray.numbers(rc.0), "est": try ResultArray.numbers(rc.1),
        ])
      }
      let table: LuaValue = .record([
        "formula": .string(model.formula.text), "cause": .string(model.cause),
        "time": try ResultArray.numbers(model.fit.failureTimes), "curves": .array(curves),
      ])
      let prediction = FineGrayPredictionResult(
        model: model, labels: profiles.map { label($0, model) }, incidence: cif)
      return call.result(table, of: prediction)
    }
  }
}

/// A status value option (`censor`, `cause`): a code (number) or a label (string).
private func statusValue(_ options: OptionValues, _ key: String) throws -> StatusValue? {
  switch try options.value(key) {
  case .integer(let i)?: return .code(Double(i))
  case .number(let x)?: return .code(x)
  case .string(let s)?: return .label(s)
  default: return nil
  }
}

/// A profile for `predict`: variable → value, or a row of design values.
private enum Profile {
  case named([(String, ProfileValue)])
  case row([Double])

  var dictionary: [String: ProfileValue] {
    guard case .named(let pairs) = self else { return [:] }
    return Dictionary(pairs, uniquingKeysWith: { a, _ in a })
  }

  /// The profile as given, for the result table.
  var value: LuaValue {
    switch self {
    case .row(let x): return .numbers(x, nanAsNil: true)
    case .named(let pairs):
      return .table(LuaTable(fields: pairs.map { key, v in
        switch v {
        case .number(let x): return (key, .number(x))
        case .text(let s): return (key, .string(s))
        case .boolean(let b): return (key, .boolean(b))
        }
      }))
    }
  }
}

/// "rx=Lev, age=60": a named profile in the model's variable order, or a
/// design row by the coefficients' names.
private func label(_ profile: Profile, _ model: FineGrayAnalysis) -> String {
  func text(_ x: Double) -> String { String(format: "%.6g", x) }
  switch profile {
  case .row(let x):
    return x.enumerated().map { j, v in
      (j < model.terms.count ? model.terms[j].name : "x\(j + 1)") + "=" + text(v)
    }.joined(separator: ", ")
  case .named:
    let values = profile.dictionary
    return model.profile.variables.compactMap { name in
      switch values[name] {
      case .number(let x)?: return "\(name)=\(text(x))"
      case .text(let s)?: return "\(name)=\(s)"
      case .boolean(let b)?: return "\(name)=\(b)"
      case nil: return nil
      }
    }.joined(separator: ", ")
  }
}

/// `m:predict(profiles)`'s argument at `index`: one profile (`{age = 60,
/// rx = "Lev"}` or a design row `{0, 1, 60}`) or an array of them.
private func predictProfiles(_ call: LuaCall, _ index: Int) throws -> [Profile] {
  guard case .table(let t) = try call.value(index) else {
    throw call.argumentError(
      index, "profiles expected (a table such as {age = 60, rx = \"Lev\"} or an array of them), got "
        + call.typeName(index))
  }
  if t.array.isEmpty && t.fields.isEmpty {
    throw call.argumentError(index, "no profiles given (e.g. m:predict{ {age = 60, rx = \"Lev\"} })")
  }
  let isList = t.fields.isEmpty && t.array.allSatisfy { if case .table = $0 { return true } else { return false } }
  let items = isList ? t.array.compactMap(\.tableValue) : [t]
  return try items.enumerated().map { i, p in
    let which = isList ? "profile \(i + 1)" : "the profile"
    if !p.array.isEmpty {
      guard p.fields.isEmpty else {
        throw call.argumentError(index, "\(which) mixes named values and a row of numbers")
      }
      return .row(try p.array.map { v in
        guard v.typeName == "number", let x = v.doubleValue else {
          throw call.argumentError(index, "\(which) must hold numbers in a design row, got \(v.typeName)")
        }
        return x
      })
    }
    return .named(try p.fields.map { key, v in
      switch v {
      case .integer(let x): return (key, .number(Double(x)))
      case .number(let x): return (key, .number(x))
      case .string(let s): return (key, .text(s))
      case .boolean(let b): return (key, .boolean(b))
      default:
        throw call.argumentError(
          index, "'\(key)' in \(which) must be a number, string or boolean, got \(v.typeName)")
      }
    })
  }
}
