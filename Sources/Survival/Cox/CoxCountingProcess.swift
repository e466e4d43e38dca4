import Foundation

/// The Breslow/Efron log partial likelihood for counting-process data
/// `(start, stop]` (time-varying covariates, delayed entry).
///
/// Subject i is at risk at t when start_i < t ≤ stop_i; otherwise the
/// formulas are those of `CoxRightCensoredKernel`. The rows are held in
/// (stratum, stop descending) order and a second index orders them by
/// (stratum, start descending); one sweep down the death times adds rows whose
/// stop reaches the current time and removes rows whose start does, so each
/// row is added and removed once per evaluation. When the risk set empties
/// the sums are reset to exact zeros, so removal round-off cannot build up.
/// Rows whose interval holds no death time of their stratum take no part,
/// as in R.
///
/// Reference: Therneau & Grambsch (2000), §3.7; matches R `survival` 3.5
/// `agreg.fit`/`agfit4`.
final class CoxCountingProcessKernel: CoxLikelihoodKernel {
  let poll = KernelPoll()
  let data: CoxPreparedData
  let efron: Bool
  var p: Int { data.p }
  /// Sorted positions taking part, in stop order and in start order.
  let stopList: [Int]
  let startList: [Int]
  private var eta: [Double]
  private var a: [Double]
  private var a2: [Double]
  private var cmat: [Double]
  private var cmat2: [Double]

  init(data: CoxPreparedData, efron: Bool) {
    self.data = data
    self.efron = efron
    let used = CoxCountingProcessKernel.spansDeath(data)
    stopList = (0..<data.n).filter { used[$0] }
    startList = (data.byStartDescending ?? []).filter { used[$0] }
    let p = data.p
    eta = [Double](repeating: 0, count: data.n)
    a = [Double](repeating: 0, count: p)
    a2 = [Double](repeating: 0, count: p)
    cmat = [Double](repeating: 0, count: p * (p + 1) / 2)
    cmat2 = [Double](repeating: 0, count: p * (p + 1) / 2)
  }

  /// Whether each sorted row's interval (start, stop] holds a death time of its stratum.
  static func spansDeath(_ data: CoxPreparedData) -> [Bool] {
    var used = [Bool](repeating: false, count: data.n)
    guard let start = data.start else { return used }
    var blockStart = 0
    while blockStart < data.n {
      var blockEnd = blockStart
      while blockEnd < data.n && data.sortedStrata[blockEnd] == data.sortedStrata[blockStart] { blockEnd += 1 }
      // Death times of the stratum, ascending.
      var deaths: [Double] = []
      for k in stride(from: blockEnd - 1, through: blockStart, by: -1) where data.statusValues[k] == 1 {
        if deaths.last != data.time[k] { deaths.append(data.time[k]) }
      }
      func countAtMost(_ t: Double) -> Int {
        var lo = 0
        var hi = deaths.count
        while lo < hi {
          let mid = (lo + hi) / 2
          if deaths[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
      }
      for k in blockStart..<blockEnd {
        used[k] = countAtMost(start[k]) != countAtMost(data.time[k])
      }
      blockStart = blockEnd
    }
    return used
  }

  func evaluate(beta: [Double], score: inout [Double], information: inout [Double]) -> Double {
    let p = data.p
    let m = stopList.count
    var loglik = 0.0
    guard m > 0, let startTimes = data.start else { return 0 }
    data.x.withUnsafeBufferPointer { x in
    data.time.withUnsafeBufferPointer { stop in
    startTimes.withUnsafeBufferPointer { start in
    data.statusValues.withUnsafeBufferPointer { status in
    data.weight.withUnsafeBufferPointer { weight in
    data.offset.withUnsafeBufferPointer { offset in
    data.sortedStrata.withUnsafeBufferPointer { stratum in
    stopList.withUnsafeBufferPointer { stopList in
    startList.withUnsafeBufferPointer { startList in
    eta.withUnsafeMutableBufferPointer { eta in
    beta.withUnsafeBufferPointer { b in
    score.withUnsafeMutableBufferPointer { u in
    information.withUnsafeMutableBufferPointer { imat in
    a.withUnsafeMutableBufferPointer { a in
    a2.withUnsafeMutableBufferPointer { a2 in
    cmat.withUnsafeMutableBufferPointer { cmat in
    cmat2.withUnsafeMutableBufferPointer { cmat2 in
      for k in 0..<m {
        let q = stopList[k]
        var e = offset[q]
        for i in 0..<p { e += b[i] * x[q * p + i] }
        eta[q] = e
      }
      for i in 0..<p { u[i] = 0 }
      for i in 0..<(p * p) { imat[i] = 0 }
      var denom = 0.0
      var nrisk = 0
      func resetRiskSet() {
        denom = 0
        nrisk = 0
        for i in 0..<p { a[i] = 0 }
        for i in 0..<cmat.count { cmat[i] = 0 }
      }
      resetRiskSet()
      var walk = CoxCountingProcessWalk(firstStratum: stratum[stopList[0]])
      // Work since the last poll (each row in or out costs about p² multiply-adds).
      var work = 0
      let rowCost = p * p + p + 1
      while let deathTime = walk.nextDeathTime(
        stopOrder: stopList, strata: stratum, status: status, stop: stop, newStratum: resetRiskSet)
      {
        work &+= rowCost
        if work > KernelPoll.interval {
          work = 0
          // Left early: the driver throws on seeing the same stop.
          if poll.stopRequested() { break }
        }
        // Remove rows that entered at or after the death time.
        while let q = walk.nextLeaving(startOrder: startList, strata: stratum, start: start, before: deathTime) {
          work &+= rowCost
          nrisk -= 1
          if nrisk == 0 {
            resetRiskSet()
          } else {
            let risk = exp(eta[q]) * weight[q]
            denom -= risk
            CoxTiedDeaths.accumulate(
              x.baseAddress.unsafelyUnwrapped + q * p, risk: -risk, p: p, sum: a, squares: cmat)
          }
        }
        // Add rows whose stop reaches the death time.
        var deaths = 0
        var deadWeight = 0.0
        var denom2 = 0.0
        for i in 0..<p { a2[i] = 0 }
        for i in 0..<cmat2.count { cmat2[i] = 0 }
        while let q = walk.nextJoining(stopOrder: stopList, strata: stratum, stop: stop, at: deathTime) {
          work &+= rowCost
          nrisk += 1
          let risk = exp(eta[q]) * weight[q]
          if status[q] == 1 {
            deaths += 1
            denom2 += risk
            deadWeight += weight[q]
            loglik += weight[q] * eta[q]
            for i in 0..<p { u[i] += weight[q] * x[q * p + i] }
            CoxTiedDeaths.accumulate(
              x.baseAddress.unsafelyUnwrapped + q * p, risk: risk, p: p, sum: a2, squares: cmat2)
          } else {
            denom += risk
            CoxTiedDeaths.accumulate(
              x.baseAddress.unsafelyUnwrapped + q * p, risk: risk, p: p, sum: a, squares: cmat)
          }
        }
        loglik -= CoxTiedDeaths.add(
          deaths: deaths, deadWeight: deadWeight, deathRisk: denom2, efron: efron, p: p,
          denom: &denom, a: a, cmat: cmat, a2: a2, cmat2: cmat2, score: u, information: imat)
      }
      for i in 0..<p { for j in 0..<i { imat[j * p + i] = imat[i * p + j] } }
    }}}}}}}}}}}}}}}}}
    return loglik
  }
}
