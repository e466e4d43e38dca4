import Foundation

/// A parametric survival family as flexsurv parametrises it (Jackson,
/// "flexsurv: a platform for parametric survival modeling in R", J. Stat.
/// Softw. 70(8), 2016): a vector θ of real parameters (a positive parameter
/// enters as its log), one of which, the location, carries the covariates.
///
/// A family gives log f(t) and log S(t); the hazard is f/S and the
/// cumulative hazard −log S. A row's log-likelihood is
/// w·(d·log f(t) + (1 − d)·log S(t) − log S(t₀)) with t₀ the entry time
/// (left truncation; 0 for none).
public protocol FlexibleFamily: Sendable {
  /// flexsurv's parameter names ("shape", "rate"; "mu", "sigma", "Q"; "gamma0", …).
  var parameterNames: [String] { get }
  /// The parameter the covariates act on (flexsurv's location).
  var locationIndex: Int { get }
  /// Whether parameter j is estimated as its log (its natural value is exp θⱼ).
  func isLogScale(_ j: Int) -> Bool
  func logDensity(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double
  func logSurvival(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double
  /// The hazard f(t)/S(t); a family with a closed form gives it, because
  /// exp(log f − log S) cancels to nothing once log S is large (the
  /// Gompertz far beyond follow-up).
  func hazard(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double
  /// Adds ∂/∂θ of the row's log-likelihood to `gradient`; returns the row's
  /// log-likelihood. `theta` may be changed during the call and is restored.
  func addRowGradient(
    time: Double, entry: Double, event: Bool, weight: Double, theta: UnsafeMutableBufferPointer<Double>,
    gradient: UnsafeMutableBufferPointer<Double>
  ) -> Double
}

extension FlexibleFamily {
  public var parameterCount: Int { parameterNames.count }

  /// The row's log-likelihood w·(d·log f(t) + (1 − d)·log S(t) − log S(t₀)).
  @inline(__always)
  public func rowLoglik(
    time: Double, entry: Double, event: Bool, weight: Double, theta: UnsafeBufferPointer<Double>
  ) -> Double {
    var l = event ? logDensity(time, theta) : logSurvival(time, theta)
    if entry > 0 { l -= logSurvival(entry, theta) }
    return weight * l
  }

  /// Central differences of `rowLoglik` in each θⱼ (step 1e-5·max(1, |θⱼ|)):
  /// the default for families without analytic derivatives.
  public func numericRowGradient(
    time: Double, entry: Double, event: Bool, weight: Double, theta: UnsafeMutableBufferPointer<Double>,
    gradient: UnsafeMutableBufferPointer<Double>, only: Range<Int>? = nil
  ) {
    for j in only ?? 0..<theta.count {
      let saved = theta[j]
      let h = 1e-5 * max(1, abs(saved))
      theta[j] = saved + h
      let up = rowLoglik(time: time, entry: entry, event: event, weight: weight, theta: UnsafeBufferPointer(theta))
      theta[j] = saved - h
      let down = rowLoglik(
        time: time, entry: entry, event: event, weight: weight, theta: UnsafeBufferPointer(theta))
      theta[j] = saved
      gradient[j] += (up - down) / (2 * h)
    }
  }

  public func addRowGradient(
    time: Double, entry: Double, event: Bool, weight: Double, theta: UnsafeMutableBufferPointer<Double>,
    gradient: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    numericRowGradient(time: time, entry: entry, event: event, weight: weight, theta: theta, gradient: gradient)
    return rowLoglik(time: time, entry: entry, event: event, weight: weight, theta: UnsafeBufferPointer(theta))
  }

  /// The hazard f(t)/S(t).
  public func hazard(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    exp(logDensity(t, theta) - logSurvival(t, theta))
  }

  /// The cumulative hazard −log S(t).
  public func cumulativeHazard(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    -logSurvival(t, theta)
  }
}

extension FlexibleFamily {
  /// An interval-censored row, failing in (t₁, t₂] (t₁ = 0: left-censored at t₂), entered at t₀:
  /// ℓ = w·(log(S(t₁) − S(t₂)) − log S(t₀)), computed as log S(t₁) + log(1 − e^{log S(t₂) − log S(t₁)}),
  /// with ∂ℓ/∂θ = w·(S(t₁)∇log S(t₁) − S(t₂)∇log S(t₂))/(S(t₁) − S(t₂)) from the family's own score of a
  /// censored row (Klein & Moeschberger, *Survival Analysis*, 2003, §3.5). Adds to `gradient`;
  /// `scratch` holds 2·θ.count values.
  public func addIntervalGradient(
    lower: Double, upper: Double, entry: Double, weight: Double, theta: UnsafeMutableBufferPointer<Double>,
    gradient: UnsafeMutableBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    let m = theta.count
    for j in 0..<(2 * m) { scratch[j] = 0 }
    let g1 = UnsafeMutableBufferPointer(rebasing: scratch[0..<m])
    let g2 = UnsafeMutableBufferPointer(rebasing: scratch[m..<(2 * m)])
    let l1 = lower > 0 ? addRowGradient(time: lower, entry: 0, event: false, weight: 1, theta: theta, gradient: g1) : 0
    let l2 = addRowGradient(time: upper, entry: 0, event: false, weight: 1, theta: theta, gradient: g2)
    let r = exp(l2 - l1)
    guard r < 1 else { return -.infinity }
    var l = l1 + log(-expm1(l2 - l1))
    let denominator = -expm1(l2 - l1)
    for j in 0..<m {
      let second = r > 0 ? r * g2[j] : 0
      gradient[j] += weight * (g1[j] - second) / denominator
    }
    l *= weight
    if entry > 0 {
      l += addRowGradient(time: entry, entry: 0, event: false, weight: -weight, theta: theta, gradient: gradient)
    }
    return l
  }

  /// The interval-censored row's log-likelihood (as `addIntervalGradient` returns it).
  public func intervalLoglik(
    lower: Double, upper: Double, entry: Double, weight: Double, theta: UnsafeBufferPointer<Double>
  ) -> Double {
    let l1 = lower > 0 ? logSurvival(lower, theta) : 0
    let l2 = logSurvival(upper, theta)
    guard l2 < l1 else { return -.infinity }
    var l = l1 + log(-expm1(l2 - l1))
    if entry > 0 { l -= logSurvival(entry, theta) }
    return weight * l
  }
}
