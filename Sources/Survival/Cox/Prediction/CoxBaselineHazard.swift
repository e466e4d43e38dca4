import Foundation

/// The baseline cumulative hazard of a fitted Cox model in one stratum, with
/// the pieces of its variance, as R survival 3.5 `agsurv` computes them for
/// `survfit.coxph`, `predict.coxph(type = "expected")` and `basehaz`.
///
/// At each distinct exit time t (censoring times included, as R lists them),
/// with weighted risk sums over the rows at risk (entry < t ≤ exit):
/// Breslow ties give dΛ = e/N, var increment e/N² and x̄ increment
/// (Σ w r x / N)·dΛ; Efron ties (`ties = efron`) average over the d tied
/// deaths: dΛ = e·(1/d)Σₖ 1/(N − k/d·E), var e·(1/d)Σₖ 1/(N − k/d·E)², x̄
/// e·(1/d)Σₖ (X − k/d·X_E)/(N − k/d·E)², where e is the weighted and d the
/// unweighted death count, N = Σ w r, E = Σ w r over the deaths, X and X_E
/// the matching sums of w r x. `varhaz` and `xbar` are cumulative sums, as
/// `coxsurv.fit` uses them. `deathHazard` is the increment a row dying at t
/// receives in the martingale residual (R `coxmart`/`agmart2`): with Efron
/// ties e·(1/d)Σₖ (1 − k/d)/(N − k/d·E); with Breslow the plain increment.
public struct CoxBaselineHazard: Sendable {
  /// Distinct exit times, ascending.
  public let time: [Double]
  /// Weighted number at risk (R `n.risk`), weighted events and censorings.
  public let nRisk: [Double]
  public let nEvent: [Double]
  public let nCensor: [Double]
  /// Hazard increments and their running sum.
  public let hazard: [Double]
  public let cumhaz: [Double]
  /// The increment a row that dies at the time receives (see above).
  public let deathHazard: [Double]
  /// Cumulative variance term Σ varhaz.
  public let varhaz: [Double]
  /// Cumulative x̄ terms, row-major time × p.
  public let xbar: [Double]
  /// Number of covariate columns.
  public let columns: Int

  /// Computes the hazard of the rows `rows` (indices into the buffers).
  /// `x` is column-major n × p (centred as the caller wants the x̄ terms);
  /// `risk` = exp(linear predictor); `start` nil for right-censored data.
  public static func compute(
    rows: [Int], start: [Double]?, stop: [Double], status: [Int], weights: [Double]?,
    risk: [Double], x: [Double], columns p: Int, efron: Bool
  ) -> CoxBaselineHazard {
    let n = stop.count
    let byStop = rows.sorted { stop[$0] > stop[$1] }
    var times: [Double] = []
    // Distinct times ascending.
    for i in byStop.reversed() where times.last != stop[i] { times.append(stop[i]) }
    let m = times.count
    var nEvent = [Double](repeating: 0, count: m)
    var nCensor = [Double](repeating: 0, count: m)
    var ndeath = [Int](repeating: 0, count: m)
    var erisk = [Double](repeating: 0, count: m)
    var xsum2 = [Double](repeating: 0, count: m * p)
    var nrisk = [Double](repeating: 0, count: m)
    var irisk = [Double](repeating: 0, count: m)
    var xsum = [Double](repeating: 0, count: m * p)
    // Sweep from the last time down, adding rows whose exit is ≥ t.
    var cumR = 0.0, cumW = 0.0
    var cumX = [Double](repeating: 0, count: p)
    var k = m - 1
    var pos = 0
    while k >= 0 {
      let t = times[k]
      while pos < byStop.count && stop[byStop[pos]] == t {
        let i = byStop[pos]
        let w = weights?[i] ?? 1
        let wr = w * risk[i]
        cumR += wr
        cumW += w
        for j in 0..<p { cumX[j] += wr * x[j * n + i] }
        if status[i] == 1 {
          nEvent[k] += w
          ndeath[k] += 1
          erisk[k] += wr
          for j in 0..<p { xsum2[k * p + j] += wr * x[j * n + i] }
        } else {
          nCensor[k] += w
        }
        pos += 1
      }
      nrisk[k] = cumR
      irisk[k] = cumW
      for j in 0..<p { xsum[k * p + j] = cumX[j] }
      k -= 1
    }
    if let start {
      // Remove rows not yet entered: entry ≥ t.
      let byStart = rows.sorted { start[$0] > start[$1] }
      var outR = 0.0, outW = 0.0
      var outX = [Double](repeating: 0, count: p)
      var q = 0
      for k in stride(from: m - 1, through: 0, by: -1) {
        let t = times[k]
        while q < byStart.count && start[byStart[q]] >= t {
          let i = byStart[q]
          let w = weights?[i] ?? 1
          outR += w * risk[i]
          outW += w
          for j in 0..<p { outX[j] += w * risk[i] * x[j * n + i] }
          q += 1
        }
        nrisk[k] -= outR
        irisk[k] -= outW
        for j in 0..<p { xsum[k * p + j] -= outX[j] }
      }
    }
    var hazard = [Double](repeating: 0, count: m)
    var deathHazard = [Double](repeating: 0, count: m)
    var varInc = [Double](repeating: 0, count: m)
    var xbarInc = [Double](repeating: 0, count: m * p)
    for k in 0..<m {
      let d = ndeath[k]
      guard d > 0 else { continue }
      let e = nEvent[k]
      if !efron || d == 1 {
        let inc = e / nrisk[k]
        hazard[k] = inc
        deathHazard[k] = inc
        varInc[k] = e / (nrisk[k] * nrisk[k])
        for j in 0..<p { xbarInc[k * p + j] = xsum[k * p + j] / nrisk[k] * inc }
      } else {
        let dd = Double(d)
        var s1 = 0.0, s2 = 0.0, sd = 0.0
        for l in 0..<d {
          let frac = Double(l) / dd
          let temp = 1 / (nrisk[k] - frac * erisk[k])
          s1 += temp / dd
          s2 += temp * temp / dd
          sd += (1 - frac) * temp / dd
          for j in 0..<p {
            xbarInc[k * p + j] += (xsum[k * p + j] - frac * xsum2[k * p + j]) * temp * temp / dd
          }
        }
        hazard[k] = e * s1
        deathHazard[k] = e * sd
        varInc[k] = e * s2
        for j in 0..<p { xbarInc[k * p + j] *= e }
      }
    }
    var cumhaz = hazard
    var varhaz = varInc
    for k in 1..<max(m, 1) {
      cumhaz[k] += cumhaz[k - 1]
      varhaz[k] += varhaz[k - 1]
      for j in 0..<p { xbarInc[k * p + j] += xbarInc[(k - 1) * p + j] }
    }
    return CoxBaselineHazard(
      time: times, nRisk: irisk, nEvent: nEvent, nCensor: nCensor, hazard: hazard, cumhaz: cumhaz,
      deathHazard: deathHazard, varhaz: varhaz, xbar: xbarInc, columns: p)
  }

  /// The index of the last time ≤ t (−1 before the first), R's
  /// `approx(time, 1:n, t, method = "constant", f = 0)` less one.
  public func index(atOrBefore t: Double) -> Int {
    var lo = 0, hi = time.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if time[mid] <= t { lo = mid + 1 } else { hi = mid }
    }
    return lo - 1
  }
}
