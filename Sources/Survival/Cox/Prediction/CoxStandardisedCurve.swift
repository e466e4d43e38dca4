import Foundation

/// A covariate-adjusted survival curve by direct standardisation, with a
/// delta-method standard error: the mean over a sample of rows of their
/// predicted Cox curves, S̄(t) = (1/n) Σᵢ Sᵢ(t), Sᵢ(t) = exp(−Λ₀ₛ(t)·rᵢ), row i
/// in its stratum s with relative risk rᵢ = exp(zᵢᵀβ + offsetᵢ) and centred
/// covariates zᵢ (the curve of `adjustedCurves`' "direct" method).
///
/// Variance: Tsiatis's expansion of each Λ̂₀ₛ(t)·rᵢ (as `survfit.coxph` uses
/// for one profile) is a martingale part, independent between strata and of
/// β̂, plus rᵢ dᵢᵀ(β̂ − β) with dᵢ = Λ₀ₛ(t)zᵢ − x̄ₛ(t). Summed over the sample,
///   Var S̄(t) = Σₛ aₛ² varhazₛ(t) + gᵀVg,
///   aₛ = (1/n) Σ_{i∈s} Sᵢrᵢ,  g = (1/n) Σₛ [Λ₀ₛ(t) Σ_{i∈s} Sᵢrᵢzᵢ − x̄ₛ(t) Σ_{i∈s} Sᵢrᵢ],
/// with varhaz and x̄ of `CoxBaselineHazard` and V the fit's variance; the
/// sample's covariates are taken as fixed. For one row it is the curve's own
/// (Tsiatis) standard error. Checked against a computation by hand in R
/// (`scripts/fixtures/cox_predict.R`, `adjusted_delta`). Intervals: the
/// transformation `confType` of S̄ with se(log S̄) = se(S̄)/S̄, as `survfit`.
///
/// Cost: each stratum's sums are taken again only at its own times, by
/// `StandardisedRiskSums`: n·mₛ·(p + 2) row by row, or, for many rows, one
/// pass over the rows and a few bins per time (no allocation per row or time).
public struct CoxStandardisedCurve: Sendable {
  /// The union of the strata's baseline times, ascending.
  public let time: [Double]
  public let surv: [Double]
  /// Standard error of S̄ (empty when not asked for).
  public let stdErr: [Double]
  public let lower: [Double]
  public let upper: [Double]

  /// `stratum[i]` indexes `baselines`; `risk[i]` = exp(zᵢᵀβ + offsetᵢ) on the
  /// baselines' scale; `z` is row-major n × p (centred as the baselines).
  /// `variance` is the fit's p × p variance (NaN entries read as 0); nil
  /// gives the point estimate only.
  public static func compute(
    baselines: [CoxBaselineHazard], stratum: [Int], risk: [Double], z: [Double], variance: [Double]?,
    confType: ConfidenceType, confLevel: Double
  ) throws -> CoxStandardisedCurve {
    try compute(
      baselines: baselines, stratum: stratum, risk: risk, z: z, variance: variance, confType: confType,
      confLevel: confLevel, method: .automatic)
  }

  /// `method` chooses how each stratum's sums over its rows are taken (`StandardisedRiskSums`).
  static func compute(
    baselines: [CoxBaselineHazard], stratum: [Int], risk: [Double], z: [Double], variance: [Double]?,
    confType: ConfidenceType, confLevel: Double, method: StandardisedRiskSums.Method
  ) throws -> CoxStandardisedCurve {
    let p = baselines.first?.columns ?? 0
    let n = risk.count
    let grid = Array(Set(baselines.flatMap(\.time))).sorted()
    let m = grid.count
    let strataCount = baselines.count
    // Rows grouped by stratum (indices), so each time reads each stratum's baseline once.
    var members = [[Int]](repeating: [], count: strataCount)
    for i in 0..<n where stratum[i] >= 0 && stratum[i] < strataCount { members[stratum[i]].append(i) }
    let v = variance?.map { $0.isNaN ? 0 : $0 }
    let width = v == nil ? 1 : p + 2
    var sums: [StandardisedRiskSums] = []
    for s in 0..<strataCount {
      try Cancellation.check()
      sums.append(
        StandardisedRiskSums(
          rows: members[s], risk: risk, z: z, p: p, gradient: v != nil,
          maxHazard: baselines[s].cumhaz.last ?? 0, method: method))
    }
    let zValue = ConfidenceType.zValue(level: confLevel)
    var surv = [Double](repeating: 1, count: m)
    var stdErr = [Double](repeating: .nan, count: v == nil ? 0 : m)
    var lower = [Double](repeating: .nan, count: m)
    var upper = [Double](repeating: .nan, count: m)
    var position = [Int](repeating: -1, count: strataCount)
    // Each stratum's sums (T, A, B) at its current time; they change only at the stratum's own times.
    var current = [Double](repeating: 0, count: strataCount * width)
    var fresh = [Bool](repeating: false, count: strataCount)
    var coef = [Double](repeating: 0, count: StandardisedRiskSums.terms)
    var g = [Double](repeating: 0, count: p)
    let scale = 1 / Double(max(n, 1))
    for k in 0..<m {
      if k & 0x3F == 0 { try Cancellation.check() }
      let t = grid[k]
      var total = 0.0
      var variance0 = 0.0
      for j in 0..<p { g[j] = 0 }
      for s in 0..<strataCount {
        let base = baselines[s]
        let before = position[s]
        while position[s] + 1 < base.time.count && base.time[position[s] + 1] <= t { position[s] += 1 }
        let at = position[s]
        if !fresh[s] || at != before {
          let h = at >= 0 ? base.cumhaz[at] : 0
          current.withUnsafeMutableBufferPointer { out in
            coef.withUnsafeMutableBufferPointer { c in
              let slice = UnsafeMutableBufferPointer(rebasing: out[(s * width)..<((s + 1) * width)])
              for col in 0..<width { slice[col] = 0 }
              sums[s].add(h: h, into: slice, coef: c)
            }
          }
          fresh[s] = true
        }
        total += current[s * width]
        guard v != nil else { continue }
        let h = at >= 0 ? base.cumhaz[at] : 0
        let a = current[s * width + 1]
        let varhaz = at >= 0 ? base.varhaz[at] : 0
        variance0 += (a * scale) * (a * scale) * varhaz
        for j in 0..<p {
          let xbar = at >= 0 ? base.xbar[at * p + j] : 0
          g[j] += (h * current[s * width + 2 + j] - xbar * a) * scale
        }
      }
      let mean = total * scale
      surv[k] = mean
      guard let v else { continue }
      var q = 0.0
      for a in 0..<p {
        var row = 0.0
        for c in 0..<p { row += v[a * p + c] * g[c] }
        q += g[a] * row
      }
      let se = (variance0 + q).squareRoot()
      stdErr[k] = se
      let limits = confType.limits(p: mean, logSE: se / mean, z: zValue)
      lower[k] = limits.lower
      upper[k] = limits.upper
    }
    return CoxStandardisedCurve(time: grid, surv: surv, stdErr: stdErr, lower: lower, upper: upper)
  }
}
