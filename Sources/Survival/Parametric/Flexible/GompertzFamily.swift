import Foundation

/// The Gompertz law as flexsurv's `dgompertz`: h(t) = b·exp(a·t), H(t) =
/// (b/a)·(exp(a·t) − 1) (b·t at a = 0), with shape a real (a < 0: a
/// decreasing hazard and a cured fraction exp(b/a)) and rate b > 0.
/// θ = (a, log b); covariates act on log b (flexsurv: rate is the location).
public struct GompertzFamily: FlexibleFamily {
  public init() {}
  public var parameterNames: [String] { ["shape", "rate"] }
  public var locationIndex: Int { 1 }
  public func isLogScale(_ j: Int) -> Bool { j == 1 }

  /// E(a, t) = expm1(a·t)/a and ∂E/∂a, with their series at a·t → 0.
  @inline(__always)
  static func integral(_ a: Double, _ t: Double) -> (value: Double, slope: Double) {
    let at = a * t
    if abs(at) < 1e-5 {
      return (t * (1 + at / 2 + at * at / 6), t * t * (0.5 + at / 3 + at * at / 8))
    }
    let e = expm1(at)
    return (e / a, (t * (e + 1) * a - e) / (a * a))
  }

  public func logDensity(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    let a = theta[0], logB = theta[1]
    return logB + a * t - exp(logB) * Self.integral(a, t).value
  }

  public func logSurvival(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    -exp(theta[1]) * Self.integral(theta[0], t).value
  }

  /// h(t) = b·e^{at}, in closed form (f/S cancels far beyond follow-up).
  public func hazard(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    exp(theta[1] + theta[0] * t)
  }

  public func addRowGradient(
    time: Double, entry: Double, event: Bool, weight: Double, theta: UnsafeMutableBufferPointer<Double>,
    gradient: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    let a = theta[0], logB = theta[1], b = exp(logB)
    let e = Self.integral(a, time)
    var l = -b * e.value
    var ga = -b * e.slope
    var gb = -b * e.value
    if event {
      l += logB + a * time
      ga += time
      gb += 1
    }
    if entry > 0 {
      let e0 = Self.integral(a, entry)
      l += b * e0.value
      ga += b * e0.slope
      gb += b * e0.value
    }
    gradient[0] += weight * ga
    gradient[1] += weight * gb
    return weight * l
  }
}
