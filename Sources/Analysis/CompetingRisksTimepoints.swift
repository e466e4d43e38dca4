/// Cumulative incidence at chosen times, as R `cmprsk` 2.2 `timepoints(w,
/// times)`: the times sorted and made unique, and for each curve the value
/// of its step function at each time.
extension CompetingRisksAnalysis {
  /// One curve read at the chosen times; NaN is NA.
  public struct CurveAtTimes: Sendable {
    public let group: String?
    public let cause: String
    /// Estimate, variance and confidence limits at each time: the values at
    /// the last grid time at or before it, 0 before the first, NA below 0
    /// or past the group's last follow-up time (as `timepoints`).
    public let estimate: [Double]
    public let variance: [Double]
    public let lower: [Double]
    public let upper: [Double]
    /// Number at risk at each time (rows with time ≥ t; 0 past the end).
    public let nRisk: [Int]
  }

  /// The curves at `times` (any order, repeats allowed); the returned times
  /// are sorted and unique. Throws for a NaN time.
  public func at(_ times: [Double]) throws -> (times: [Double], curves: [CurveAtTimes]) {
    if let i = times.firstIndex(where: { $0.isNaN }) {
      throw ModelFrameError("time \(i + 1) is NaN; times must be numbers")
    }
    let sorted = Array(Set(times)).sorted()
    return (sorted, curves.map { Self.read($0, at: sorted) })
  }

  private static func read(_ c: Curve, at times: [Double]) -> CurveAtTimes {
    var est = [Double](), variance = [Double](), lower = [Double](), upper = [Double](), nRisk = [Int]()
    let last = c.time.last
    for t in times {
      // j: the number of grid times ≤ t (the last of them is the value's index).
      let j = upperBound(c.time, t)
      // At risk at t: those with time ≥ t, read at the first grid time ≥ t.
      let after = (j > 0 && c.time[j - 1] == t) ? j - 1 : j
      nRisk.append(after < c.time.count ? c.nRisk[after] : 0)
      if let last, t >= 0, t <= last {
        if j == 0 {
          est.append(0); variance.append(0); lower.append(0); upper.append(0)
        } else {
          est.append(c.estimate[j - 1]); variance.append(c.variance[j - 1])
          lower.append(c.lower[j - 1]); upper.append(c.upper[j - 1])
        }
      } else {
        est.append(.nan); variance.append(.nan); lower.append(.nan); upper.append(.nan)
      }
    }
    return CurveAtTimes(
      group: c.group, cause: c.cause, estimate: est, variance: variance, lower: lower, upper: upper, nRisk: nRisk)
  }

  /// The number of entries of the sorted `values` that are ≤ t.
  private static func upperBound(_ values: [Double], _ t: Double) -> Int {
    var lo = 0, hi = values.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if values[mid] <= t { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }
}
