import Dispatch
import Foundation

/// Nonparametric bootstrap of a flexible parametric fit, as `SurvregBootstrap`
/// (Efron & Tibshirani 1993, ch. 6 and 13): B samples of n rows drawn with
/// replacement, replicate b from its own SplitMix64 stream seeded from
/// (seed, b) (`SurvregBootstrap.rows`), each refitted from the original
/// estimate. Two workers take the even and the odd replicates and write only
/// their own slots, so a seed gives the same result on any machine.
public enum FlexibleBootstrap {
  /// The data of the given rows.
  public static func subset(_ data: FlexibleData, rows: [Int]) -> FlexibleData {
    let p = data.p
    var x = [Double](repeating: 0, count: rows.count * p)
    for (r, i) in rows.enumerated() { for j in 0..<p { x[r * p + j] = data.x[i * p + j] } }
    let ancillary = data.ancillary.map { anc -> (parameter: Int, x: [Double], columns: Int) in
      let c = anc.columns
      var z = [Double](repeating: 0, count: rows.count * c)
      for (r, i) in rows.enumerated() { for j in 0..<c { z[r * c + j] = anc.x[i * c + j] } }
      return (anc.parameter, z, c)
    }
    return FlexibleData(
      time: rows.map { data.time[$0] }, entry: data.entry.isEmpty ? [] : rows.map { data.entry[$0] },
      event: rows.map { data.event[$0] }, weights: data.weights.map { w in rows.map { w[$0] } }, x: x, p: p,
      ancillary: ancillary, upper: data.upper.isEmpty ? [] : rows.map { data.upper[$0] })
  }

  /// θ of each replicate; nil for a replicate whose fit failed or did not converge (a sample without
  /// events). Runs on two workers from 2 replicates, in chunks of 16 with a stop check between them.
  public static func estimates(
    _ family: any FlexibleFamily, _ data: FlexibleData, start: [Double], maxIterations: Int, replicates: Int,
    seed: UInt64
  ) throws -> [[Double]?] {
    try SurvregBootstrap.replicateEstimates(replicates) { b in
      let sample = subset(data, rows: SurvregBootstrap.rows(n: data.n, seed: seed, replicate: b))
      guard let fit = try? FlexibleModel.fit(family, sample, start: start, maxIterations: maxIterations),
        fit.converged, fit.theta.allSatisfy({ $0.isFinite })
      else { return nil }
      return fit.theta
    }
  }
}
