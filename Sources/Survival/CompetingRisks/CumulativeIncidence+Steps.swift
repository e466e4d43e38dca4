extension CumulativeIncidence.Curve {
  /// A curve's values on a grid of times (see `steps(on:)`).
  public struct Steps: Sendable, Equatable {
    public let estimate: [Double]
    public let variance: [Double]
    public let lower: [Double]
    public let upper: [Double]
  }

  /// The curve's right-continuous step values at each of `grid` (ascending
  /// times, typically the group's `CompetingRisksRiskTable` times): the
  /// estimate, variance and limits at the last jump ≤ t, and 0 before the
  /// first jump. Between jumps cmprsk's variance is carried forward, as
  /// `cmprsk::timepoints` reads it; the values are copies, never recomputed.
  public func steps(on grid: [Double]) -> Steps {
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
    return Steps(estimate: est, variance: vars, lower: lo, upper: hi)
  }
}

/// One group's risk table and curves on every distinct time of the group,
/// filled by `CumulativeIncidence.groupCurves` as it scans the group's
/// blocks of tied times: the rows of `CompetingRisksRiskTable.tabulate` and
/// the values of `Curve.steps(on:)` on them, without a second scan.
struct GroupGrid {
  /// The causes whose events the table counts, and those whose curves are laid out.
  let tableCauses: [Int]
  let curveCauses: [Int]
  private var time: [Double] = []
  private var nRisk: [Int] = []
  private var nCensor: [Int] = []
  private var nEvent: [[Int]]
  private var estimate: [[Double]]
  private var variance: [[Double]]
  private var lower: [[Double]]
  private var upper: [[Double]]

  init(tableCauses: [Int], curveCauses: [Int]) {
    self.tableCauses = tableCauses
    self.curveCauses = curveCauses
    nEvent = [[Int]](repeating: [], count: tableCauses.count)
    estimate = [[Double]](repeating: [], count: curveCauses.count)
    variance = estimate
    lower = estimate
    upper = estimate
  }

  /// One row: time `t` with `atRisk` subjects, `counts[s]` of status s at
  /// it, and each cause's jumps so far (`jumps.estimate[c]`, ...: values
  /// at the jump times ≤ t); a curve reads its last jump's values, or 0.
  mutating func append(
    time t: Double, atRisk: Int, counts: [Int],
    jumps: (estimate: [[Double]], variance: [[Double]], lower: [[Double]], upper: [[Double]])
  ) {
    time.append(t)
    nRisk.append(atRisk)
    nCensor.append(counts[0])
    for (i, c) in tableCauses.enumerated() { nEvent[i].append(counts[c]) }
    for (i, c) in curveCauses.enumerated() {
      estimate[i].append(jumps.estimate[c].last ?? 0)
      variance[i].append(jumps.variance[c].last ?? 0)
      lower[i].append(jumps.lower[c].last ?? 0)
      upper[i].append(jumps.upper[c].last ?? 0)
    }
  }

  var table: CompetingRisksRiskTable.Group {
    CompetingRisksRiskTable.Group(time: time, nRisk: nRisk, nEvent: nEvent, nCensor: nCensor)
  }

  /// One per curve cause, in `curveCauses` order.
  var steps: [CumulativeIncidence.Curve.Steps] {
    curveCauses.indices.map {
      CumulativeIncidence.Curve.Steps(
        estimate: estimate[$0], variance: variance[$0], lower: lower[$0], upper: upper[$0])
    }
  }
}
