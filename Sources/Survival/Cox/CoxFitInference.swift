import Foundation

/// What a Cox fit reports from the Newton–Raphson result whatever the data
/// layout: R's warnings (non-convergence, infinite and collinear
/// coefficients), the singular columns, the robust variance when asked
/// for, standard errors, z, confidence limits and the Wald test. Shared by
/// `CoxModel` (rows) and `CoxTimeVaryingModel` (risk sets of time-transformed
/// covariates), which differ only in the linear predictor and the sandwich.
struct CoxFitInference {
  var warnings: [CoxWarning]
  /// Coefficients, NaN where singular (when iterated).
  var beta: [Double]
  var singular: [Bool]
  var variance: [Double]
  var naive: [Double]
  var robustSE: [Double]?
  var robustScore: CoxChiSquareTest?
  var se: [Double]
  var z: [Double]
  var lower: [Double]
  var upper: [Double]
  var wald: Double
  var df: Int
}

extension CoxModel {
  /// - Parameters:
  ///   - linearPredictorMax: the largest linear predictor, read only when
  ///     right-censored data did not converge (R's "may be infinite" check).
  ///   - sandwich: the robust variance and robust score test, called only
  ///     when the fit is robust and some column is not singular.
  // swiftlint:disable:next function_parameter_count
  static func inference(
    result: CoxIterationResult, p: Int, isCounting: Bool, options: CoxOptions, initial: [Double],
    robust: Bool, linearPredictorMax: () -> Double, sandwich: () -> CoxRobustVariance.Result
  ) -> CoxFitInference {
    var warnings: [CoxWarning] = []
    let naive = result.variance
    // R marks columns with a zero variance diagonal, except when coxfit6 or
    // agexact ran out of iterations (their flag is then 1000, not a rank),
    // and only when the Cholesky of the scaled information found the rank
    // deficient (coxph.fit and agreg.fit: `if (flag < nvar) which.sing <-
    // diag(var) == 0`). A covariate on a huge scale (values near 1e200) has
    // a full-rank scaled information but a variance that underflows to 0
    // once unscaled; R estimates its coefficient (SE 0), so does Kaplan.
    let exactCounting = isCounting && options.ties == .exact
    let marksSingular =
      (result.converged || (isCounting && !exactCounting) || options.maxIterations == 0)
      && result.rank < p
    let singular: [Bool] = (0..<p).map { marksSingular && naive[$0 * p + $0] == 0 }
    var beta = result.beta
    let epsilon = options.epsilon
    let infTolerance = options.infTolerance ?? epsilon.squareRoot()
    if options.maxIterations > 1 {
      var infs = [Double](repeating: 0, count: p)
      for j in 0..<p {
        var s = 0.0
        for k in 0..<p { s += result.score[k] * naive[k * p + j] }
        infs[j] = abs(s)
      }
      if !result.converged {
        warnings.append(.didNotConverge(iterations: result.iterations))
        if !isCounting && (linearPredictorMax() > 500 || infs.contains { !$0.isFinite }) {
          warnings.append(.possiblyInfinite)
        }
      } else {
        let flagged = (0..<p).filter { j in
          if !result.score[j].isFinite { return true }
          if isCounting && options.ties != .exact {
            return infs[j] > infTolerance * (1 + abs(beta[j]))
          }
          return infs[j] > epsilon && infs[j] > infTolerance * abs(beta[j])
        }
        if !flagged.isEmpty {
          warnings.append(
            .infiniteCoefficients(flagged, saysBeta: isCounting || options.ties == .exact))
        }
      }
    }
    let singularColumns = (0..<p).filter { singular[$0] }
    if !singularColumns.isEmpty {
      warnings.append(.singular(singularColumns))
      if options.maxIterations > 0 { for j in singularColumns { beta[j] = .nan } }
    }

    // Robust variance.
    var variance = naive
    var robustScore: CoxChiSquareTest? = nil
    var robustSE: [Double]? = nil
    if robust && singularColumns.count < p {
      let sandwich = sandwich()
      variance = sandwich.variance
      robustScore = CoxChiSquareTest(sandwich.scoreTest, df: p - singularColumns.count)
      robustSE = (0..<p).map { singular[$0] ? .nan : variance[$0 * p + $0].squareRoot() }
    }

    let se = (0..<p).map { singular[$0] ? Double.nan : naive[$0 * p + $0].squareRoot() }
    let inferenceSE = robustSE ?? se
    let zq = Normal.quantile(1 - (1 - options.confidenceLevel) / 2)
    let z = (0..<p).map { beta[$0] / inferenceSE[$0] }
    let df = p - singularColumns.count

    // Wald test on the non-singular columns.
    let kept = (0..<p).filter { !singular[$0] }
    var waldMatrix = [Double](repeating: 0, count: kept.count * kept.count)
    for (a, i) in kept.enumerated() {
      for (b, j) in kept.enumerated() { waldMatrix[a * kept.count + b] = variance[i * p + j] }
    }
    let waldChol = CholeskyLDL(square: waldMatrix, n: kept.count, tolerance: options.cholTolerance)
    let waldBeta = kept.map { beta[$0] - initial[$0] }
    // One coefficient: b²/v as R's coxph.wtest (NaN when v underflowed to 0,
    // where the Cholesky would drop the column and say 0).
    let wald = kept.isEmpty ? 0
      : kept.count == 1 ? waldBeta[0] * waldBeta[0] / waldMatrix[0]
      : waldChol.quadraticForm(waldBeta)
    return CoxFitInference(
      warnings: warnings, beta: beta, singular: singular, variance: variance, naive: naive, robustSE: robustSE,
      robustScore: robustScore, se: se, z: z,
      lower: (0..<p).map { exp(beta[$0] - zq * inferenceSE[$0]) },
      upper: (0..<p).map { exp(beta[$0] + zq * inferenceSE[$0]) }, wald: wald, df: df)
  }

  // swiftlint:disable:next function_parameter_count
  static func makeFit(
    result: CoxIterationResult, inference f: CoxFitInference, options: CoxOptions, n: Int, events: Int,
    means: [Double], linearPredictor: [Double], concordance: Concordance, martingale: [Double]?,
    sortedRows: [Int]?
  ) -> CoxFit {
    CoxFit(
      ties: options.ties, coefficients: f.beta, standardErrors: f.se,
      robustStandardErrors: f.robustSE, z: f.z, p: f.z.map { Normal.twoSidedP($0) },
      hazardRatios: f.beta.map { exp($0) }, lower: f.lower, upper: f.upper,
      confidenceLevel: options.confidenceLevel, variance: f.variance, naiveVariance: f.naive,
      loglikInitial: result.loglikInitial, loglik: result.loglikFinal,
      scoreTest: CoxChiSquareTest(result.scoreTest, df: f.df),
      waldTest: CoxChiSquareTest(f.wald, df: f.df),
      likelihoodRatioTest: CoxChiSquareTest(
        2 * (result.loglikFinal - result.loglikInitial), df: f.df),
      robustScoreTest: f.robustScore, iterations: result.iterations, converged: result.converged,
      rank: result.rank, singular: f.singular, warnings: f.warnings, n: n, events: events,
      means: means, score: result.score, linearPredictor: linearPredictor,
      concordance: concordance, martingale: martingale, sortedRows: sortedRows)
  }
}
