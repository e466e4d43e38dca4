import Foundation

/// A log partial likelihood that can be evaluated at β with its score and
/// information (row-major p × p, symmetric) written into caller-owned buffers.
/// Implementations keep their scratch space between calls, so the Newton
/// iterations allocate nothing per row.
protocol CoxLikelihoodKernel: AnyObject {
  var p: Int { get }
  /// The kernel's sweeps count their work and leave early when this poll
  /// sees a stop (a 3,000-level factor costs minutes per sweep); the driver
  /// then throws `ComputationCancelled` through `poll.check()`.
  var poll: KernelPoll { get }
  func evaluate(beta: [Double], score: inout [Double], information: inout [Double]) -> Double
}

/// What the Newton–Raphson driver hands back, already on the covariates'
/// original scale.
struct CoxIterationResult {
  var beta: [Double]
  /// Score at the returned β (R's `u`).
  var score: [Double]
  /// The (generalized) inverse information, row-major p × p.
  var variance: [Double]
  var loglikInitial: Double
  var loglikFinal: Double
  /// uᵀ I⁻ u at the initial β.
  var scoreTest: Double
  var iterations: Int
  var rank: Int
  var converged: Bool
}

/// Newton–Raphson with step-halving, as R `survival` 3.5 does it.
///
/// Convergence: |1 − ℓ_best/ℓ_new| ≤ eps (relative change of the log partial
/// likelihood). A step that lowers ℓ, or gives a non-finite ℓ, score or
/// information, is pulled back towards the last good β:
/// β_new ← (β_new + h·β)/(h + 1) for the h-th consecutive halving.
///
/// Two flavours reproduce the two R routines, which differ in details that
/// show up in reported numbers when a fit does not converge:
/// - `.rightCensored` (`coxfit6`): converges even mid-halving; on running out
///   of iterations it reports ℓ at the last good β, `iterations = max + 1`,
///   and — as R 3.5.3 does, because it inverts an unfactored matrix — a
///   variance of diag(1/I_jj) at that β (zero off the diagonal).
/// - `.countingProcess` (`agfit4`): converges only after a full step; on
///   running out it keeps the last attempted β unless that was worse than
///   the best by more than eps (then the best), `iterations = max`.
/// - `.exact` (`coxexact`): as `.countingProcess`, but a bad step is always
///   halved (β ← (β + β_old)/2) and on running out (max > 1) the last good β
///   is kept.
/// - `.countingExact` (`agexact`): halves as `.exact` and converges only
///   after a full step, but tests neither the rank nor the finiteness of
///   the information, and on running out keeps the last attempted β, with
///   its ℓ and information, `iterations = max`. (A non-finite ℓ is halved
///   here; R would take the step.)
enum CoxNewtonRaphson {
  enum Flavour { case rightCensored, countingProcess, exact, countingExact }

  static func run(
    kernel: CoxLikelihoodKernel, scale: [Double], initial: [Double], maxIterations: Int,
    epsilon: Double, cholTolerance: Double, flavour: Flavour
  ) throws -> CoxIterationResult {
    let p = kernel.p
    var beta = (0..<p).map { initial[$0] / scale[$0] }
    var u = [Double](repeating: 0, count: p)
    var imat = [Double](repeating: 0, count: p * p)
    var step = [Double](repeating: 0, count: p)

    try MemoryBudget.require(
      count: p, stride: 4 * p * MemoryLayout<Double>.stride, for: "the \(p) × \(p) information matrix of the Cox fit")
    let poll = kernel.poll
    let check: () throws -> Void = { try poll.check() }
    /// ℓ, U and I at `b`, then a poll: a sweep left early throws here.
    func evaluate(_ b: [Double]) throws -> Double {
      let loglik = kernel.evaluate(beta: b, score: &u, information: &imat)
      try poll.check()
      return loglik
    }
    let loglik0 = try evaluate(beta)
    var chol = try CholeskyLDL(imat, n: p, tolerance: cholTolerance, poll: check)
    let initialRank = chol.rank
    for i in 0..<p { step[i] = u[i] }
    chol.solveInPlace(&step)
    var scoreTest = 0.0
    for i in 0..<p { scoreTest += u[i] * step[i] }

    func finish(
      _ beta: [Double], _ u: [Double], _ variance: [Double], _ loglik1: Double, _ iterations: Int,
      _ rank: Int, _ converged: Bool
    ) -> CoxIterationResult {
      var v = variance
      for i in 0..<p { for j in 0..<p { v[i * p + j] *= scale[i] * scale[j] } }
      return CoxIterationResult(
        beta: (0..<p).map { beta[$0] * scale[$0] }, score: (0..<p).map { u[$0] / scale[$0] },
        variance: v, loglikInitial: loglik0, loglikFinal: loglik1, scoreTest: scoreTest,
        iterations: iterations, rank: rank, converged: converged)
    }

    if maxIterations == 0 || !loglik0.isFinite {
      return finish(beta, u, try chol.inverse(poll: check), loglik0, 0, chol.rank, maxIterations == 0)
    }

    func allFinite(_ loglik: Double) -> Bool {
      loglik.isFinite && !u.contains(where: { !$0.isFinite })
        && !imat.contains(where: { !$0.isFinite })
    }

    var best = loglik0
    var halving = 0.0
    /// After an evaluation that improved ℓ (every flavour): it becomes the
    /// best, halving stops, `previous` keeps β and β takes a full Newton
    /// step, β + I⁻¹U with the information just factored.
    func accept(_ loglik: Double, stepping beta: inout [Double], keeping previous: inout [Double]) {
      halving = 0
      best = loglik
      for i in 0..<p { step[i] = u[i] }
      chol.solveInPlace(&step)
      for i in 0..<p {
        previous[i] = beta[i]
        beta[i] += step[i]
      }
    }
    switch flavour {
    case .rightCensored:
      var newBeta = (0..<p).map { beta[$0] + step[$0] }
      for iteration in 1...maxIterations {
        try Cancellation.check()
        let newLoglik = try evaluate(newBeta)
        chol = try CholeskyLDL(imat, n: p, tolerance: cholTolerance, poll: check)
        let finite = allFinite(newLoglik)
        if finite && abs(1 - best / newLoglik) <= epsilon {
          return finish(newBeta, u, try chol.inverse(poll: check), newLoglik, iteration, chol.rank, true)
        }
        if !finite || newLoglik < best {
          halving += 1
          for i in 0..<p { newBeta[i] = (newBeta[i] + halving * beta[i]) / (halving + 1) }
        } else {
          accept(newLoglik, stepping: &newBeta, keeping: &beta)
        }
      }
      if maxIterations > 1 {
        best = try evaluate(beta)
        // R 3.5.3 inverts this information without factoring it first,
        // which amounts to inverting its diagonal.
        var diagonal = [Double](repeating: 0, count: p * p)
        for i in 0..<p where imat[i * p + i] > 0 { diagonal[i * p + i] = 1 / imat[i * p + i] }
        return finish(beta, u, diagonal, best, maxIterations + 1, chol.rank, false)
      }
      return finish(beta, u, try chol.inverse(poll: check), best, maxIterations + 1, chol.rank, false)

    case .countingProcess, .exact:
      // agfit4 pulls back by (h·β_old + β)/(h + 1); coxexact always halves.
      let exact = flavour == .exact
      var oldBeta = beta
      for i in 0..<p { beta[i] += step[i] }
      var newLoglik = loglik0
      for iteration in 1...maxIterations {
        try Cancellation.check()
        newLoglik = try evaluate(beta)
        var fail = imat.indices.contains { $0 % (p + 1) == 0 && !imat[$0].isFinite }
        chol = try CholeskyLDL(imat, n: p, tolerance: cholTolerance, poll: check)
        fail = fail || !newLoglik.isFinite || chol.rank != initialRank
        if !fail && halving == 0 && abs(1 - best / newLoglik) <= epsilon {
          return finish(beta, u, try chol.inverse(poll: check), newLoglik, iteration, initialRank, true)
        }
        if iteration == maxIterations {
          if maxIterations > 1 && (exact || (newLoglik - best) / abs(best) < -epsilon) {
            beta = oldBeta
            newLoglik = try evaluate(beta)
            chol = try CholeskyLDL(imat, n: p, tolerance: cholTolerance, poll: check)
          }
          break
        }
        if fail || newLoglik < best {
          halving = exact ? 1 : halving + 1
          for i in 0..<p { beta[i] = (oldBeta[i] * halving + beta[i]) / (halving + 1) }
        } else {
          accept(newLoglik, stepping: &beta, keeping: &oldBeta)
        }
      }
      return finish(beta, u, try chol.inverse(poll: check), newLoglik, maxIterations, initialRank, false)

    case .countingExact:
      var oldBeta = beta
      for i in 0..<p { beta[i] += step[i] }
      var newLoglik = loglik0
      for iteration in 1...maxIterations {
        try Cancellation.check()
        newLoglik = try evaluate(beta)
        chol = try CholeskyLDL(imat, n: p, tolerance: cholTolerance, poll: check)
        if halving == 0 && abs(1 - best / newLoglik) <= epsilon {
          return finish(beta, u, try chol.inverse(poll: check), newLoglik, iteration, chol.rank, true)
        }
        if iteration == maxIterations { break }
        if !newLoglik.isFinite || newLoglik < best {
          halving = 1
          for i in 0..<p { beta[i] = (beta[i] + oldBeta[i]) / 2 }
        } else {
          accept(newLoglik, stepping: &beta, keeping: &oldBeta)
        }
      }
      return finish(beta, u, try chol.inverse(poll: check), newLoglik, maxIterations, chol.rank, false)
    }
  }
}
