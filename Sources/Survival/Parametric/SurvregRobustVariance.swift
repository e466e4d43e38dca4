import Foundation

/// The robust (sandwich) variance of a parametric fit, as R `survreg` with
/// `robust = TRUE` or a `cluster()` term: V·(Σ_c U_c U_cᵀ)·V, where V is the
/// model-based variance and U_c the sum over cluster c of the rows'
/// weighted scores w_i·∂ℓ_i/∂θ at the estimate (R: the crossproduct of
/// `residuals(fit, "dfbeta", collapse = cluster, weighted = TRUE)`; Lin &
/// Wei 1989, Therneau & Grambsch §7.2).
public enum SurvregRobustVariance {
  /// `cluster[i]` is row i's cluster (0-based; any labels dense from 0).
  public static func sandwich(_ data: SurvregData, fit: SurvregFit, cluster: [Int]) -> [Double] {
    let p = data.p
    let q = fit.parameterCount
    let fixed: Double? = fit.logScales.isEmpty ? fit.scales.first ?? 1 : nil
    let clusters = (cluster.max() ?? -1) + 1
    var sums = [Double](repeating: 0, count: clusters * q)
    let base = fit.distribution.base
    let n = data.n
    for i in 0..<n {
      var eta = data.offset?[i] ?? 0
      for j in 0..<p { eta += data.x[j * n + i] * fit.coefficients[j] }
      let s = data.strata?[i] ?? 0
      let logSigma = fixed.map { log($0) } ?? fit.logScales[s]
      let r = base.rowTerms(
        data.status[i], y1: data.y1[i], y2: data.y2.isEmpty ? 0 : data.y2[i], eta: eta, sigma: exp(logSigma),
        logSigma: logSigma)
      let w = data.weights?[i] ?? 1
      let c = cluster[i] * q
      for j in 0..<p { sums[c + j] += w * r.eta * data.x[j * n + i] }
      if fixed == nil { sums[c + p + s] += w * r.tau }
    }
    var meat = [Double](repeating: 0, count: q * q)
    for c in 0..<clusters {
      let u = c * q
      for j in 0..<q {
        let a = sums[u + j]
        if a == 0 { continue }
        for k in 0..<q { meat[j * q + k] += a * sums[u + k] }
      }
    }
    let v = fit.variance
    var left = [Double](repeating: 0, count: q * q)
    for i in 0..<q {
      for k in 0..<q {
        var t = 0.0
        for j in 0..<q { t += v[i * q + j] * meat[j * q + k] }
        left[i * q + k] = t
      }
    }
    var out = [Double](repeating: 0, count: q * q)
    for i in 0..<q {
      for k in 0..<q {
        var t = 0.0
        for j in 0..<q { t += left[i * q + j] * v[j * q + k] }
        out[i * q + k] = t
      }
    }
    return out
  }
}
