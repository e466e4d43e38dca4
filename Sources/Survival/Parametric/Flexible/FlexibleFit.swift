import Foundation

/// The rows of a flexible parametric fit: right-censored, exact or
/// interval-censored times with optional entry times (left truncation) and
/// case weights, the covariates of the location parameter and, optionally,
/// covariates of other parameters.
public struct FlexibleData: Sendable {
  public let n: Int
  public let time: [Double]
  /// Entry times (0 for none); empty without left truncation.
  public let entry: [Double]
  public let event: [Bool]
  public let weights: [Double]?
  /// Row-major n × p covariates of the location (no intercept column).
  public let x: [Double]
  public let p: Int
  /// Covariates of ancillary parameters: the family parameter's index and a row-major n × columns design.
  public let ancillary: [(parameter: Int, x: [Double], columns: Int)]
  /// Interval censoring: empty, or per row NaN (the row is exact or right-censored, as `event` says) or
  /// the upper end t₂ of a row known only to fail in (time, t₂] (time = 0: left-censored at t₂).
  public let upper: [Double]

  public init(
    time: [Double], entry: [Double] = [], event: [Bool], weights: [Double]? = nil, x: [Double] = [], p: Int = 0,
    ancillary: [(parameter: Int, x: [Double], columns: Int)] = [], upper: [Double] = []
  ) {
    self.upper = upper
    self.n = time.count
    self.time = time
    self.entry = entry
    self.event = event
    self.weights = weights
    self.x = x
    self.p = p
    self.ancillary = ancillary
  }

  /// The number of covariate coefficients (location and ancillary).
  public var covariateCount: Int { p + ancillary.reduce(0) { $0 + $1.columns } }
}

/// Why a flexible fit stopped short.
public enum FlexibleWarning: Sendable, Equatable {
  case didNotConverge(iterations: Int)
  case singularInformation
}

/// A fitted flexible model: θ = (family parameters, location coefficients,
/// ancillary coefficients), the variance (inverse of the observed
/// information, by central differences of the analytic score), the
/// log-likelihood and the score at the estimate.
public struct FlexibleFit: Sendable {
  public let theta: [Double]
  public let variance: [Double]
  public let loglik: Double
  public let score: [Double]
  public let iterations: Int
  public let converged: Bool
  public let warnings: [FlexibleWarning]
  public var parameterCount: Int { theta.count }
  public var standardErrors: [Double] {
    let q = theta.count
    return (0..<q).map { variance[$0 * q + $0].squareRoot() }
  }
}

public enum FlexibleInputError: Error, Equatable, Sendable {
  case noRows
  case noEvents
  case shape(String)
}

/// Maximum likelihood for a `FlexibleFamily`: a quasi-Newton ascent on the
/// analytic score. The information is computed by central differences of
/// the score (2q passes over the rows) at the start and then BFGS-updated
/// (Nocedal & Wright, Numerical Optimization, §6.1), recomputed when the
/// update fails; a step that lowers ℓ or makes it not finite is halved, and
/// where the information is not positive definite the step is the gradient
/// scaled by its diagonal. Converged when the Newton decrement gᵀI⁻¹g is
/// below `tolerance` with the information itself (not an update); the
/// variance is the inverse of that information. Out of iterations, the last
/// iterate is returned with a warning.
public enum FlexibleModel {
  /// ℓ and its score at θ; a row whose probability underflows to 0 counts as log-probability −200 with no
  /// score, as R's survreg counts it (`SurvregRowTerms.floored`).
  public static func loglik<F: FlexibleFamily>(
    _ family: F, _ data: FlexibleData, theta: [Double], gradient: inout [Double]
  ) -> Double {
    let m = family.parameterCount
    let q = theta.count
    for j in 0..<q { gradient[j] = 0 }
    var total = 0.0
    var rowTheta = [Double](repeating: 0, count: m)
    var rowGradient = [Double](repeating: 0, count: m)
    let loc = family.locationIndex
    let p = data.p
    let truncated = !data.entry.isEmpty
    let interval = !data.upper.isEmpty
    var scratch = [Double](repeating: 0, count: 2 * m)
    scratch.withUnsafeMutableBufferPointer { scratch in
    rowTheta.withUnsafeMutableBufferPointer { rt in
      rowGradient.withUnsafeMutableBufferPointer { rg in
        theta.withUnsafeBufferPointer { th in
          gradient.withUnsafeMutableBufferPointer { g in
            data.x.withUnsafeBufferPointer { x in
              for i in 0..<data.n {
                for j in 0..<m {
                  rt[j] = th[j]
                  rg[j] = 0
                }
                var eta = 0.0
                for j in 0..<p { eta += x[i * p + j] * th[m + j] }
                rt[loc] += eta
                var offset = m + p
                for anc in data.ancillary {
                  var e = 0.0
                  for j in 0..<anc.columns { e += anc.x[i * anc.columns + j] * th[offset + j] }
                  rt[anc.parameter] += e
                  offset += anc.columns
                }
                var l: Double
                if interval && !data.upper[i].isNaN {
                  l = family.addIntervalGradient(
                    lower: data.time[i], upper: data.upper[i], entry: truncated ? data.entry[i] : 0,
                    weight: data.weights?[i] ?? 1, theta: rt, gradient: rg, scratch: scratch)
                } else {
                  l = family.addRowGradient(
                    time: data.time[i], entry: truncated ? data.entry[i] : 0, event: data.event[i],
                    weight: data.weights?[i] ?? 1, theta: rt, gradient: rg)
                }
                let w = data.weights?[i] ?? 1
                if w > 0 && l < w * SurvregRowTerms.underflow {
                  // A row whose probability underflows counts as log-probability −200, as in survreg
                  // (`SurvregRowTerms.floored`): one time of 1e200 would otherwise decide the whole fit.
                  l = w * SurvregRowTerms.floorLoglik
                  for j in 0..<m { rg[j] = 0 }
                }
                total += l
                for j in 0..<m { g[j] += rg[j] }
                let gl = rg[loc]
                for j in 0..<p { g[m + j] += gl * x[i * p + j] }
                offset = m + p
                for anc in data.ancillary {
                  let ga = rg[anc.parameter]
                  for j in 0..<anc.columns { g[offset + j] += ga * anc.x[i * anc.columns + j] }
                  offset += anc.columns
                }
              }
            }
          }
        }
      }
    }
    }
    return total
  }

  /// The observed information −∂²ℓ/∂θ² by central differences of the score (symmetrised).
  public static func information<F: FlexibleFamily>(
    _ family: F, _ data: FlexibleData, theta: [Double]
  ) throws -> [Double] {
    let q = theta.count
    var info = [Double](repeating: 0, count: q * q)
    var up = [Double](repeating: 0, count: q), down = up
    var t = theta
    for j in 0..<q {
      try Cancellation.check()
      let h = 1e-4 * max(1, abs(theta[j]))
      t[j] = theta[j] + h
      _ = loglik(family, data, theta: t, gradient: &up)
      t[j] = theta[j] - h
      _ = loglik(family, data, theta: t, gradient: &down)
      t[j] = theta[j]
      for k in 0..<q { info[k * q + j] = -(up[k] - down[k]) / (2 * h) }
    }
    for j in 0..<q {
      for k in 0..<j {
        let v = (info[j * q + k] + info[k * q + j]) / 2
        info[j * q + k] = v
        info[k * q + j] = v
      }
    }
    return info
  }

  public static func fit<F: FlexibleFamily>(
    _ family: F, _ data: FlexibleData, start: [Double], maxIterations: Int = 100, tolerance: Double = 1e-10
  ) throws -> FlexibleFit {
    let q = start.count
    guard data.n > 0 else { throw FlexibleInputError.noRows }
    guard data.event.count == data.n, data.x.count == data.n * data.p,
      data.upper.isEmpty || data.upper.count == data.n,
      q == family.parameterCount + data.covariateCount
    else { throw FlexibleInputError.shape("lengths of times, events, covariates and start disagree") }
    guard data.event.contains(true) || data.upper.contains(where: { !$0.isNaN }) else {
      throw FlexibleInputError.noEvents
    }
    var theta = start
    var gradient = [Double](repeating: 0, count: q)
    var ll = loglik(family, data, theta: theta, gradient: &gradient)
    var iterations = 0
    var converged = false
    var trialGradient = gradient
    // The information: by differences of the score at the start (and whenever the approximation fails or
    // claims convergence), BFGS-updated between (each difference costs 2q passes over the rows, an update none).
    var info = try information(family, data, theta: theta)
    var exact = true
    while iterations < maxIterations {
      try Cancellation.check()
      iterations += 1
      var chol = CholeskyLDL(square: info, n: q, tolerance: 1e-12)
      if !(chol.isPositiveSemidefinite && chol.rank == q) && !exact {
        info = try information(family, data, theta: theta)
        exact = true
        chol = CholeskyLDL(square: info, n: q, tolerance: 1e-12)
      }
      var step: [Double]
      if chol.isPositiveSemidefinite && chol.rank == q {
        step = chol.solve(gradient)
        var decrement = 0.0
        for j in 0..<q { decrement += step[j] * gradient[j] }
        if ll.isFinite && decrement.isFinite && decrement < tolerance {
          if exact {
            converged = true
            // One last Newton step with the information itself: the score falls to rounding level (the
            // variance keeps this information, a step of O(√tolerance) away).
            var trial = theta
            for j in 0..<q { trial[j] += step[j] }
            let l = loglik(family, data, theta: trial, gradient: &trialGradient)
            if l.isFinite && l >= ll - 1e-12 * abs(ll) {
              theta = trial
              ll = l
              swap(&gradient, &trialGradient)
            }
            break
          }
          // Confirm with the information itself.
          info = try information(family, data, theta: theta)
          exact = true
          iterations -= 1
          continue
        }
      } else {
        step = (0..<q).map { j in
          let d = abs(info[j * q + j])
          return gradient[j] / max(d, 1)
        }
      }
      var accepted = false
      for _ in 0..<40 {
        var trial = theta
        for j in 0..<q { trial[j] += step[j] }
        let l = loglik(family, data, theta: trial, gradient: &trialGradient)
        if l.isFinite && l >= ll - 1e-12 * abs(ll) {
          accepted = true
          // BFGS on B ≈ −∇²ℓ: s = the step, y = g_old − g_new (the change of the gradient of −ℓ).
          let y = (0..<q).map { gradient[$0] - trialGradient[$0] }
          var ys = 0.0, yy = 0.0, ss = 0.0
          for j in 0..<q {
            ys += y[j] * step[j]
            yy += y[j] * y[j]
            ss += step[j] * step[j]
          }
          theta = trial
          ll = l
          swap(&gradient, &trialGradient)
          exact = false  // the information was at the previous θ, updated or not
          if ys > 1e-10 * (yy * ss).squareRoot() {
            var bs = [Double](repeating: 0, count: q)
            var sbs = 0.0
            for j in 0..<q {
              for k in 0..<q { bs[j] += info[j * q + k] * step[k] }
              sbs += step[j] * bs[j]
            }
            if sbs > 0 {
              for j in 0..<q {
                for k in 0..<q { info[j * q + k] += y[j] * y[k] / ys - bs[j] * bs[k] / sbs }
              }
            }
          }
          break
        }
        for j in 0..<q { step[j] /= 2 }
      }
      if !accepted {
        if exact { break }
        // A poor approximation: start again from the information itself.
        info = try information(family, data, theta: theta)
        exact = true
      }
    }
    if !exact { info = try information(family, data, theta: theta) }
    let chol = CholeskyLDL(square: info, n: q, tolerance: 1e-12)
    var warnings: [FlexibleWarning] = converged ? [] : [.didNotConverge(iterations: iterations)]
    let variance: [Double]
    if chol.isPositiveSemidefinite && chol.rank == q {
      variance = chol.inverse()
    } else {
      variance = [Double](repeating: .nan, count: q * q)
      warnings.append(.singularInformation)
    }
    return FlexibleFit(
      theta: theta, variance: variance, loglik: ll, score: gradient, iterations: iterations, converged: converged,
      warnings: warnings)
  }
}
