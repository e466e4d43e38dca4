import Foundation

/// How patients enter a trial: over `duration` time units, the fraction
/// enrolled by time u is (u / duration)^shape. Shape 1 is uniform accrual
/// (Lachin and Foulkes 1986); shape 2 a ramp-up where half the patients
/// enter in the last 29% of the period; shape < 1 a fast start. Duration 0
/// enrols everybody at time 0.
///
/// Or piecewise uniform (Lachin and Foulkes's piecewise accrual, gsDesign's
/// `gamma` and `R`): successive `periods` of given lengths with relative
/// enrolment `rates` in each, so the fraction enrolled by u is the enrolment
/// up to u over the total Σ rate·length. Rates are relative: the sample size
/// scales them (a period of rate 0 is a pause).
public struct TrialAccrual: Sendable, Equatable {
  public let duration: Double
  /// The power form's shape; NaN for piecewise accrual.
  public let shape: Double
  /// Piecewise accrual: lengths of the periods and relative rates (empty for the power form).
  public let periods: [Double]
  public let rates: [Double]
  /// Piecewise accrual: the share of the patients enrolled in each period.
  let shares: [Double]

  public init(duration: Double, shape: Double = 1) {
    self.duration = duration
    self.shape = shape
    periods = []
    rates = []
    shares = []
  }

  /// Piecewise-uniform accrual; check the arguments with `problem(periods:rates:)` first.
  public init(periods: [Double], rates: [Double]) {
    self.periods = periods
    self.rates = rates
    duration = periods.reduce(0, +)
    shape = .nan
    let total = zip(periods, rates).reduce(0.0) { $0 + $1.0 * $1.1 }
    shares = zip(periods, rates).map { total > 0 ? $0 * $1 / total : 0 }
  }

  /// Why the periods and rates cannot describe accrual, or nil.
  public static func problem(periods: [Double], rates: [Double]) -> String? {
    if periods.isEmpty { return "needs at least one period" }
    if periods.count != rates.count {
      return "needs one rate per period (\(periods.count) periods, \(rates.count) rates)"
    }
    if let j = periods.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
      return "period \(j + 1) must be a positive length, got \(periods[j])"
    }
    if let j = rates.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
      return "rate \(j + 1) must be a non-negative number, got \(rates[j])"
    }
    if !rates.contains(where: { $0 > 0 }) { return "needs a positive rate in some period" }
    return nil
  }

  public var isPiecewise: Bool { !periods.isEmpty }

  /// G(u): the fraction of the patients enrolled by calendar time u.
  public func fraction(enrolledBy u: Double) -> Double {
    if u >= duration { return 1 }
    if u <= 0 { return duration == 0 ? 1 : 0 }
    guard isPiecewise else { return shape == 1 ? u / duration : pow(u / duration, shape) }
    var start = 0.0
    var g = 0.0
    for j in 0..<periods.count {
      let end = start + periods[j]
      if u < end { return min(g + shares[j] * (u - start) / periods[j], 1) }
      g += shares[j]
      start = end
    }
    return 1
  }

  /// Entry time of a patient from a uniform draw v ∈ (0, 1): duration·v^(1/shape).
  /// Piecewise: the period whose shares hold v, uniformly within it.
  @inline(__always) public func entry(_ v: Double) -> Double {
    if duration == 0 { return 0 }
    if isPiecewise { return piecewiseEntry(v) }
    return shape == 1 ? duration * v : duration * pow(v, 1 / shape)
  }

  func piecewiseEntry(_ v: Double) -> Double {
    var start = 0.0
    var g = 0.0
    var last = 0.0  // end of the last period with patients
    for j in 0..<periods.count {
      let end = start + periods[j]
      if shares[j] > 0 {
        if v < g + shares[j] { return min(start + (v - g) / shares[j] * periods[j], end) }
        last = end
      }
      g += shares[j]
      start = end
    }
    return last
  }

  /// The mean of f(T − u) over entry times u, for an analysis at calendar
  /// time T = duration + followUp: ∫ f(T − u) dG(u).
  ///
  /// Written in v = G(u) ∈ [0, 1] (u = duration·v^(1/shape)), split at the
  /// `kinks` of f (times where a piecewise hazard changes) and integrated by
  /// 10-point Gauss–Legendre on 32 panels per piece; where shape > 1 the
  /// integral is taken in u instead, whose density k·u^(k−1)/A^k is bounded;
  /// piecewise accrual is integrated in u over each period with patients.
  /// Accurate to about 1e-12 against R's integrate() on the fixtures.
  public func average(followUp: Double, kinks: [Double], _ f: (Double) -> Double) -> Double {
    let total = duration + followUp
    if duration == 0 { return f(followUp) }
    // Breakpoints in u where T − u is a kink.
    var us: [Double] = [0, duration]
    for c in kinks where total - c > 0 && total - c < duration { us.append(total - c) }
    us.sort()
    let a = duration
    let k = shape
    var sum = 0.0
    if isPiecewise {
      // Density shares_j / length_j on each period; split at the periods' ends too.
      var start = 0.0
      for j in 0..<periods.count {
        let end = start + periods[j]
        defer { start = end }
        guard shares[j] > 0 else { continue }
        let density = shares[j] / periods[j]
        let points = [start] + us.filter { $0 > start && $0 < end } + [end]
        for p in 0..<(points.count - 1) {
          sum += density * GaussLegendre.integrate(from: points[p], to: points[p + 1], panels: 32) { u in
            f(total - u)
          }
        }
      }
    } else if k > 1 {
      for p in 0..<(us.count - 1) {
        sum += GaussLegendre.integrate(from: us[p], to: us[p + 1], panels: 32) { u in
          k * pow(u / a, k - 1) / a * f(total - u)
        }
      }
    } else {
      let vs = us.map { pow($0 / a, k) }
      for p in 0..<(vs.count - 1) {
        sum += GaussLegendre.integrate(from: vs[p], to: vs[p + 1], panels: 32) { v in
          f(total - a * pow(v, 1 / k))
        }
      }
    }
    return sum
  }
}

/// Composite Gauss–Legendre quadrature with 10 nodes per panel (nodes and
/// weights from Abramowitz and Stegun, Table 25.4).
enum GaussLegendre {
  static let nodes: [Double] = [
    0.1488743389816312, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845, 0.9739065285171717,
  ]
  static let weights: [Double] = [
    0.2955242247147529, 0.2692667193099963, 0.2190863625159820, 0.1494513491505806, 0.0666713443086881,
  ]

  static func integrate(from lo: Double, to hi: Double, panels: Int, _ f: (Double) -> Double) -> Double {
    guard hi > lo else { return 0 }
    let h = (hi - lo) / Double(panels)
    var sum = 0.0
    for p in 0..<panels {
      let mid = lo + (Double(p) + 0.5) * h
      let half = h / 2
      var s = 0.0
      for j in 0..<5 {
        s += weights[j] * (f(mid - half * nodes[j]) + f(mid + half * nodes[j]))
      }
      sum += s * half
    }
    return sum
  }
}
