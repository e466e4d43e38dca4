import Foundation

/// The martingale residuals of a right-censored Cox fit, computed by the fit
/// from its own sorted rows, as R `coxph` keeps them in `fit$residuals`
/// (`coxfit6` computes them at the final β), so that `m:residuals()` of the
/// martingale and deviance types costs no sort and no design matrix.
///
/// Within each stratum, with r_i = exp(η_i) (η the fit's linear predictor),
/// the risk-set sum S0(t) = Σ_{T_j ≥ t} w_j r_j is taken from the last time
/// down; at a death time with m deaths of weight W and death sum E0, Efron's
/// sub-steps s = 0 … m−1 give h_s = (W/m) / (S0 − (s/m) E0) (Breslow: one
/// step, h = W/S0). A row censored at t, or surviving it, takes Σ_s h_s, a
/// row dying at t takes Σ_s (1 − s/m) h_s; then, from the first time up,
/// M_i = δ_i − r_i Λ_i (Therneau & Grambsch 2000, §4.2). These are the
/// formulas of `CoxRiskSetTable`'s martingale residuals (the same numbers to
/// rounding: there η is centred on its mean first). Ties = "exact" uses
/// Breslow's step, as R does. O(n) after the fit's sort; one array of n.
enum CoxFitMartingale {
  /// - Parameters:
  ///   - time, status, weight: the fit's sorted rows (ascending time within each block).
  ///   - predictor: the linear predictor in the same sorted order; consumed: it
  ///     holds the risk scores, then the residuals in sorted order, on return.
  ///   - order: the input row of each sorted position.
  ///   - blocks: the strata as ranges of sorted positions.
  /// - Returns: the residual of each input row.
  ///
  /// The work runs in sorted order in the predictor's own buffer (the fit's
  /// concordance is done with it): the risk scores exp(η), two workers
  /// taking halves from 100,000 rows; the backward and forward passes over
  /// each block, reading and writing sequentially (strata that balance
  /// shared by two workers, `StrataSharing`); then one scatter into
  /// input order, shared by the workers. (Computed in input order, each
  /// pass read and wrote one random slot per row.) The residuals are the
  /// same to the bit: the same expressions in the same order.
  static func rightCensored<Status: CoxStatusCode, Row: FixedWidthInteger & SendableMetatype>(
    time: [Double], status: [Status], weight: [Double], consuming predictor: inout [Double], order: [Row],
    blocks: [Range<Int>], efron: Bool
  ) -> [Double] {
    let n = time.count
    // Empty weights are all 1 (a compact fit's): w·r is then r, the same bits.
    guard n > 0, predictor.count == n, order.count == n, status.count == n, weight.count == n || weight.isEmpty
    else { return [] }
    let workers = n >= 100_000 ? 2 : 1
    predictor.withUnsafeMutableBufferPointer { values in
      // Worker w replaces the values of its half of the sorted positions.
      let risk = DisjointWrites(values)
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        let r = risk.baseAddress.unsafelyUnwrapped
        for k in (w * n / workers)..<((w + 1) * n / workers) { r[k] = exp(r[k]) }
      }
    }
    // Strata that balance go whole to two workers (`StrataSharing`); they
    // write disjoint ranges of the buffer.
    let shares = workers == 2 ? StrataSharing.balanced(blocks, rows: n) ?? [blocks] : [blocks]
    time.withUnsafeBufferPointer { time in
    status.withUnsafeBufferPointer { status in
    weight.withUnsafeBufferPointer { weight in
    predictor.withUnsafeMutableBufferPointer { risk in
      let rows = SortedRows(time: SharedReads(time), status: SharedReads(status), weight: SharedReads(weight))
      let risk = DisjointWrites(risk)
      DispatchQueue.concurrentPerform(iterations: shares.count) { w in
        var hazards = (survivor: [Double](), dying: [Double]())
        for block in shares[w] {
          residuals(block, rows, risk.buffer, efron: efron, hazards: &hazards)
        }
      }
    }}}}
    return [Double](unsafeUninitializedCapacity: n) { out, count in
      predictor.withUnsafeBufferPointer { residual in
        order.withUnsafeBufferPointer { order in
          // Worker w writes the input rows of its half of the sorted positions (a permutation).
          let out = DisjointWrites(out), residual = SharedReads(residual), order = SharedReads(order)
          DispatchQueue.concurrentPerform(iterations: workers) { w in
            let o = out.baseAddress.unsafelyUnwrapped
            for k in (w * n / workers)..<((w + 1) * n / workers) { o[Int(order[k])] = residual[k] }
          }
        }
      }
      count = n
    }
  }

  /// The sorted rows' time, status and weight, read by every worker.
  struct SortedRows<Status: CoxStatusCode>: Sendable {
    let time: SharedReads<Double>
    let status: SharedReads<Status>
    let weight: SharedReads<Double>
  }

  /// Replaces the risk scores of one block by their residuals. `hazards`
  /// is scratch: the Efron or Breslow hazards of each death time of the
  /// block, last time first.
  private static func residuals<Status: CoxStatusCode>(
    _ block: Range<Int>, _ rows: SortedRows<Status>, _ risk: UnsafeMutableBufferPointer<Double>, efron: Bool,
    hazards: inout (survivor: [Double], dying: [Double])
  ) {
    let time = rows.time.buffer, status = rows.status.buffer, weight = rows.weight.buffer
    let weighted = !weight.isEmpty
    hazards.survivor.removeAll(keepingCapacity: true)
    hazards.dying.removeAll(keepingCapacity: true)
    // Backward: S0 and the hazards at each death time.
    var s0 = 0.0
    var k = block.upperBound - 1
    while k >= block.lowerBound {
      let t = time[k]
      var deaths = 0
      var deathWeight = 0.0
      var deathRisk = 0.0
      while k >= block.lowerBound && time[k] == t {
        let v = weighted ? weight[k] * risk[k] : risk[k]
        s0 += v
        if status[k].isEvent {
          deaths += 1
          deathWeight += weighted ? weight[k] : 1
          deathRisk += v
        }
        k -= 1
      }
      guard deaths > 0 else { continue }
      let m = efron ? deaths : 1
      let fraction = 1 / Double(m)
      let share = deathWeight * fraction
      var h = 0.0, dead = 0.0
      for s in 0..<m {
        let down = Double(s) * fraction
        let step = share / (s0 - down * deathRisk)
        h += step
        dead += (1 - down) * step
      }
      hazards.survivor.append(h)
      hazards.dying.append(dead)
    }
    // Forward: the cumulative hazard before each time; each risk score
    // becomes its row's residual.
    var cumulative = 0.0
    var death = hazards.survivor.count - 1
    k = block.lowerBound
    while k < block.upperBound {
      let t = time[k]
      var e = k
      var dies = false
      while e < block.upperBound && time[e] == t {
        if status[e].isEvent { dies = true }
        e += 1
      }
      let h = dies ? hazards.survivor[death] : 0
      let dead = dies ? hazards.dying[death] : 0
      for j in k..<e {
        let r = risk[j]
        risk[j] = status[j].isEvent ? 1 - r * (cumulative + dead) : -r * (cumulative + h)
      }
      if dies {
        cumulative += h
        death -= 1
      }
      k = e
    }
  }
}
