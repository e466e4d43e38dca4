import Foundation
import RunControl

/// How tied death times enter the partial likelihood.
public enum CoxTies: String, Sendable, CaseIterable {
  /// Efron's approximation (R's default).
  case efron
  /// Breslow's approximation (SAS PHREG and Stata default).
  case breslow
  /// The exact (discrete-time, conditional logistic) partial likelihood.
  case exact
}

/// Options of a Cox fit, named and defaulted as R `coxph` / `coxph.control`.
public struct CoxOptions: Sendable {
  public var ties: CoxTies = .efron
  /// Initial coefficients (R `init`); zeros when nil.
  public var initial: [Double]? = nil
  /// R `iter.max`.
  public var maxIterations: Int = 20
  /// R `eps`: convergence when |1 − ℓ_old/ℓ_new| ≤ eps.
  public var epsilon: Double = 1e-9
  /// R `toler.chol` (`.Machine$double.eps^0.75`).
  public var cholTolerance: Double = 1.818989403545856e-12
  /// R `toler.inf`; √eps when nil.
  public var infTolerance: Double? = nil
  /// Robust (sandwich) variance; implied when a cluster index is given.
  public var robust: Bool = false
  /// Level of the hazard-ratio confidence intervals.
  public var confidenceLevel: Double = 0.95
  /// Columns whose values all lie in this set are not centred (R `nocenter`).
  public var nocenter: [Double] = [-1, 0, 1]

  public init(
    ties: CoxTies = .efron, initial: [Double]? = nil, maxIterations: Int = 20,
    epsilon: Double = 1e-9, robust: Bool = false, confidenceLevel: Double = 0.95
  ) {
    self.ties = ties
    self.initial = initial
    self.maxIterations = maxIterations
    self.epsilon = epsilon
    self.robust = robust
    self.confidenceLevel = confidenceLevel
  }
}

/// The chi-square tests of a Cox fit (score, Wald, likelihood ratio).
public typealias CoxChiSquareTest = ChiSquareTest

/// Something R would warn about; the fit still returns its numbers.
public enum CoxWarning: Sendable, Equatable {
  /// Newton–Raphson ran out of iterations (R: "Ran out of iterations and did not converge").
  case didNotConverge(iterations: Int)
  /// The log-likelihood converged while these coefficients (0-based) were still
  /// moving: monotone likelihood, the estimate may be infinite. `saysBeta`:
  /// R's wording of `agreg.fit`, `coxexact.fit` and `agexact.fit` ("beta may
  /// be infinite") rather than `coxph.fit`'s ("coefficient may be infinite").
  case infiniteCoefficients([Int], saysBeta: Bool = false)
  /// Out of iterations with a huge linear predictor (R: "one or more coefficients may be infinite").
  case possiblyInfinite
  /// These columns (0-based) are linear combinations of earlier ones; their
  /// coefficients are NaN (R: NA, "X matrix deemed to be singular").
  case singular([Int])

  /// R's wording (columns 1-based, as R numbers them).
  public var message: String {
    switch self {
    case .didNotConverge: return "Ran out of iterations and did not converge"
    case .infiniteCoefficients(let columns, let saysBeta):
      return "Loglik converged before variable  \(columns.map { String($0 + 1) }.joined(separator: ",")) ; "
        + (saysBeta ? "beta" : "coefficient") + " may be infinite. "
    case .possiblyInfinite: return "one or more coefficients may be infinite"
    case .singular(let columns):
      return "X matrix deemed to be singular; variable \(columns.map { String($0 + 1) }.joined(separator: " "))"
    }
  }
}

/// The result of a Cox proportional-hazards fit. Vectors are per column of
/// the design matrix; matrices are row-major p × p. Values follow R
/// `survival` 3.5.3 `coxph` (and `summary.coxph`) to 1e-6 relative.
public struct CoxFit: Sendable {
  public let ties: CoxTies
  /// Estimated coefficients; NaN for columns dropped as collinear (R: NA).
  public let coefficients: [Double]
  /// Model-based standard errors, √diag(I⁻¹); NaN where the coefficient is.
  public let standardErrors: [Double]
  /// Robust (sandwich) standard errors when `robust` or a cluster was given.
  public let robustStandardErrors: [Double]?
  /// coef / se, with the robust se when there is one.
  public let z: [Double]
  /// Two-sided Wald p-values of `z`.
  public let p: [Double]
  /// exp(coef).
  public let hazardRatios: [Double]
  /// exp(coef ∓ z_{(1+level)/2} · se), with the robust se when there is one.
  public let lower: [Double]
  public let upper: [Double]
  public let confidenceLevel: Double
  /// The variance used for inference: robust when robust (R's `fit$var`).
  public let variance: [Double]
  /// The model-based variance I⁻¹ (R's `naive.var` when robust, else `var`).
  public let naiveVariance: [Double]
  /// Log partial likelihood at the initial coefficients (the null model when init is 0).
  public let loglikInitial: Double
  /// Log partial likelihood at the estimate.
  public let loglik: Double
  /// Score (log-rank) test at the initial coefficients.
  public let scoreTest: CoxChiSquareTest
  /// Wald test of coef = init, with the robust variance when robust.
  public let waldTest: CoxChiSquareTest
  /// Likelihood-ratio test 2(ℓ − ℓ_init).
  public let likelihoodRatioTest: CoxChiSquareTest
  /// Robust score test (R `rscore`) when robust.
  public let robustScoreTest: CoxChiSquareTest?
  /// Newton–Raphson iterations, as R counts them.
  public let iterations: Int
  public let converged: Bool
  /// Rank of the information matrix.
  public let rank: Int
  /// Columns dropped as collinear.
  public let singular: [Bool]
  /// Coefficients estimated (not NA): the degrees of freedom of the model in
  /// R's `anova` (`sum(!is.na(coef(fit)))`).
  public var estimatedCount: Int { singular.lazy.filter { !$0 }.count }
  public let warnings: [CoxWarning]
  /// Rows used, and events among them.
  public let n: Int
  public let events: Int
  /// Column centring values (R `fit$means`).
  public let means: [Double]
  /// Score vector at the estimate (≈ 0 when converged).
  public let score: [Double]
  /// Linear predictor xᵀβ + offset − Σ βⱼ meanⱼ per input row (R `linear.predictors`).
  public let linearPredictor: [Double]
  /// Harrell's concordance of the linear predictor (R `fit$concordance`).
  public let concordance: Concordance
  /// Martingale residuals per input row (R `fit$residuals`), computed by the
  /// fit for Surv(time, event) data (`CoxFitMartingale`); nil for
  /// (start, stop] data, whose diagnostics compute them from the risk sets.
  public let martingale: [Double]?
  /// The fit's order of the rows by (stratum, time, row) for Surv(time, event)
  /// data (the input row at each sorted position), kept so that the
  /// diagnostics' risk-set table (`CoxRiskSets`) needs no sort of its own;
  /// nil for (start, stop] data. One integer per row.
  public let sortedRows: [Int]?
}

/// The log partial likelihood, score and information at one β (for checks by hand).
public struct CoxLikelihoodEvaluation: Sendable {
  public let loglik: Double
  public let score: [Double]
  /// Row-major p × p.
  public let information: [Double]
}

/// Cox proportional-hazards regression on arrays (R `survival` 3.5 `coxph`).
///
/// Inputs are the response, a column-major n × p design matrix (already
/// coded: factor dummies, interactions), and optional case weights, strata,
/// offset and cluster index. Rows are sorted once per fit; the likelihood
/// kernels sweep the sorted rows with reverse cumulative risk-set sums
/// (O(n p²) per iteration). Fitting follows R: centred covariates,
/// Newton–Raphson with step-halving, convergence on the relative change of
/// the log partial likelihood; non-convergence, infinite and collinear
/// coefficients are reported in `CoxFit.warnings`, never thrown.
public enum CoxModel {
  /// Fits right-censored data `Surv(time, status)`.
  /// - Parameters:
  ///   - covariates: column-major n × p, `columns` = p.
  ///   - status: 1 = event, 0 = censored.
  ///   - strata: stratum index per row (separate baseline hazards).
  ///   - cluster: cluster index per row; implies the robust variance.
  public static func fit(
    time: [Double], status: [Double], covariates: [Double], columns: Int,
    weights: [Double]? = nil, strata: [Int]? = nil, offset: [Double]? = nil,
    cluster: [Int]? = nil, options: CoxOptions = CoxOptions()
  ) throws -> CoxFit {
    try fit(
      start: nil, stop: time, status: status, covariates: covariates, columns: columns,
      weights: weights, strata: strata, offset: offset, cluster: cluster, options: options)
  }

  /// Fits counting-process data `Surv(start, stop, status)`: row i is at
  /// risk on (start_i, stop_i].
  public static func fit(
    start: [Double]?, stop: [Double], status: [Double], covariates: [Double], columns: Int,
    weights: [Double]? = nil, strata: [Int]? = nil, offset: [Double]? = nil,
    cluster: [Int]? = nil, options: CoxOptions = CoxOptions()
  ) throws -> CoxFit {
    // The caller keeps its arrays: emptying these copies frees nothing.
    var inputs = CoxReleasableInputs(status: status, covariates: .columnMajor(covariates), strata: strata)
    return try fit(
      start: start, stop: stop, inputs: &inputs, columns: columns, weights: weights, offset: offset,
      cluster: cluster, options: options)
  }

  /// `fit(start:stop:status:covariates:...)` with the status, covariates
  /// and strata handed over: each is emptied as soon as the fit no longer
  /// needs it (status and strata once sorted; the covariates once the
  /// linear predictor and sandwich are computed, before the concordance),
  /// so that, when the caller held the only reference, its memory goes
  /// back before the fit's largest later buffers are allocated.
  public static func fit(
    start: [Double]?, stop: [Double], inputs: inout CoxReleasableInputs, columns: Int,
    weights: [Double]? = nil, offset: [Double]? = nil, cluster: [Int]? = nil,
    options: CoxOptions = CoxOptions()
  ) throws -> CoxFit {
    // No local copies of the inputs: each would keep its buffer alive.
    let n = stop.count
    let p = columns
    try CoxPreparedData.validate(
      n: n, p: p, covariates: inputs.covariates, time: stop, start: start, status: inputs.status,
      weights: weights, strata: inputs.strata, offset: offset, cluster: cluster,
      initial: options.initial, events: inputs.events)
    try validate(options: options, p: p)
    if options.ties == .exact, let weights = weights, weights.contains(where: { $0 != 1 }) {
      throw CoxInputError("case weights are not supported for ties = exact (as in R)")
    }
    if options.ties == .exact, start == nil, options.robust || cluster != nil {
      // R: "dfbeta residuals are not available for the exact method". (For
      // (start, stop] data R's agexact path does give a sandwich, built from
      // Breslow-type residuals, and so does Kaplan.)
      throw CoxInputError(
        "a robust variance (robust = true or cluster()) is not available for ties = exact on "
          + "Surv(time, event) data (as in R: no dfbeta residuals for the exact partial likelihood); "
          + "use ties = efron")
    }
    let isCounting = start != nil
    // The sorted, centred copy of the covariates (n × p) and the p × p
    // matrices of the fit (information, its factor and inverse, scratch).
    try MemoryBudget.require(
      count: n, stride: p * MemoryLayout<Double>.stride, for: "the sorted covariates of the Cox fit (\(n) × \(p))")
    try MemoryBudget.require(
      count: p, stride: 8 * p * MemoryLayout<Double>.stride, for: "the \(p) × \(p) matrices of the Cox fit")
    try Cancellation.check()
    // R's agexact.fit centres the columns but does not scale them. The
    // preparation polls (its column scaling runs beside the sort, on
    // whichever worker is free) and is left early on a stop.
    let preparationPoll = KernelPoll()
    let flavour: CoxNewtonRaphson.Flavour
    switch (options.ties, isCounting) {
    case (.exact, true): flavour = .countingExact
    case (.exact, false): flavour = .exact
    case (_, true): flavour = .countingProcess
    case (_, false): flavour = .rightCensored
    }
    // Indicator columns go to bytes (`CoxPackedColumns`), their Double
    // arrays freed before the preparation allocates.
    let packed = flavour == .rightCensored
      ? CoxPackedColumns(packing: &inputs.covariates, n: n, p: p, nocenter: options.nocenter)
      : CoxPackedColumns(p: p)
    // The right-censored Breslow/Efron kernels read absent weights, offsets
    // and strata as 1, 0 and one block: no n-length arrays of them.
    var data = CoxPreparedData.prepare(
      n: n, p: p, covariates: inputs.covariates, time: stop, start: start, status: inputs.status,
      weights: weights, strata: inputs.strata, offset: offset, nocenter: options.nocenter,
      scaled: !(isCounting && options.ties == .exact), poll: preparationPoll, events: inputs.events,
      compact: flavour == .rightCensored, packed: packed)
    try preparationPoll.throwIfStopped()
    // Sorted copies made: the status and strata inputs go (when the caller
    // handed over its only reference).
    inputs.status = []
    inputs.events = nil
    inputs.strata = nil
    let initial = options.initial ?? [Double](repeating: 0, count: p)
    let result: CoxIterationResult
    do {
      // The kernel (and its reference to the sorted covariates) ends here,
      // so that `assemble` can free them before the concordance.
      let kernel = makeKernel(data: data, ties: options.ties)
      result = try CoxNewtonRaphson.run(
        kernel: kernel, scale: data.scale, initial: initial, maxIterations: options.maxIterations,
        epsilon: options.epsilon, cholTolerance: options.cholTolerance, flavour: flavour)
    }
    return assemble(
      result: result, data: &data, isCounting: isCounting, covariates: &inputs.covariates, packed: packed, n: n,
      p: p, offset: offset, cluster: cluster, initial: initial, options: options)
  }

  /// The checks of the options every Cox fit shares (p, max_iter, eps, conf_level).
  static func validate(options: CoxOptions, p: Int) throws {
    if p == 0 { throw CoxInputError("the model has no covariates (p = 0)") }
    if options.maxIterations < 0 { throw CoxInputError("max_iter must be ≥ 0") }
    if !(options.epsilon > 0) { throw CoxInputError("eps must be > 0") }
    if !(options.confidenceLevel > 0 && options.confidenceLevel < 1) {
      throw CoxInputError("conf_level must be between 0 and 1")
    }
    if let initial = options.initial, initial.count != p {
      throw CoxInputError("init has \(initial.count) values but the model has \(p) coefficients")
    }
  }

  /// The log partial likelihood, score and information at `beta` (no
  /// iteration), e.g. to check the kernels against formulas worked by hand.
  public static func partialLikelihood(
    time: [Double], status: [Double], covariates: [Double], columns: Int, beta: [Double],
    weights: [Double]? = nil, strata: [Int]? = nil, offset: [Double]? = nil,
    ties: CoxTies = .efron, start: [Double]? = nil
  ) throws -> CoxLikelihoodEvaluation {
    let n = time.count
    try CoxPreparedData.validate(
      n: n, p: columns, covariates: covariates, time: time, start: start, status: status,
      weights: weights, strata: strata, offset: offset, cluster: nil, initial: beta)
    // Centring leaves ℓ, U and I unchanged; undo the scaling (x' = s·x, so
    // U = U'·s and I = s·I'·s in the scaled coordinates become U'/s, I'/(s s)).
    let data = CoxPreparedData(
      n: n, p: columns, covariates: covariates, time: time, start: start, status: status,
      weights: weights, strata: strata, offset: offset, nocenter: [-1, 0, 1])
    let kernel = makeKernel(data: data, ties: ties)
    var u = [Double](repeating: 0, count: columns)
    var imat = [Double](repeating: 0, count: columns * columns)
    let scaledBeta = (0..<columns).map { beta[$0] / data.scale[$0] }
    let loglik = kernel.evaluate(beta: scaledBeta, score: &u, information: &imat)
    try kernel.poll.check()
    let s = data.scale
    return CoxLikelihoodEvaluation(
      loglik: loglik, score: (0..<columns).map { u[$0] / s[$0] },
      information: (0..<(columns * columns)).map { imat[$0] / (s[$0 / columns] * s[$0 % columns]) })
  }

  /// Likelihood-ratio test of `reduced` nested in `full` (R `anova(reduced, full)`):
  /// 2(ℓ_full − ℓ_reduced) on the difference in non-NA coefficients
  /// (`ChiSquareTest.nestedLikelihoodRatio`).
  public static func likelihoodRatioTest(_ reduced: CoxFit, _ full: CoxFit) -> ChiSquareTest {
    ChiSquareTest.nestedLikelihoodRatio(
      loglik1: reduced.loglik, df1: reduced.estimatedCount, loglik2: full.loglik, df2: full.estimatedCount)
  }

  static func makeKernel(data: CoxPreparedData, ties: CoxTies) -> CoxLikelihoodKernel {
    switch ties {
    case .exact:
      if data.start != nil { return CoxExactCountingProcessKernel(data: data) }
      return CoxExactKernel(data: data)
    case .efron, .breslow:
      if data.start != nil { return CoxCountingProcessKernel(data: data, efron: ties == .efron) }
      return CoxRightCensoredKernel(data: data, efron: ties == .efron)
    }
  }

  // swiftlint:disable:next function_parameter_count
  static func assemble(
    result: CoxIterationResult, data: inout CoxPreparedData, isCounting: Bool, covariates: inout CoxCovariates,
    packed: CoxPackedColumns, n: Int, p: Int, offset: [Double]?, cluster: [Int]?, initial: [Double],
    options: CoxOptions
  ) -> CoxFit {
    let beta = result.beta
    // Without a sandwich the sorted covariates are done with: freed before
    // the linear predictor allocates (the largest buffer goes first). A
    // right-censored fit keeps the part of their buffer (already mapped)
    // its concordance reuses as scratch, and gives the rest of the pages
    // back to the system now.
    let robust = options.robust || cluster != nil
    let concordanceScratch = !isCounting && data.x.count >= Concordance.scratchDoubles(n)
    if !robust {
      if concordanceScratch {
        data.x.withUnsafeMutableBufferPointer { ReleasedPages.release($0, from: Concordance.scratchDoubles(n)) }
      } else {
        data.x = []
      }
    }
    // Linear predictor with R's centring: coxph.fit uses the weighted means
    // of the fit, agreg.fit unweighted column means.
    var means = data.means
    var centre = 0.0
    // Column by column (vectorisable); each row still sums offset − centre,
    // then the columns in order, so the bits are those of a row-by-row
    // loop. From 100,000 rows two workers take half of the rows each
    // (and fault in half of the new array's pages).
    let linearPredictor = covariates.withColumns(n: n, p: p) { columns in
      if isCounting {
        for j in 0..<p where data.means[j] != 0 || data.scale[j] != 1 {
          var s = 0.0
          let column = columns[j]
          for i in 0..<n { s += column[i] }
          means[j] = s / Double(n)
        }
      }
      for j in 0..<p { centre += beta[j] * means[j] }
      let (beta, centre) = (beta, centre)
      return [Double](unsafeUninitializedCapacity: n) { lp, count in
        // Worker w writes the rows of its half only.
        let out = DisjointWrites(lp)
        let workers = n >= 100_000 ? 2 : 1
        DispatchQueue.concurrentPerform(iterations: workers) { w in
          let rows = (w * n / workers)..<((w + 1) * n / workers)
          let lp = out.baseAddress.unsafelyUnwrapped
          if let offset = offset {
            for i in rows { lp[i] = offset[i] - centre }
          } else {
            for i in rows { lp[i] = 0 - centre }
          }
          for j in 0..<p {
            let b = beta[j]
            if packed.isPacked(j) {
              // The bytes 0 and 1 are the column's values +0.0 and 1.0.
              packed.bytes[j].withUnsafeBufferPointer { column in
                for i in rows { lp[i] += Double(column[i]) * b }
              }
            } else {
              let column = columns[j]
              for i in rows { lp[i] += column[i] * b }
            }
          }
        }
        count = n
      }
    }

    let inference = inference(
      result: result, p: p, isCounting: isCounting, options: options, initial: initial,
      robust: robust, linearPredictorMax: { linearPredictor.max() ?? 0 },
      sandwich: {
        // R's agexact.fit labels its fit "coxph", not "exact", so the dfbeta
        // residuals behind the sandwich are Breslow's (for right-censored
        // exact fits R refuses; Efron's are used). It indexes the weights,
        // offsets and strata directly.
        data.materializeConstants()
        return CoxRobustVariance.compute(
          data: data, beta: result.beta, naiveVariance: result.variance, initial: initial, cluster: cluster,
          efron: options.ties == .efron || (options.ties == .exact && !isCounting),
          cholTolerance: options.cholTolerance)
      })

    // The sorted covariates (n × p, the largest buffer of the fit) are not
    // needed past the sandwich: freed, or (right-censored, p ≥ 5) their
    // first 36 bytes a row kept as the concordance's scratch (its influence,
    // ranks and rank-sort items, `Concordance.rightCensored(scratch:)`),
    // so a 10⁷-row fit's peak holds one copy of the design, not two.
    // So are the input covariates (freed when the caller handed them over)
    // and the sorted offsets.
    if robust && concordanceScratch {
      data.x.withUnsafeMutableBufferPointer { ReleasedPages.release($0, from: Concordance.scratchDoubles(n)) }
    }
    var scratch = concordanceScratch ? data.x : []
    data.x = []
    covariates = .columns([])
    data.offset = []

    // The rows are already sorted by stratum, then time (ascending for
    // right-censored data, descending stop for counting-process data).
    // Into sorted order by a gather: random reads, shared by two workers.
    var sortedPredictor = [Double](unsafeUninitializedCapacity: n) { out, count in
      linearPredictor.withUnsafeBufferPointer { lp in
        data.rowOrder.withUnsafeBufferPointer { order in
          // Worker w writes its half of the sorted positions.
          let out = DisjointWrites(out), lp = SharedReads(lp), order = SharedReads(order)
          let workers = n >= 100_000 ? 2 : 1
          DispatchQueue.concurrentPerform(iterations: workers) { w in
            for k in (w * n / workers)..<((w + 1) * n / workers) { out[k] = lp[Int(order[k])] }
          }
        }
      }
      count = n
    }
    let sortedCluster = cluster.map { c in data.rowOrder.map { c[Int($0)] } }
    let concordance: Concordance
    var martingale: [Double]? = nil
    var rowOrder: [Int32] = []
    // Empty when the compact data have none: the right-censored concordance
    // and residuals read that as all 1; the counting-process one indexes them.
    let weights = isCounting ? data.weightArray() : data.weight
    data.weight = []
    if !isCounting {
      // The right-censored concordance reads the strata as blocks only.
      let blocks = data.strataBlocks()
      let rows = data.rowOrder
      rowOrder = rows
      data.rowOrder = []
      data.stratum = []
      concordance = scratch.withUnsafeMutableBufferPointer { scratch in
        Concordance.rightCensored(
          time: data.time, status: data.eventFlags, predictor: sortedPredictor, weights: weights,
          blocks: blocks, cluster: sortedCluster, reverse: true, scratch: concordanceScratch ? scratch : nil)
      }
      scratch = []
      // R's fit$residuals, from the sorted rows while the fit has them
      // (`CoxFitMartingale`), after the concordance: its buffers are gone,
      // and the sorted predictor's becomes the residuals' scratch.
      martingale = CoxFitMartingale.rightCensored(
        time: data.time, status: data.eventFlags, weight: weights, consuming: &sortedPredictor, order: rows,
        blocks: blocks, efron: options.ties == .efron)
    } else {
      concordance = Concordance.compute(
        time: data.time, status: data.statusValues, start: data.start, predictor: sortedPredictor,
        weights: weights, strata: data.stratum, cluster: sortedCluster, reverse: true,
        stopOrder: Array(0..<n), startOrder: data.byStartDescending)
    }

    // `CoxFit.sortedRows` is public `[Int]`: widened last, once the
    // concordance and residuals are done and their buffers gone.
    sortedPredictor = []
    let sortedRows: [Int]? = isCounting ? nil : rowOrder.map { Int($0) }
    rowOrder = []
    return makeFit(
      result: result, inference: inference, options: options, n: n, events: data.events, means: means,
      linearPredictor: linearPredictor, concordance: concordance, martingale: martingale, sortedRows: sortedRows)
  }
}
