import Foundation

/// The sums of the k-sample log-rank test (observed, expected and the
/// variance of O − E) over rows sorted by (stratum, time), in O(n·a + k²)
/// for a the number of groups at risk, rather than O(D·k²) for D distinct
/// event times (issue 12: the cost must not grow quadratically in k per
/// event time).
///
/// Within a stratum, with event times t, weights wₜ, nₜ at risk, dₜ
/// events and rⱼ(t) at risk in group j (`LogRankTest` gives the formulas):
///
///     Eⱼ = Σₜ aₜ rⱼ(t),                 aₜ = wₜ dₜ / nₜ
///     Vⱼₖ = −Σₜ uₜ rⱼ(t) rₖ(t) (j ≠ k),  uₜ = wₜ² dₜ (nₜ − dₜ) / (nₜ² (nₜ − 1))
///     Vⱼⱼ = Σ_{k≠j} (−Vⱼₖ)               (rows of V sum to 0, since Σₖ rₖ = n)
///
/// A row i of group j at time Tᵢ is at risk at every event time t ≤ Tᵢ, so
/// Eⱼ = Σ_{i∈j} A(Tᵢ) with A(s) = Σ_{t≤s} aₜ, and Σₜ uₜ rⱼ rₖ is the sum
/// over pairs of rows (i ∈ j, i′ ∈ k) of U(min(Tᵢ, Tᵢ′)) with U(s) =
/// Σ_{t≤s} uₜ. A forward pass over the time blocks gives A and U (and the
/// weights, from the pooled Kaplan–Meier S(t−)); a backward pass adds each
/// row i against the rows already added (time ≥ Tᵢ): row gᵢ of the pair
/// sums gains U(Tᵢ)·r, where r counts the rows added so far per group. All
/// terms are positive, so the diagonal by row sums loses no precision.
/// Matches R survival 3.5.3 `survdiff` (C `survdiff2`) to rounding (1e-12
/// relative on the fixtures).
struct LogRankKernel {
  let k: Int
  /// The weight at each event time (`LogRankWeight`).
  let weight: LogRankWeight
  /// Observed and expected per stratum (row-major strata × k), and the pair
  /// sums, then the variance (row-major k × k).
  var observed: [Double] = []
  var expected: [Double] = []
  var variance: [Double]
  /// Scratch, kept between runs (pairwise tests run the kernel many times).
  private var blockA: [Double] = []
  private var blockU: [Double] = []
  private var risk: [Double]
  private var active: [Int] = []
  private var work = 0

  init(groups k: Int, rho: Double, gamma: Double) {
    self.init(groups: k, weight: .flemingHarrington(rho: rho, gamma: gamma))
  }

  init(groups k: Int, weight: LogRankWeight) {
    self.k = k
    self.weight = weight
    variance = [Double](repeating: 0, count: k * k)
    risk = [Double](repeating: 0, count: k)
  }

  /// Runs over `time`, `event`, `group` (already sorted by stratum, then
  /// time; stratum s covers `strataStart[s]..<strataStart[s + 1]`).
  /// `poll` is called every few million operations.
  mutating func run(
    time: UnsafeBufferPointer<Double>, event: UnsafeBufferPointer<UInt8>, group: UnsafeBufferPointer<Int32>,
    strataStart: [Int], poll: () throws -> Void
  ) rethrows {
    let strataCount = strataStart.count - 1
    let k = self.k
    observed = [Double](repeating: 0, count: strataCount * k)
    expected = observed
    for i in 0..<variance.count { variance[i] = 0 }
    let weighted = !weight.isUnit
    for s in 0..<strataCount {
      let lo = strataStart[s], hi = strataStart[s + 1]
      if lo == hi { continue }
      // Forward: blocks of tied times, their weights, A and U up to each block.
      blockA.removeAll(keepingCapacity: true)
      blockU.removeAll(keepingCapacity: true)
      var km = 1.0, peto = 1.0, cumA = 0.0, cumU = 0.0
      var p = lo
      let base = s * k
      while p < hi {
        let t = time[p]
        var q = p
        var deaths = 0.0
        while q < hi && time[q] == t {
          deaths += Double(event[q])
          q += 1
        }
        let nrisk = Double(hi - p)
        var w = 1.0
        if weighted {
          peto *= 1 - deaths / (nrisk + 1)
          w = weight.value(atRisk: nrisk, km: km, peto: peto)
          km = km * (nrisk - deaths) / nrisk
        }
        if deaths > 0 {
          cumA += w * deaths / nrisk
          if nrisk != 1 { cumU += w * w * deaths * (nrisk - deaths) / (nrisk * (nrisk - 1)) / nrisk }
        }
        blockA.append(cumA)
        blockU.append(cumU)
        for i in p..<q {
          let g = base + Int(group[i])
          if event[i] != 0 { observed[g] += w }
          expected[g] += cumA
        }
        p = q
      }
      // Backward: each row against the rows at risk at its time.
      var b = blockU.count - 1
      var i = hi - 1
      while i >= lo {
        let t = time[i]
        let u = blockU[b]
        while i >= lo && time[i] == t {
          let g = Int(group[i])
          if u != 0 { addPairs(row: g, weight: u) }
          if risk[g] == 0 { active.append(g) }
          risk[g] += 1
          i -= 1
        }
        b -= 1
        if work > 1 << 22 {
          work = 0
          try poll()
        }
      }
      for g in active { risk[g] = 0 }
      active.removeAll(keepingCapacity: true)
    }
    // Pair sums to the variance in one pass over the upper triangle:
    // off-diagonal −(Mⱼₖ + Mₖⱼ), diagonal the row sums (each accumulated in
    // ascending k), with a poll every 64 rows.
    var rowSum = [Double](repeating: 0, count: k)
    try variance.withUnsafeMutableBufferPointer { v in
      for a in 0..<k {
        if a % 64 == 63 { try poll() }
        var row = rowSum[a]
        for c in (a + 1)..<max(a + 1, k) {
          let m = v[a * k + c] + v[c * k + a]
          row += m
          rowSum[c] += m
          v[a * k + c] = -m
          v[c * k + a] = -m
        }
        v[a * k + a] = row
      }
    }
  }

  /// Row `g` of the pair sums gains `weight`·r over the groups at risk.
  private mutating func addPairs(row g: Int, weight u: Double) {
    let k = self.k
    let rowBase = g * k
    if active.count * 4 >= k {
      variance.withUnsafeMutableBufferPointer { v in
        risk.withUnsafeBufferPointer { r in
          for c in 0..<k { v[rowBase + c] += u * r[c] }
        }
      }
      work += k
    } else {
      for c in active { variance[rowBase + c] += u * risk[c] }
      work += active.count + 1
    }
  }
}
