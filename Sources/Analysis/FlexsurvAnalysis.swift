import Datasets
import Foundation
import Survival

/// The families of `flexsurv()`, as flexsurv's `flexsurvreg(dist = "gompertz" | "gengamma")` and
/// `flexsurvspline(k, scale)`.
public enum FlexibleDistribution: Sendable, Hashable {
  case gompertz
  case gengamma
  case spline(knots: Int, scale: RoystonParmarFamily.Scale)

  public var name: String {
    switch self {
    case .gompertz: return "gompertz"
    case .gengamma: return "gengamma"
    case .spline: return "spline"
    }
  }

  /// The label of a comparison table ("Spline (hazard, k = 1)").
  public var label: String {
    switch self {
    case .gompertz: return "Gompertz"
    case .gengamma: return "Generalized gamma"
    case .spline(let k, let scale): return "Spline (\(scale.rawValue), k = \(k))"
    }
  }
}

/// Options of `flexsurv()`.
public struct FlexsurvAnalysisOptions: Sendable, Equatable {
  public var distribution: FlexibleDistribution = .gompertz
  public var weights: String? = nil
  /// Covariates of ancillary parameters: (parameter name, right-hand side "~ x + y").
  public var ancillary: [String: String] = [:]
  public var maxIterations = 100
  public var confidenceLevel = 0.95

  public init() {}
}

/// A flexible parametric survival model fitted by maximum likelihood, as R
/// flexsurv 2.x `flexsurvreg(dist = "gompertz" | "gengamma")` and
/// `flexsurvspline(k, scale)`: covariates on the location parameter
/// (Gompertz: log rate; generalised gamma: μ; spline: γ₀), optionally on
/// others through `ancillary` (flexsurv's `anc`), right censoring, left
/// truncation (`Surv(start, stop, event)`) and case weights. Starting values
/// come from a survreg fit of the nearest location–scale family (exponential
/// for Gompertz, Weibull for the generalised gamma and the hazard-scale
/// spline, log-logistic for odds, log-normal for normal).
public struct FlexsurvAnalysis: @unchecked Sendable {
  public let formula: Formula
  public let options: FlexsurvAnalysisOptions
  public let family: any FlexibleFamily
  public let fit: FlexibleFit
  /// Per parameter of θ: flexsurv's name ("rate", "age", "shape(armB)").
  public let parameterNames: [String]
  /// Whether θⱼ is a family parameter (printed on its natural scale) and, if so, whether it is a log.
  public let isBaseline: [Bool]
  public let n: Int
  public let events: Int
  public let droppedCount: Int
  public let dataset: Dataset
  /// The average design row (location columns, then ancillary columns): predictions without newdata.
  public let meanCovariates: [Double]
  public let warnings: [String]
  /// The rows fitted, for the bootstrap.
  public let fittedData: FlexibleData
  /// Rows censored to an interval (left-censored ones included).
  public let intervalCensored: Int
  let profile: DesignProfile
  let ancillaryProfiles: [(parameter: Int, profile: DesignProfile)]

  public var distribution: FlexibleDistribution { options.distribution }
  public var parameterCount: Int { fit.parameterCount }
  /// The spline's knots on log time (empty for the other families).
  public var knots: [Double] { (family as? RoystonParmarFamily)?.knots ?? [] }

  public init(dataset: Dataset, formula: Formula, options: FlexsurvAnalysisOptions = FlexsurvAnalysisOptions()) throws {
    let formula = try formula.resolvingDot(in: dataset, weights: options.weights)
    if !formula.strata.isEmpty || formula.cluster != nil || !formula.offsets.isEmpty
      || !formula.timeTransformVariables.isEmpty
    {
      throw ModelFrameError("strata(), cluster(), offset() and tt() terms are not supported by flexsurv()")
    }
    var frameOptions = ModelFrameOptions()
    frameOptions.weights = options.weights
    // Interval-censored and left-censored responses are read as survreg reads them (`SurvregResponse`, on
    // stand-in columns of the frame); right-censored ones, with entry times, by the model frame itself.
    let censoredResponse: SurvregResponse.Columns?
    switch formula.response.type {
    case nil: censoredResponse = nil
    case "interval2"?, "left"?:
      censoredResponse = try SurvregResponse.Columns(formula: formula, dataset: dataset, distribution: .gaussian)
    case let type?:
      throw ModelFrameError(
        "Surv(type = \"\(type)\") is not supported; flexsurv() fits right-, left- and interval-censored data "
          + "(type = \"interval2\" or \"left\")")
    }
    let frameDataset = censoredResponse?.dataset ?? dataset
    let frameFormula = censoredResponse == nil ? formula : Formula(
      text: formula.text, response: SurvResponse(stop: SurvregResponse.timeName, event: SurvregResponse.eventName),
      terms: formula.terms, strata: formula.strata, cluster: formula.cluster, offsets: formula.offsets,
      strataPosition: formula.strataPosition, removedColumns: formula.removedColumns)
    let frame = try ModelFrame(dataset: frameDataset, formula: frameFormula, options: frameOptions)
    let design = try DesignMatrix(frame: frame)
    try SurvregAnalysis.checkDesign(design, frame: frame)
    let n = frame.count
    let rows = frame.rows
    var time = frame.time
    var event = frame.event.map { $0 != 0 }
    var upper: [Double] = []
    if let censoredResponse {
      let y = try censoredResponse.values(rows: frame.selection)
      upper = [Double](repeating: .nan, count: n)
      for i in 0..<n {
        let lo = y.lower[i]
        switch y.status[i] {
        case .exact: (time[i], event[i]) = (lo, true)
        case .right: (time[i], event[i]) = (lo, false)
        case .left: (time[i], event[i], upper[i]) = (0, false, lo)
        case .interval: (time[i], event[i], upper[i]) = (lo, false, y.upper[i])
        }
        let positive = y.status[i] == .interval ? lo >= 0 && y.upper[i] > 0 : lo > 0
        if !positive {
          throw ModelFrameError(
            "row \(rows[i] + 1): time \(RValueFormat.number(lo)) in column '\(formula.response.stop)'; "
              + "times must be > 0 for these families (a lower end may be 0)")
        }
      }
      if !upper.contains(where: { !$0.isNaN }) { upper = [] }
    } else {
      for (i, t) in time.enumerated() where !(t > 0) {
        throw ModelFrameError(
          "row \(rows[i] + 1): time \(RValueFormat.number(t)) in column '\(formula.response.stop)'; "
            + "times must be > 0 for these families")
      }
    }
    if let weights = frame.weights, let name = options.weights {
      for (i, w) in weights.enumerated() where !(w > 0) {
        throw ModelFrameError(
          "row \(rows[i] + 1): weight \(RValueFormat.number(w)) in column '\(name)'; weights must be > 0")
      }
    }
    let events = event.reduce(0) { $0 + ($1 ? 1 : 0) }
    let intervalRows = upper.reduce(0) { $0 + ($1.isNaN ? 0 : 1) }
    if events == 0 && intervalRows == 0 {
      throw ModelFrameError(
        "all \(n) rows used are censored (column '\(formula.response.event)'): "
          + "there is nothing to estimate the distribution from")
    }
    // Only left-censored rows (every upper end with no lower one): the likelihood grows without bound as S
    // falls to 0 before the first time, so nothing is estimated (the fit used to report log-likelihood 0).
    let leftRows = upper.indices.reduce(0) { $0 + (!upper[$1].isNaN && time[$1] == 0 ? 1 : 0) }
    if events == 0 && leftRows == n {
      throw ModelFrameError(
        "all \(n) rows used are left-censored (no lower end in column '\(formula.response.stop)'): "
          + "there is nothing to estimate the distribution from")
    }
    let family: any FlexibleFamily
    switch options.distribution {
    case .gompertz: family = GompertzFamily()
    case .gengamma: family = GeneralizedGammaFamily()
    case .spline(let k, let scale):
      if k < 0 { throw ModelFrameError("k must be >= 0, got \(k)") }
      // Knots from the exact event times; with interval-censored rows, their upper ends join them.
      let eventTimes = zip(time, event).filter { $0.1 }.map { $0.0 } + upper.filter { !$0.isNaN }
      let distinct = Set(eventTimes).count
      if distinct < k + 2 {
        throw ModelFrameError("k = \(k) internal knots need at least \(k + 2) distinct event times, got \(distinct)")
      }
      let knots = RoystonParmarFamily.knots(eventTimes: eventTimes, internalCount: k)
      family = RoystonParmarFamily(scale: scale, knots: knots)
    }
    let p = design.columnCount
    var x = [Double](repeating: 0, count: n * p)
    design.values.withUnsafeBufferPointer { values in
      for j in 0..<p {
        let base = j * n
        for i in 0..<n { x[i * p + j] = values[base + i] }
      }
    }
    // Ancillary designs, on the same rows.
    var ancillary: [(parameter: Int, x: [Double], columns: Int)] = []
    var ancillaryProfiles: [(parameter: Int, profile: DesignProfile)] = []
    var ancillaryNames: [String] = []
    let lhs = formula.text.split(separator: "~", maxSplits: 1).first.map(String.init) ?? ""
    for key in options.ancillary.keys.sorted() {
      guard let index = family.parameterNames.firstIndex(of: key), index != family.locationIndex else {
        let names = family.parameterNames.enumerated().filter { $0.offset != family.locationIndex }.map(\.element)
        throw ModelFrameError(
          "anc: '\(key)' is not an ancillary parameter of \(options.distribution.name) (ancillary: "
            + names.joined(separator: ", ") + ")")
      }
      var rhs = options.ancillary[key] ?? ""
      rhs = rhs.trimmingCharacters(in: .whitespaces)
      if rhs.hasPrefix("~") { rhs.removeFirst() }
      var ancFormula = try Formula(parsing: lhs + "~" + rhs)
      if censoredResponse != nil {
        ancFormula = Formula(
          text: ancFormula.text, response: frameFormula.response, terms: ancFormula.terms, strata: ancFormula.strata,
          cluster: ancFormula.cluster, offsets: ancFormula.offsets, strataPosition: ancFormula.strataPosition,
          removedColumns: ancFormula.removedColumns)
      }
      let ancFrame = try ModelFrame(dataset: frameDataset, formula: ancFormula, options: frameOptions)
      guard ancFrame.rows == rows else {
        throw ModelFrameError(
          "anc: the rows with missing values of '\(rhs)' differ from the model's; drop them first (d:where)")
      }
      let ancDesign = try DesignMatrix(frame: ancFrame)
      let c = ancDesign.columnCount
      var z = [Double](repeating: 0, count: n * c)
      ancDesign.values.withUnsafeBufferPointer { values in
        for j in 0..<c { for i in 0..<n { z[i * c + j] = values[j * n + i] } }
      }
      ancillary.append((index, z, c))
      ancillaryProfiles.append((index, DesignProfile(frame: ancFrame, design: ancDesign)))
      ancillaryNames += ancDesign.columnNames.map { "\(key)(\($0))" }
    }
    let data = FlexibleData(
      time: time, entry: frame.start ?? [], event: event, weights: frame.weights, x: x, p: p,
      ancillary: ancillary, upper: upper)
    let start = try Self.start(
      options.distribution, data: data, design: x, p: p, extra: data.covariateCount - p, family: family)
    var fit = try FlexibleModel.fit(family, data, start: start, maxIterations: options.maxIterations)
    if !fit.converged, options.distribution == .gengamma {
      // A second start at the log-normal end of the family.
      var alternative = start
      let lognormal = try Self.survregStart(.lognormal, data: data, design: x, p: p)
      alternative[0] = lognormal.intercept
      alternative[1] = lognormal.logScale
      alternative[2] = 0.05
      for j in 0..<p { alternative[3 + j] = lognormal.beta[j] }
      let second = try FlexibleModel.fit(family, data, start: alternative, maxIterations: options.maxIterations)
      if second.converged || second.loglik > fit.loglik { fit = second }
    }
    self.formula = formula
    self.options = options
    self.family = family
    self.fit = fit
    self.fittedData = data
    self.intervalCensored = intervalRows
    self.parameterNames = family.parameterNames + design.columnNames + ancillaryNames
    let m = family.parameterCount
    self.isBaseline = (0..<fit.parameterCount).map { $0 < m }
    self.n = n
    self.events = events
    self.droppedCount = frame.droppedCount
    self.dataset = dataset
    self.profile = DesignProfile(frame: frame, design: design)
    self.ancillaryProfiles = ancillaryProfiles
    let q = data.covariateCount
    var means = [Double](repeating: 0, count: q)
    for i in 0..<n {
      for j in 0..<p { means[j] += x[i * p + j] }
      var offset = p
      for anc in ancillary {
        for j in 0..<anc.columns { means[offset + j] += anc.x[i * anc.columns + j] }
        offset += anc.columns
      }
    }
    self.meanCovariates = means.map { $0 / Double(n) }
    var warnings = frame.transformWarnings
    for w in fit.warnings {
      switch w {
      case .didNotConverge(let iterations):
        warnings.append("did not converge in \(iterations) iterations (the last iterate is returned; raise max_iter)")
      case .singularInformation:
        warnings.append("the information matrix is singular at the estimate: standard errors are NA")
      }
    }
    self.warnings = warnings
  }

  /// A survreg fit on the same rows (truncation ignored): intercept, log-scale, coefficients.
  static func survregStart(
    _ dist: SurvregDistribution, data: FlexibleData, design x: [Double], p: Int
  ) throws -> (intercept: Double, logScale: Double, beta: [Double]) {
    let n = data.n
    var xi = [Double](repeating: 1, count: n * (p + 1))
    for i in 0..<n { for j in 0..<p { xi[i * (p + 1) + j + 1] = x[i * p + j] } }
    var y1 = data.time.map { log($0) }
    var y2: [Double] = []
    var status: [SurvregCensoring] = data.event.map { $0 ? .exact : .right }
    if !data.upper.isEmpty {
      y2 = [Double](repeating: 0, count: n)
      for i in 0..<n where !data.upper[i].isNaN {
        if data.time[i] > 0 {
          (y2[i], status[i]) = (log(data.upper[i]), .interval)
        } else {
          (y1[i], status[i]) = (log(data.upper[i]), .left)
        }
      }
    }
    let sdata = SurvregData(y1: y1, y2: y2, status: status, x: xi, p: p + 1, weights: data.weights)
    let fit = try SurvregModel.fit(sdata, distribution: dist)
    let logScale = fit.logScales.first ?? 0
    return (fit.coefficients[0], logScale, Array(fit.coefficients.dropFirst()))
  }

  static func start(
    _ dist: FlexibleDistribution, data: FlexibleData, design x: [Double], p: Int, extra: Int, family: any FlexibleFamily
  ) throws -> [Double] {
    var theta: [Double]
    switch dist {
    case .gompertz:
      // Exponential: log rate = −η; shape starts at 0 (the exponential).
      let s = try survregStart(.exponential, data: data, design: x, p: p)
      theta = [0, -s.intercept] + s.beta.map { -$0 }
    case .gengamma:
      // Q = 1 is the Weibull.
      let s = try survregStart(.weibull, data: data, design: x, p: p)
      theta = [s.intercept, s.logScale, 1] + s.beta
    case .spline(let k, let scale):
      let base: SurvregDistribution
      switch scale {
      case .hazard: base = .weibull
      case .odds: base = .loglogistic
      case .normal: base = .lognormal
      }
      let s = try survregStart(base, data: data, design: x, p: p)
      let sigma = exp(s.logScale)
      theta = [-s.intercept / sigma, 1 / sigma] + [Double](repeating: 0, count: k) + s.beta.map { -$0 / sigma }
    }
    return theta + [Double](repeating: 0, count: extra)
  }

  /// The family's θ for a design row of covariates (location columns, then ancillary columns).
  public func rowTheta(_ theta: [Double], covariates z: [Double]) -> [Double] {
    let m = family.parameterCount
    var row = Array(theta[0..<m])
    let p = profile.columnNames.count
    var eta = 0.0
    for j in 0..<p { eta += z[j] * theta[m + j] }
    row[family.locationIndex] += eta
    var offset = p
    for anc in ancillaryProfiles {
      let c = anc.profile.columnNames.count
      var e = 0.0
      for j in 0..<c { e += z[offset + j] * theta[m + offset + j] }
      row[anc.parameter] += e
      offset += c
    }
    return row
  }
}
