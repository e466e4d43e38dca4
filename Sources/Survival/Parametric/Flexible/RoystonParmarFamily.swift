import Foundation

/// The Royston–Parmar flexible model (Royston & Parmar, Stat. Med. 21:2175,
/// 2002) as flexsurv's `flexsurvspline`: g(S(t)) = s(log t) with s a natural
/// cubic spline in x = log t,
///   s(x) = γ₀ + γ₁x + Σⱼ γⱼ₊₁ vⱼ(x),
///   vⱼ(x) = (x − kⱼ)₊³ − λⱼ(x − k_min)₊³ − (1 − λⱼ)(x − k_max)₊³, λⱼ = (k_max − kⱼ)/(k_max − k_min),
/// and g the link of the scale: "hazard" log(−log S) (S = exp(−eˢ)), "odds"
/// log(1/S − 1) (S = 1/(1 + eˢ)), "normal" −Φ⁻¹(S) (S = Φ(−s)). The density
/// is f(t) = s′(x)/t · g-density(s). With no internal knot the hazard scale is
/// the Weibull (γ₁ = 1/σ, γ₀ = −μ/σ in survreg's terms), the odds scale the
/// log-logistic and the normal scale the log-normal. θ = (γ₀, …, γ_{k+1});
/// covariates act on γ₀. Derivatives are analytic (s is linear in γ).
public struct RoystonParmarFamily: FlexibleFamily {
  public enum Scale: String, Sendable, CaseIterable {
    case hazard, odds, normal

    var base: SurvregDistribution.Base {
      switch self {
      case .hazard: return .extremeValue
      case .odds: return .logistic
      case .normal: return .normal
      }
    }
  }

  public let scale: Scale
  /// All knots on log time: the lower boundary, the internal knots, the upper boundary.
  public let knots: [Double]

  public init(scale: Scale, knots: [Double]) {
    self.scale = scale
    self.knots = knots
  }

  public var internalKnotCount: Int { max(0, knots.count - 2) }
  public var parameterNames: [String] { (0..<(internalKnotCount + 2)).map { "gamma\($0)" } }
  public var locationIndex: Int { 0 }
  public func isLogScale(_ j: Int) -> Bool { false }

  /// flexsurvspline's knots for k internal knots: the boundaries at the
  /// smallest and largest log event time, the internal ones at the
  /// (j/(k+1))-quantiles (R's type 7) of the log event times.
  public static func knots(eventTimes: [Double], internalCount k: Int) -> [Double] {
    let logs = eventTimes.map { log($0) }.sorted()
    guard let lo = logs.first, let hi = logs.last else { return [] }
    var result = [lo]
    for j in 1...max(1, k) where k > 0 {
      let h = Double(logs.count - 1) * Double(j) / Double(k + 1)
      let i = Int(h.rounded(.down))
      let frac = h - Double(i)
      result.append(i + 1 < logs.count ? logs[i] + frac * (logs[i + 1] - logs[i]) : logs[i])
    }
    result.append(hi)
    return result
  }

  /// s(x) and s′(x), the basis evaluated on the fly (no allocation).
  @inline(__always)
  func spline(_ x: Double, _ theta: UnsafeBufferPointer<Double>) -> (s: Double, ds: Double) {
    var s = theta[0]
    var ds = 0.0
    let m = theta.count
    if m > 1 {
      s += theta[1] * x
      ds += theta[1]
    }
    guard m > 2, let kMin = knots.first, let kMax = knots.last else { return (s, ds) }
    let range = kMax - kMin
    let a0 = max(0, x - kMin), aN = max(0, x - kMax)
    for j in 1...(m - 2) {
      let kj = knots[j]
      let lambda = (kMax - kj) / range
      let aj = max(0, x - kj)
      s += theta[j + 1] * (aj * aj * aj - lambda * a0 * a0 * a0 - (1 - lambda) * aN * aN * aN)
      ds += theta[j + 1] * 3 * (aj * aj - lambda * a0 * a0 - (1 - lambda) * aN * aN)
    }
    return (s, ds)
  }

  public func logDensity(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    let x = log(t)
    let (s, ds) = spline(x, theta)
    guard ds > 0 else { return -.infinity }
    return log(ds) - x + scale.base.logDensity(s).value
  }

  public func logSurvival(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    scale.base.logSurvival(spline(log(t), theta).s).value
  }

  public func addRowGradient(
    time: Double, entry: Double, event: Bool, weight: Double, theta: UnsafeMutableBufferPointer<Double>,
    gradient: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    let m = theta.count
    let base = scale.base
    var l = 0.0
    // One term at a time: value, then ∂/∂γⱼ = c·Bⱼ + c′·B′ⱼ.
    func add(_ t: Double, density: Bool, sign: Double) {
      let x = log(t)
      let (s, ds) = spline(x, UnsafeBufferPointer(theta))
      var c: Double, cPrime = 0.0
      if density {
        let term = base.logDensity(s)
        if !(ds > 0) {
          l = -.infinity
          return
        }
        l += sign * (log(ds) - x + term.value)
        c = term.first
        cPrime = 1 / ds
      } else {
        let term = base.logSurvival(s)
        l += sign * term.value
        c = term.first
      }
      c *= sign * weight
      cPrime *= sign * weight
      gradient[0] += c
      if m > 1 { gradient[1] += c * x + cPrime }
      guard m > 2, let kMin = knots.first, let kMax = knots.last else { return }
      let range = kMax - kMin
      let a0 = max(0, x - kMin), aN = max(0, x - kMax)
      for j in 1...(m - 2) {
        let kj = knots[j]
        let lambda = (kMax - kj) / range
        let aj = max(0, x - kj)
        let v = aj * aj * aj - lambda * a0 * a0 * a0 - (1 - lambda) * aN * aN * aN
        let dv = 3 * (aj * aj - lambda * a0 * a0 - (1 - lambda) * aN * aN)
        gradient[j + 1] += c * v + cPrime * dv
      }
    }
    add(time, density: event, sign: 1)
    if entry > 0 { add(entry, density: false, sign: -1) }
    return weight * l
  }
}
