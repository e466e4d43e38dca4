import Foundation

/// The generalised gamma of Prentice (1974, Biometrika 61:539) as flexsurv's
/// `dgengamma`: with w = (log t − μ)/σ, and for Q ≠ 0, a = Q⁻² and
/// u = a·exp(Q·w),
///   log f(t) = log|Q| − log σ − log t − log Γ(a) + a·log u − u,
///   S(t) = Q(a, u) (upper regularised incomplete gamma) for Q > 0, P(a, u) for Q < 0;
/// at Q = 0 the log-normal (μ, σ). Q = 1 is the Weibull (survreg's intercept μ
/// and scale σ), Q = σ the gamma. θ = (μ, log σ, Q); covariates act on μ.
///
/// Every term is evaluated with its exact derivatives in w and Q
/// (`GeneralizedGammaTerms`, forward-mode through the series and continued
/// fraction), so the score is analytic in all three parameters; near Q = 0
/// (|Q| < `GeneralizedGammaTerms.seriesLimit`) log S is Temme's uniform
/// expansion, which is the log-normal at Q = 0 and meets the incomplete gamma
/// at the limit to about 1e-10.
public struct GeneralizedGammaFamily: FlexibleFamily {
  public init() {}
  public var parameterNames: [String] { ["mu", "sigma", "Q"] }
  public var locationIndex: Int { 0 }
  public func isLogScale(_ j: Int) -> Bool { j == 1 }

  /// |Q| below which log S is Temme's expansion rather than the incomplete gamma.
  public static var seriesLimit: Double { GeneralizedGammaTerms.seriesLimit }

  @inline(__always)
  static func arguments(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> (w: WQDual, q: WQDual, logT: Double) {
    let logT = log(t)
    let w = (logT - theta[0]) / exp(theta[1])
    return (WQDual(w, 1, 0), WQDual(theta[2], 0, 1), logT)
  }

  public func logDensity(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    let (w, q, logT) = Self.arguments(t, theta)
    return GeneralizedGammaTerms.logDensity(w: w, q: q).v - theta[1] - logT
  }

  public func logSurvival(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    if t <= 0 { return 0 }
    let (w, q, _) = Self.arguments(t, theta)
    return GeneralizedGammaTerms.logSurvival(w: w, q: q).v
  }

  public func addRowGradient(
    time: Double, entry: Double, event: Bool, weight: Double, theta: UnsafeMutableBufferPointer<Double>,
    gradient: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    let sigma = exp(theta[1])
    // ∂w/∂μ = −1/σ, ∂w/∂log σ = −w.
    func add(_ t: Double, density: Bool, sign: Double) -> Double {
      let logT = log(t)
      let wv = (logT - theta[0]) / sigma
      let w = WQDual(wv, 1, 0), q = WQDual(theta[2], 0, 1)
      let term = density ? GeneralizedGammaTerms.logDensity(w: w, q: q) : GeneralizedGammaTerms.logSurvival(w: w, q: q)
      let c = sign * weight
      gradient[0] += c * (-term.dw / sigma)
      gradient[1] += c * (-term.dw * wv - (density ? 1 : 0))
      gradient[2] += c * term.dq
      return sign * (density ? term.v - theta[1] - logT : term.v)
    }
    var l = add(time, density: event, sign: 1)
    if entry > 0 { l += add(entry, density: false, sign: -1) }
    return weight * l
  }
}
