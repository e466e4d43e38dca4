import Foundation

/// Summaries of one fitted distribution (one row's θ): the quantile by
/// bisection on log t, the restricted mean ∫₀^τ S(t) dt and the mean by
/// adaptive Simpson on u = log t (∫ S(eᵘ)eᵘ du, which is smooth where the
/// hazard of a spline or a Weibull with shape < 1 is not at t = 0).
extension FlexibleFamily {
  public func survival(_ t: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    t <= 0 ? 1 : exp(logSurvival(t, theta))
  }

  /// The p-quantile: the t with S(t) = 1 − p; +∞ when S never falls that low (a cured fraction).
  public func quantile(_ p: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    let target = log1p(-p)
    var lo = -1.0, hi = 1.0
    var guardCount = 0
    while logSurvival(exp(lo), theta) < target && guardCount < 200 {
      lo -= 2
      guardCount += 1
    }
    guardCount = 0
    while logSurvival(exp(hi), theta) > target {
      hi += 2
      guardCount += 1
      if guardCount > 350 { return .infinity }
    }
    for _ in 0..<200 {
      let mid = (lo + hi) / 2
      if logSurvival(exp(mid), theta) > target { lo = mid } else { hi = mid }
      if hi - lo < 1e-13 * max(1, abs(mid)) { break }
    }
    return exp((lo + hi) / 2)
  }

  /// ∫₀^τ S(t) dt (τ = +∞: the mean, +∞ when it does not exist or S has a floor above 0).
  public func restrictedMean(_ tau: Double, _ theta: UnsafeBufferPointer<Double>) -> Double {
    if tau <= 0 { return 0 }
    var budget = Self.integralEvaluations
    let g: (Double) -> Double = { u in
      let t = exp(u)
      return exp(self.logSurvival(t, theta) + u)
    }
    let median = log(quantile(0.5, theta))
    if tau.isFinite {
      // From well below the median (or τ) up to log τ in blocks of 2, relative to what is summed so far;
      // past the point where S underflows to 0 nothing more can come (S does not increase).
      let upper = log(tau)
      let start = min(upper, median.isFinite ? median : upper)
      var total = Self.simpson(g, start - 40, start, tolerance: 1e-12 * exp(start), budget: &budget)
      var lower = start
      while lower < upper {
        let next = min(lower + 2, upper)
        total += Self.simpson(g, lower, next, tolerance: 1e-12 * max(total, 1e-300), budget: &budget)
        lower = next
        if !total.isFinite || exp(logSurvival(exp(lower), theta)) == 0 { break }
      }
      return total
    }
    // The mean: integrate from well below the median up in blocks until the tail is negligible.
    guard median.isFinite else { return .infinity }
    var lower = median - 40
    var total = Self.simpson(g, lower, median, tolerance: 1e-12 * exp(median), budget: &budget)
    lower = median
    while true {
      let block = Self.simpson(g, lower, lower + 2, tolerance: 1e-12 * max(total, 1e-300), budget: &budget)
      guard block.isFinite else { return .nan }
      total += block
      lower += 2
      if block < 1e-12 * total { return total }
      if lower > 700 { return .infinity }
    }
  }

  /// The evaluation budget of one restricted mean or mean (all its `simpson` calls together).
  static var integralEvaluations: Int { 100_000 }

  /// Adaptive Simpson on [a, b] to an absolute tolerance. Refinement stops
  /// when `budget` evaluations of f are spent (shared by the calls of one
  /// integral) and at once on a NaN or infinite integrand (the result is
  /// then not finite).
  static func simpson(
    _ f: (Double) -> Double, _ a: Double, _ b: Double, tolerance: Double, budget: inout Int
  ) -> Double {
    var evaluations = 0
    let allowed = budget
    defer { budget -= evaluations }
    func step(_ a: Double, _ b: Double, _ fa: Double, _ fm: Double, _ fb: Double, _ whole: Double,
              _ tol: Double, _ depth: Int) -> Double {
      let m = (a + b) / 2
      let lm = (a + m) / 2, rm = (m + b) / 2
      let flm = f(lm), frm = f(rm)
      evaluations += 2
      let left = (m - a) / 6 * (fa + 4 * flm + fm)
      let right = (b - m) / 6 * (fm + 4 * frm + fb)
      let delta = left + right - whole
      if depth <= 0 || !delta.isFinite || evaluations > allowed || abs(delta) <= 15 * tol {
        return left + right + delta / 15
      }
      return step(a, m, fa, flm, fm, left, tol / 2, depth - 1) + step(m, b, fm, frm, fb, right, tol / 2, depth - 1)
    }
    // Start from 16 panels so that a narrow bump is not missed.
    let panels = 16
    let h = (b - a) / Double(panels)
    var total = 0.0
    for i in 0..<panels {
      let x0 = a + Double(i) * h, x1 = x0 + h, xm = (x0 + x1) / 2
      let f0 = f(x0), fm = f(xm), f1 = f(x1)
      evaluations += 3
      total += step(x0, x1, f0, fm, f1, h / 6 * (f0 + 4 * fm + f1), tolerance / Double(panels), 40)
    }
    return total
  }
}
