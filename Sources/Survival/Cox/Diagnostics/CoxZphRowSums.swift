import Foundation
import RunControl

/// The rows' part of the information of the proportional-hazards score test
/// (`CoxZphKernel`): for k = 0, 1, 2, Σ_i w_i r_i x_i x_iᵀ · H_k(i), where
/// H_k(i) = Σ_{t at risk} g(t)^k h_i(t) is the hazard row i accrued, weighted
/// by the centred transformed time g to the power k (a dying row takes the
/// Efron share of its own death time). This pass over the n rows is the
/// zph test's largest cost (O(n p²)).
///
/// Each row forms its p(p+1)/2 products x_a x_b once and adds them, times
/// w r H_k, to three packed triangles (contiguous, so the additions
/// vectorise). From `parallelThreshold` rows, two workers take the first
/// and the second half of the sorted rows, each with its own triangles,
/// added afterwards as worker 0 + worker 1: the split depends on n only,
/// so the result does not depend on the threads (it differs from one
/// worker's in the last bits: `CoxZphParallelTests`). Workers poll a
/// `KernelPoll`.
public enum CoxZphRowSums {
  /// Rows from which two workers share the pass.
  public static let parallelThreshold = 50_000

  /// - Parameters:
  ///   - cumulative: `table.cumulative` of the hazards times g⁰, g¹, g² (width 3).
  ///   - dead: per death time, the dying rows' hazards times g⁰, g¹, g².
  /// - Returns: 3 p × p row-major matrices (k = 0, 1, 2), lower triangle filled.
  static func sum(
    table: CoxRiskSetTable, cumulative: [Double], dead: [Double], parallelThreshold: Int
  ) throws -> [Double] {
    let n = table.n, p = table.p
    let packed = p * (p + 1) / 2
    if n == 0 || p == 0 { return [Double](repeating: 0, count: 3 * p * p) }
    let workers = n >= parallelThreshold ? 2 : 1
    // Worker w's three triangles at w * 3 * packed.
    var sums = [Double](repeating: 0, count: workers * 3 * packed)
    let poll = KernelPoll()
    sums.withUnsafeMutableBufferPointer { sums in
      table.x.withUnsafeBufferPointer { x in
      withOptionalReads(table.rowLo) { lo in
      table.hi.withUnsafeBufferPointer { hi in
      withOptionalReads(table.rowStratum) { stratum in
      table.isEvent.withUnsafeBufferPointer { isEvent in
      table.risk.withUnsafeBufferPointer { risk in
      withOptionalReads(table.rowWeight) { weight in
      cumulative.withUnsafeBufferPointer { cum in
      dead.withUnsafeBufferPointer { dead in
        // Worker w writes only its own triangles and scratch (disjoint ranges of `sums`); the rest is read
        // only. No lo, strata or weights: every lo 0, one stratum, every weight 1 (w r = r), no array read.
        let out = DisjointWrites(sums)
        let reads = (
          x: SharedReads(x), lo: lo, hi: SharedReads(hi), stratum: stratum,
          isEvent: SharedReads(isEvent), risk: SharedReads(risk), weight: weight,
          cum: SharedReads(cum), dead: SharedReads(dead))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
          // Each worker sums into its own buffer (not into `sums`, whose neighbouring halves would share
          // cache lines between the workers on every row), copied out at the end.
          let acc = UnsafeMutablePointer<Double>.allocate(capacity: 4 * packed)
          acc.initialize(repeating: 0, count: 4 * packed)
          defer { acc.deallocate() }
          let xx = acc + 3 * packed
          defer { (out.baseAddress.unsafelyUnwrapped + w * 3 * packed).update(from: acc, count: 3 * packed) }
          let x = reads.x.baseAddress.unsafelyUnwrapped, lo = reads.lo?.buffer, hi = reads.hi.buffer
          let stratum = reads.stratum?.buffer, isEvent = reads.isEvent.buffer, risk = reads.risk.buffer
          let weight = reads.weight?.buffer, cum = reads.cum.buffer, dead = reads.dead.buffer
          var work = 0
          for i in (w * n / workers)..<((w + 1) * n / workers) {
            let from = lo?[i] ?? 0, to = hi[i]
            if from >= to { continue }
            let s = stratum?[i] ?? 0
            let dies = isEvent[i]
            let end = dies ? to - 1 : to
            let rw = weight.map { risk[i] * $0[i] } ?? risk[i]
            let row = x + i * p
            var l = 0
            for a in 0..<p {
              let xa = row[a]
              for b in 0...a {
                xx[l] = xa * row[b]
                l += 1
              }
            }
            for k in 0..<3 {
              var h = cum[(end + s) * 3 + k] - cum[(from + s) * 3 + k]
              if dies { h += dead[(to - 1) * 3 + k] }
              let c = rw * h
              if c == 0 { continue }
              let target = acc + k * packed
              for m in 0..<packed { target[m] += c * xx[m] }
            }
            work &+= 3 * packed
            if work > KernelPoll.interval {
              work = 0
              if poll.stopRequested() { return }
            }
          }
        }
      }}}}}}}}}
    }
    try poll.check()
    // Unpack, adding the workers' triangles in worker order.
    var info = [Double](repeating: 0, count: 3 * p * p)
    for k in 0..<3 {
      var l = 0
      for a in 0..<p {
        for b in 0...a {
          var v = sums[k * packed + l]
          for w in 1..<max(workers, 1) { v += sums[w * 3 * packed + k * packed + l] }
          info[k * p * p + a * p + b] = v
          l += 1
        }
      }
    }
    return info
  }
}
