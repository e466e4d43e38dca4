import Foundation
import RunControl

/// The covariates of a Cox fit with time-transformed terms, centred and
/// scaled as R's `coxph.fit` does on the expanded data: the fixed columns
/// once per subject (row-major n × p, the transformed columns' slots 0),
/// the transformed columns once per pair (term-major q × pairs).
///
/// Centring and scaling (`CoxColumnScaling`'s rule, over R's expanded
/// rows): a column whose values on the pairs all lie in `nocenter` is left
/// alone; otherwise x ← (x − m)·s with m = Σ w x / Σ w and s = Σ w / Σ w|x − m|
/// over the pairs. A subject in c_i risk sets is c_i rows of the
/// expansion, so a fixed column's sums are Σᵢ c_i w_i x_ij.
struct CoxTimeVaryingData {
  let sets: CoxTimeVaryingRiskSets
  let p: Int
  /// The design columns that change with time, ascending.
  let transformed: [Int]
  /// Row-major n × p, centred and scaled; 0 in the transformed columns.
  var x: [Double]
  /// Term-major q × pairs, centred and scaled.
  var values: [Double]
  /// Per subject (1 and 0 when absent).
  let weight: [Double]
  let offset: [Double]
  let means: [Double]
  let scale: [Double]
  /// Deaths over all sets (R's expanded events).
  let events: Int

  var n: Int { sets.n }
  var q: Int { transformed.count }

  init(
    sets: CoxTimeVaryingRiskSets, covariates: [Double], p: Int, transformed: [Int], values: inout [Double],
    weights: [Double]?, offset: [Double]?, nocenter: [Double]
  ) {
    let n = sets.n, pairs = sets.pairCount
    self.sets = sets
    self.p = p
    self.transformed = transformed
    let weight = weights ?? [Double](repeating: 1, count: n)
    self.weight = weight
    self.offset = offset ?? [Double](repeating: 0, count: n)
    let count = sets.membershipCounts()
    var pairWeight = [Double](repeating: 0, count: n)
    var total = 0.0
    for i in 0..<n {
      pairWeight[i] = weight[i] * Double(count[i])
      total += pairWeight[i]
    }
    var means = [Double](repeating: 0, count: p)
    var scale = [Double](repeating: 1, count: p)
    let isTransformed = (0..<p).map { transformed.contains($0) }
    for j in 0..<p where !isTransformed[j] {
      let base = j * n
      var listed = true
      for i in 0..<n where count[i] > 0 && !nocenter.contains(covariates[base + i]) {
        listed = false
        break
      }
      if listed { continue }
      var sum = 0.0
      for i in 0..<n { sum += pairWeight[i] * covariates[base + i] }
      let mean = sum / total
      var absSum = 0.0
      for i in 0..<n { absSum += pairWeight[i] * abs(covariates[base + i] - mean) }
      means[j] = mean
      scale[j] = absSum > 0 ? total / absSum : 1
    }
    for (k, j) in transformed.enumerated() {
      let base = k * pairs
      if !values[base..<(base + pairs)].contains(where: { !nocenter.contains($0) }) { continue }
      var sum = 0.0
      for s in 0..<sets.setCount {
        sets.forEachMember(of: s) { r, i in sum += weight[i] * values[base + r] }
      }
      let mean = sum / total
      var absSum = 0.0
      for s in 0..<sets.setCount {
        sets.forEachMember(of: s) { r, i in absSum += weight[i] * abs(values[base + r] - mean) }
      }
      means[j] = mean
      scale[j] = absSum > 0 ? total / absSum : 1
      let factor = scale[j]
      for r in base..<(base + pairs) { values[r] = (values[r] - mean) * factor }
    }
    var x = [Double](repeating: 0, count: n * p)
    for j in 0..<p where !isTransformed[j] {
      let (mean, factor) = (means[j], scale[j])
      for i in 0..<n { x[i * p + j] = (covariates[j * n + i] - mean) * factor }
    }
    var events = 0
    for s in 0..<sets.setCount {
      sets.forEachMember(of: s) { _, i in if sets.dies(i, in: s) { events += 1 } }
    }
    self.x = x
    self.values = values
    values = []
    self.means = means
    self.scale = scale
    self.events = events
  }

  /// Calls `body(pair, subject, z)` for each member of set `s`, with z its
  /// p covariates (fixed and transformed, centred and scaled) in `z`.
  @inline(__always)
  func forEachRow(
    of s: Int, x: UnsafeBufferPointer<Double>, values: UnsafeBufferPointer<Double>,
    z: UnsafeMutablePointer<Double>, _ body: (Int, Int) -> Void
  ) {
    let p = self.p, pairs = sets.pairCount
    transformed.withUnsafeBufferPointer { tc in
      sets.forEachMember(of: s) { r, i in
        let xr = x.baseAddress.unsafelyUnwrapped + i * p
        for j in 0..<p { z[j] = xr[j] }
        for k in 0..<tc.count { z[tc[k]] = values[k * pairs + r] }
        body(r, i)
      }
    }
  }
}

/// The log partial likelihood, score and information of a Cox model with
/// time-transformed covariates, over the risk sets of
/// `CoxTimeVaryingRiskSets`: at each event time t (its own stratum, as in
/// R's expansion), with z_i(t) the subject's covariates at t (the fixed
/// ones and f(x_i, t)), r_i = w_i exp(offset_i + z_i(t)ᵀβ), the sums
/// S0 = Σ_R r_i, S1 = Σ_R r_i z_i(t), S2 = Σ_R r_i z_i(t) z_i(t)ᵀ and the
/// deaths' own E0, E1, E2 enter as in `CoxRightCensoredKernel` (Breslow or
/// Efron, `CoxTiedDeaths`): the same ℓ, U and I as the expanded data's.
///
/// Sets are independent sums: from 50,000 pairs two workers take the sets
/// of half of the pairs each, with their own scratch, and their totals are
/// added in a fixed order. No allocation per iteration or pair.
final class CoxTimeVaryingKernel: CoxLikelihoodKernel, @unchecked Sendable {
  let data: CoxTimeVaryingData
  let efron: Bool
  let poll = KernelPoll()
  var p: Int { data.p }
  /// The sets each worker sweeps.
  let parts: [Range<Int>]
  private let scratch: [CoxSweepScratch]
  /// One covariate row per worker.
  private let rows: [UnsafeMutableBufferPointer<Double>]

  static let parallelThreshold = 50_000

  init(data: CoxTimeVaryingData, efron: Bool, parallelThreshold: Int = CoxTimeVaryingKernel.parallelThreshold) {
    self.data = data
    self.efron = efron
    let sets = data.sets
    var parts = [0..<sets.setCount]
    if sets.pairCount >= parallelThreshold && sets.setCount >= 2 {
      let half = sets.pairCount / 2
      var cut = 1
      while cut < sets.setCount - 1 && sets.pairStart[cut] < half { cut += 1 }
      parts = [0..<cut, cut..<sets.setCount]
    }
    self.parts = parts
    scratch = parts.map { _ in CoxSweepScratch(p: data.p) }
    rows = parts.map { _ in
      let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(data.p, 1))
      buffer.initialize(repeating: 0)
      return buffer
    }
  }

  deinit { for row in rows { row.deallocate() } }

  func evaluate(beta: [Double], score: inout [Double], information: inout [Double]) -> Double {
    let p = data.p
    var logliks = [Double](repeating: 0, count: parts.count)
    if parts.count == 1 {
      logliks[0] = sweep(parts[0], beta: beta, scratch: scratch[0], z: rows[0])
    } else {
      logliks.withUnsafeMutableBufferPointer { out in
        let results = DisjointWrites(out)  // worker w writes results[w], scratch[w] and rows[w] only
        DispatchQueue.concurrentPerform(iterations: parts.count) { w in
          results[w] = sweep(parts[w], beta: beta, scratch: scratch[w], z: rows[w])
        }
      }
    }
    var loglik = 0.0
    for i in 0..<p { score[i] = 0 }
    for i in 0..<(p * p) { information[i] = 0 }
    for w in 0..<parts.count {
      loglik += logliks[w]
      for i in 0..<p { score[i] += scratch[w].u[i] }
      for i in 0..<(p * p) { information[i] += scratch[w].imat[i] }
    }
    for i in 0..<p { for j in 0..<i { information[j * p + i] = information[i * p + j] } }
    return loglik
  }

  /// ℓ of the sets `range`, their score and information (lower triangle) into `scratch`.
  private func sweep(
    _ range: Range<Int>, beta: [Double], scratch: CoxSweepScratch, z: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    let p = data.p
    let sets = data.sets
    let zr = z.baseAddress.unsafelyUnwrapped
    var loglik = 0.0
    let rowWork = p * (p + 3) / 2 + 1
    var work = 0
    data.x.withUnsafeBufferPointer { x in
    data.values.withUnsafeBufferPointer { values in
    data.weight.withUnsafeBufferPointer { weight in
    data.offset.withUnsafeBufferPointer { offset in
    beta.withUnsafeBufferPointer { b in
    scratch.u.withUnsafeMutableBufferPointer { u in
    scratch.imat.withUnsafeMutableBufferPointer { imat in
    scratch.a.withUnsafeMutableBufferPointer { a in
    scratch.a2.withUnsafeMutableBufferPointer { a2 in
    scratch.cmat.withUnsafeMutableBufferPointer { cmat in
    scratch.cmat2.withUnsafeMutableBufferPointer { cmat2 in
      for i in 0..<p { u[i] = 0 }
      for i in 0..<(p * p) { imat[i] = 0 }
      for s in range {
        if work > KernelPoll.interval {
          work = 0
          // Left early: the driver throws on seeing the same stop.
          if poll.stopRequested() { return }
        }
        work &+= rowWork &* (sets.pairStart[s + 1] - sets.pairStart[s])
        var denom = 0.0, denom2 = 0.0, deadWeight = 0.0
        var deaths = 0
        for i in 0..<p { a[i] = 0; a2[i] = 0 }
        for i in 0..<cmat.count { cmat[i] = 0; cmat2[i] = 0 }
        data.forEachRow(of: s, x: x, values: values, z: zr) { _, i in
          var eta = offset[i]
          for j in 0..<p { eta += b[j] * zr[j] }
          let risk = exp(eta) * weight[i]
          if sets.dies(i, in: s) {
            loglik += weight[i] * eta
            deaths += 1
            deadWeight += weight[i]
            denom2 += risk
            for j in 0..<p { u[j] += weight[i] * zr[j] }
            CoxTiedDeaths.accumulate(zr, risk: risk, p: p, sum: a2, squares: cmat2)
          } else {
            denom += risk
            CoxTiedDeaths.accumulate(zr, risk: risk, p: p, sum: a, squares: cmat)
          }
        }
        guard deaths > 0 else { continue }
        loglik -= CoxTiedDeaths.add(
          deaths: deaths, deadWeight: deadWeight, deathRisk: denom2, efron: efron, p: p, denom: &denom,
          a: a, cmat: cmat, a2: a2, cmat2: cmat2, score: u, information: imat)
      }
    }}}}}}}}}}}
    return loglik
  }
}
