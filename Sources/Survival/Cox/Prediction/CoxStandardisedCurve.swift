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
/// Cost: n·m·(p + 2) for n rows and m times (no allocation per row or time).
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
    let p = baselines.first?.columns ?? 0
    let n = risk.count
    let grid = Array(Set(baselines.flatMap(\.time))).sorted()
    let m = grid.count
    let strataCount = baselines.count
    // Rows grouped by stratum (indices), so each time reads each stratum's baseline once.
    var members = [[Int]](repeating: [], count: strataCount)
    for i in 0..<n where stratum[i] >= 0 && stratum[i] < strataCount { members[stratum[i]].append(i) }
    let v = variance?.map { $0.isNaN ? 0 : $0 }
    let zValue = ConfidenceType.zValue(level: confLevel)
    var surv = [Double](repeating: 1, count: m)
    var stdErr = [Double](repeating: .nan, count: v == nil ? 0 : m)
    var lower = [Double](repeating: .nan, count: m)
    var upper = [Double](repeating: .nan, count: m)
    var position = [Int](repeating: -1, count: strataCount)
    var g = [Double](repeating: 0, count: p)
    var b = [Double](repeating: 0, count: p)
    let scale = 1 / Double(max(n, 1))
    try z.withUnsafeBufferPointer { zb in
      for k in 0..<m {
        if k & 0x3FF == 0 { try Cancellation.check() }
        let t = grid[k]
        var total = 0.0
        var variance0 = 0.0
        for j in 0..<p { g[j] = 0 }
        for s in 0..<strataCount {
          let base = baselines[s]
          while position[s] + 1 < base.time.count && base.time[position[s] + 1] <= t { position[s] += 1 }
          let at = position[s]
          let h = at >= 0 ? base.cumhaz[at] : 0
          var a = 0.0
          for j in 0..<p { b[j] = 0 }
          for i in members[s] {
            let r = risk[i]
            let si = Foundation.exp(-h * r)
            total += si
            let w = si * r
            a += w
            if v != nil {
              for j in 0..<p { b[j] += w * zb[i * p + j] }
            }
          }
          guard v != nil else { continue }
          let varhaz = at >= 0 ? base.varhaz[at] : 0
          variance0 += (a * scale) * (a * scale) * varhaz
          for j in 0..<p {
            let xbar = at >= 0 ? base.xbar[at * p + j] : 0
            g[j] += (h * b[j] - xbar * a) * scale
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
    }
    return CoxStandardisedCurve(time: grid, surv: surv, stdErr: stdErr, lower: lower, upper: upper)
  }
}
