import Foundation

/// The proportional-hazards test's pass over the events (`CoxZphKernel`):
/// the score U_g = Σ_events w_i g(t_i) s_i, with s_i = x_i − x̄(t_i) the
/// Schoenfeld residual (x̄ the average of the Efron sub-step means at the
/// event's death time), and either the residuals themselves (events × p,
/// column-major) or, for `CoxZph.test`, each event's sums Σ_j s_ij T[j, t]
/// over the terms' columns (events × terms: the terms' residuals before
/// scaling, added in column order from 0), with no events × p array.
///
/// From `parallelThreshold` events the two outputs are made by two workers:
/// worker 0 adds U_g in the events' order, as one worker does, and worker 1
/// writes the residuals, each event's its own; every value comes from the
/// same operations in the same order, so the numbers do not depend on the
/// split. No weights: w g s with w = 1 is g s (no array of ones is read).
enum CoxZphEventPass {
  static let parallelThreshold = 50_000

  /// - Parameters:
  ///   - ordered: the events' sorted positions in the table, in R's order.
  ///   - g: the centred transformed time per death time.
  ///   - termWeights: p × terms row-major T and the number of terms; nil for the Schoenfeld residuals.
  static func run(
    table: CoxRiskSetTable, ordered: [Int], g: [Double], termWeights: (weights: [Double], terms: Int)?,
    parallelThreshold: Int = parallelThreshold
  ) -> (u: [Double], schoenfeld: [Double], termResiduals: [Double]) {
    let p = table.p, e = ordered.count
    var u = [Double](repeating: 0, count: p)
    let nterm = termWeights?.terms ?? 0
    let keepSchoenfeld = termWeights == nil
    // Each written once below: no zero fill.
    var schoenfeld: [Double] = keepSchoenfeld ? RadixOrder.uninitialized(e * p) : []
    var termResiduals: [Double] = keepSchoenfeld ? [] : RadixOrder.uninitialized(e * nterm)
    // T's non-zero entries, column by column: the terms of column j are `entryTerm[entryStart[j]..<entryStart[j+1]]`
    // with factors `entryFactor` (a column is in one term: one entry per column).
    var entryStart = [0], entryTerm: [Int] = [], entryFactor: [Double] = []
    if let (tmat, terms) = termWeights {
      for j in 0..<p {
        for t in 0..<terms where tmat[j * terms + t] != 0 {
          entryTerm.append(t)
          entryFactor.append(tmat[j * terms + t])
        }
        entryStart.append(entryTerm.count)
      }
    }
    let workers = e >= parallelThreshold ? 2 : 1
    u.withUnsafeMutableBufferPointer { u in
    schoenfeld.withUnsafeMutableBufferPointer { schoenfeld in
    termResiduals.withUnsafeMutableBufferPointer { termResiduals in
    table.x.withUnsafeBufferPointer { x in
    table.deadMean.withUnsafeBufferPointer { deadMean in
    table.hi.withUnsafeBufferPointer { hi in
    withOptionalReads(table.rowWeight) { weights in
    g.withUnsafeBufferPointer { g in
    entryStart.withUnsafeBufferPointer { entryStart in
    entryTerm.withUnsafeBufferPointer { entryTerm in
    entryFactor.withUnsafeBufferPointer { entryFactor in
    ordered.withUnsafeBufferPointer { ordered in
      // Worker 0 writes u only, worker 1 (or worker 0 alone) the residuals only; the rest is read only.
      let outU = DisjointWrites(u), outSchoenfeld = DisjointWrites(schoenfeld)
      let outTerms = DisjointWrites(termResiduals)
      let reads = (
        x: SharedReads(x), deadMean: SharedReads(deadMean), hi: SharedReads(hi), weights: weights,
        g: SharedReads(g), ordered: SharedReads(ordered),
        entries: (SharedReads(entryStart), SharedReads(entryTerm), SharedReads(entryFactor)))
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        let x = reads.x.buffer, deadMean = reads.deadMean.buffer, hi = reads.hi.buffer
        let g = reads.g.buffer, ordered = reads.ordered.buffer
        if w == 0 {
          let u = outU.buffer, weight = reads.weights?.buffer
          for k in 0..<e {
            let i = ordered[k]
            let d = hi[i] - 1
            let wg = weight.map { $0[i] * g[d] } ?? g[d]
            for j in 0..<p { u[j] += wg * (x[i * p + j] - deadMean[d * p + j]) }
          }
        }
        if w == workers - 1 {
          if keepSchoenfeld {
            let out = outSchoenfeld.buffer
            for k in 0..<e {
              let i = ordered[k]
              let d = hi[i] - 1
              for j in 0..<p { out[j * e + k] = x[i * p + j] - deadMean[d * p + j] }
            }
          } else {
            let out = outTerms.buffer
            let start = reads.entries.0.buffer, term = reads.entries.1.buffer, factor = reads.entries.2.buffer
            withUnsafeTemporaryAllocation(of: Double.self, capacity: nterm) { acc in
              for k in 0..<e {
                let i = ordered[k]
                let d = hi[i] - 1
                for t in 0..<nterm { acc[t] = 0 }
                for j in 0..<p {
                  let s = x[i * p + j] - deadMean[d * p + j]
                  for m in start[j]..<start[j + 1] { acc[term[m]] += s * factor[m] }
                }
                for t in 0..<nterm { out[t * e + k] = acc[t] }
              }
            }
          }
        }
      }
    }}}}}}}}}}}}
    return (u, schoenfeld, termResiduals)
  }
}
