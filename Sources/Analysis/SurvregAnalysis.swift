import Datasets
import Foundation
import Survival

/// Options of a parametric survival regression, as R `survreg`'s arguments
/// (`dist`, `weights`, `robust`, `scale`, `init`) and `survreg.control`'s
/// (`iter.max`, `rel.tolerance`).
public struct SurvregAnalysisOptions: Sendable, Equatable {
  public var distribution: SurvregDistribution = .weibull
  /// Column of case weights (> 0, as R's survreg requires).
  public var weights: String? = nil
  /// Robust (sandwich) variance; nil is R's default: robust with `cluster()`.
  public var robust: Bool? = nil
  /// A fixed scale (R `scale = s`); nil estimates it.
  public var scale: Double? = nil
  public var initial: [Double]? = nil
  public var maxIterations = 30
  public var tolerance = 1e-9
  public var confidenceLevel = 0.95

  public init() {}
}

/// A parametric (accelerated failure time) survival regression of a dataset
/// on a formula, as R `survival` 3.5 `survreg(formula, data, weights, dist,
/// scale, robust)` with `na.action = na.omit`, printed as `summary(survreg)`.
///
/// The response is `Surv(time, event)` (right-censored), `Surv(time, event,
/// type = "left")`, or `Surv(lower, upper, type = "interval2")` (R's
/// interval2: a missing lower end is left-censoring at the upper, a missing
/// upper end right-censoring at the lower, equal ends an exact time). The
/// right-hand side is that of `cox()` with an intercept, `strata(x)` giving
/// each stratum its own scale, `cluster(id)` a robust variance and
/// `offset(x)` a fixed term of the linear predictor. The numerics are
/// `SurvregModel.fit` (Survival/Parametric).
public struct SurvregAnalysis: Sendable {
  public let formula: Formula
  public let options: SurvregAnalysisOptions
  /// "(Intercept)" then the design columns, in the order of `fit.coefficients`.
  public let coefficients: [CoefficientLabel]
  public let fit: SurvregFit
  /// The variance used for the tests: the robust one when robust.
  public let variance: [Double]
  /// The model-based variance when robust.
  public let naiveVariance: [Double]?
  public let n: Int
  public let events: Int
  public let droppedCount: Int
  /// Strata labels (one scale each); empty without `strata()`.
  public let strata: [String]
  public let cluster: String?
  public let warnings: [String]
  public let dataset: Dataset
  /// For predictions: the coding of covariate profiles with the fit's levels.
  let profile: DesignProfile
  let strataGrouping: Grouping?
  /// The rows fitted (response, design, weights, offsets, strata), for the bootstrap.
  public let fittedData: SurvregData

  public var distribution: SurvregDistribution { fit.distribution }
  public var isRobust: Bool { naiveVariance != nil }

  public init(dataset: Dataset, formula: Formula, options: SurvregAnalysisOptions = SurvregAnalysisOptions()) throws {
    let formula = try formula.resolvingDot(in: dataset, weights: options.weights)
    let dist = options.distribution
    if !formula.timeTransformVariables.isEmpty {
      throw ModelFrameError("tt() terms are for cox(); survreg() has no time-varying covariates")
    }
    if let scale = options.scale, !(scale > 0 && scale.isFinite) {
      throw ModelFrameError("scale must be a positive number, got \(RValueFormat.number(scale))")
    }
    let response = try SurvregResponse.Columns(formula: formula, dataset: dataset, distribution: dist)
    let frameFormula = Formula(
      text: formula.text, response: SurvResponse(stop: SurvregResponse.timeName, event: SurvregResponse.eventName),
      terms: formula.terms, strata: formula.strata, cluster: formula.cluster, offsets: formula.offsets,
      strataPosition: formula.strataPosition, removedColumns: formula.removedColumns)
    var frameOptions = ModelFrameOptions()
    frameOptions.weights = options.weights
    let frame = try ModelFrame(dataset: response.dataset, formula: frameFormula, options: frameOptions)
    let y = try response.values(rows: frame.selection)
    // One array per column, a numeric variable's being the dataset's own: the design is written once, below.
    let design = try DesignMatrix(frame: frame, columnArrays: true)
    let p = design.columnCount + 1
    let n = frame.count
    try Self.checkDesign(design, frame: frame)
    if let weights = frame.weights, let name = options.weights {
      for (i, w) in weights.enumerated() where !(w > 0) {
        throw ModelFrameError(
          "row \(frame.rows[i] + 1): weight \(RValueFormat.number(w)) in column '\(name)'; "
            + "survreg case weights must be > 0 (as in R)")
      }
    }
    if !y.status.contains(where: { $0 != .right }) {
      throw ModelFrameError(
        "all \(n) rows used are right-censored (column '\(formula.response.event)'): "
          + "there is nothing to estimate the distribution from")
    }
    if let scale = options.scale, frame.strata != nil, dist.fixedScale == nil {
      throw ModelFrameError(
        "scale = \(RValueFormat.number(scale)) fixes one scale, but strata() asks for one per stratum")
    }
    let x = Self.columnMajor(design, rows: n)
    let data = SurvregData(
      y1: y.lower, y2: y.upper, status: y.status, columns: x, p: p, weights: frame.weights, offset: frame.offset,
      strata: frame.strata?.index, strataCount: frame.strata?.labels.count ?? 1)
    var fitOptions = SurvregOptions()
    fitOptions.maxIterations = options.maxIterations
    fitOptions.tolerance = options.tolerance
    fitOptions.fixedScale = options.scale
    fitOptions.initial = options.initial
    let fit: SurvregFit
    do {
      fit = try SurvregModel.fit(data, distribution: dist, options: fitOptions)
    } catch SurvregInputError.initialLength(let expected, let actual) {
      let names = (["(Intercept)"] + design.columnNames).joined(separator: ", ")
      throw ModelFrameError(
        "init has \(actual) value\(actual == 1 ? "" : "s") but the model has \(expected) "
          + "coefficient\(expected == 1 ? "" : "s") (\(names)), optionally followed by the log-scales")
    }
    let robust = options.robust ?? (frame.cluster != nil)
    if robust {
      let v = SurvregRobustVariance.sandwich(
        data, fit: fit, cluster: frame.cluster ?? Array(0..<n))
      self.variance = v
      self.naiveVariance = fit.variance
    } else {
      self.variance = fit.variance
      self.naiveVariance = nil
    }
    self.formula = formula
    self.options = options
    self.fit = fit
    self.coefficients = [CoefficientLabel(name: "(Intercept)", term: "(Intercept)", variable: "(Intercept)",
                                          level: nil, referenceLevel: nil)]
      + CoefficientLabel.labels(design: design, frame: frame)
    self.n = n
    self.events = fit.events
    self.droppedCount = frame.droppedCount
    self.strata = frame.strata?.labels ?? []
    self.strataGrouping = frame.strata
    self.cluster = robust ? formula.cluster : nil
    self.dataset = dataset
    self.fittedData = data
    self.profile = DesignProfile(frame: frame, design: design)
    var warnings = frame.transformWarnings
    if !fit.converged {
      warnings.append("Ran out of iterations and did not converge (\(fit.iterations) iterations; raise max_iter)")
    }
    for case .belowNullModel(let loglik, let null) in fit.warnings {
      warnings.append(
        "the model's log-likelihood (\(String(format: "%.2f", loglik))) is below the intercept-only "
          + "model's (\(String(format: "%.2f", null))): the fit did not reach the maximum (an extreme "
          + "time? try init)")
    }
    let q = fit.parameterCount
    let names = ["(Intercept)"] + design.columnNames
    for j in 0..<p where fit.variance[j * q + j] == 0 {
      // R sets such a coefficient to NA (its variance row is 0).
      warnings.append("X matrix deemed to be singular; coefficient \(names[j]) is not estimable (R gives NA)")
    }
    if frame.cluster != nil && !robust {
      warnings.append("cluster specified with robust=FALSE, cluster ignored")
    }
    self.warnings = warnings
  }

  /// The fitter's column-major n × p design: the intercept column, then the design's columns, written once
  /// into one fresh array (no intermediate matrix).
  static func columnMajor(_ design: DesignMatrix, rows n: Int) -> [Double] {
    let p = design.columnCount + 1
    return [Double](unsafeUninitializedCapacity: n * p) { buffer, initialized in
      initialized = 0
      guard let base = buffer.baseAddress else { return }
      base.initialize(repeating: 1, count: n)
      for j in 0..<design.columnCount {
        design.column(j).withUnsafeBufferPointer { column in
          let target = base + (j + 1) * n, count = min(n, column.count)
          if let source = column.baseAddress { target.initialize(from: source, count: count) }
          if count < n { (target + count).initialize(repeating: .nan, count: n - count) }  // never: n rows each
        }
      }
      initialized = n * p
    }
  }

  static func checkDesign(_ design: DesignMatrix, frame: ModelFrame) throws {
    for j in 0..<design.columnCount {
      for (i, v) in design.column(j).enumerated() where !v.isFinite {
        throw ModelFrameError(
          "row \(frame.rows[i] + 1): covariate '\(design.columnNames[j])' is \(RValueFormat.number(v)); "
            + "covariates must be finite")
      }
    }
  }

  /// The parameter count q = p + number of log-scales.
  public var parameterCount: Int { fit.parameterCount }

  /// Standard errors from `variance`.
  public var standardErrors: [Double] {
    let q = parameterCount
    return (0..<q).map { variance[$0 * q + $0].squareRoot() }
  }

  /// The names of the parameters as R's summary prints them: the
  /// coefficients, then "Log(scale)" (one scale) or, per stratum, its label
  /// (the level alone for one strata variable, as R's `levels(strata)`).
  public var parameterNames: [String] {
    let scaleNames: [String]
    if fit.logScales.isEmpty {
      scaleNames = []
    } else if strata.isEmpty {
      scaleNames = ["Log(scale)"]
    } else if formula.strata.count == 1, let name = formula.strata.first {
      scaleNames = strata.map { $0.hasPrefix(name + "=") ? String($0.dropFirst(name.count + 1)) : $0 }
    } else {
      scaleNames = strata
    }
    return coefficients.map(\.name) + scaleNames
  }

  // AIC and BIC: `ParametricModelSummary`.
}
