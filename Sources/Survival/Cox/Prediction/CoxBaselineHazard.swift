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
  /// The index into `time` of each row given to `compute` (in the order of
  /// its `rows`): the row's own exit time, which `index(atOrBefore:)` would
  /// find, without a search per row (`predict` of the fitted rows).
  public let rowTimeIndex: [Int32]

  /// Computes the hazard of the rows `rows` (indices into the buffers).
  /// `x` is column-major n × p; `centre` (p values) is subtracted from it
  /// through the sums (Σ w r (x − c) = Σ w r x − c Σ w r), without a copy;
  /// `risk` = exp(linear predictor); `start` nil for right-censored data.
  public static func compute(
    rows: [Int], start: [Double]?, stop: [Double], status: [Int], weights: [Double]?,
    risk: [Double], x: [Double], columns p: Int, centre: [Double]? = nil, efron: Bool,
    sortedPositions: [Int]? = nil
  ) -> CoxBaselineHazard {
    let n = stop.count
    let count = rows.count
    // Distinct exit times ascending and each row's time index: from the
    // fit's order when it is given and checks out, else a radix sort, then
    // one pass.
    var (times, timeIndex) = timesInOrder(rows: rows, stop: stop, sortedPositions: sortedPositions)
      ?? ([], [Int32](repeating: 0, count: count))
    if times.isEmpty && count > 0 {
      let sorted = RadixOrder.order(key: rows.map { stop[$0] }, group: nil, groupCount: 1)
      for (position, t) in sorted.sortedKey.enumerated() {
        if times.last != t { times.append(t) }
        timeIndex[Int(sorted.order[position])] = Int32(times.count - 1)
      }
    }
    let m = times.count
    var nEvent = [Double](repeating: 0, count: m)
    var nCensor = [Double](repeating: 0, count: m)
    var ndeath = [Int](repeating: 0, count: m)
    var erisk = [Double](repeating: 0, count: m)
    var xsum2 = [Double](repeating: 0, count: m * p)
    var nrisk = [Double](repeating: 0, count: m)
    var irisk = [Double](repeating: 0, count: m)
    var xsum = [Double](repeating: 0, count: m * p)
    // Sums per time in input order (R's rowsum), so that the covariates are read sequentially.
    var wr = [Double](repeating: 0, count: count)
    for (a, i) in rows.enumerated() {
      let w = weights?[i] ?? 1
      let k = Int(timeIndex[a])
      wr[a] = w * risk[i]
      nrisk[k] += wr[a]
      irisk[k] += w
      if status[i] == 1 {
        nEvent[k] += w
        ndeath[k] += 1
        erisk[k] += wr[a]
      } else {
        nCensor[k] += w
      }
    }
    // One pass over the rows, each adding its p products to its time's row
    // of the sums (one cache line), rather than p passes that each write a
    // random place of the m × p sums per row. Each sum adds the same
    // products in the same (row) order as column by column would.
    x.withUnsafeBufferPointer { xv in
      xsum.withUnsafeMutableBufferPointer { xsum in
        xsum2.withUnsafeMutableBufferPointer { xsum2 in
          rows.withUnsafeBufferPointer { rows in
            timeIndex.withUnsafeBufferPointer { timeIndex in
              wr.withUnsafeBufferPointer { wr in
                status.withUnsafeBufferPointer { status in
                  for a in 0..<count {
                    let i = rows[a]
                    let k = Int(timeIndex[a]) * p
                    let w = wr[a]
                    let dies = status[i] == 1
                    for j in 0..<p {
                      let v = w * xv[j * n + i]
                      xsum[k + j] += v
                      if dies { xsum2[k + j] += v }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    // Reverse cumulative sums: at risk at t are the rows whose exit is ≥ t.
    for k in stride(from: m - 2, through: 0, by: -1) {
      nrisk[k] += nrisk[k + 1]
      irisk[k] += irisk[k + 1]
      for j in 0..<p { xsum[k * p + j] += xsum[(k + 1) * p + j] }
    }
    if let start {
      // Remove rows not yet entered (entry ≥ t): each is out at every time up to its entry.
      var outR = [Double](repeating: 0, count: m)
      var outW = [Double](repeating: 0, count: m)
      var outX = [Double](repeating: 0, count: m * p)
      var entryIndex = [Int32](repeating: -1, count: count)
      for (a, i) in rows.enumerated() {
        var lo = 0, hi = m
        while lo < hi {
          let mid = (lo + hi) / 2
          if times[mid] <= start[i] { lo = mid + 1 } else { hi = mid }
        }
        let k = lo - 1
        entryIndex[a] = Int32(k)
        guard k >= 0 else { continue }
        outR[k] += wr[a]
        outW[k] += weights?[i] ?? 1
      }
      for j in 0..<p {
        for (a, i) in rows.enumerated() where entryIndex[a] >= 0 {
          outX[Int(entryIndex[a]) * p + j] += wr[a] * x[j * n + i]
        }
      }
      for k in stride(from: m - 2, through: 0, by: -1) {
        outR[k] += outR[k + 1]
        outW[k] += outW[k + 1]
        for j in 0..<p { outX[k * p + j] += outX[(k + 1) * p + j] }
      }
      for k in 0..<m {
        nrisk[k] -= outR[k]
        irisk[k] -= outW[k]
        for j in 0..<p { xsum[k * p + j] -= outX[k * p + j] }
      }
    }
    if let centre {
      for k in 0..<m {
        for j in 0..<p where centre[j] != 0 {
          xsum[k * p + j] -= centre[j] * nrisk[k]
          xsum2[k * p + j] -= centre[j] * erisk[k]
        }
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
      deathHazard: deathHazard, varhaz: varhaz, xbar: xbarInc, columns: p, rowTimeIndex: timeIndex)
  }

  /// The distinct times and each position's time index from
  /// `sortedPositions` (positions into `rows`, by exit time, ties by
  /// position: the fit's sort, `CoxFit.sortedRows`), without sorting again;
  /// nil (sort) when there is no order or it is not one: it must hold
  /// `rows.count` positions in range whose (time, position) pairs strictly
  /// increase, which makes them distinct, hence every position once.
  static func timesInOrder(
    rows: [Int], stop: [Double], sortedPositions: [Int]?
  ) -> (times: [Double], timeIndex: [Int32])? {
    let count = rows.count
    guard let order = sortedPositions, order.count == count, count > 0, count <= Int(Int32.max) else { return nil }
    var times: [Double] = []
    var timeIndex: [Int32] = RadixOrder.uninitialized(count)
    var previousTime = -Double.infinity
    var previousPosition = -1
    for a in order {
      guard a >= 0, a < count else { return nil }
      let row = rows[a]
      guard row >= 0, row < stop.count else { return nil }
      let t = stop[row]
      guard previousTime < t || (previousTime == t && previousPosition < a) else { return nil }
      if times.isEmpty || previousTime != t { times.append(t) }
      timeIndex[a] = Int32(times.count - 1)
      previousTime = t
      previousPosition = a
    }
    return (times, timeIndex)
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
