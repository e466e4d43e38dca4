import Foundation

/// The exact partial likelihood for counting-process data `(start, stop]`
/// (R `coxph(Surv(start, stop, event) ~ …, ties = "exact")`).
///
/// At a death time t of a stratum the risk set is R(t) = {i : start_i < t ≤
/// stop_i} (m rows, risk scores r_i = exp(η_i)) and D(t) the d rows that die
/// at t. The term is the probability that exactly the rows of D fail, given
/// that d rows of R(t) fail at t (the discrete, conditional-logistic model of
/// Kalbfleisch & Prentice):
///
///   L_t = Π_{i∈D} r_i / Σ_{S⊆R(t), |S|=d} Π_{i∈S} r_i = exp(Σ_D η) / B_d(R(t)),
///
/// B_d the elementary symmetric polynomial of degree d of the r over R(t).
/// ℓ = Σ_t [Σ_D η − log B_d], U = Σ_t [Σ_D x − ∂B_d/B_d] and
/// I = Σ_t [∂²B_d/B_d − (∂B_d/B_d)(∂B_d/B_d)ᵀ], with B_d and its derivatives
/// built by the recursion of Gail, Lubin & Rubinstein (1981) in
/// `CoxExactDeathTerm`. With a single death the term is Breslow's.
///
/// The risk set is kept by the sweep of `CoxCountingProcessKernel`: death
/// times in descending order within each stratum, rows joining when their
/// stop reaches t and leaving when their start does. The rows at risk are an
/// unordered list with each row's slot in it, so that leaving is a swap with
/// the last; the list is the recursion's risk set. Rows whose interval holds
/// no death time of their stratum never join. Cost per evaluation: O(n p) for
/// the sweep plus O(m d p²) per death time. R's `agexact.c` sums over the
/// C(m, d) subsets one by one instead; the value is the same sum. Case
/// weights are not allowed (as in R).
///
/// Reference: R `survival` 3.5 `agexact.fit`/`agexact.c`.
final class CoxExactCountingProcessKernel: CoxLikelihoodKernel {
  let poll = KernelPoll()
  let data: CoxPreparedData
  var p: Int { data.p }
  /// Sorted positions taking part, in stop order and in start order.
  let stopList: [Int]
  let startList: [Int]
  private var term: CoxExactDeathTerm
  private var eta: [Double]
  /// The first `count` entries are the sorted positions at risk, in no order.
  private var atRisk: [Int]
  /// Per sorted position: its index in `atRisk`, or −1 when not at risk.
  private var slot: [Int]

  init(data: CoxPreparedData) {
    self.data = data
    let used = CoxCountingProcessKernel.spansDeath(data)
    stopList = (0..<data.n).filter { used[$0] }
    startList = (data.byStartDescending ?? []).filter { used[$0] }
    // Most deaths tied at one (stratum, stop): the recursion's degree.
    var maxDeaths = 1
    var k = 0
    while k < stopList.count {
      let first = stopList[k]
      var deaths = 0
      while k < stopList.count && data.time[stopList[k]] == data.time[first]
        && data.sortedStrata[stopList[k]] == data.sortedStrata[first]
      {
        if data.statusValues[stopList[k]] == 1 { deaths += 1 }
        k += 1
      }
      maxDeaths = max(maxDeaths, deaths)
    }
    term = CoxExactDeathTerm(p: data.p, maxDeaths: maxDeaths)
    eta = [Double](repeating: 0, count: data.n)
    atRisk = [Int](repeating: 0, count: stopList.count)
    slot = [Int](repeating: -1, count: data.n)
  }

  func evaluate(beta: [Double], score u: inout [Double], information imat: inout [Double]) -> Double {
    let p = data.p
    let m = stopList.count
    for i in 0..<p { u[i] = 0 }
    for i in 0..<(p * p) { imat[i] = 0 }
    guard m > 0, let start = data.start else { return 0 }
    let x = data.x
    let stop = data.time
    let status = data.statusValues
    let stratum = data.sortedStrata
    for q in stopList {
      var e = data.offset[q]
      for j in 0..<p { e += beta[j] * x[q * p + j] }
      eta[q] = e
    }
    var loglik = 0.0
    var count = 0
    func clearRiskSet() {
      for k in 0..<count { slot[atRisk[k]] = -1 }
      count = 0
    }
    var walk = CoxCountingProcessWalk(firstStratum: stratum[stopList[0]])
    var work = 0
    while let deathTime = walk.nextDeathTime(
      stopOrder: stopList, strata: stratum, status: status, stop: stop, newStratum: clearRiskSet)
    {
      // Each death time costs about (risk set) · p² and more for ties.
      work &+= (count + 1) &* (p * p + 1)
      if work > KernelPoll.interval {
        work = 0
        // Left early: the driver throws on seeing the same stop.
        if poll.stopRequested() { break }
      }
      // Rows that entered at or after the death time leave (each joined at
      // a later death time of the stratum, since its interval holds one).
      while let q = walk.nextLeaving(startOrder: startList, strata: stratum, start: start, before: deathTime) {
        let s = slot[q]
        assert(s >= 0, "a leaving row was never at risk")
        count -= 1
        let last = atRisk[count]
        atRisk[s] = last
        slot[last] = s
        slot[q] = -1
      }
      // Rows whose stop reaches the death time join; those dying at it
      // give the numerator.
      var deaths = 0
      while let q = walk.nextJoining(stopOrder: stopList, strata: stratum, stop: stop, at: deathTime) {
        slot[q] = count
        atRisk[count] = q
        count += 1
        if status[q] == 1 {
          deaths += 1
          loglik += eta[q]
          for j in 0..<p { u[j] += x[q * p + j] }
        }
      }
      term.add(
        deaths: deaths, riskSet: atRisk[0..<count], eta: eta, x: x, loglik: &loglik, u: &u,
        imat: &imat)
    }
    clearRiskSet()
    return loglik
  }
}
