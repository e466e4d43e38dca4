import Foundation

/// The generalised gamma of Prentice (1974, Biometrika 61:539) as flexsurv's
/// `dgengamma`: with w = (log t − μ)/σ, and for Q ≠ 0, a = Q⁻² and
/// u = a·exp(Q·w),
///   log f(t) = log|Q| − log σ − log t − log Γ(a) + a·log u − u,
///   S(t) = Q(a, u) (upper regularised incomplete gamma) for Q > 0, P(a, u) for Q < 0;
/// at Q = 0 the log-normal (μ, σ). Q = 1 is the Weibull (survreg's
/// intercept μ and scale σ), Q = σ the gamma. θ = (μ, log σ, Q); covariates
/// act on μ. μ and log σ have analytic derivatives; Q central differences.
public struct GeneralizedGammaFamily: FlexibleFamily {
  public init() {}
  public var parameterNames: [String] { ["mu", "sigma", "Q"] }
  public var locationIndex: Int { 0 }
  public func isLogScale(_ j: Int) -> Bool { j == 1 }

  /// |Q| below which the log-normal limit is used (the Q-terms lose precision as a = Q⁻² grows).
  static let lognormalLimit = 1e-6

  public func logDensity(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    let mu = theta[0], logSigma = theta[1], q = theta[2]
    let logT = log(t)
    let w = (logT - mu) / exp(logSigma)
    if abs(q) < Self.lognormalLimit {
      return -logSigma - logT - 0.5 * w * w - SurvregDistribution.Base.logRootTwoPi
    }
    let a = 1 / (q * q)
    let logU = log(a) + q * w
    return log(abs(q)) - logSigma - logT - lgamma(a) + a * logU - exp(logU)
  }

  public func logSurvival(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    let mu = theta[0], sigma = exp(theta[1]), q = theta[2]
    let w = (log(t) - mu) / sigma
    if abs(q) < Self.lognormalLimit {
      return SurvregDistribution.Base.normal.logSurvival(w).value
    }
    let a = 1 / (q * q)
    let u = a * exp(q * w)
    return log(q > 0 ? IncompleteGamma.upperRegularized(a: a, x: u) : IncompleteGamma.lowerRegularized(a: a, x: u))
  }

  /// ∂ log S/∂u: ∓ u^{a−1}e^{−u}/(Γ(a)·S).
  @inline(__always)
  private static func survivalSlope(a: Double, u: Double, q: Double, logS: Double) -> Double {
    let density = exp((a - 1) * log(u) - u - lgamma(a) - logS)
    return q > 0 ? -density : density
  }

  public func addRowGradient(
    time: Double, entry: Double, event: Bool, weight: Double, theta: UnsafeMutableBufferPointer<Double>,
    gradient: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    let q = theta[2]
    if abs(q) < 1e-3 {
      // Near the log-normal limit every derivative by differences.
      numericRowGradient(time: time, entry: entry, event: event, weight: weight, theta: theta, gradient: gradient)
      return rowLoglik(time: time, entry: entry, event: event, weight: weight, theta: UnsafeBufferPointer(theta))
    }
    let mu = theta[0], logSigma = theta[1], sigma = exp(logSigma)
    let a = 1 / (q * q)
    var gMu = 0.0, gSigma = 0.0
    var l = 0.0
    // u = a·exp(Q·w); ∂u/∂μ = −u·Q/σ, ∂u/∂log σ = −u·Q·w.
    func survivalTerm(_ t: Double, sign: Double) {
      let w = (log(t) - mu) / sigma
      let u = a * exp(q * w)
      let s = q > 0 ? IncompleteGamma.upperRegularized(a: a, x: u) : IncompleteGamma.lowerRegularized(a: a, x: u)
      let logS = log(s)
      let slope = Self.survivalSlope(a: a, u: u, q: q, logS: logS)
      l += sign * logS
      gMu += sign * slope * (-u * q / sigma)
      gSigma += sign * slope * (-u * q * w)
    }
    if event {
      let logT = log(time)
      let w = (logT - mu) / sigma
      let logU = log(a) + q * w
      let u = exp(logU)
      l += log(abs(q)) - logSigma - logT - lgamma(a) + a * logU - u
      // ∂ log f/∂u = a/u − 1.
      gMu += -(q / sigma) * (a - u)
      gSigma += -1 - q * w * (a - u)
    } else {
      survivalTerm(time, sign: 1)
    }
    if entry > 0 { survivalTerm(entry, sign: -1) }
    gradient[0] += weight * gMu
    gradient[1] += weight * gSigma
    numericRowGradient(
      time: time, entry: entry, event: event, weight: weight, theta: theta, gradient: gradient, only: 2..<3)
    return weight * l
  }
}
