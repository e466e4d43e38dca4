import Foundation

/// Control of a parametric fit, as R `survreg.control` (`iter.max = 30`,
/// `rel.tolerance = 1e-9`, `toler.chol = 1e-10`) and `survreg`'s `scale`
/// and `init` arguments.
public struct SurvregOptions: Sendable, Equatable {
  public var maxIterations = 30
  /// Convergence: |1 − ℓ_old/ℓ_new| ≤ tolerance (R's rel.tolerance).
  public var tolerance = 1e-9
  public var cholTolerance = 1e-10
  /// A scale fixed by the caller (R `scale = s`); ignored for the
  /// exponential, whose scale is 1.
  public var fixedScale: Double? = nil
  /// Initial coefficients: p values, or p + k with the log-scales.
  public var initial: [Double]? = nil

  public init() {}
}

/// Why a fit's Newton–Raphson stopped short.
public enum SurvregWarning: Sendable, Equatable {
  case didNotConverge(iterations: Int)
  /// The model's log-likelihood is below the intercept-only model's, which it contains: the ascent stopped
  /// short of the maximum (also after a second start from the intercept-only estimate).
  case belowNullModel(loglik: Double, null: Double)
}

/// A fitted location–scale model: the estimates, the variance (inverse of
/// the information in (β, log σ)), and the log-likelihoods of the model and
/// of the intercept-only model, on the time scale (with the Jacobian −Σ log t
/// over exact rows of the log-time families, as R's `survreg`).
public struct SurvregFit: Sendable {
  public let distribution: SurvregDistribution
  public let coefficients: [Double]
  /// log σ per stratum; empty when the scale is fixed.
  public let logScales: [Double]
  /// σ per stratum (the fixed scale when fixed).
  public let scales: [Double]
  /// Row-major q × q, q = p + logScales.count.
  public let variance: [Double]
  public let loglik: Double
  public let loglikNull: Double
  /// The intercept-only model's (intercept, log σ…).
  public let nullCoefficients: [Double]
  public let iterations: Int
  public let converged: Bool
  /// The score (gradient of ℓ) at the estimate: ~0 at convergence.
  public let score: [Double]
  /// The number of rows used and of exact (uncensored) rows.
  public let n: Int
  public let events: Int
  public let warnings: [SurvregWarning]
  /// Whether the design's first column is the intercept.
  public let hasIntercept: Bool

  public var parameterCount: Int { coefficients.count + logScales.count }
  /// Degrees of freedom of the likelihood-ratio test against the intercept-only model.
  public var df: Int { coefficients.count - (hasIntercept ? 1 : 0) }
  public var chiSquare: ChiSquareTest {
    ChiSquareTest(max(0, 2 * (loglik - loglikNull)), df: df)
  }
  public var standardErrors: [Double] {
    let q = parameterCount
    return (0..<q).map { variance[$0 * q + $0].squareRoot() }
  }
}

/// Errors of the fitter's input (the analysis layer words them for users).
public enum SurvregInputError: Error, Equatable, Sendable {
  case noRows
  case shape(String)
  case initialLength(expected: Int, actual: Int)
}

/// Maximum-likelihood fit of a location–scale (accelerated failure time)
/// model, as R `survival` 3.5 `survreg.fit`.
///
/// Starting values follow R: the distribution's moment estimates of
/// y (interval midpoints for interval rows: mean + 0.572 and var/1.64 for the
/// extreme-value law, var/3.2 for the logistic), log σ = log(4·var)/2, one
/// weighted least-squares step for the intercept; Newton–Raphson for the
/// intercept-only model (20 iterations); then one iteratively-reweighted
/// least-squares step from it for β, and Newton–Raphson on (β, log σ) until
/// |1 − ℓ_old/ℓ_new| ≤ `tolerance`, halving a step that lowers ℓ. A fit
/// that runs out of iterations is returned with its last iterate and a
/// warning, not an error (Kalbfleisch & Prentice §3.6, Therneau's
/// survreg notes).
public enum SurvregModel {
  public static func fit(
    _ data: SurvregData, distribution: SurvregDistribution, options: SurvregOptions = SurvregOptions()
  ) throws -> SurvregFit {
    let n = data.n, p = data.p
    guard n > 0 else { throw SurvregInputError.noRows }
    guard data.x.count == n * p, data.status.count == n, data.y2.isEmpty || data.y2.count == n else {
      throw SurvregInputError.shape("x, y and status lengths disagree")
    }
    let fixed = distribution.fixedScale ?? options.fixedScale
    let base = distribution.base
    let k = fixed == nil ? data.strataCount : 0
    let q = p + k

    // Moment starting values (R: the distribution's `init` on yy).
    var yy = [Double](repeating: 0, count: n)
    for i in 0..<n {
      yy[i] = data.status[i] == .interval ? (data.y1[i] + data.y2[i]) / 2 : data.y1[i]
    }
    var sw = 0.0, swy = 0.0
    for i in 0..<n {
      let w = data.weights?[i] ?? 1
      sw += w
      swy += w * yy[i]
    }
    let mean = swy / sw
    var swv = 0.0
    for i in 0..<n {
      let w = data.weights?[i] ?? 1
      swv += w * (yy[i] - mean) * (yy[i] - mean)
    }
    let variance = swv / sw
    let startLogScale = fixed.map { log($0) } ?? startingLogScale(base, variance: variance)
    let logCorrection = distribution.isLogTime ? -jacobian(data) : 0

    let hasIntercept = p > 0 && (0..<n).allSatisfy { data.x[$0] == 1 }
    let meanOnly = p == 1 && hasIntercept

    // The intercept-only model.
    let ones = SurvregData(
      y1: data.y1, y2: data.y2, status: data.status, columns: [Double](repeating: 1, count: n), p: 1,
      weights: data.weights, offset: data.offset, strata: data.strata, strataCount: data.strataCount)
    let nullLikelihood = SurvregLikelihood(data: ones, base: base, fixedScale: fixed)
    let likelihood = SurvregLikelihood(data: data, base: base, fixedScale: fixed)

    // R's path from a starting log-scale: the intercept-only model, then the model from its scales.
    func attempt(_ startLogScale: Double) throws -> (null: NewtonResult, fit: NewtonResult) {
      let startScales = [Double](repeating: startLogScale, count: k)
      let intercept = leastSquaresIntercept(
        ones, base: base, yy: yy, logScales: [Double](repeating: startLogScale, count: data.strataCount),
        fixed: fixed)
      let nullFit = try newtonRaphson(
        nullLikelihood, start: [intercept] + startScales, maxIterations: meanOnly ? options.maxIterations : 20,
        tolerance: options.tolerance, cholTolerance: options.cholTolerance)
      if meanOnly && options.initial == nil { return (nullFit, nullFit) }
      var start: [Double]
      if let initial = options.initial {
        if initial.count == p && k > 0 {
          start = initial + Array(nullFit.theta[1...])
        } else {
          start = initial
        }
        guard start.count == q else {
          throw SurvregInputError.initialLength(expected: p, actual: initial.count)
        }
      } else {
        let scales = Array(nullFit.theta[1...])
        let perStratum = k > 0 ? scales : [Double](repeating: log(fixed ?? 1), count: data.strataCount)
        start = weightedLeastSquares(data, base: base, yy: yy, logScales: perStratum, fixed: fixed)
          + scales
      }
      var full = try newtonRaphson(
        likelihood, start: start, maxIterations: options.maxIterations, tolerance: options.tolerance,
        cholTolerance: options.cholTolerance)
      if hasIntercept && options.initial == nil && isBelow(full.loglik, nullFit.loglik) {
        // A model that contains the intercept-only one cannot be below it at its maximum: start again from
        // that model's estimate (β = (intercept, 0, …), its scales) and keep the better of the two.
        var second = [Double](repeating: 0, count: q)
        second[0] = nullFit.theta[0]
        for j in 0..<k { second[p + j] = nullFit.theta[1 + j] }
        let retry = try newtonRaphson(
          likelihood, start: second, maxIterations: options.maxIterations, tolerance: options.tolerance,
          cholTolerance: options.cholTolerance)
        if retry.loglik > full.loglik || !full.loglik.isFinite { full = retry }
      }
      return (nullFit, full)
    }

    var (nullFit, fit) = try attempt(startLogScale)
    if fixed == nil, let trimmed = trimmedVariance(yy, weights: data.weights, mean: mean, variance: variance) {
      // A time far out (1e200 among ordinary times) inflates the moment scale, and from there the ascent
      // climbs to the maximum at which that row is likely (a huge σ), while the higher one, at which the row is
      // floored (`SurvregRowTerms.floored`) and the others fit, is across the floor's jump. A second start
      // from the moments without the far rows reaches that one; each model keeps the better of its two fits.
      let (null2, fit2) = try attempt(startingLogScale(base, variance: trimmed))
      if null2.loglik > nullFit.loglik { nullFit = null2 }
      if fit2.loglik > fit.loglik || !fit.loglik.isFinite { fit = fit2 }
    }
    let beta = Array(fit.theta[0..<p])
    let logScales = Array(fit.theta[p...])
    let scales = fixed.map { s in [Double](repeating: s, count: data.strataCount) } ?? logScales.map { exp($0) }
    let events = data.status.reduce(0) { $0 + ($1 == .exact ? 1 : 0) }
    var warnings: [SurvregWarning] = fit.converged ? [] : [.didNotConverge(iterations: fit.iterations)]
    if hasIntercept && !meanOnly && isBelow(fit.loglik, nullFit.loglik) {
      warnings.append(.belowNullModel(loglik: fit.loglik + logCorrection, null: nullFit.loglik + logCorrection))
    }
    return SurvregFit(
      distribution: distribution, coefficients: beta, logScales: fixed == nil ? logScales : [],
      scales: fixed == nil ? scales : [fixed ?? 1], variance: fit.variance,
      loglik: fit.loglik + logCorrection, loglikNull: nullFit.loglik + logCorrection,
      nullCoefficients: nullFit.theta, iterations: fit.iterations, converged: fit.converged,
      score: fit.gradient, n: n, events: events,
      warnings: warnings, hasIntercept: hasIntercept)
  }

  /// Whether ℓ is below the intercept-only model's ℓ₀ by more than the convergence tolerance allows.
  static func isBelow(_ loglik: Double, _ null: Double) -> Bool {
    !(loglik >= null - 1e-8 * max(1, abs(null)))
  }

  /// R's starting log σ from the variance of yy: log(4·v/c)/2, c the law's variance (1.64, 3.2, 1).
  static func startingLogScale(_ base: SurvregDistribution.Base, variance: Double) -> Double {
    switch base {
    case .extremeValue: return log(4 * variance / 1.64) / 2
    case .logistic: return log(4 * variance / 3.2) / 2
    case .normal: return log(4 * variance) / 2
    }
  }

  /// Rows further than this many standard deviations from the mean of yy are far out: the second start of
  /// `fit` leaves them out of its moments. A sample of n ordinary values has none past √(n − 1) standard
  /// deviations (Samuelson's inequality) and in practice none past about 10 below 10⁷ rows; one value at
  /// 1e200 among 228 log-times is 15 out.
  static let farOut = 12.0

  /// The weighted variance of yy without its far-out rows, or nil when there are none (or only those).
  static func trimmedVariance(_ yy: [Double], weights: [Double]?, mean: Double, variance: Double) -> Double? {
    let limit = farOut * variance.squareRoot()
    guard limit > 0, limit.isFinite, yy.contains(where: { abs($0 - mean) > limit }) else { return nil }
    var sw = 0.0, swy = 0.0
    for (i, y) in yy.enumerated() where abs(y - mean) <= limit {
      let w = weights?[i] ?? 1
      sw += w
      swy += w * y
    }
    guard sw > 0 else { return nil }
    let m = swy / sw
    var swv = 0.0
    for (i, y) in yy.enumerated() where abs(y - mean) <= limit {
      let w = weights?[i] ?? 1
      swv += w * (y - m) * (y - m)
    }
    let v = swv / sw
    return v > 0 ? v : nil
  }

  /// Σ w·log t over the exact rows (y = log t): the log-likelihood on the
  /// time scale is the one on the log scale minus this.
  static func jacobian(_ data: SurvregData) -> Double {
    var s = 0.0
    for i in 0..<data.n where data.status[i] == .exact { s += (data.weights?[i] ?? 1) * data.y1[i] }
    return s
  }

  /// R's first intercept: one weighted least-squares step from η = yy.
  static func leastSquaresIntercept(
    _ data: SurvregData, base: SurvregDistribution.Base, yy: [Double], logScales: [Double], fixed: Double?
  ) -> Double {
    let (logSigmas, sigmas) = scalesPerStratum(logScales, fixed: fixed)
    var num = 0.0, den = 0.0
    for i in 0..<data.n {
      let k = fixed == nil ? data.strata?[i] ?? 0 : 0
      let r = base.rowTerms(
        data.status[i], y1: data.y1[i], y2: data.y2.isEmpty ? 0 : data.y2[i], eta: yy[i], sigma: sigmas[k],
        logSigma: logSigmas[k])
      let w = data.weights?[i] ?? 1
      let wt = -r.etaEta * w
      num += w * r.eta + wt * (yy[i] - (data.offset?[i] ?? 0))
      den += wt
    }
    return num / den
  }

  /// log σ and σ of each stratum (one value when the scale is fixed), so a pass takes no exp per row.
  static func scalesPerStratum(_ logScales: [Double], fixed: Double?) -> (logSigmas: [Double], sigmas: [Double]) {
    if let fixed { return ([log(fixed)], [fixed]) }
    return (logScales, logScales.map { exp($0) })
  }

  /// R's starting β: the weighted least-squares solution of
  /// (XᵀWX)β = Xᵀ(W(yy − offset) + w·ℓ_η) with W = −w·ℓ_ηη at η = yy.
  ///
  /// In blocks of rows, as the likelihood's kernel: each row's W and right-hand side, then the block's
  /// cross-products as dot products over the contiguous column segments (`SurvregRowKernel.dot`).
  static func weightedLeastSquares(
    _ data: SurvregData, base: SurvregDistribution.Base, yy: [Double], logScales: [Double], fixed: Double?
  ) -> [Double] {
    let p = data.p, n = data.n
    var a = [Double](repeating: 0, count: p * p)
    var b = [Double](repeating: 0, count: p)
    let (logSigmas, sigmas) = scalesPerStratum(logScales, fixed: fixed)
    let blockRows = SurvregRowKernel.blockRows
    var scratch = [Double](repeating: 0, count: 3 * blockRows)
    data.x.withUnsafeBufferPointer { xs in
      scratch.withUnsafeMutableBufferPointer { sc in
        guard let x = xs.baseAddress, let wt = sc.baseAddress, xs.count == n * p else { return }
        let rhs = wt + blockRows, wx = wt + 2 * blockRows
        var lo = 0
        while lo < n {
          let m = min(blockRows, n - lo)
          for i in 0..<m {
            let row = lo + i
            let k = fixed == nil ? data.strata?[row] ?? 0 : 0
            let r = base.rowTerms(
              data.status[row], y1: data.y1[row], y2: data.y2.isEmpty ? 0 : data.y2[row], eta: yy[row],
              sigma: sigmas[k], logSigma: logSigmas[k])
            let w = data.weights?[row] ?? 1
            wt[i] = -r.etaEta * w
            rhs[i] = wt[i] * (yy[row] - (data.offset?[row] ?? 0)) + w * r.eta
          }
          for j in 0..<p {
            let column = x + (j * n + lo)
            b[j] += SurvregRowKernel.dot(rhs, column, m)
            for i in 0..<m { wx[i] = wt[i] * column[i] }
            for l in 0...j { a[j * p + l] += SurvregRowKernel.dot(wx, x + (l * n + lo), m) }
          }
          lo += m
        }
      }
    }
    for j in 0..<p { for l in 0..<j { a[l * p + j] = a[j * p + l] } }
    let chol = CholeskyLDL(square: a, n: p, tolerance: 1e-10)
    return chol.solve(b)
  }

  struct NewtonResult {
    var theta: [Double]
    var loglik: Double
    var gradient: [Double]
    var variance: [Double]
    var iterations: Int
    var converged: Bool
  }

  /// Newton–Raphson with step halving, as R's survreg6: a step is taken,
  /// and if ℓ falls (or is not a number) the step is halved (at the first halving, a log-scale falls by at
  /// most 1.1); the fit has
  /// converged when a step changes ℓ by at most `tolerance` relative. Where
  /// the information is not positive definite, the step is the gradient
  /// scaled by the information's diagonal (a safe ascent direction).
  static func newtonRaphson(
    _ likelihood: SurvregLikelihood, start: [Double], maxIterations: Int, tolerance: Double, cholTolerance: Double
  ) throws -> NewtonResult {
    let q = likelihood.parameterCount
    let scaleIndices = likelihood.fixedScale == nil ? likelihood.data.p..<q : q..<q
    var gradient = [Double](repeating: 0, count: q)
    var information = [Double](repeating: 0, count: q * q)
    var theta = start
    var loglik = likelihood.evaluate(theta, gradient: &gradient, information: &information)
    var iterations = 0
    var converged = false
    var step = newtonStep(gradient: gradient, information: information, q: q, tolerance: cholTolerance)
    var halvings = 0
    var scratchGradient = gradient, scratchInformation = information
    while iterations < maxIterations {
      try Cancellation.check()
      iterations += 1
      var trial = theta
      for j in 0..<q { trial[j] += step[j] }
      let newLoglik = likelihood.evaluate(trial, gradient: &scratchGradient, information: &scratchInformation)
      if newLoglik.isFinite, abs(1 - loglik / newLoglik) <= tolerance {
        theta = trial
        loglik = newLoglik
        swap(&gradient, &scratchGradient)
        swap(&information, &scratchInformation)
        converged = true
        break
      }
      if !newLoglik.isFinite || newLoglik < loglik {
        halvings += 1
        for j in 0..<q { step[j] /= 2 }
        if halvings == 1 {
          // A step that shrank a scale by more than a factor of 3 (log 3 ≈ 1.1) is pulled back to that
          // factor at its first halving, as R's survreg6 does: a scale is what most often sends the step
          // astray, and halving alone backs away too slowly from log σ going from 0.5 to −3.
          for j in scaleIndices where step[j] < -1.1 { step[j] = -1.1 }
        }
        if halvings > 30 { break }
        continue
      }
      halvings = 0
      theta = trial
      loglik = newLoglik
      swap(&gradient, &scratchGradient)
      swap(&information, &scratchInformation)
      step = newtonStep(gradient: gradient, information: information, q: q, tolerance: cholTolerance)
    }
    let chol = CholeskyLDL(square: information, n: q, tolerance: cholTolerance)
    let variance = chol.isPositiveSemidefinite ? chol.inverse() : [Double](repeating: .nan, count: q * q)
    return NewtonResult(
      theta: theta, loglik: loglik, gradient: gradient, variance: variance, iterations: iterations,
      converged: converged)
  }

  static func newtonStep(gradient: [Double], information: [Double], q: Int, tolerance: Double) -> [Double] {
    let chol = CholeskyLDL(square: information, n: q, tolerance: tolerance)
    if chol.isPositiveSemidefinite && chol.rank == q {
      return chol.solve(gradient)
    }
    return (0..<q).map { j in
      let d = abs(information[j * q + j])
      return d > 0 ? gradient[j] / d : 0
    }
  }
}
