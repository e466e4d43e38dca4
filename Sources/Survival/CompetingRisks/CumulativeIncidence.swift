import Foundation

/// Aalen–Johansen cumulative incidence functions per group and cause, with
/// the variance of R `cmprsk::cuminc` (cmprsk 2.2-11, Fortran `cinc`).
///
/// Inputs (one entry per subject): `time` ≥ 0, `status` 0 = censored or
/// 1...m = cause, `group` 0..<k. For each group and cause c, at each distinct
/// time t with d_c events of cause c and d events of any cause among the r
/// subjects still at risk, and S(t−) the all-cause Kaplan–Meier just before t,
///
///     F_c(t) = F_c(t−) + S(t−) · d_c / r.
///
/// The variance is Gray's delta-method estimator as cmprsk's `cinc`
/// accumulates it (with the tie correction 1 − (d − 1)/(r − 1)); cmprsk
/// records it only at the jump times of the cause, and so does this type.
/// Tied times are exact: all events at one time (of either cause) enter one
/// step, never jittered.
///
/// Differences from `cuminc` in shape, not in numbers: every group 0..<k and
/// every cause 1...m gets a curve (cmprsk omits causes that never occur and
/// empty groups; here such a curve has no jumps). `Curve.cmprskTime`,
/// `cmprskEstimate`, `cmprskVariance` rebuild cuminc's doubled plotting
/// arrays exactly; `Curve.time`/`estimate`/`variance` are the clean jumps.
public struct CumulativeIncidence: Sendable {
  /// The pointwise confidence interval transform.
  public enum ConfidenceType: Sendable {
    /// log(−log) as cmprsk users apply it: est^exp(∓ z·sd / (est·log est)).
    case logLog
    /// est ± z·sd, clipped to [0, 1].
    case plain
  }

  /// One group × cause curve.
  public struct Curve: Sendable {
    public let group: Int
    public let cause: Int
    /// Distinct times with at least one event of `cause` in `group`.
    public let time: [Double]
    /// F_c at each jump time (right-continuous value).
    public let estimate: [Double]
    /// cmprsk's variance of F_c at each jump time.
    public let variance: [Double]
    public let lower: [Double]
    public let upper: [Double]
    /// Subjects of the group at risk (time ≥ t) at each jump time.
    public let nRisk: [Int]
    /// Events of this cause at each jump time.
    public let nEvent: [Int]
    /// The group's largest follow-up time (NaN for an empty group).
    public let lastTime: Double
    /// Subjects in the group.
    public let n: Int

    /// cuminc's `time` array: 0, each jump time twice, then the last time.
    public var cmprskTime: [Double] {
      if n == 0 { return [] }
      var x: [Double] = [0]
      for t in time { x.append(t); x.append(t) }
      x.append(lastTime)
      return x
    }
    /// cuminc's `est` array: 0, (value before, value at) each jump, last value.
    public var cmprskEstimate: [Double] { doubled(estimate) }
    /// cuminc's `var` array, doubled as `cmprskEstimate`.
    public var cmprskVariance: [Double] { doubled(variance) }

    private func doubled(_ y: [Double]) -> [Double] {
      if n == 0 { return [] }
      var out: [Double] = [0]
      var previous = 0.0
      for v in y { out.append(previous); out.append(v); previous = v }
      out.append(previous)
      return out
    }

    /// Estimate and variance at `times`, as `cmprsk::timepoints`: the value
    /// at the last jump ≤ t (0 before the first), NaN for t < 0 or beyond
    /// the group's last follow-up time.
    public func at(_ times: [Double]) -> (estimate: [Double], variance: [Double]) {
      var est = [Double](repeating: .nan, count: times.count)
      var vars = est
      guard n > 0 else { return (est, vars) }
      for (j, t) in times.enumerated() where t >= 0 && t <= lastTime {
        // Last jump index with time ≤ t (binary search).
        var lo = 0
        var hi = time.count
        while lo < hi {
          let mid = (lo + hi) / 2
          if time[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        est[j] = lo == 0 ? 0 : estimate[lo - 1]
        vars[j] = lo == 0 ? 0 : variance[lo - 1]
      }
      return (est, vars)
    }
  }

  public let groupCount: Int
  public let causeCount: Int
  public let confidenceLevel: Double
  public let confidenceType: ConfidenceType
  /// Curves in cmprsk's order: cause-major, then group (`curve(group:cause:)`).
  public let curves: [Curve]

  /// The curve of `group` (0-based) and `cause` (1-based).
  public func curve(group: Int, cause: Int) -> Curve {
    curves[(cause - 1) * groupCount + group]
  }

  /// Fits all group × cause curves.
  /// - Parameters:
  ///   - groupCount: k (default: max group + 1); `causeCount`: m (default: max status).
  /// - Throws: `SurvivalInputError` unless lengths are equal, times finite
  ///   and ≥ 0, status in 0...m and group in 0..<k.
  public static func fit(
    time: [Double], status: [Int], group: [Int]? = nil,
    groupCount: Int? = nil, causeCount: Int? = nil,
    confidenceLevel: Double = 0.95, confidenceType: ConfidenceType = .logLog
  ) throws -> CumulativeIncidence {
    let (group, k, m) = try CompetingRisksInput.checked(
      time: time, status: status, group: group, groupCount: groupCount, causeCount: causeCount)
    let sorted = try CompetingRisksSorted(
      time: time, status: status, group: group, strata: nil, checked: (m, max(k, 1) - 1))
    return fit(sorted: sorted, groupCount: k, causeCount: m,
               confidenceLevel: confidenceLevel, confidenceType: confidenceType)
  }

  /// Curves and Gray's test for every cause from one sort (what one
  /// `cmprsk::cuminc(ftime, fstatus, group, strata, rho)` call returns).
  public static func fitWithTests(
    time: [Double], status: [Int], group: [Int], strata: [Int]? = nil, rho: Double = 0,
    groupCount: Int? = nil, causeCount: Int? = nil,
    confidenceLevel: Double = 0.95, confidenceType: ConfidenceType = .logLog
  ) throws -> (incidence: CumulativeIncidence, tests: [GrayTest]) {
    let (_, k, m) = try CompetingRisksInput.checked(
      time: time, status: status, group: group, groupCount: groupCount, causeCount: causeCount)
    var sorted = try CompetingRisksSorted(
      time: time, status: status, group: group, strata: strata, checked: (m, max(k, 1) - 1))
    let runs = sorted.takeGroupRuns(count: k)
    // No poll installed on this path: nothing cancels it.
    let fitted = try CurvesBesideTests.run(
      sorted: sorted, testCauses: m > 0 ? Array(1...m) : [], causeCount: m, rho: rho, poll: KernelPoll()
    ) {
      fit(runs: runs, groupCount: k, causeCount: m, confidenceLevel: confidenceLevel,
          confidenceType: confidenceType)
    }
    return (fitted.curves, fitted.tests)
  }

  /// Curves of every cause (or of `curveCauses` only: the others are left
  /// without jumps) and Gray's tests of `testCauses` (1-based; the causes
  /// reported), polling for cancellation (`ComputationCancelled`) and
  /// asking the memory budget for the tests (`MemoryLimitExceeded`).
  public static func fitWithTests(
    time: [Double], status: [Int], group: [Int], strata: [Int]? = nil, rho: Double = 0,
    groupCount: Int? = nil, causeCount: Int? = nil, testCauses: [Int], curveCauses: [Int]? = nil,
    confidenceLevel: Double = 0.95, confidenceType: ConfidenceType = .logLog
  ) throws -> (incidence: CumulativeIncidence, tests: [GrayTest]) {
    let (_, k, m) = try CompetingRisksInput.checked(
      time: time, status: status, group: group, groupCount: groupCount, causeCount: causeCount)
    if let bad = (testCauses + (curveCauses ?? [])).first(where: { $0 < 1 || $0 > m }) {
      throw SurvivalInputError.invalidOption("cause \(bad) is not one of the causes 1...\(m)")
    }
    let poll = KernelPoll()
    var sorted = try CompetingRisksSorted(
      time: time, status: status, group: group, strata: strata, checked: (m, max(k, 1) - 1))
    try poll.check()
    let runs = sorted.takeGroupRuns(count: k)
    let fitted = try CurvesBesideTests.run(
      sorted: sorted, testCauses: testCauses, causeCount: m, rho: rho, poll: poll
    ) {
      fit(runs: runs, groupCount: k, causeCount: m, confidenceLevel: confidenceLevel,
          confidenceType: confidenceType, poll: poll, causes: curveCauses)
    }
    return (fitted.curves, fitted.tests)
  }

  /// As `fitWithTests(...testCauses:curveCauses:...)`, and the risk table
  /// of `tableCauses` with the listed curves laid out on its times
  /// (`steps[g][i]`: group g, the i-th of `curveCauses`, as
  /// `Curve.steps(on: table.groups[g].time)`), all from the fit's own sort
  /// and scan: `CompetingRisksRiskTable.tabulate` would sort the data again
  /// and both would scan it again (at 10^6 rows a fifth of a cuminc call).
  /// The numbers are those of the calls apart.
  public static func fitWithTestsAndRiskTable(
    time: [Double], status: [Int], group: [Int], strata: [Int]? = nil, rho: Double = 0,
    groupCount: Int? = nil, causeCount: Int? = nil, testCauses: [Int], curveCauses: [Int]? = nil,
    tableCauses: [Int], confidenceLevel: Double = 0.95, confidenceType: ConfidenceType = .logLog
  ) throws -> (
    incidence: CumulativeIncidence, tests: [GrayTest], table: CompetingRisksRiskTable, steps: [[Curve.Steps]]
  ) {
    try withRiskTable(
      time: time, status: status, group: group, strata: strata, rho: rho, groupCount: groupCount,
      causeCount: causeCount, testCauses: testCauses, curveCauses: curveCauses, tableCauses: tableCauses,
      confidenceLevel: confidenceLevel, confidenceType: confidenceType)
  }

  /// As `fitWithTestsAndRiskTable(...group:...)` with the groups as 32-bit
  /// codes (a factor column's own codes), read as they are: no list of
  /// 8-byte indices is built.
  public static func fitWithTestsAndRiskTable(
    time: [Double], status: [Int], groupCodes group: [Int32], strata: [Int]? = nil, rho: Double = 0,
    groupCount: Int? = nil, causeCount: Int? = nil, testCauses: [Int], curveCauses: [Int]? = nil,
    tableCauses: [Int], confidenceLevel: Double = 0.95, confidenceType: ConfidenceType = .logLog
  ) throws -> (
    incidence: CumulativeIncidence, tests: [GrayTest], table: CompetingRisksRiskTable, steps: [[Curve.Steps]]
  ) {
    try withRiskTable(
      time: time, status: status, group: group, strata: strata, rho: rho, groupCount: groupCount,
      causeCount: causeCount, testCauses: testCauses, curveCauses: curveCauses, tableCauses: tableCauses,
      confidenceLevel: confidenceLevel, confidenceType: confidenceType)
  }

  private static func withRiskTable<Code: BinaryInteger>(
    time: [Double], status: [Int], group: [Code], strata: [Int]?, rho: Double,
    groupCount: Int?, causeCount: Int?, testCauses: [Int], curveCauses: [Int]?,
    tableCauses: [Int], confidenceLevel: Double, confidenceType: ConfidenceType
  ) throws -> (
    incidence: CumulativeIncidence, tests: [GrayTest], table: CompetingRisksRiskTable, steps: [[Curve.Steps]]
  ) {
    let (k, m) = try CompetingRisksInput.bounds(
      time: time, status: status, group: group, groupCount: groupCount, causeCount: causeCount)
    if let bad = (testCauses + (curveCauses ?? []) + tableCauses).first(where: { $0 < 1 || $0 > m }) {
      throw SurvivalInputError.invalidOption("cause \(bad) is not one of the causes 1...\(m)")
    }
    let poll = KernelPoll()
    var sorted = try CompetingRisksSorted(
      time: time, status: status, group: group, strata: strata, checked: (m, max(k, 1) - 1))
    try poll.check()
    let runs = sorted.takeGroupRuns(count: k)
    let fitted = try CurvesBesideTests.run(
      sorted: sorted, testCauses: testCauses, causeCount: m, rho: rho, poll: poll
    ) {
      fitOnGrid(
        runs: runs, groupCount: k, causeCount: m, confidenceLevel: confidenceLevel,
        confidenceType: confidenceType, poll: poll, causes: curveCauses, gridCauses: tableCauses)
    }
    let (incidence, grids) = fitted.curves
    return (incidence, fitted.tests, CompetingRisksRiskTable(groups: grids.map(\.table)), grids.map(\.steps))
  }

  static func fit(
    sorted: CompetingRisksSorted, groupCount k: Int, causeCount m: Int,
    confidenceLevel: Double, confidenceType: ConfidenceType, poll: KernelPoll? = nil, causes: [Int]? = nil
  ) -> CumulativeIncidence {
    // Each group's subjects contiguous in time order.
    fit(runs: sorted.groupRuns(count: k), groupCount: k, causeCount: m, confidenceLevel: confidenceLevel,
        confidenceType: confidenceType, poll: poll, causes: causes)
  }

  static func fit(
    runs: GroupRuns, groupCount k: Int, causeCount m: Int,
    confidenceLevel: Double, confidenceType: ConfidenceType, poll: KernelPoll? = nil, causes: [Int]? = nil
  ) -> CumulativeIncidence {
    fitOnGrid(
      runs: runs, groupCount: k, causeCount: m, confidenceLevel: confidenceLevel,
      confidenceType: confidenceType, poll: poll, causes: causes, gridCauses: nil
    ).incidence
  }

  /// The curves and, with `gridCauses` (the causes the risk table counts),
  /// one `GroupGrid` per group from the same scan.
  static func fitOnGrid(
    runs: GroupRuns, groupCount k: Int, causeCount m: Int,
    confidenceLevel: Double, confidenceType: ConfidenceType, poll: KernelPoll?, causes: [Int]?,
    gridCauses: [Int]?
  ) -> (incidence: CumulativeIncidence, grids: [GroupGrid]) {
    var grids = [GroupGrid]()
    let listed = causes ?? Array(1..<(m + 1))
    let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    let offsets = runs.offsets, sTime = runs.time, sStatus = runs.status
    var byGroup = [[Curve]]()
    var work = 0
    for g in 0..<k {
      var grid = gridCauses.map { GroupGrid(tableCauses: $0, curveCauses: listed) }
      byGroup.append(groupCurves(
        time: sTime[offsets[g]..<offsets[g + 1]], status: sStatus[offsets[g]..<offsets[g + 1]],
        group: g, causes: m, listed: listed, z: z, type: confidenceType, grid: &grid))
      if let grid { grids.append(grid) }
      // A group's pass costs O(rows · causes); a stop leaves the rest empty
      // (the caller throws on seeing it).
      work += (offsets[g + 1] - offsets[g] + 1) * (listed.count + 1)
      if let poll, work > KernelPoll.interval / 16 {
        work = 0
        if poll.stopRequested() {
          for g2 in (g + 1)..<max(g + 1, k) {
            var grid = gridCauses.map { GroupGrid(tableCauses: $0, curveCauses: []) }
            byGroup.append(groupCurves(
              time: sTime[0..<0], status: sStatus[0..<0], group: g2, causes: m, listed: [], z: z,
              type: confidenceType, grid: &grid))
            if let grid { grids.append(grid) }
          }
          break
        }
      }
    }
    var curves = [Curve]()
    for c in 0..<m { for g in 0..<k { curves.append(byGroup[g][c]) } }
    let incidence = CumulativeIncidence(
      groupCount: k, causeCount: m, confidenceLevel: confidenceLevel,
      confidenceType: confidenceType, curves: curves)
    return (incidence, grids)
  }

  /// One pass over a group's time-sorted subjects updating every cause
  /// (cmprsk's `cinc` run once per cause gives the same numbers). With
  /// `grid`, the same pass also lays the listed curves out on every distinct
  /// time of the group with the risk table's counts (`GroupGrid`).
  static func groupCurves(
    time: ArraySlice<Double>, status: ArraySlice<Int>, group g: Int, causes m: Int, listed: [Int]? = nil,
    z: Double, type: ConfidenceType, grid: inout GroupGrid?
  ) -> [Curve] {
    // The causes whose curves are computed (the others get no jumps).
    let listed = listed ?? Array(1..<(m + 1))
    let n = time.count
    let base = time.startIndex
    var f = [Double](repeating: 0, count: m + 1)
    var v1 = f, v2 = f, v3 = f
    var times = [[Double]](repeating: [], count: m + 1)
    var ests = times, vars = times, lowers = times, uppers = times
    var risks = [[Int]](repeating: [], count: m + 1)
    var events = risks
    var dc = [Int](repeating: 0, count: m + 1)
    var fk = 1.0
    var start = 0
    while start < n {
      let t = time[base + start]
      var end = start
      while end < n && time[base + end] == t {
        dc[status[base + end]] += 1
        end += 1
      }
      // dc is reset below by the rows that set it (not 0...m at every time).
      let block = start..<end
      defer { for i in block { dc[status[base + i]] = 0 } }
      let nd = end - start - dc[0]
      if nd > 0 {
        let rs = Double(n - start)
        let fkn = fk * (rs - Double(nd)) / rs
        for c in listed {
          let nd1 = dc[c]
          let nd2 = nd - nd1
          if nd1 > 0 { f[c] += fk * Double(nd1) / rs }
          if nd2 > 0 && fkn > 0 {
            let t5 = nd2 > 1 ? 1 - Double(nd2 - 1) / (rs - 1) : 1
            let t6 = fk * fk * t5 * Double(nd2) / (rs * rs)
            let t3 = 1 / fkn
            let t4 = f[c] / fkn
            v1[c] += t4 * t4 * t6
            v2[c] += t3 * t4 * t6
            v3[c] += t3 * t3 * t6
          }
          if nd1 > 0 {
            let t5 = nd1 > 1 ? 1 - Double(nd1 - 1) / (rs - 1) : 1
            let t6 = fk * fk * t5 * Double(nd1) / (rs * rs)
            let t3 = fkn > 0 ? 1 / fkn : 0
            let t4 = 1 + t3 * f[c]
            v1[c] += t4 * t4 * t6
            v2[c] += t3 * t4 * t6
            v3[c] += t3 * t3 * t6
            let t2 = f[c]
            let variance = v1[c] + t2 * t2 * v3[c] - 2 * t2 * v2[c]
            let (lo, hi) = confidenceInterval(estimate: t2, variance: variance, z: z, type: type)
            times[c].append(t)
            ests[c].append(t2)
            vars[c].append(variance)
            lowers[c].append(lo)
            uppers[c].append(hi)
            risks[c].append(n - start)
            events[c].append(nd1)
          }
        }
        fk = fkn
      }
      grid?.append(time: t, atRisk: n - start, counts: dc, jumps: (ests, vars, lowers, uppers))
      start = end
    }
    let last = n > 0 ? time[base + n - 1] : .nan
    return (1...max(m, 1)).filter { $0 <= m }.map { c in
      Curve(
        group: g, cause: c, time: times[c], estimate: ests[c], variance: vars[c],
        lower: lowers[c], upper: uppers[c], nRisk: risks[c], nEvent: events[c], lastTime: last, n: n)
    }
  }

  /// Pointwise interval for a cumulative incidence `estimate` with `variance`.
  /// At est 0 or 1, or zero variance, the interval collapses to the estimate.
  public static func confidenceInterval(
    estimate e: Double, variance v: Double, z: Double, type: ConfidenceType
  ) -> (lower: Double, upper: Double) {
    let sd = v > 0 ? v.squareRoot() : 0
    switch type {
    case .plain:
      return (min(max(e - z * sd, 0), 1), min(max(e + z * sd, 0), 1))
    case .logLog:
      if e <= 0 || e >= 1 || sd == 0 { return (e, e) }
      let a = z * sd / (e * log(e))
      return (pow(e, exp(-a)), pow(e, exp(a)))
    }
  }
}
