import Dispatch
import Foundation

/// Nonparametric bootstrap of a parametric fit: B samples of n rows drawn
/// with replacement from the fitted rows, each refitted from the original
/// estimate (Efron & Tibshirani, *An Introduction to the Bootstrap*, 1993,
/// ch. 6 and 13).
///
/// Replicate b draws its rows from its own SplitMix64 stream seeded from
/// (seed, b), so the replicates do not depend on how they are shared out:
/// two workers take the even and the odd replicates, each writing only its
/// own slots, and the result is the same for a seed on any machine.
public enum SurvregBootstrap {
  /// The seed of replicate b: one SplitMix64 output from the master seed mixed with b.
  static func replicateSeed(_ seed: UInt64, _ b: Int) -> UInt64 {
    var mixer = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: b) &* 0x9E37_79B9_7F4A_7C15))
    return mixer.next()
  }

  /// The rows of replicate b (indices into the data, with repeats).
  public static func rows(n: Int, seed: UInt64, replicate b: Int) -> [Int] {
    var rng = SplitMix64(seed: replicateSeed(seed, b))
    var rows = [Int](repeating: 0, count: n)
    for i in 0..<n { rows[i] = Int(rng.next() % UInt64(n)) }
    return rows
  }

  /// The data of the given rows.
  public static func subset(_ data: SurvregData, rows: [Int]) -> SurvregData {
    let p = data.p, n = data.n, m = rows.count
    var x = [Double](repeating: 0, count: m * p)
    for j in 0..<p {
      for (r, i) in rows.enumerated() { x[j * m + r] = data.x[j * n + i] }
    }
    return SurvregData(
      y1: rows.map { data.y1[$0] }, y2: data.y2.isEmpty ? [] : rows.map { data.y2[$0] },
      status: rows.map { data.status[$0] }, columns: x, p: p, weights: data.weights.map { w in rows.map { w[$0] } },
      offset: data.offset.map { o in rows.map { o[$0] } }, strata: data.strata.map { s in rows.map { s[$0] } },
      strataCount: data.strataCount)
  }

  /// θ = (β, log σ…) of each replicate; nil for a replicate whose fit failed
  /// or did not converge (a sample without events, or without a stratum).
  /// `start` is the original estimate. Runs on two workers from 2 replicates.
  public static func estimates(
    _ data: SurvregData, distribution: SurvregDistribution, options: SurvregOptions, start: [Double],
    replicates: Int, seed: UInt64
  ) throws -> [[Double]?] {
    try replicateEstimates(replicates) { b in
      let sample = subset(data, rows: rows(n: data.n, seed: seed, replicate: b))
      var o = options
      o.initial = start
      guard let fit = try? SurvregModel.fit(sample, distribution: distribution, options: o), fit.converged,
        fit.coefficients.allSatisfy({ $0.isFinite }), fit.logScales.allSatisfy({ $0.isFinite })
      else { return nil }
      return fit.coefficients + fit.logScales
    }
  }

  /// Runs `estimate` for replicates 0..<count, on two workers from 2 replicates (worker w takes replicates
  /// w, w + 2, ...: disjoint slots), in chunks of 16 with a cancellation check between them on the calling
  /// thread (the check is per thread: the workers cannot see it). Shared by survreg's and flexsurv's bootstraps.
  public static func replicateEstimates(_ count: Int, _ estimate: @Sendable (Int) -> [Double]?) throws -> [[Double]?] {
    var results = [[Double]?](repeating: nil, count: count)
    let workers = count >= 2 ? 2 : 1
    var chunkStart = 0
    while chunkStart < count {
      try Cancellation.check()
      let chunkEnd = min(count, chunkStart + 16), first = chunkStart
      results.withUnsafeMutableBufferPointer { buffer in
        let slots = DisjointWrites(buffer)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
          var b = first + w
          while b < chunkEnd {
            slots[b] = estimate(b)
            b += workers
          }
        }
      }
      chunkStart = chunkEnd
    }
    return results
  }
}
