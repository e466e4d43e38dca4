import Foundation

/// The score test of proportional hazards of a fitted Cox model, as R
/// `survival` 3.x `cox.zph` (its C routines `zph1` for right-censored and
/// `zph2` for (start, stop] data): for each coefficient β_j the model with
/// β_j + θ_j g(t) is scored at θ = 0, with g the (centred) transformed time.
///
/// The 2p score vector is (U, U_g) with U ≈ 0 at the fit and
/// U_g = Σ_events w_i g(t_i) s_i (s_i the Schoenfeld residual); the 2p × 2p
/// information is [[I₀, I₁], [I₁, I₂]], I_k = Σ_t g(t)^k Σ_s (W/m)
/// {S2_s/S0_s − x̄_s x̄_sᵀ} (Efron sub-steps s, or one Breslow step). The
/// S2 part is accumulated per row, Σ_i w_i r_i x_i x_iᵀ Σ_{t at risk}
/// g(t)^k h_i(t), with the same risk-set table as the residuals
/// (`CoxRiskSetTable`), so the cost is O(n p²) with no p² storage per death
/// time. A term's statistic is uᵀ I_kk⁻¹ u over the p columns of β and the
/// term's columns of θ; GLOBAL uses all of them.
public enum CoxZphKernel {
  public struct Scores: Sendable {
    /// U_g, p values.
    public let u: [Double]
    /// Row-major 2p × 2p.
    public let information: [Double]
    /// Event rows in R's order (stratum, time; ties in row order for
    /// Surv(time, event), in reverse row order for (start, stop] data).
    public let eventRows: [Int]
    /// The stop time of each event, in `eventRows` order: the table's death time at the event's sorted
    /// position (a copy of the row's stop time, read in sorted order instead of at random by row).
    let eventTimes: [Double]
    /// Column-major events × p Schoenfeld residuals, in `eventRows` order.
    public let schoenfeld: [Double]
    /// Row-major strata × p: the stratum's events when the column varies
    /// within the stratum, else 0 (R's `used`).
    public let used: [Int]
    public let strataCount: Int
    /// Column-major events × terms: Σ_j s_j T[j, t] per event (`termWeights` T of `scores(…, termWeights:)`),
    /// in `eventRows` order, when asked for instead of `schoenfeld` (then empty). A `var`, so that
    /// `CoxZph.test` can take the array out and scale it in place (no copy).
    var termResiduals: [Double]
  }

  /// The uncentred transformed times the kernel reads.
  enum EventTimes {
    /// One per input row (only event rows are read).
    case perRow([Double])
    /// One per event, in the risk-set table's order of the events (`CoxRiskSetTable.eventRows`).
    case perEvent([Double])
  }

  /// - Parameter g: the transformed time of each row (only event rows are read), uncentred.
  /// - Parameter riskSets: the model's risk sets when already built (`CoxRiskSets` of the same input).
  /// - Parameter parallelThreshold: rows from which the rows' sums run on two workers (tests lower it).
  public static func scores(
    _ input: CoxDiagnosticsInput, riskSets: CoxRiskSets? = nil, g rawG: [Double],
    parallelThreshold: Int = CoxZphRowSums.parallelThreshold
  ) throws -> Scores {
    try scores(input, riskSets: riskSets, times: .perRow(rawG), parallelThreshold: parallelThreshold)
  }

  /// - Parameters:
  ///   - times: the transformed times, per row or per event.
  ///   - termWeights: p × terms row-major T and the number of terms: the Schoenfeld residuals are not
  ///     kept; each event's Σ_j s_j T[j, t] (the terms' residuals of `CoxZph.test`, added in column order
  ///     from 0) is returned in `termResiduals` instead, with no events × p array.
  static func scores(
    _ input: CoxDiagnosticsInput, riskSets: CoxRiskSets?, times: EventTimes,
    termWeights: (weights: [Double], terms: Int)? = nil, parallelThreshold: Int = CoxZphRowSums.parallelThreshold
  ) throws -> Scores {
    try input.validate(for: "the proportional-hazards test (zph)")
    let table = try riskSets?.table ?? CoxRiskSetTable(input)
    let n = table.n
    let p = table.p
    let events = table.eventRows
    // Centre g on its mean over the events (R: ttimes − mean(ttimes[event])), added in the events' order.
    var gMean = 0.0
    let deaths = table.deathTime.count
    var g = [Double](repeating: 0, count: deaths)
    switch times {
    case .perRow(let rawG):
      for i in events { gMean += rawG[i] }
      gMean /= Double(max(events.count, 1))
      for (i, k) in zip(events, table.eventPositions) { g[table.hi[k] - 1] = rawG[i] - gMean }
    case .perEvent(let values):
      if values.count != events.count {
        throw CoxInputError(
          "the proportional-hazards test (zph): \(values.count) transformed times for \(events.count) events")
      }
      for v in values { gMean += v }
      gMean /= Double(max(events.count, 1))
      for (v, k) in zip(values, table.eventPositions) { g[table.hi[k] - 1] = v - gMean }
    }
    if g.contains(where: { !$0.isFinite }) {
      throw CoxInputError("the transformed times are not all finite numbers")
    }
    // Per death time, hazards times g^k (k = 0, 1, 2), survivors and dying.
    var hz = [Double](repeating: 0, count: deaths * 3)
    var dead = [Double](repeating: 0, count: deaths * 3)
    for d in 0..<deaths {
      hz[d * 3] = table.hazard[d]
      hz[d * 3 + 1] = table.hazard[d] * g[d]
      hz[d * 3 + 2] = table.hazard[d] * g[d] * g[d]
      dead[d * 3] = table.deadHazard[d]
      dead[d * 3 + 1] = table.deadHazard[d] * g[d]
      dead[d * 3 + 2] = table.deadHazard[d] * g[d] * g[d]
    }
    let cum = table.cumulative(hz, width: 3)
    // info[k * p² + a * p + b], lower triangle (b ≤ a), for k = 0, 1, 2: the rows' part
    // (`CoxZphRowSums`, on two workers), then the means' part subtracted.
    var info = try CoxZphRowSums.sum(table: table, cumulative: cum, dead: dead, parallelThreshold: parallelThreshold)
    info.withUnsafeMutableBufferPointer { info in
      // Minus Σ_t g^k Σ_s (W/m) x̄_s x̄_sᵀ. With x̄_s = (A − f_s B)/S_s (A, B the risk set's and the
      // deaths' sums, f_s = s/m, S_s = S0 − f_s E0), the m Efron sub-steps add up in closed form:
      // Σ_s x̄_s x̄_sᵀ = c0 AAᵀ − c1 (ABᵀ + BAᵀ) + c2 BBᵀ, c_r = Σ_s f_sʳ/S_s², so a death time
      // costs O(p²) however many deaths it has (as the fit's `CoxTiedDeaths`).
      table.xSum.withUnsafeBufferPointer { xSum in
        table.deathXSum.withUnsafeBufferPointer { deathXSum in
          g.withUnsafeBufferPointer { g in
            for d in 0..<deaths {
              let m = table.efron ? table.deathCount[d] : 1
              let fraction = 1 / Double(m)
              let share = table.deathWeight[d] * fraction
              let s0 = table.riskSum[d], e0 = table.deathRiskSum[d]
              var c0 = 0.0, c1 = 0.0, c2 = 0.0
              for step in 0..<m {
                let down = Double(step) * fraction
                let denominator = s0 - down * e0
                let r = 1 / (denominator * denominator)
                c0 += r
                c1 += r * down
                c2 += r * down * down
              }
              let sums = xSum.baseAddress.unsafelyUnwrapped + d * p
              let deathSums = deathXSum.baseAddress.unsafelyUnwrapped + d * p
              var weight = share
              for k in 0..<3 {
                let base = k * p * p
                for i in 0..<p {
                  let ai = sums[i], bi = deathSums[i]
                  let u0 = weight * (c0 * ai - c1 * bi), u1 = weight * (c2 * bi - c1 * ai)
                  for j in 0...i { info[base + i * p + j] -= u0 * sums[j] + u1 * deathSums[j] }
                }
                weight *= g[d]
              }
            }
          }
        }
      }
    }
    let q = 2 * p
    var information = [Double](repeating: 0, count: q * q)
    for a in 0..<p {
      for b in 0...a {
        for (k, (r, c)) in [(0, 0), (0, p), (p, p)].enumerated() {
          let v = info[k * p * p + a * p + b]
          information[(r + a) * q + c + b] = v
          information[(r + b) * q + c + a] = v
          information[(c + a) * q + r + b] = v
          information[(c + b) * q + r + a] = v
        }
      }
    }
    // R's order of the events.
    // Sorted positions of the events (the table's arrays are in sorted order).
    var ordered = table.eventPositions
    if input.start != nil {
      // Ties (same stratum and time) in reverse row order, as zph2's sweep.
      var k = 0
      while k < ordered.count {
        var e = k + 1
        let i = ordered[k]
        while e < ordered.count && table.hi[ordered[e]] == table.hi[i] { e += 1 }
        if e - k > 1 { ordered[k..<e].reverse() }
        k = e
      }
    }
    // U_g and the residuals (or the terms' sums of them): `CoxZphEventPass`, on two workers.
    let (u, schoenfeld, termResiduals) = CoxZphEventPass.run(
      table: table, ordered: ordered, g: g, termWeights: termWeights, parallelThreshold: parallelThreshold)
    // used: events of the stratum where the (raw) column varies in it. The scan
    // stops as soon as every column varies in every stratum.
    let strataCount = table.stratumStart.count - 1
    var firstRow = [Int](repeating: -1, count: strataCount)
    var varies = [Bool](repeating: false, count: strataCount * p)
    var stratumEvents = [Int](repeating: 0, count: strataCount)
    input.status.withUnsafeBufferPointer { status in
      if let strata = input.strata {
        for i in 0..<n where status[i] == 1 { stratumEvents[strata[i]] += 1 }
      } else if strataCount > 0 {
        // Every row with status 1 is one of the table's events.
        stratumEvents[0] = table.eventRows.count
      }
    }
    var constant = strataCount * p
    input.covariateColumns.withColumns(n: n, p: p) { cov in
      for i in 0..<n {
        if constant == 0 { break }
        let s = input.strata?[i] ?? 0
        if firstRow[s] < 0 {
          firstRow[s] = i
          continue
        }
        let f = firstRow[s]
        for j in 0..<p where !varies[s * p + j] && cov[j][i] != cov[j][f] {
          varies[s * p + j] = true
          constant -= 1
        }
      }
    }
    var used = [Int](repeating: 0, count: strataCount * p)
    for s in 0..<strataCount { for j in 0..<p where varies[s * p + j] { used[s * p + j] = stratumEvents[s] } }
    let eventTimes = ordered.map { table.deathTime[table.hi[$0] - 1] }
    return Scores(
      u: u, information: information, eventRows: ordered.map { table.order[$0] }, eventTimes: eventTimes,
      schoenfeld: schoenfeld, used: used, strataCount: strataCount, termResiduals: termResiduals)
  }
}
