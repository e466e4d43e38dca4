extension CumulativeIncidence.Curve {
  /// The curve's right-continuous step values at each of `grid` (ascending
  /// times, typically the group's `CompetingRisksRiskTable` times): the
  /// estimate, variance and limits at the last jump ≤ t, and 0 before the
  /// first jump. Between jumps cmprsk's variance is carried forward, as
  /// `cmprsk::timepoints` reads it; the values are copies, never recomputed.
  public func steps(on grid: [Double]) -> (estimate: [Double], variance: [Double], lower: [Double], upper: [Double]) {
    var est = [Double](repeating: 0, count: grid.count)
    var vars = est, lo = est, hi = est
    var j = 0  // jumps with time ≤ grid[i]
    for (i, t) in grid.enumerated() {
      while j < time.count && time[j] <= t { j += 1 }
      if j > 0 {
        est[i] = estimate[j - 1]
        vars[i] = variance[j - 1]
        lo[i] = lower[j - 1]
        hi[i] = upper[j - 1]
      }
    }
    return (est, vars, lo, hi)
  }
}
