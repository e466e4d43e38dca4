import Foundation

/// Aalen–Johansen state probabilities with the infinitesimal-jackknife
/// standard error, as R `survival::survfit(Surv(time, factor(status)) ~ group)`
/// (survival 3.5-3; states "(s0)", cause 1, ..., cause m; one row per subject).
///
/// For each group, at every distinct time t (events or censorings, as
/// survfit reports them) with Y at risk, d events (d_c of cause c):
/// p₀(t) = p₀(t−)(1 − d/Y), p_c(t) = p_c(t−) + p₀(t−) d_c/Y. The standard
/// error is √Σᵢ Uᵢ(t)², Uᵢ = ∂p(t)/∂wᵢ the derivative with respect to
/// subject i's case weight, by the recursion U₀ ← U₀(1 − h) − p₀(t−)∂h,
/// U_c ← U_c + U₀(t−)h_c + p₀(t−)∂h_c with ∂h = (dNᵢ − Yᵢh)/Y.
///
/// Computed in O(n + T·m), not O(n·T): subjects still at risk share one U,
/// and after a subject leaves its U evolves as U₀(t) = β p₀(t),
/// U_c(t) = α_c + β p_c(t), so Σ U² needs only running sums of α², αβ, β².
public struct AalenJohansenJackknife: Sendable {
  /// One group's curve.
  public struct Curve: Sendable {
    public let group: Int
    /// Distinct times in the group (events and censorings).
    public let time: [Double]
    /// Subjects at risk (still in state (s0)) just before each time.
    public let nRisk: [Int]
    /// State probabilities, `pstate[s][j]` for state s (0 = "(s0)", c = cause c) at time j.
    public let pstate: [[Double]]
    /// Infinitesimal-jackknife standard errors, same layout.
    public let standardError: [[Double]]
  }

  public let causeCount: Int
  public let curves: [Curve]

  /// - Throws: `SurvivalInputError`, as `CumulativeIncidence.fit`.
  public static func fit(
    time: [Double], status: [Int], group: [Int]? = nil, groupCount: Int? = nil, causeCount: Int? = nil
  ) throws -> AalenJohansenJackknife {
    let (group, k, m) = try CompetingRisksInput.checked(
      time: time, status: status, group: group, groupCount: groupCount, causeCount: causeCount)
    let order = CompetingRisksSort.ascendingOrder(time)
    let parts = CompetingRisksSort.partition(order, by: group, count: k)
    let curves = (0..<k).map { g in groupCurve(parts[g], group: g, time: time, status: status, causes: m) }
    return AalenJohansenJackknife(causeCount: m, curves: curves)
  }

  static func groupCurve(_ idx: [Int], group g: Int, time: [Double], status: [Int], causes m: Int) -> Curve {
    let n = idx.count
    let states = m + 1
    var times = [Double]()
    var risks = [Int]()
    var pstate = [[Double]](repeating: [], count: states)
    var se = pstate
    var p = [Double](repeating: 0, count: states)
    p[0] = 1
    // Shared U of subjects still at risk; running sums over departed subjects.
    var w = [Double](repeating: 0, count: states)
    var sumBB = 0.0
    var sumAB = [Double](repeating: 0, count: states)
    var sumAA = [Double](repeating: 0, count: states)
    var dc = [Int](repeating: 0, count: states)
    var leaving = [Double](repeating: 0, count: states)
    var start = 0
    while start < n {
      let t = time[idx[start]]
      var end = start
      for c in 0..<states { dc[c] = 0 }
      while end < n && time[idx[end]] == t {
        dc[status[idx[end]]] += 1
        end += 1
      }
      let y = Double(n - start)
      let d = end - start - dc[0]
      let h = Double(d) / y
      let p0Before = p[0]
      let w0Before = w[0]
      // U of a subject leaving with an event of cause e (computed from the shared U before t).
      func departed(cause e: Int) -> [Double] {
        var u = [Double](repeating: 0, count: states)
        let dh = ((e > 0 ? 1 : 0) - h) / y
        u[0] = w0Before * (1 - h) - p0Before * dh
        for c in 1..<states {
          let hc = Double(dc[c]) / y
          let dhc = ((c == e ? 1 : 0) - hc) / y
          u[c] = w[c] + w0Before * hc + p0Before * dhc
        }
        return u
      }
      // New probabilities.
      var pNew = p
      pNew[0] = p0Before * (1 - h)
      for c in 1..<states { pNew[c] = p[c] + p0Before * Double(dc[c]) / y }
      // Departures: events of each cause, and censorings (who share the at-risk U).
      var departures: [(count: Int, u: [Double])] = []
      for e in 1..<states where dc[e] > 0 { departures.append((dc[e], departed(cause: e))) }
      let shared = departed(cause: 0)
      if dc[0] > 0 { departures.append((dc[0], shared)) }
      w = shared
      for (count, u) in departures {
        let cnt = Double(count)
        let beta = pNew[0] > 0 ? u[0] / pNew[0] : 0
        sumBB += cnt * beta * beta
        for c in 1..<states {
          let alpha = u[c] - beta * pNew[c]
          sumAB[c] += cnt * alpha * beta
          sumAA[c] += cnt * alpha * alpha
        }
        // A departed subject with p₀ = 0 keeps U₀ constant (no later times change it).
        if pNew[0] == 0 { leaving[0] += cnt * u[0] * u[0] }
      }
      p = pNew
      let stay = Double(n - end)
      times.append(t)
      risks.append(n - start)
      for c in 0..<states { pstate[c].append(p[c]) }
      let v0 = stay * w[0] * w[0] + p[0] * p[0] * sumBB + leaving[0]
      se[0].append(max(v0, 0).squareRoot())
      for c in 1..<states {
        let vc = stay * w[c] * w[c] + sumAA[c] + 2 * p[c] * sumAB[c] + p[c] * p[c] * sumBB
        se[c].append(max(vc, 0).squareRoot())
      }
      start = end
    }
    return Curve(group: g, time: times, nRisk: risks, pstate: pstate, standardError: se)
  }
}
