import Datasets
import Foundation
import Survival

/// Covariate-adjusted survival curves by direct standardisation, as the
/// "direct" method of R `adjustedCurves` (`surv_direct`): for each level ℓ of
/// the `by` column, every row of the data is given `by = ℓ`, its predicted
/// curve S_i(t | ℓ) = exp(−Λ₀(t)·r_i) is computed from the fitted model, and
/// the adjusted curve is their mean over the rows, on the times of the
/// baseline hazard. Intervals, when asked, are bootstrap percentiles: the
/// model is refitted to B resamples of the rows (drawn with a seeded
/// SplitMix64 generator, so a seed gives the same curves) and the 2.5% and
/// 97.5% quantiles (R `quantile` type 7) of the adjusted curves are taken at
/// each time. Models with strata are not supported yet.
public struct CoxAdjustedCurvesOptions: Sendable {
  public var bootstrap: Int = 0
  public var seed: UInt64 = 1
  public var confLevel: Double = 0.95
  public init() {}
}

extension CoxAnalysis {
  public func adjustedCurves(
    data: Dataset, by: String, options adjusted: CoxAdjustedCurvesOptions = CoxAdjustedCurvesOptions()
  ) throws -> KaplanMeierAnalysis {
    guard formula.strata.isEmpty else {
      throw ModelFrameError("adjusted curves of a model with strata() are not supported yet")
    }
    guard let column = data[by] else {
      throw ModelFrameError("no column '\(by)' in the data (by =)")
    }
    let allRows = (0..<column.count).filter { !column.isMissing($0) }
    let levels = Categorical.coding(column, rows: allRows, levelRows: allRows, keepDeclaredLevels: false).levels
    guard levels.count >= 1 else { throw ModelFrameError("column '\(by)' has no values") }
    let point = try Self.standardised(model: self, data: data, by: by, levels: levels)
    var lower = [[Double]](repeating: [], count: levels.count)
    var upper = lower
    if adjusted.bootstrap > 0 {
      var rng = SplitMix64(seed: adjusted.seed)
      var draws = [[[Double]]](repeating: [], count: levels.count)  // level → replicate → curve on point's times
      let n = data.rowCount
      for _ in 0..<adjusted.bootstrap {
        try Cancellation.check()
        let rows = (0..<n).map { _ in Int(rng.next() % UInt64(n)) }
        let sample = try data.rows(rows)
        let refit = try CoxAnalysis(dataset: sample, formula: formula, options: options)
        let curves = try Self.standardised(model: refit, data: sample, by: by, levels: levels)
        for l in levels.indices {
          draws[l].append(point.time.map { t in Self.step(curves.time, curves.surv[l], at: t) })
        }
      }
      let alpha = (1 - adjusted.confLevel) / 2
      for l in levels.indices {
        lower[l] = point.time.indices.map { k in Self.quantile(draws[l].map { $0[k] }, alpha) }
        upper[l] = point.time.indices.map { k in Self.quantile(draws[l].map { $0[k] }, 1 - alpha) }
      }
    }
    let m = point.time.count
    let nan = [Double](repeating: .nan, count: m)
    let curves = levels.indices.map { l in
      KaplanMeierCurve.adjusted(
        n: n, time: point.time, surv: point.surv[l], lower: lower[l].isEmpty ? nan : lower[l],
        upper: upper[l].isEmpty ? nan : upper[l])
    }
    return KaplanMeierAnalysis(
      predicted: curves, labels: levels.map { "\(by)=\($0)" }, formula: formula, count: n,
      droppedCount: droppedCount, confType: adjusted.bootstrap > 0 ? .plain : .none,
      confLevel: adjusted.confLevel, weights: options.weights)
  }

  /// The point estimates: times of the model's baseline hazard and one mean curve per level.
  static func standardised(model: CoxAnalysis, data: Dataset, by: String, levels: [String]) throws
    -> (time: [Double], surv: [[Double]])
  {
    let c = try CoxPredictionContext(model)
    let baseline = c.baselines()[0]
    var curves: [[Double]] = []
    for level in levels {
      let column: Column
      switch data[by] {
      case .factor(_, let lv)?:
        let code = Int32(lv.firstIndex(of: level) ?? -1)
        column = .factor(codes: [Int32](repeating: code, count: data.rowCount), levels: lv)
      default:
        column = .double([Double](repeating: Double(level) ?? .nan, count: data.rowCount))
      }
      let prof = try c.profiles(try data.with(by, column), needStrata: false, allowMissing: true)
      let risks: [Double] = prof.x.compactMap { x in
        if x.contains(where: { $0.isNaN }) { return nil }
        var lp = 0.0
        for j in 0..<c.p { lp += (x[j] - c.means[j]) * c.beta[j] }
        return Foundation.exp(lp)
      }
      let count = Double(risks.count)
      curves.append(baseline.cumhaz.map { h in risks.reduce(0) { $0 + Foundation.exp(-h * $1) } / count })
    }
    return (baseline.time, curves)
  }

  /// A right-continuous step function's value at t (1 before the first time).
  static func step(_ time: [Double], _ value: [Double], at t: Double) -> Double {
    var lo = 0, hi = time.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if time[mid] <= t { lo = mid + 1 } else { hi = mid }
    }
    return lo == 0 ? 1 : value[lo - 1]
  }

  /// R's `quantile(x, p, type = 7)`.
  static func quantile(_ x: [Double], _ p: Double) -> Double {
    let s = x.sorted()
    guard !s.isEmpty else { return .nan }
    let h = Double(s.count - 1) * p
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, s.count - 1)
    return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
  }
}
