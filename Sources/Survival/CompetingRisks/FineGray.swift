import Foundation

/// Fine–Gray proportional subdistribution hazards regression, equal to R
/// `cmprsk::crr` (2.2-11), with censoring groups (`cengroup`), without
/// time-varying terms (`cov2`/`tf`).
///
/// Model: the subdistribution hazard of cause `failCode` is
/// λ₁(t | x) = λ₁₀(t) exp(xβ). Subjects failing from another cause stay in
/// the risk set after their failure with inverse-probability-of-censoring
/// weight G(t−)/G(tᵢ−), G the Kaplan–Meier of the censoring distribution
/// (crr's `uuu`, evaluated as crr does just before each time; at time 0 crr
/// reads G(0) itself, which this reproduces). At each distinct failure time
/// tₖ with dₖ failures,
///
///     S⁽ʲ⁾(tₖ) = Σ_{tᵢ ≥ tₖ} e^{xᵢβ} xᵢ^{⊗j} + G(tₖ−) Σ_{tᵢ < tₖ, other cause} e^{xᵢβ} xᵢ^{⊗j} / G(tᵢ−),
///
/// the pseudo log-likelihood is Σₖ [Σ_{failures at tₖ} xᵢβ − dₖ log S⁽⁰⁾(tₖ)],
/// and the information Σₖ dₖ (S⁽²⁾/S⁽⁰⁾ − S⁽¹⁾S⁽¹⁾ᵀ/S⁽⁰⁾²).
///
/// Computation (Kawaguchi, Shen & Suchard 2020, fastcmprsk): after one sort,
/// the first sum is a suffix sum and the second a prefix sum, so a backward
/// scan gives likelihood, score and information in O(n p²) per iteration
/// (crr's Fortran is O(n²)). Covariates are centred (the likelihood, score
/// and information are invariant). The sandwich variance H⁻¹ Σᵢ(ηᵢ + ψᵢ)^{⊗2} H⁻¹
/// (Fine & Gray 1999, ηᵢ the score residual, ψᵢ the censoring correction,
/// as crr's `crrvv`) uses prefix/suffix sums too, so it is O(n p²).
///
/// Iteration is crr's: Newton–Raphson from β = 0, stopping when
/// maxⱼ |Uⱼ|·max(|βⱼ|, 1) < max(|ℓ|, 1)·gtol, with backtracking halving of
/// the step (Armijo constant 1e-4, at most 20 halvings) and `maxIterations`
/// Newton steps; non-convergence is a flag, never an error.
public struct FineGray: Sendable {
  public let n: Int
  public let p: Int
  public let coefficients: [Double]
  public let standardErrors: [Double]
  public let z: [Double]
  /// Two-sided normal p-values.
  public let pValues: [Double]
  /// exp(β), the subdistribution hazard ratios, and their CI exp(β ± z·se).
  public let hazardRatios: [Double]
  public let lower: [Double]
  public let upper: [Double]
  public let confidenceLevel: Double
  /// Sandwich variance (crr's `var`), p × p row-major.
  public let variance: [Double]
  /// Information matrix at β̂ (crr's `inf`), p × p row-major.
  public let information: [Double]
  /// Pseudo log-likelihood at β̂ and at β = 0 (crr's `loglik`, `loglik.null`).
  public let logLikelihood: Double
  public let nullLogLikelihood: Double
  /// The pseudo likelihood-ratio test of `summary.crr`: 2 (ℓ(β̂) − ℓ(0)) on p
  /// degrees of freedom.
  public var likelihoodRatioTest: ChiSquareTest {
    ChiSquareTest(2 * (logLikelihood - nullLogLikelihood), df: p)
  }
  /// Newton steps taken.
  public let iterations: Int
  public let converged: Bool
  /// Distinct failure times of the cause (crr's `uftime`).
  public let failureTimes: [Double]
  /// Baseline subdistribution hazard jumps at `failureTimes` (crr's `bfitj`).
  public let baselineJumps: [Double]

  /// Predicted cumulative incidence at `failureTimes` for one covariate
  /// profile (length p), as `predict.crr`: 1 − exp(−Σ_{tₖ ≤ t} e^{xβ}·bfitjₖ).
  public func predict(_ profile: [Double]) throws -> [Double] {
    guard profile.count == p else {
      throw SurvivalInputError.shapeMismatch(argument: "profile", shape: "p", expected: p, actual: profile.count)
    }
    var xb = 0.0
    for j in 0..<p { xb += profile[j] * coefficients[j] }
    let r = exp(xb)
    var cumulative = 0.0
    return baselineJumps.map { jump in
      cumulative += r * jump
      return 1 - exp(-cumulative)
    }
  }

  /// Fits the model.
  /// - Parameters:
  ///   - time: follow-up times (finite, ≥ 0).
  ///   - status: cause codes; `failCode` is the cause of interest,
  ///     `censorCode` censored, anything else a competing cause.
  ///   - covariates: column-major n × p matrix.
  ///   - censoringGroup: crr's `cengroup` as 0..<g (the censoring
  ///     distribution is estimated within each group); nil for one group.
  ///   - maxIterations: crr's `maxiter` (10); `gradientTolerance`: crr's `gtol` (1e-6).
  public static func fit(
    time: [Double], status: [Int], covariates: [Double], p: Int,
    failCode: Int = 1, censorCode: Int = 0, censoringGroup: [Int]? = nil,
    maxIterations: Int = 10, gradientTolerance: Double = 1e-6, confidenceLevel: Double = 0.95
  ) throws -> FineGray {
    let n = time.count
    try SurvivalInputError.checkRowCount(n)
    try CompetingRisksInput.checkLength("status", status.count, n)
    guard p >= 1 else {
      throw SurvivalInputError.invalidOption("a Fine–Gray model needs p ≥ 1 covariates, got \(p)")
    }
    let size = n.multipliedReportingOverflow(by: p)
    guard !size.overflow, covariates.count == size.partialValue else {
      throw SurvivalInputError.shapeMismatch(
        argument: "covariates", shape: "n × p, column-major", expected: size.overflow ? Int.max : size.partialValue,
        actual: covariates.count)
    }
    try CompetingRisksInput.checkTimes(time)
    if let censoringGroup {
      try CompetingRisksInput.checkLength("censoringGroup", censoringGroup.count, n)
      for (i, g) in censoringGroup.enumerated() where g < 0 {
        throw SurvivalInputError.negativeCode(argument: "censoringGroup", index: i, value: g)
      }
    }
    // The sorted copy of the covariates (n × p) and, per failure time and
    // censoring group, the censoring survival and the suffix sums of the
    // sandwich (2 + 2p numbers): asked of the budget before they are made.
    let groups = max((censoringGroup?.max() ?? 0) + 1, 1)
    let failures = status.reduce(0) { $0 + ($1 == failCode ? 1 : 0) }
    try MemoryBudget.require(count: n, stride: (p + 4) * MemoryLayout<Double>.stride,
                             for: "the sorted covariates of the Fine–Gray fit (\(n) × \(p))")
    try MemoryBudget.require(
      count: failures, stride: groups * (2 * p + 4) * MemoryLayout<Double>.stride,
      for: "the censoring weights of \(failures) failures in \(groups) censoring groups")
    try MemoryBudget.require(count: groups, stride: 2 * p * p * MemoryLayout<Double>.stride,
                             for: "the competing-risk sums of \(groups) censoring groups")
    try Cancellation.check()
    let data = FineGrayData(time: time, status: status, covariates: covariates, p: p,
                            failCode: failCode, censorCode: censorCode, censoringGroup: censoringGroup)
    /// An evaluation, then a poll (a scan left early throws here).
    func evaluate(_ b: [Double], derivatives: Bool) throws -> FineGrayData.Evaluation {
      let e = data.evaluate(b, derivatives: derivatives)
      try data.poll.check()
      return e
    }
    var beta = [Double](repeating: 0, count: p)
    var current = try evaluate(beta, derivatives: true)
    var converged = false
    var iterations = 0
    var step = [Double](repeating: 0, count: p)
    for ll in 0...max(maxIterations, 0) {
      try Cancellation.check()
      iterations = ll
      var gradientSize = 0.0
      for j in 0..<p { gradientSize = max(gradientSize, abs(current.score[j]) * max(abs(beta[j]), 1)) }
      if gradientSize < max(abs(current.lik), 1) * gradientTolerance {
        converged = true
        break
      }
      if ll == maxIterations { break }
      let ldl = try CholeskyLDL(current.hessian, n: p, poll: { try data.poll.check() })
      step = ldl.solve(current.score).map { -$0 }
      var slope = 0.0
      for j in 0..<p { slope += step[j] * current.score[j] }
      var candidate = zip(beta, step).map { $0 + $1 }
      var fCandidate = try evaluate(candidate, derivatives: false).lik
      var halvings = 0
      while fCandidate.isNaN || fCandidate > current.lik + 1e-4 * slope {
        halvings += 1
        for j in 0..<p { step[j] *= 0.5 }
        candidate = zip(beta, step).map { $0 + $1 }
        fCandidate = try evaluate(candidate, derivatives: false).lik
        if halvings > 20 { break }
      }
      if halvings > 20 { break }
      beta = candidate
      current = try evaluate(beta, derivatives: true)
    }
    let null = try evaluate([Double](repeating: 0, count: p), derivatives: false).lik
    let sandwich = data.sandwich(beta, information: current.hessian)
    try data.poll.check()
    let se = (0..<p).map { sandwich[$0 * p + $0].squareRoot() }
    let zc = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    let zs = (0..<p).map { beta[$0] / se[$0] }
    return FineGray(
      n: n, p: p, coefficients: beta, standardErrors: se, z: zs,
      pValues: zs.map { Normal.twoSidedP(abs($0)) },
      hazardRatios: beta.map { exp($0) },
      lower: (0..<p).map { exp(beta[$0] - zc * se[$0]) },
      upper: (0..<p).map { exp(beta[$0] + zc * se[$0]) },
      confidenceLevel: confidenceLevel, variance: sandwich, information: current.hessian,
      logLikelihood: -current.lik, nullLogLikelihood: -null,
      iterations: iterations, converged: converged,
      failureTimes: data.failureTimes, baselineJumps: data.baselineJumps(beta))
  }
}
