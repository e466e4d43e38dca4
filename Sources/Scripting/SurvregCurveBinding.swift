import Analysis
import Datasets
import LuaHost
import Survival

/// The curve types of `m:predict` (survival, hazard, cumhaz, rmst, mean)
/// and `m:rmst(tau)`, for the survreg library: options, reading them, and
/// the dataset they return (`SurvregAnalysis.predictCurves`).
enum SurvregCurveBinding {
  /// What `m:predict`'s `type` names: R's predict.survreg types or a curve.
  enum Kind: Sendable {
    case classic(SurvregPredictionType)
    case curve(SurvregCurveType)
  }

  static let types: [(String, Kind)] =
    SurvregPredictionType.allCases.map { ($0.rawValue, .classic($0)) }
    + SurvregCurveType.allCases.map { ($0.rawValue, .curve($0)) }

  static let typeDoc =
    "\"lp\" (linear predictor, log-time scale for the log-time families), \"response\" (the time: exp(lp) for "
    + "them), \"quantile\" (time quantiles), or the curves \"survival\", \"hazard\", \"cumhaz\" (at times), "
    + "\"rmst\" (restricted mean to tau) and \"mean\""

  /// Options shared by the curve types and `m:rmst`.
  static let sharedOptions: [OptionSpec] = [
    OptionSpec("average", .boolean, default: .boolean(false),
               doc: "the sample average over the rows of newdata (as flexsurv's standsurv): mean S, "
                 + "hazard sum(f)/sum(S), cumhaz -log(mean S), mean of the restricted means and means"),
  ] + PredictOptionReader.intervalOptions

  static let predictOptions: [OptionSpec] = [
    OptionSpec("times", .numbers, doc: "times (>= 0) of type \"survival\", \"hazard\" or \"cumhaz\""),
    OptionSpec("tau", .number(.any), doc: "horizon (> 0) of type \"rmst\""),
  ] + sharedOptions

  static let curveKeys = ["times", "tau", "average", "bootstrap", "seed", "conf_level"]

  /// The request from the options (type-specific checks included).
  static func request(
    _ call: KaplanCall, model: SurvregAnalysis, type: SurvregCurveType, tau: Double?, argument: Int
  ) throws -> SurvregCurveRequest {
    let o = call.options
    let reader = PredictOptionReader(call: call, argument: argument)
    var request = SurvregCurveRequest(type: type)
    switch type {
    case .survival, .hazard, .cumhaz:
      try reader.belongs("tau", to: "rmst", type: type.rawValue)
      request.times = try reader.numbers("times", for: type.rawValue, verb: "needed")
    case .rmst:
      try reader.refuse(["times"], for: "rmst")
      guard let tau = try tau ?? o.optionalNumber("tau") else {
        throw reader.missing("tau", for: "rmst", verb: "needed")
      }
      request.times = [tau]
    case .mean:
      try reader.refuse(["times", "tau"], for: "mean")
    }
    request.average = try reader.average()
    let interval = try reader.interval()
    request.confidenceLevel = interval.confidenceLevel ?? model.options.confidenceLevel
    request.bootstrap = interval.bootstrap
    request.seed = interval.seed
    return request
  }

  /// The prediction as a dataset in the one vocabulary of `m:predict` (`PredictionColumns`): row (1-based
  /// row of newdata; not for the average), time (the horizon for rmst; none for mean), fit, se_fit,
  /// conf_low, conf_high.
  static func dataset(_ r: SurvregCurvePrediction) throws -> Dataset {
    var names: [String] = [], columns: [Column] = []
    let perProfile = max(1, r.times.count)
    if !r.average {
      names.append("row")
      columns.append(.double((0..<(r.profiles * perProfile)).map { Double($0 / perProfile + 1) }))
    }
    if !r.times.isEmpty {
      names.append(PredictionColumns.time)
      columns.append(.double((0..<(r.profiles * perProfile)).map { r.times[$0 % perProfile] }))
    }
    names += PredictionColumns.estimates
    columns += [.double(r.fit), .double(r.se), .double(r.lower), .double(r.upper)]
    return try Dataset(names: names, columns: columns)
  }

  static func predict(
    _ call: KaplanCall, model: SurvregAnalysis, newdata: Dataset?, type: SurvregCurveType
  ) throws -> [LuaValue] {
    // Argument 2 is newdata, 3 the options (#1 and #2 as the method's messages count them).
    let request = try request(call, model: model, type: type, tau: nil, argument: 3)
    let result: SurvregCurvePrediction
    do {
      result = try model.predictCurves(newdata: newdata, request)
    } catch let error as ModelFrameError {
      // Every error of a request is about an argument: times or tau (the options), or newdata.
      let option = error.message.hasPrefix("times ") || error.message.hasPrefix("tau ")
      throw call.lua.argumentError(option ? 3 : 2, error.message)
    }
    for w in result.warnings { RunWarnings.emit(line: "Warning in predict(): \(w)") }
    return [.object(try LuaDataset(try dataset(result)))]
  }

  static var rmst: KaplanFunction {
    KaplanFunction(
      "rmst", receiver: "survreg", section: "Survival", signature: "m:rmst(tau [, opts])",
      summary: "Restricted mean survival time to tau of a survreg model, integral of S(t) from 0 to tau by adaptive "
        + "Gauss-Kronrod quadrature (relative tolerance 1e-10), extrapolated by the model beyond follow-up, "
        + "with a delta-method standard error and a log-scale interval (or the bootstrap's). By default the "
        + "average over the fitted rows; give newdata for profiles. A dataset: (row,) time (= tau), fit, se_fit, "
        + "conf_low, conf_high.",
      options: [
        OptionSpec("newdata", .datasetValue, defaultText: "the fitted data, averaged",
                   doc: "covariate profiles (one restricted mean per row unless average = true)"),
      ] + sharedOptions.map { spec in
        spec.key == "average"
          ? OptionSpec("average", .boolean, defaultText: "true without newdata, false with it", doc: spec.doc)
          : spec
      },
      optionsArgument: 2, returns: nil,
      example: """
        local lung = dataset("lung")
        local m = survreg(lung, "Surv(time, status) ~ age + sex")
        print(m:rmst(365))                                 -- the sample average to one year
        print(m:rmst(1500, {newdata = lung:head(2)}))      -- extrapolated, per profile
        """
    ) { call in
      let model = try call.receiver(as: SurvregAnalysis.self)
      let tau = try call.lua.number(2)
      var newdata: Dataset?
      if case .object(let o)? = try call.options.value("newdata"), let d = o as? LuaDataset { newdata = d.dataset }
      var request = try request(call, model: model, type: .rmst, tau: tau, argument: 3)
      if !call.options.has("average") { request.average = newdata == nil }
      let result: SurvregCurvePrediction
      do {
        result = try model.predictCurves(newdata: newdata, request)
      } catch let error as ModelFrameError {
        let tauError = error.message.hasPrefix("tau ")
        throw call.lua.argumentError(tauError ? 2 : 3, (tauError ? "" : "option 'newdata': ") + error.message)
      }
      for w in result.warnings { RunWarnings.emit(line: "Warning in rmst(): \(w)") }
      return [.object(try LuaDataset(try dataset(result)))]
    }
  }
}
