import Foundation
import RunControl

/// The robust (sandwich) variance and robust score test of a Cox fit with
/// time-transformed covariates, from the score residuals of its pairs
/// (R's expanded rows) as `CoxRobustVariance` computes them for the
/// expanded data, where each event time is a stratum with one death time.
///
/// In set s (time t, deaths D, d of them, risk scores r_i = exp(η_i)):
/// with Efron's d sub-steps k = 0 … d−1 (one step for Breslow), f = k/d,
/// S0ₖ = Σ_R w r − f Σ_D w r, x̄ₖ = (Σ_R w r z − f Σ_D w r z)/S0ₖ,
/// hₖ = (Σ_D w / d)/S0ₖ, H = Σ hₖ, H_D = Σ (1 − f) hₖ, the score residual
/// of a pair is L = −r (z H − Σ x̄ₖ hₖ) for a survivor and
/// L = (z − Σ x̄ₖ/d) − r (z H_D − Σ (1 − f) x̄ₖ hₖ) for a death
/// (Therneau & Grambsch 2000, §4.6; R's `coxscore2`).
///
/// D = w L I⁻¹ per pair, summed within clusters (a cluster gathers all the
/// pairs of its subjects; without one each pair is its own, as R's
/// expanded fit has it), V = DᵀD. The robust score test uses the residuals
/// at the initial β (without the offset, as `CoxRobustVariance`).
/// O(pairs · p²), two passes per set, nothing allocated per pair; `poll` is
/// asked once per set.
enum CoxTimeVaryingRobustVariance {
  // swiftlint:disable:next function_parameter_count function_body_length
  static func compute(
    data: CoxTimeVaryingData, beta: [Double], naiveVariance: [Double], initial: [Double], cluster: [Int]?,
    efron: Bool, cholTolerance: Double, poll: KernelPoll
  ) -> CoxRobustVariance.Result {
    let p = data.p, n = data.n
    let scale = data.scale
    let scaledBeta = (0..<p).map { beta[$0] / scale[$0] }
    let scaledInitial = (0..<p).map { initial[$0] / scale[$0] }
    var groupOf: [Int] = []
    var groups = 0
    if let cluster {
      var index: [Int: Int] = [:]
      groupOf = [Int](repeating: 0, count: n)
      for i in 0..<n {
        if let g = index[cluster[i]] {
          groupOf[i] = g
        } else {
          groupOf[i] = index.count
          index[cluster[i]] = index.count
        }
      }
      groups = index.count
    }
    let grouped = cluster != nil
    var dfbeta = [Double](repeating: 0, count: grouped ? groups * p : 0)
    var total = [Double](repeating: 0, count: grouped ? groups * p : 0)
    var variance = [Double](repeating: 0, count: p * p)
    var outer = [Double](repeating: 0, count: p * p)
    var u = [Double](repeating: 0, count: p)
    let sums = SetSums(p: p)
    var d = [Double](repeating: 0, count: p)
    /// out += v vᵀ (lower triangle).
    func addOuter(_ v: [Double], _ out: inout [Double]) {
      for i in 0..<p where v[i] != 0 { for j in 0...i { out[i * p + j] += v[i] * v[j] } }
    }
    for s in 0..<data.sets.setCount {
      // Left early on a stop (the result is then meaningless): the caller throws.
      if poll.stopRequested() { break }
      sums.residuals(data: data, set: s, beta: scaledBeta, offset: true, efron: efron) { i, resid in
        for j in 0..<p {
          var value = 0.0
          for l in 0..<p { value += resid[l] / scale[l] * naiveVariance[l * p + j] }
          d[j] = data.weight[i] * value
        }
        if grouped {
          for j in 0..<p { dfbeta[groupOf[i] * p + j] += d[j] }
        } else {
          addOuter(d, &variance)
        }
      }
      sums.residuals(data: data, set: s, beta: scaledInitial, offset: false, efron: efron) { i, resid in
        for j in 0..<p {
          d[j] = data.weight[i] * resid[j] / scale[j]
          u[j] += d[j]
        }
        if grouped {
          for j in 0..<p { total[groupOf[i] * p + j] += d[j] }
        } else {
          addOuter(d, &outer)
        }
      }
    }
    if grouped {
      CoxRobustVariance.crossProduct(dfbeta, rows: groups, p: p, into: &variance)
      CoxRobustVariance.crossProduct(total, rows: groups, p: p, into: &outer)
    } else {
      for i in 0..<p {
        for j in 0..<i {
          variance[j * p + i] = variance[i * p + j]
          outer[j * p + i] = outer[i * p + j]
        }
      }
    }
    let test = CholeskyLDL(square: outer, n: p, tolerance: cholTolerance).quadraticForm(u)
    return CoxRobustVariance.Result(variance: variance, scoreTest: test)
  }

  /// Scratch of one set's residuals, allocated once.
  final class SetSums {
    let p: Int
    var running: [Double]
    var deathSums: [Double]
    var cumXHazard: [Double]
    var deadXHazard: [Double]
    var deadMean: [Double]
    var resid: [Double]
    let z: UnsafeMutableBufferPointer<Double>

    init(p: Int) {
      self.p = p
      running = [Double](repeating: 0, count: p + 1)
      deathSums = running
      cumXHazard = [Double](repeating: 0, count: p)
      deadXHazard = cumXHazard
      deadMean = cumXHazard
      resid = cumXHazard
      z = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(p, 1))
      z.initialize(repeating: 0)
    }

    deinit { z.deallocate() }

    /// Calls `body(subject, L)` with the unweighted score residual L (on the
    /// centred, scaled covariates) of each pair of set `s`.
    func residuals(
      data: CoxTimeVaryingData, set s: Int, beta: [Double], offset useOffset: Bool, efron: Bool,
      _ body: (Int, [Double]) -> Void
    ) {
      let p = self.p
      let sets = data.sets
      let zr = z.baseAddress.unsafelyUnwrapped
      for j in 0...p { running[j] = 0; deathSums[j] = 0 }
      var deaths = 0
      var deathWeight = 0.0
      func eta(_ i: Int) -> Double {
        var e = useOffset ? data.offset[i] : 0
        for j in 0..<p { e += beta[j] * zr[j] }
        return e
      }
      data.x.withUnsafeBufferPointer { x in
        data.values.withUnsafeBufferPointer { values in
          data.forEachRow(of: s, x: x, values: values, z: zr) { _, i in
            let risk = exp(eta(i)) * data.weight[i]
            running[0] += risk
            for j in 0..<p { running[1 + j] += risk * zr[j] }
            if sets.dies(i, in: s) {
              deaths += 1
              deathWeight += data.weight[i]
              deathSums[0] += risk
              for j in 0..<p { deathSums[1 + j] += risk * zr[j] }
            }
          }
        }
      }
      let count = efron ? deaths : 1
      let fraction = 1 / Double(count)
      let meanWeight = deathWeight * fraction
      var hazard = 0.0
      var deadHazard = 0.0
      for j in 0..<p { cumXHazard[j] = 0; deadXHazard[j] = 0; deadMean[j] = 0 }
      for step in 0..<count {
        let down = Double(step) * fraction
        let denominator = running[0] - down * deathSums[0]
        let h = meanWeight / denominator
        hazard += h
        deadHazard += (1 - down) * h
        for j in 0..<p {
          let mean = (running[1 + j] - down * deathSums[1 + j]) / denominator
          cumXHazard[j] += mean * h
          deadXHazard[j] += (1 - down) * mean * h
          deadMean[j] += mean * fraction
        }
      }
      data.x.withUnsafeBufferPointer { x in
        data.values.withUnsafeBufferPointer { values in
          data.forEachRow(of: s, x: x, values: values, z: zr) { _, i in
            let r = exp(eta(i))
            if sets.dies(i, in: s) {
              for j in 0..<p {
                resid[j] = (zr[j] - deadMean[j]) - r * (zr[j] * deadHazard - deadXHazard[j])
              }
            } else {
              for j in 0..<p { resid[j] = -r * (zr[j] * hazard - cumXHazard[j]) }
            }
            body(i, resid)
          }
        }
      }
    }
  }
}
