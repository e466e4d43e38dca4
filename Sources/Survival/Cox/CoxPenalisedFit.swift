import Foundation
import RunControl

/// One penalised term of a Cox fit: its design columns (contiguous), its
/// penalty matrix K (row-major k × k, e.g. `PenalisedSplineBasis.penalty`)
/// and how θ is chosen. The fit subtracts λ·βᵀKβ/2, λ = θ/(1 − θ), from
/// the log partial likelihood (R `pspline`'s `pfun`).
public struct CoxPenaltyTerm: Sendable {
  public let columns: Range<Int>
  public let penalty: [Double]
  public let rule: CoxThetaSearch.Rule

  public init(columns: Range<Int>, penalty: [Double], rule: CoxThetaSearch.Rule) {
    self.columns = columns
    self.penalty = penalty
    self.rule = rule
  }
}

/// A penalised Cox fit, as R `survival` 3.5 `coxph` with `pspline()` terms
/// (`coxpenal.fit`) reports it.
public struct CoxPenalisedFit: Sendable {
  public let coefficients: [Double]
  /// H⁻¹, H the penalised information at the estimate (R `fit$var`), row-major.
  public let variance: [Double]
  /// H⁻¹ I H⁻¹, I the unpenalised information (R `fit$var2`), row-major.
  public let variance2: [Double]
  /// Effective degrees of freedom per term of `terms` (R `fit$df`).
  public let df: [Double]
  /// Log partial likelihood at the initial β and (unpenalised) at the estimate (R `fit$loglik`).
  public let loglikInitial: Double
  public let loglik: Double
  /// λ·βᵀKβ/2 summed over the terms after the first and the last outer iteration (R `fit$penalty`).
  public let penaltyFirst: Double
  public let penalty: Double
  /// Outer iterations (θ updates) and Newton–Raphson iterations summed over them (R `fit$iter`).
  public let outerIterations: Int
  public let newtonIterations: Int
  /// Per penalised term: the θ of the returned fit, and the θ the search
  /// proposed next (R's `history[[i]]$theta`, which R prints as "Theta=").
  public let theta: [Double]
  public let thetaNext: [Double]
  /// Outer iterations whose Newton–Raphson ran out of iterations (1-based).
  public let innerFailures: [Int]
  public let n: Int
  public let events: Int

  /// The Wald test of all of a penalised term's coefficients, βᵀV⁻β with V
  /// its block of `variance` (R `coxph.wtest`, Cholesky tolerance 1e-9).
  public func waldTest(columns: Range<Int>) -> Double {
    let k = columns.count
    let v = block(variance, columns)
    guard let chol = try? CholeskyLDL(v, n: k, tolerance: 1e-9) else { return .nan }
    return chol.quadraticForm(Array(coefficients[columns]))
  }

  /// The linear part of a spline term (R `pspline`'s `printfun`): the
  /// generalised least-squares slope of its coefficients on `base`
  /// (`PenalisedSplineBasis.linearBase`) with weight V⁻¹, its variances
  /// under `variance` and `variance2`, the chi-square slope²/var on 1 df;
  /// and the non-linear chi-square, the term's Wald test less the linear one,
  /// on df − 1 (p-value on max(0.5, df − 1)).
  public func splineTests(columns: Range<Int>, base: [Double], df: Double) -> PenalisedSplineTests? {
    let k = columns.count
    guard base.count == k, k >= 2 else { return nil }
    let v = block(variance, columns)
    let v2 = block(variance2, columns)
    guard let chol = try? CholeskyLDL(v, n: k, tolerance: 1e-9) else { return nil }
    let coef = Array(coefficients[columns])
    let test1 = chol.quadraticForm(coef)
    // xsig = V⁻¹ [1, base] (k × 2); cmat = (Xᵀ V⁻¹ X)⁻¹ xsigᵀ, its second row.
    let s1 = chol.solve([Double](repeating: 1, count: k))
    let s2 = chol.solve(base)
    var m = [0.0, 0.0, 0.0, 0.0]
    for i in 0..<k {
      m[0] += s1[i]
      m[1] += s2[i]
      m[2] += base[i] * s1[i]
      m[3] += base[i] * s2[i]
    }
    guard let mchol = try? CholeskyLDL(m, n: 2, tolerance: 1e-9) else { return nil }
    var weights = [Double](repeating: 0, count: k)
    for i in 0..<k { weights[i] = mchol.solve([s1[i], s2[i]])[1] }
    var linear = 0.0
    for i in 0..<k { linear += weights[i] * coef[i] }
    func quad(_ a: [Double]) -> Double {
      var s = 0.0
      for i in 0..<k {
        var r = 0.0
        for j in 0..<k { r += a[i * k + j] * weights[j] }
        s += weights[i] * r
      }
      return s
    }
    let lvar1 = quad(v)
    let lvar2 = quad(v2)
    let test2 = linear * linear / lvar1
    return PenalisedSplineTests(
      linear: linear, linearSE: lvar1.squareRoot(), linearSE2: lvar2.squareRoot(), linearChisq: test2,
      linearP: ChiSquare.upperTail(test2, df: 1), nonlinearChisq: test1 - test2, nonlinearDF: df - 1,
      nonlinearP: ChiSquare.upperTail(test1 - test2, df: max(0.5, df - 1)))
  }

  private func block(_ a: [Double], _ columns: Range<Int>) -> [Double] {
    let p = coefficients.count
    return columns.flatMap { i in columns.map { j in a[i * p + j] } }
  }
}

/// The two rows R prints for a `pspline()` term: "linear" and "nonlin".
public struct PenalisedSplineTests: Sendable, Equatable {
  public let linear: Double
  public let linearSE: Double
  public let linearSE2: Double
  public let linearChisq: Double
  public let linearP: Double
  public let nonlinearChisq: Double
  public let nonlinearDF: Double
  public let nonlinearP: Double
}

/// Penalised Cox regression of right-censored data (R `survival` 3.5
/// `coxpenal.fit` with non-sparse penalties, i.e. `pspline()` terms).
///
/// Outer loop (at most `outerMax` = 10 times): Newton–Raphson at the
/// current θ of every penalised term, then each term's `CoxThetaSearch`
/// proposes the next θ from the effective df of the fit; the loop stops
/// when every term says done (a fixed θ: after one fit). Each fit after
/// the first starts from the coefficients of the earlier fit whose θ
/// vector was nearest (squared distance) to the new one.
///
/// Inner loop (R's `coxfit5_b`): penalised log-likelihood ℓ_p = ℓ − Σ
/// λβᵀKβ/2, score U − λKβ, information I + λK; converged when |1 −
/// ℓ_old/ℓ_new| ≤ eps without a halving in progress (the β returned is the
/// one just evaluated, before its step); a step that lowers ℓ_p is halved
/// once towards the previous β.
///
/// Effective df (R's `coxpenal.df`): with H = I + P at the estimate, V =
/// H⁻¹ and V₂ = V I V, one term gives df = tr(I V); several give, per term,
/// tr(V_tt⁻¹ V₂_tt).
public enum CoxPenalisedModel {
  public static let outerMax = 10

  /// - Parameters:
  ///   - covariates: column-major n × p.
  ///   - terms: the columns of each model term, in order (R `assign`);
  ///     every penalised term's columns must be one of them.
  public static func fit(
    time: [Double], status: [Double], covariates: [Double], columns p: Int, weights: [Double]? = nil,
    strata: [Int]? = nil, terms: [[Int]], penalties: [CoxPenaltyTerm], options: CoxOptions = CoxOptions()
  ) throws -> CoxPenalisedFit {
    let n = time.count
    try CoxPreparedData.validate(
      n: n, p: p, covariates: covariates, time: time, start: nil, status: status, weights: weights,
      strata: strata, offset: nil, cluster: nil, initial: options.initial)
    if p == 0 { throw CoxInputError("the model has no covariates (p = 0)") }
    if options.ties == .exact {
      throw CoxInputError("pspline() terms are fitted with ties = \"efron\" or \"breslow\", not \"exact\"")
    }
    if let weights, weights.contains(where: { !($0 > 0) }) {
      throw CoxInputError("weights must be > 0 for a penalised fit (as R: \"Invalid weights, must be >0\")")
    }
    let termIndex: [Int] = try penalties.map { pen in
      guard let t = terms.firstIndex(where: { $0 == Array(pen.columns) }) else {
        throw CoxInputError("a penalised term's columns \(pen.columns) are not one of the model terms")
      }
      let k = pen.columns.count
      guard pen.columns.lowerBound >= 0, pen.columns.upperBound <= p, pen.penalty.count == k * k else {
        throw CoxInputError("a penalised term's penalty matrix is not \(k) × \(k)")
      }
      return t
    }
    try MemoryBudget.require(
      count: n, stride: p * MemoryLayout<Double>.stride, for: "the sorted covariates of the Cox fit (\(n) × \(p))")
    let data = CoxPreparedData(
      n: n, p: p, covariates: covariates, time: time, start: nil, status: status, weights: weights,
      strata: strata, offset: nil, nocenter: options.nocenter)
    let kernel = CoxModel.makeKernel(data: data, ties: options.ties)
    let scale = data.scale
    var u = [Double](repeating: 0, count: p)
    var info = [Double](repeating: 0, count: p * p)
    /// ℓ, U and I at β (original units).
    func evaluate(_ beta: [Double]) throws -> Double {
      let scaled = (0..<p).map { beta[$0] / scale[$0] }
      let loglik = kernel.evaluate(beta: scaled, score: &u, information: &info)
      try kernel.poll.check()
      for i in 0..<p {
        u[i] /= scale[i]
        for j in 0..<p { info[i * p + j] /= scale[i] * scale[j] }
      }
      return loglik
    }

    var searches = penalties.map { CoxThetaSearch($0.rule) }
    var start = options.initial ?? [Double](repeating: 0, count: p)
    let loglikInitial = try evaluate(start)
    var thetaSaved: [[Double]] = [searches.map(\.theta)]
    var coefSaved: [[Double]] = []
    var newtonTotal = 0
    var failures: [Int] = []
    var penaltyFirst = 0.0
    var result: (beta: [Double], loglik: Double, variance: [Double], variance2: [Double], penalty: Double)?
    var df: [Double] = []
    var usedTheta: [Double] = []
    var outer = 0
    for iteration in 1...outerMax {
      outer = iteration
      try Cancellation.check()
      usedTheta = searches.map(\.theta)
      for (t, theta) in usedTheta.enumerated() where !(theta > 0 && theta < 1) {
        throw CoxInputError(
          "pspline(): the df search for term \(termIndex[t] + 1) reached theta = \(theta), outside (0, 1)")
      }
      // P = Σ λ K on each term's block.
      var pmat = [Double](repeating: 0, count: p * p)
      for (t, pen) in penalties.enumerated() {
        let lambda = usedTheta[t] / (1 - usedTheta[t])
        let k = pen.columns.count
        let c0 = pen.columns.lowerBound
        for i in 0..<k { for j in 0..<k { pmat[(c0 + i) * p + c0 + j] += lambda * pen.penalty[i * k + j] } }
      }
      let inner = try newton(
        evaluate: evaluate, u: { u }, info: { info }, p: p, pmat: pmat, start: start,
        maxIterations: options.maxIterations, epsilon: options.epsilon, cholTolerance: options.cholTolerance)
      newtonTotal += inner.iterations
      if inner.iterations >= options.maxIterations { failures.append(iteration) }
      if iteration == 1 { penaltyFirst = inner.penalty }
      // Effective df at the estimate.
      let hchol = try CholeskyLDL(inner.penalised, n: p, tolerance: options.cholTolerance)
      if hchol.rank < p {
        throw CoxInputError("the penalised information matrix is singular (rank \(hchol.rank) of \(p))")
      }
      let v = hchol.inverse()
      let v2 = sandwich(v, inner.info, p)
      df = degreesOfFreedom(terms: terms, info: inner.info, v: v, v2: v2, p: p)
      result = (inner.beta, inner.loglik, v, v2, inner.penalty)
      var done = true
      for t in searches.indices {
        searches[t].update(iteration: iteration, df: df[termIndex[t]])
        done = done && searches[t].done
      }
      if done { break }
      let next = searches.map(\.theta)
      coefSaved.append(inner.beta)
      if iteration == 1 {
        start = inner.beta
      } else {
        let distance = thetaSaved.map { saved in zip(saved, next).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
        let nearest = distance.indices.min { (distance[$0], $0) < (distance[$1], $1) } ?? 0
        start = coefSaved[nearest]
      }
      thetaSaved.append(next)
    }
    guard let fit = result else { throw CoxInputError("the penalised fit made no iteration") }
    return CoxPenalisedFit(
      coefficients: fit.beta, variance: fit.variance, variance2: fit.variance2, df: df,
      loglikInitial: loglikInitial, loglik: fit.loglik, penaltyFirst: penaltyFirst, penalty: fit.penalty,
      outerIterations: outer, newtonIterations: newtonTotal, theta: usedTheta,
      thetaNext: searches.map(\.theta), innerFailures: failures, n: n, events: data.events)
  }

  /// A B Aᵀ for symmetric A, B (row-major p × p).
  static func sandwich(_ a: [Double], _ b: [Double], _ p: Int) -> [Double] {
    var ab = [Double](repeating: 0, count: p * p)
    for i in 0..<p { for k in 0..<p { let x = a[i * p + k]; for j in 0..<p { ab[i * p + j] += x * b[k * p + j] } } }
    var out = [Double](repeating: 0, count: p * p)
    for i in 0..<p { for k in 0..<p { let x = ab[i * p + k]; for j in 0..<p { out[i * p + j] += x * a[k * p + j] } } }
    return out
  }

  /// R's `coxpenal.df` for non-sparse penalties: tr(I V) for a one-term
  /// model, else tr(V_tt⁻¹ V₂_tt) per term (Cholesky tolerance 1e-9).
  static func degreesOfFreedom(terms: [[Int]], info: [Double], v: [Double], v2: [Double], p: Int) -> [Double] {
    if terms.count == 1 {
      var s = 0.0
      for i in 0..<(p * p) { s += info[i] * v[i] }
      return [s]
    }
    return terms.map { cols in
      let k = cols.count
      if k == 1 { return v2[cols[0] * p + cols[0]] / v[cols[0] * p + cols[0]] }
      let vb = cols.flatMap { i in cols.map { j in v[i * p + j] } }
      guard let chol = try? CholeskyLDL(vb, n: k, tolerance: 1e-9) else { return .nan }
      var trace = 0.0
      for (a, j) in cols.enumerated() {
        let column = chol.solve(cols.map { v2[$0 * p + j] })
        trace += column[a]
      }
      return trace
    }
  }

  struct InnerResult {
    var beta: [Double]
    /// Unpenalised ℓ at β.
    var loglik: Double
    /// λ βᵀKβ / 2 at β.
    var penalty: Double
    /// Unpenalised information I and penalised H = I + P at β.
    var info: [Double]
    var penalised: [Double]
    var iterations: Int
  }

  // swiftlint:disable:next function_parameter_count
  static func newton(
    evaluate: ([Double]) throws -> Double, u: () -> [Double], info: () -> [Double], p: Int, pmat: [Double],
    start: [Double], maxIterations: Int, epsilon: Double, cholTolerance: Double
  ) throws -> InnerResult {
    var beta = start
    var oldBeta = start
    var best = 0.0
    var halving = false
    var iteration = 0
    while true {
      try Cancellation.check()
      let loglik = try evaluate(beta)
      var score = u()
      let imat = info()
      var h = imat
      var penalty = 0.0
      for i in 0..<p {
        var r = 0.0
        for j in 0..<p { r += pmat[i * p + j] * beta[j] }
        score[i] -= r
        penalty += beta[i] * r
      }
      penalty /= 2
      for i in 0..<(p * p) { h[i] += pmat[i] }
      let newlk = loglik - penalty
      if abs(newlk) < epsilon || (abs(1 - best / newlk) <= epsilon && !halving) || iteration == maxIterations {
        return InnerResult(
          beta: beta, loglik: loglik, penalty: penalty, info: imat, penalised: h, iterations: iteration)
      }
      if iteration > 0 && newlk < best {
        halving = true
        for i in 0..<p { beta[i] = (oldBeta[i] + beta[i]) / 2 }
      } else {
        halving = false
        best = newlk
        let chol = try CholeskyLDL(h, n: p, tolerance: cholTolerance)
        chol.solveInPlace(&score)
        for i in 0..<p {
          oldBeta[i] = beta[i]
          beta[i] += score[i]
        }
      }
      iteration += 1
    }
  }
}
