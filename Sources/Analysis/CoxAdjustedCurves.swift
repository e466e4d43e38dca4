import Datasets
import Foundation
import Survival

/// How the intervals of adjusted curves are computed.
public enum AdjustedCurvesInterval: String, Sendable, CaseIterable {
  case none, delta, bootstrap
}

/// Options of `adjustedCurves`: the interval method, its level and
/// transformation (`delta`: as `km`'s, log-log by default), and the
/// resampling of the bootstrap.
public struct CoxAdjustedCurvesOptions: Sendable {
  public var interval: AdjustedCurvesInterval = .delta
  public var confType: ConfidenceType = .logLog
  public var confLevel: Double = 0.95
  public var reps: Int = 200
  public var seed: UInt64 = 1
  public init() {}
}

/// Covariate-adjusted survival curves by direct standardisation, as the
/// "direct" method of R `adjustedCurves` (`surv_direct`): for each level ℓ of
/// the `by` column, every row of the data is given `by = ℓ`, its predicted
/// curve S_i(t | ℓ) = exp(−Λ₀ₛ(t)·r_i) in its own stratum s (a model with
/// strata: each row keeps its strata columns, or takes ℓ when `by` is one
/// of them) is computed from the fitted model, and the adjusted curve is
/// their mean over the rows, on the union of the strata's baseline times
/// (`CoxStandardisedCurve`).
///
/// Intervals: `delta` (default) from the delta-method standard error of
/// `CoxStandardisedCurve`, transformed as `conf_type`; `bootstrap` refits
/// the model to `reps` resamples of the rows (drawn with a seeded SplitMix64
/// generator, so a seed gives the same curves) and takes the percentiles
/// (R `quantile` type 7) of the adjusted curves at each time.
///
/// The counts of each curve (n, events, numbers at risk for the risk table)
/// are the observed rows of the data in the group, when the data have the
/// model's `Surv()` columns.
extension CoxAnalysis {
  public func adjustedCurves(
    data: Dataset, by: String, options adjusted: CoxAdjustedCurvesOptions = CoxAdjustedCurvesOptions()
  ) throws -> KaplanMeierAnalysis {
    guard adjusted.confLevel > 0 && adjusted.confLevel < 1 else {
      throw SurvivalAnalysisError(
        "conf_level must be strictly between 0 and 1, got \(RValueFormat.number(adjusted.confLevel))")
    }
    guard let column = data[by] else {
      throw ModelFrameError("no column '\(by)' in the data (by =)")
    }
    guard formula.variables.contains(where: { $0.columns.contains(by) }) || formula.strata.contains(by) else {
      throw ModelFrameError("'\(by)' is not a variable of the model (by =): the curves would not differ")
    }
    let allRows = (0..<column.count).filter { !column.isMissing($0) }
    let levels = Categorical.coding(column, rows: allRows, levelRows: allRows, keepDeclaredLevels: false).levels
    guard levels.count >= 1 else { throw ModelFrameError("column '\(by)' has no values") }
    let withVariance = adjusted.interval == .delta
    let point = try Self.standardised(
      model: self, data: data, by: by, levels: levels, variance: withVariance, confType: adjusted.confType,
      confLevel: adjusted.confLevel)
    let m = point.time.count
    var lower = point.curves.map(\.lower)
    var upper = point.curves.map(\.upper)
    if adjusted.interval == .bootstrap {
      var rng = SplitMix64(seed: adjusted.seed)
      var draws = [[Double]](repeating: [], count: levels.count)  // level → replicate-major values at point's times
      let n = data.rowCount
      for _ in 0..<adjusted.reps {
        try Cancellation.check()
        let rows = (0..<n).map { _ in Int(rng.next() % UInt64(n)) }
        let sample = try data.rows(rows)
        let refit = try CoxAnalysis(dataset: sample, formula: formula, options: options)
        let curves = try Self.standardised(
          model: refit, data: sample, by: by, levels: levels, variance: false, confType: .none, confLevel: 0.95)
        for l in levels.indices {
          draws[l] += point.time.map { t in Self.step(curves.time, curves.curves[l].surv, at: t) }
        }
      }
      let alpha = (1 - adjusted.confLevel) / 2
      let reps = adjusted.reps
      for l in levels.indices {
        var values = [Double](repeating: 0, count: reps)
        for k in 0..<m {
          for b in 0..<reps { values[b] = draws[l][b * m + k] }
          values.sort()
          lower[l][k] = Self.quantile(sorted: values, alpha)
          upper[l][k] = Self.quantile(sorted: values, 1 - alpha)
        }
      }
    }
    let counts = try Self.observedCounts(model: self, data: data, by: by, levels: levels, time: point.time)
    let nan = [Double](repeating: .nan, count: m)
    let reported: ConfidenceType =
      switch adjusted.interval {
      case .none: .none
      case .delta: adjusted.confType
      case .bootstrap: .plain
      }
    let curves = levels.indices.map { l in
      KaplanMeierCurve.adjusted(
        n: counts[l].n, events: counts[l].events, time: point.time, surv: point.curves[l].surv,
        stdErr: withVariance ? point.curves[l].stdErr : nan, lower: lower[l], upper: upper[l],
        nRisk: counts[l].nRisk, nEvent: counts[l].nEvent, nCensor: counts[l].nCensor, confType: reported)
    }
    return KaplanMeierAnalysis(
      predicted: curves, labels: levels.map { "\(by)=\($0)" }, formula: formula, count: data.rowCount,
      droppedCount: droppedCount, confType: reported, confLevel: adjusted.confLevel, weights: options.weights)
  }

  /// The adjusted curve of each level (on one shared time grid) with the model `model`.
  static func standardised(
    model: CoxAnalysis, data: Dataset, by: String, levels: [String], variance: Bool, confType: ConfidenceType,
    confLevel: Double
  ) throws -> (time: [Double], curves: [CoxStandardisedCurve]) {
    let c = try CoxPredictionContext(model)
    let baselines = c.baselines()
    let hasStrata = c.frame.strata != nil
    var curves: [CoxStandardisedCurve] = []
    for level in levels {
      let column: Column
      switch data[by] {
      case .factor(_, let lv)?:
        let code = Int32(lv.firstIndex(of: level) ?? -1)
        column = .factor(codes: [Int32](repeating: code, count: data.rowCount), levels: lv)
      case .bool?:
        column = .bool([UInt8](repeating: level == "TRUE" ? 1 : 0, count: data.rowCount))
      default:
        column = .double([Double](repeating: Double(level) ?? .nan, count: data.rowCount))
      }
      let modified = try data.with(by, column)
      if let fast = try c.profileColumns(modified, needStrata: hasStrata) {
        curves.append(
          try CoxStandardisedCurve.compute(
            baselines: baselines, stratum: fast.stratum, risk: fast.risk, z: fast.z,
            variance: variance ? model.fit.variance : nil, confType: confType, confLevel: confLevel))
        continue
      }
      let prof = try c.profiles(modified, needStrata: hasStrata, allowMissing: true)
      var stratum: [Int] = []
      var risk: [Double] = []
      var z: [Double] = []
      stratum.reserveCapacity(prof.x.count)
      risk.reserveCapacity(prof.x.count)
      z.reserveCapacity(prof.x.count * c.p)
      for (r, x) in prof.x.enumerated() where !x.contains(where: { $0.isNaN }) {
        var lp = prof.offset[r]
        for j in 0..<c.p {
          let zj = x[j] - c.means[j]
          lp += zj * c.beta[j]
          z.append(zj)
        }
        stratum.append(prof.strata[r])
        risk.append(Foundation.exp(lp))
      }
      curves.append(
        try CoxStandardisedCurve.compute(
          baselines: baselines, stratum: stratum, risk: risk, z: z,
          variance: variance ? model.fit.variance : nil, confType: confType, confLevel: confLevel))
    }
    return (curves.first?.time ?? [], curves)
  }

  /// Observed counts of each level's rows of `data` on the curves' times:
  /// n, events, and per time the number at risk (exit ≥ t, entry < t), events
  /// and censorings at t. NaN counts when `data` lacks the response columns.
  static func observedCounts(model: CoxAnalysis, data: Dataset, by: String, levels: [String], time: [Double])
    throws -> [(n: Int, events: Double, nRisk: [Double], nEvent: [Double], nCensor: [Double])]
  {
    guard let column = data[by] else { return [] }
    let rows = (0..<column.count).filter { !column.isMissing($0) }
    let coding = Categorical.coding(column, rows: rows, levelRows: rows, keepDeclaredLevels: false)
    var groups = [[Int]](repeating: [], count: levels.count)
    for (a, r) in rows.enumerated() {
      let code = Int(coding.codes[a])
      if let l = levels.firstIndex(of: coding.levels[code]) { groups[l].append(r) }
    }
    let response = model.formula.response
    let nan = [Double](repeating: .nan, count: time.count)
    guard let stopColumn = data[response.stop], let eventColumn = data[response.event],
      response.start.map({ data[$0] != nil }) ?? true
    else {
      return groups.map { ($0.count, .nan, nan, nan, nan) }
    }
    let stop = stopColumn.asDoubles()
    let start = response.start.flatMap { data[$0]?.asDoubles() }
    let event = eventColumn.asDoubles()
    return groups.map { group in
      let used = group.filter { stop[$0].isFinite && !event[$0].isNaN && (start?[$0].isFinite ?? true) }
      let exits = used.map { stop[$0] }.sorted()
      let entries = start.map { s in used.map { s[$0] }.sorted() } ?? []
      var nRisk = nan, nEvent = nan, nCensor = nan
      var eventsAt: [Double: Double] = [:]
      var censoredAt: [Double: Double] = [:]
      for i in used {
        if event[i] != 0 { eventsAt[stop[i], default: 0] += 1 } else { censoredAt[stop[i], default: 0] += 1 }
      }
      for (k, t) in time.enumerated() {
        // Exits ≥ t less entries ≥ t (rows not yet entered).
        nRisk[k] = Double(exits.count - Self.countBelow(exits, t) - (entries.count - Self.countBelow(entries, t)))
        nEvent[k] = eventsAt[t] ?? 0
        nCensor[k] = censoredAt[t] ?? 0
      }
      let events = used.reduce(0.0) { $0 + (event[$1] != 0 ? 1 : 0) }
      return (used.count, events, nRisk, nEvent, nCensor)
    }
  }

  /// The number of values < t in ascending `values`.
  static func countBelow(_ values: [Double], _ t: Double) -> Int {
    var lo = 0, hi = values.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if values[mid] < t { lo = mid + 1 } else { hi = mid }
    }
    return lo
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

  /// R's `quantile(x, p, type = 7)` of ascending values.
  static func quantile(sorted s: [Double], _ p: Double) -> Double {
    guard !s.isEmpty else { return .nan }
    let h = Double(s.count - 1) * p
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, s.count - 1)
    return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
  }
}
