import Datasets
import Survival

/// Options of a Cox regression on a dataset, as R `coxph`'s arguments and
/// `coxph.control` name them (`ties`, `weights`, `robust`, `init`,
/// `iter.max`, `eps`) and `summary.coxph`'s `conf.int`.
public struct CoxAnalysisOptions: Sendable, Equatable {
  public var ties: CoxTies = .efron
  /// Column of case weights (R `weights =`); R requires them to be > 0.
  public var weights: String? = nil
  /// Robust (sandwich) variance. `nil` is R's default: robust when the
  /// formula has a `cluster()` term or a case weight is not a whole number.
  /// `false` with a `cluster()` term ignores the cluster, as R does (with a
  /// warning).
  public var robust: Bool? = nil
  public var confidenceLevel: Double = 0.95
  /// Initial coefficients, one per design column (R `init`).
  public var initial: [Double]? = nil
  /// R `iter.max`.
  public var maxIterations: Int = 20
  /// R `eps`: convergence on the relative change of the log partial likelihood.
  public var tolerance: Double = 1e-9

  public init() {}
}

/// The label of one coefficient of a Cox model (see `CoefficientLabel`).
public typealias CoxCoefficientLabel = CoefficientLabel

/// A Cox proportional-hazards regression of a dataset on a formula, as R
/// `survival` 3.5 `coxph(formula, data, ties, weights, robust, init,
/// control = coxph.control(iter.max, eps))` with `na.action = na.omit`.
///
/// The pipeline: `Formula(parsing:)` → `ModelFrame` (incomplete rows dropped
/// and counted, strata, cluster, offset, weights) → `DesignMatrix` (R's
/// column names and treatment contrasts) → `CoxModel.fit`. The result labels
/// each coefficient with its variable and factor level. Problems with the
/// formula or the data are thrown (`FormulaError`, `ModelFrameError`, or
/// `CoxInputError` from the fitter) with messages naming the column and the
/// row of the original dataset; problems R only warns about
/// (non-convergence, infinite or collinear coefficients) are returned in
/// `warnings`.
public struct CoxAnalysis: Sendable {
  public let formula: Formula
  public let options: CoxAnalysisOptions
  /// One label per coefficient, in the order of `fit`'s vectors.
  public let coefficients: [CoxCoefficientLabel]
  public let fit: CoxFit
  /// Rows used, events among them, and rows dropped for missing values.
  public let n: Int
  public let events: Int
  public let droppedCount: Int
  /// The strata labels (`sex=1`, `sex=2`); empty without `strata()`.
  public let strata: [String]
  /// Whether the response is `Surv(start, stop, event)`.
  public let isCountingProcess: Bool
  /// The `cluster()` column, if any.
  public let cluster: String?
  /// Whether the variance is the robust (sandwich) one.
  public var isRobust: Bool { fit.robustStandardErrors != nil }
  /// R's warnings, with the coefficient names added after R's column numbers.
  public let warnings: [String]
  /// The dataset it was fitted to, for the analysis of deviance
  /// (`CoxDevianceTable`), which refits nested models to the same rows.
  public let dataset: Dataset
  /// The fit's model frame and design matrix, and what the diagnostics
  /// build from them once (`CoxDiagnosticsCache`).
  public let diagnosticsCache: CoxDiagnosticsCache

  /// Fits `formula` (R syntax, e.g. `Surv(time, status) ~ rx + age + strata(sex)`)
  /// to `dataset`; `timeTransform` is the function of the formula's `tt()`
  /// terms (R's `tt` argument), required when it has one.
  public init(
    dataset: Dataset, formula: Formula, options: CoxAnalysisOptions = CoxAnalysisOptions(),
    timeTransform: CoxTimeTransform? = nil
  ) throws {
    // A large fit frees and allocates arrays of the same sizes: it keeps
    // what it frees until it returns (`FreedMemoryRetention`).
    let (formula, frame, labels, columnNames, robust, cluster, timeTransformed, fit) =
      try FreedMemoryRetention.whileRunning(large: dataset.rowCount >= Self.retainedMemoryRows) {
        var prepared = try Self.prepare(
          dataset: dataset, formula: formula, options: options, timeTransform: timeTransform, columnArrays: true)
        let labels = CoefficientLabel.labels(design: prepared.design, frame: prepared.frame)
        let columnNames = prepared.design.columnNames
        let robust = prepared.options.robust
        let cluster = prepared.cluster
        let timeTransformed = prepared.hasTimeTransform
        let fit = try prepared.fitReleasingDesign()
        return (prepared.formula, prepared.frame, labels, columnNames, robust, cluster, timeTransformed, fit)
      }

    self.formula = formula
    self.options = options
    self.dataset = dataset
    self.coefficients = labels
    self.fit = fit
    // With tt(), R reports the subjects, not the rows of the expansion.
    self.n = timeTransformed ? frame.count : fit.n
    self.events = timeTransformed ? frame.event.filter { $0 != 0 }.count : fit.events
    self.droppedCount = frame.droppedCount
    self.strata = frame.strata?.labels ?? []
    self.isCountingProcess = frame.start != nil
    self.cluster = cluster == nil ? nil : formula.cluster
    var warnings = frame.transformWarnings + fit.warnings.map { Self.message($0, names: columnNames) }
    if frame.cluster != nil && !robust {
      warnings.insert("cluster specified with robust=FALSE, cluster ignored", at: 0)
    }
    self.warnings = warnings
    self.diagnosticsCache = CoxDiagnosticsCache(frame: timeTransformed ? nil : frame)
    // R's fit keeps its residuals with their row names; this fit keeps the row numbers its residual datasets share.
    if fit.martingale != nil && !timeTransformed { _ = diagnosticsCache.rowNumbers(count: dataset.rowCount) }
  }

  /// Rows from which a fit keeps the memory it frees until it returns: its
  /// arrays are then 16 MB and more, above glibc's own reuse.
  static let retainedMemoryRows = 1 << 21

  /// A Cox regression ready to fit: the model frame, the design matrix and
  /// the fitter's options (robust as R's default decides it).
  struct Prepared {
    let formula: Formula
    let frame: ModelFrame
    var design: DesignMatrix
    let options: CoxOptions
    /// The cluster index when the variance is robust and there is one.
    let cluster: [Int]?
    /// With tt() and ties = exact: the data expanded at the event times
    /// (R's coxph with `tt`), fitted as ordinary rows.
    var expansion: CoxTimeExpansion? = nil
    /// With tt() (Efron or Breslow ties): the risk sets and the tt() values
    /// at each event time, fitted without the expansion (`CoxTimeVaryingModel`).
    var timeTransformed: CoxTimeTransformedValues? = nil
    /// Whether the formula has tt() terms (the fit is on risk sets or an expansion).
    var hasTimeTransform: Bool { expansion != nil || timeTransformed != nil }

    /// Fits the first `columns` design columns (all of them for the model;
    /// fewer for the nested models of a deviance table).
    func fit(columns: Int, options fitOptions: CoxOptions? = nil) throws -> CoxFit {
      if var t = timeTransformed {
        return try Self.fit(&t, design: design, frame: frame, columns: columns, cluster: cluster,
                            options: fitOptions ?? options)
      }
      if let e = expansion {
        let values = columns == design.columnCount
          ? e.covariates : Array(e.covariates[0..<(columns * e.count)])
        return try CoxModel.fit(
          start: nil, stop: e.time, status: e.status, covariates: values, columns: columns,
          weights: e.weights, strata: e.strata, offset: e.offset, cluster: e.cluster,
          options: fitOptions ?? options)
      }
      let status = frame.eventDoubles
      let values = columns == design.columnCount
        ? design.values : Array(design.values[0..<(columns * design.rowCount)])
      return try CoxModel.fit(
        start: frame.start, stop: frame.time, status: status, covariates: values,
        columns: columns, weights: frame.weights, strata: frame.strata?.index,
        offset: frame.offset, cluster: cluster, options: fitOptions ?? options)
    }

    /// The whole model, handing the design matrix's values (and the events
    /// and strata as the fitter reads them) over to the fitter, which frees
    /// them once it no longer needs them (`CoxReleasableInputs`): the
    /// design is left without values.
    mutating func fitReleasingDesign() throws -> CoxFit {
      if var t = timeTransformed {
        // Handed over: the fit centres the values in place, with no copy.
        timeTransformed = nil
        return try Self.fit(&t, design: design, frame: frame, columns: design.columnCount, cluster: cluster,
                            options: options)
      }
      if expansion != nil { return try fit(columns: design.columnCount) }
      // The frame's integer events are read where they are (no Double copy).
      var inputs = CoxReleasableInputs(
        events: frame.event, covariates: design.takeCovariates(), strata: frame.strata?.index)
      return try CoxModel.fit(
        start: frame.start, stop: frame.time, inputs: &inputs, columns: design.columnCount,
        weights: frame.weights, offset: frame.offset, cluster: cluster, options: options)
    }

    /// The risk-set fit of a model with tt() terms; only the whole model
    /// (the deviance table, which would fit nested ones, refuses tt()).
    // swiftlint:disable:next function_parameter_count
    private static func fit(
      _ t: inout CoxTimeTransformedValues, design: DesignMatrix, frame: ModelFrame, columns: Int, cluster: [Int]?,
      options: CoxOptions
    ) throws -> CoxFit {
      guard columns == design.columnCount else {
        throw ModelFrameError("a model with tt() terms is fitted whole; nested models of it are not available")
      }
      return try CoxTimeVaryingModel.fit(
        riskSets: t.riskSets, covariates: design.values, columns: columns, transformed: t.transformed,
        values: &t.values, weights: frame.weights, offset: frame.offset, cluster: cluster, options: options)
    }
  }

  /// Builds the model frame and design matrix, checks the data, and settles
  /// the options as R `coxph` does.
  /// With `columnArrays` (for `fitReleasingDesign` only) the design matrix
  /// is kept as column arrays, unless the formula has tt() terms.
  static func prepare(
    dataset: Dataset, formula: Formula, options: CoxAnalysisOptions, timeTransform: CoxTimeTransform? = nil,
    columnArrays: Bool = false, penalisedSplines: Bool = false
  ) throws -> Prepared {
    let formula = try formula.resolvingDot(in: dataset, weights: options.weights)
    let ttVariables = formula.timeTransformVariables
    if let v = ttVariables.first, timeTransform == nil, let t = v.transform {
      throw FormulaError(
        formula: formula.text, position: t.position,
        message: "\(t.label) needs a time-transform function: cox(d, formula, {tt = function(x, t) ... end})")
    }
    if ttVariables.isEmpty, timeTransform != nil {
      throw ModelFrameError("the tt option is given but formula '\(formula.text)' has no tt() term")
    }
    for term in formula.terms where term.variables.count > 1 {
      if let v = term.variables.first(where: { ttVariables.contains($0) }), let t = v.transform {
        throw FormulaError(
          formula: formula.text, position: t.position, message: "\(t.label) must be a term of its own, not part of "
            + "an interaction (put the interaction in the tt function)")
      }
    }
    guard !formula.terms.isEmpty else {
      throw ModelFrameError(
        "formula '\(formula.text)' has no covariates: a Cox model needs at least one term after '~' "
          + "(strata(), cluster() and offset() are not covariates)")
    }
    var frameOptions = ModelFrameOptions()
    frameOptions.weights = options.weights
    frameOptions.allowsPenalisedSplines = penalisedSplines
    let frame = try ModelFrame(dataset: dataset, formula: formula, options: frameOptions)
    let design = try DesignMatrix(frame: frame, columnArrays: columnArrays && ttVariables.isEmpty)
    try check(frame: frame, design: design, options: options)

    // R coxph's default for `robust`: a cluster, or weights that are not whole numbers.
    let fractionalWeights = frame.weights?.contains { $0 != $0.rounded(.down) } ?? false
    let robust = options.robust ?? (frame.cluster != nil || fractionalWeights)
    if options.robust == true, frame.start != nil, frame.cluster == nil {
      // R: "one of cluster or id is needed": the rows of one subject are not independent.
      throw ModelFrameError(
        "robust = true with Surv(start, stop, event) data needs cluster(id) in the formula, "
          + "so that the rows of one subject are grouped (R: one of cluster or id is needed)")
    }
    let coxOptions = CoxOptions(
      ties: options.ties, initial: options.initial, maxIterations: options.maxIterations,
      epsilon: options.tolerance, robust: robust, confidenceLevel: options.confidenceLevel)
    var prepared = Prepared(
      formula: formula, frame: frame, design: design, options: coxOptions,
      cluster: robust ? frame.cluster : nil)
    if let timeTransform, !ttVariables.isEmpty {
      let columns = formula.terms.enumerated().compactMap { k, term -> (column: Int, label: String)? in
        guard let v = term.variables.first, term.variables.count == 1, ttVariables.contains(v) else { return nil }
        return (design.termColumns[k].lowerBound, v.label)
      }
      if options.ties == .exact {
        // The exact partial likelihood sums over the subsets of each risk
        // set (`CoxExactKernel`); it runs on R's expansion, as before.
        prepared.expansion = try CoxTimeExpansion(
          frame: frame, design: design, transformed: columns, cluster: prepared.cluster, transform: timeTransform)
      } else {
        prepared.timeTransformed = try CoxTimeTransformedValues(
          frame: frame, design: design, transformed: columns, transform: timeTransform)
      }
    }
    return prepared
  }

  /// Data problems stated in terms of the dataset before the fitter sees
  /// them: no events, non-finite covariates, weights R refuses, `init` of
  /// the wrong length.
  static func check(frame: ModelFrame, design: DesignMatrix, options: CoxAnalysisOptions) throws {
    let eventColumn = frame.formula.response.event
    if !frame.event.contains(where: { $0 != 0 }) {
      throw ModelFrameError(
        "no events: all \(frame.count) rows used are censored (column '\(eventColumn)'), "
          + "so there is no partial likelihood to maximise")
    }
    for j in 0..<design.columnCount {
      // A poll every 64 columns: a factor of thousands of levels is a long scan.
      if j % 64 == 63 { try Cancellation.check() }
      let column = design.column(j)
      // A branch-free scan (it vectorises); the row is looked for only when it fails.
      var failed: UInt8 = 0
      for x in column { failed |= x.isFinite ? 0 : 1 }
      if failed == 0 { continue }
      for (i, x) in zip(column.indices, column) where !x.isFinite {
        let row = i - column.startIndex
        throw ModelFrameError(
          "row \(frame.rows[row] + 1): covariate '\(design.columnNames[j])' is "
            + "\(RValueFormat.number(x)); covariates must be finite")
      }
    }
    if let weights = frame.weights, let name = options.weights {
      for (i, w) in weights.enumerated() where !(w > 0) {
        throw ModelFrameError(
          "row \(frame.rows[i] + 1): weight \(RValueFormat.number(w)) in column '\(name)'; "
            + "Cox case weights must be > 0 (as in R)")
      }
    }
    if let initial = options.initial, initial.count != design.columnCount {
      throw ModelFrameError(
        "init has \(initial.count) value\(initial.count == 1 ? "" : "s") but the model has "
          + "\(design.columnCount) coefficient\(design.columnCount == 1 ? "" : "s") ("
          + design.columnNames.joined(separator: ", ") + ")")
    }
    if let i = options.initial?.firstIndex(where: { !$0.isFinite }), let x = options.initial?[i] {
      throw ModelFrameError("init value \(i + 1) is \(RValueFormat.number(x)); initial coefficients must be finite")
    }
  }

  /// R's wording, with the names of the columns R only numbers.
  static func message(_ warning: CoxWarning, names: [String]) -> String {
    func columns(_ js: [Int]) -> String {
      js.map { "\($0 + 1) (\(names[$0]))" }.joined(separator: ", ")
    }
    switch warning {
    case .didNotConverge(let iterations):
      return "Ran out of iterations and did not converge (\(iterations) iterations; "
        + "raise max_iter or check for an infinite coefficient)"
    case .infiniteCoefficients(let js, _):
      return "Loglik converged before variable \(columns(js)); coefficient may be infinite"
    case .possiblyInfinite:
      return warning.message
    case .singular(let js):
      return "X matrix deemed to be singular; variable \(columns(js)): coefficient NA "
        + "(constant, or a linear combination of other columns)"
    }
  }
}
