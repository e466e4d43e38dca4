import Foundation

/// The generalised gamma of Prentice (1974, Biometrika 61:539) as flexsurv's
/// `dgengamma`: with w = (log t − μ)/σ, and for Q ≠ 0, a = Q⁻² and
/// u = a·exp(Q·w),
///   log f(t) = log|Q| − log σ − log t − log Γ(a) + a·log u − u,
///   S(t) = Q(a, u) (upper regularised incomplete gamma) for Q > 0, P(a, u) for Q < 0;
/// at Q = 0 the log-normal (μ, σ) (and near it an interpolant, `interpolationLimit`). Q = 1 is the Weibull (survreg's
/// intercept μ and scale σ), Q = σ the gamma. θ = (μ, log σ, Q); covariates
/// act on μ. μ and log σ have analytic derivatives; Q central differences.
public struct GeneralizedGammaFamily: FlexibleFamily {
  public init() {}
  public var parameterNames: [String] { ["mu", "sigma", "Q"] }
  public var locationIndex: Int { 0 }
  public func isLogScale(_ j: Int) -> Bool { j == 1 }

  /// |Q| below which log f and log S are the quadratic through Q = −q₀, 0 (the log-normal) and q₀: the
  /// incomplete gamma of shape a = Q⁻² needs about 9√a terms, more than its 10⁴ when |Q| < 10⁻³, and the
  /// interpolant's error, O(q₀²·|Q|), is far below the optimiser's tolerance.
  public static let interpolationLimit = 2e-3

  /// The quadratic in Q through (−q₀, ℓ₋), (0, ℓ₀), (q₀, ℓ₊) at Q.
  @inline(__always)
  static func interpolated(_ q: Double, _ value: (Double) -> Double) -> Double {
    let q0 = interpolationLimit
    let minus = value(-q0), zero = value(0), plus = value(q0)
    return zero + q * (plus - minus) / (2 * q0) + q * q * (plus - 2 * zero + minus) / (2 * q0 * q0)
  }

  public func logDensity(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    let q = theta[2]
    if q != 0 && abs(q) < Self.interpolationLimit {
      return Self.interpolated(q) { logDensity(t, mu: theta[0], logSigma: theta[1], q: $0) }
    }
    return logDensity(t, mu: theta[0], logSigma: theta[1], q: q)
  }

  func logDensity(_ t: Double, mu: Double, logSigma: Double, q: Double) -> Double {
    let logT = log(t)
    let w = (logT - mu) / exp(logSigma)
    if q == 0 {
      return -logSigma - logT - 0.5 * w * w - SurvregDistribution.Base.logRootTwoPi
    }
    let a = 1 / (q * q)
    let logU = log(a) + q * w
    return log(abs(q)) - logSigma - logT - lgamma(a) + a * logU - exp(logU)
  }

  public func logSurvival(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    let q = theta[2]
    if q != 0 && abs(q) < Self.interpolationLimit {
      return Self.interpolated(q) { logSurvival(t, mu: theta[0], logSigma: theta[1], q: $0) }
    }
    return logSurvival(t, mu: theta[0], logSigma: theta[1], q: q)
  }

  func logSurvival(_ t: Double, mu: Double, logSigma: Double, q: Double) -> Double {
    let sigma = exp(logSigma)
    let w = (log(t) - mu) / sigma
    if q == 0 {
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
    if abs(q) < 2 * Self.interpolationLimit {
      // Near the log-normal limit (and across the interpolated band) every derivative by differences.
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
