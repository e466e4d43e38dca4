import Foundation

/// Score residuals, the robust (sandwich) variance and the robust score
/// test of a Cox fit, as R `survival` 3.5 `coxph(..., robust = TRUE)` or with
/// `cluster()`.
///
/// Score residual of row i (Therneau & Grambsch 2000, §4.6 and §7.2):
/// L_i = ∫ (x_i − x̄(t)) {dN_i(t) − Y_i(t) r_i dΛ(t)}, r_i = exp(η_i),
/// dΛ(t) = Σ_D w / S0(t), x̄ = S1/S0, Y_i(t) = 1 on (start_i, stop_i].
/// With Efron ties the d deaths at t are d sub-steps s = 0 … d−1 with
/// denominators S0 − (s/d)E0; a row at risk but not dying takes every
/// sub-step's hazard, a dying row a fraction 1 − s/d of it and 1/d of each
/// (x_i − x̄_s) — R's `coxscore2`/`agscore3`.
///
/// Robust variance: D = diag(w) L I⁻¹ (R's weighted dfbeta), summed within
/// clusters, V = DᵀD. Robust score test: the weighted score residuals at
/// the initial β summed within clusters (rows T_c), u = Σ_c T_c,
/// statistic uᵀ (TᵀT)⁻ u.
///
/// The residuals cost O(n p + n log n): risk-set sums at each death time
/// come from difference arrays over the death times, and each row's
/// integral is a difference of cumulative sums.
enum CoxRobustVariance {
  struct Result {
    var variance: [Double]
    var scoreTest: Double
  }

  // swiftlint:disable:next function_parameter_count
  static func compute(
    data: CoxPreparedData, beta: [Double], naiveVariance: [Double], initial: [Double],
    cluster: [Int]?, efron: Bool, cholTolerance: Double
  ) -> Result {
    let n = data.n
    let p = data.p
    let scaledBeta = (0..<p).map { beta[$0] / data.scale[$0] }
    let scaledInitial = (0..<p).map { initial[$0] / data.scale[$0] }
    var eta = [Double](repeating: 0, count: n)
    var eta0 = [Double](repeating: 0, count: n)
    for k in 0..<n {
      var e = data.offset[k]
      var e0 = 0.0
      for j in 0..<p {
        e += scaledBeta[j] * data.x[k * p + j]
        e0 += scaledInitial[j] * data.x[k * p + j]
      }
      eta[k] = e
      eta0[k] = e0
    }
    // Cluster of each sorted row, as dense indices.
    var groupOf = [Int](repeating: 0, count: n)
    var groups = n
    if let cluster = cluster {
      var index: [Int: Int] = [:]
      for k in 0..<n {
        let c = cluster[Int(data.rowOrder[k])]
        if let g = index[c] {
          groupOf[k] = g
        } else {
          groupOf[k] = index.count
          index[c] = index.count
        }
      }
      groups = index.count
    } else {
      for k in 0..<n { groupOf[k] = k }
    }

    let residuals = scoreResiduals(data: data, eta: eta, efron: efron)
    var dfbeta = [Double](repeating: 0, count: groups * p)
    for k in 0..<n {
      let g = groupOf[k]
      for j in 0..<p {
        var s = 0.0
        for l in 0..<p { s += residuals[k * p + l] / data.scale[l] * naiveVariance[l * p + j] }
        dfbeta[g * p + j] += data.weight[k] * s
      }
    }
    var variance = [Double](repeating: 0, count: p * p)
    crossProduct(dfbeta, rows: groups, p: p, into: &variance)

    let residuals0 = scoreResiduals(data: data, eta: eta0, efron: efron)
    var total = [Double](repeating: 0, count: groups * p)
    var u = [Double](repeating: 0, count: p)
    for k in 0..<n {
      for j in 0..<p {
        let value = data.weight[k] * residuals0[k * p + j] / data.scale[j]
        total[groupOf[k] * p + j] += value
        u[j] += value
      }
    }
    var outer = [Double](repeating: 0, count: p * p)
    crossProduct(total, rows: groups, p: p, into: &outer)
    let test = CholeskyLDL(square: outer, n: p, tolerance: cholTolerance).quadraticForm(u)
    return Result(variance: variance, scoreTest: test)
  }

  static func crossProduct(_ m: [Double], rows: Int, p: Int, into out: inout [Double]) {
    for r in 0..<rows {
      for i in 0..<p {
        let a = m[r * p + i]
        if a == 0 { continue }
        for j in 0...i { out[i * p + j] += a * m[r * p + j] }
      }
    }
    for i in 0..<p { for j in 0..<i { out[j * p + i] = out[i * p + j] } }
  }

  /// Unweighted score residuals in sorted order (row-major n × p), on the
  /// prepared (centred, scaled) covariates.
  static func scoreResiduals(data: CoxPreparedData, eta: [Double], efron: Bool) -> [Double] {
    let n = data.n
    let p = data.p
    var resid = [Double](repeating: 0, count: n * p)
    var blockStart = 0
    while blockStart < n {
      var blockEnd = blockStart
      while blockEnd < n && data.sortedStrata[blockEnd] == data.sortedStrata[blockStart] { blockEnd += 1 }
      var times: [Double] = []
      for k in blockStart..<blockEnd where data.statusValues[k] == 1 { times.append(data.time[k]) }
      times.sort()
      var unique: [Double] = []
      for t in times where unique.last != t { unique.append(t) }
      let deathCount = unique.count
      func countAtMost(_ t: Double) -> Int {
        var lo = 0
        var hi = deathCount
        while lo < hi {
          let mid = (lo + hi) / 2
          if unique[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
      }
      let width = p + 1
      var diff = [Double](repeating: 0, count: (deathCount + 1) * width)
      var deathSums = [Double](repeating: 0, count: deathCount * width)
      var deaths = [Int](repeating: 0, count: deathCount)
      var deathWeight = [Double](repeating: 0, count: deathCount)
      var lowIndex = [Int](repeating: 0, count: blockEnd - blockStart)
      var highIndex = [Int](repeating: 0, count: blockEnd - blockStart)
      for k in blockStart..<blockEnd {
        let lo = data.start.map { countAtMost($0[k]) } ?? 0
        let hi = countAtMost(data.time[k])
        lowIndex[k - blockStart] = lo
        highIndex[k - blockStart] = hi
        if lo >= hi { continue }
        let risk = exp(eta[k]) * data.weight[k]
        diff[lo * width] += risk
        diff[hi * width] -= risk
        for j in 0..<p {
          diff[lo * width + 1 + j] += risk * data.x[k * p + j]
          diff[hi * width + 1 + j] -= risk * data.x[k * p + j]
        }
        if data.statusValues[k] == 1 {
          let d = hi - 1
          deaths[d] += 1
          deathWeight[d] += data.weight[k]
          deathSums[d * width] += risk
          for j in 0..<p { deathSums[d * width + 1 + j] += risk * data.x[k * p + j] }
        }
      }
      // Per death time: hazard and hazard-weighted mean for survivors and
      // for the dying (Efron's partial membership), and the dying's mean x̄.
      var cumHazard = [Double](repeating: 0, count: deathCount + 1)
      var cumXHazard = [Double](repeating: 0, count: (deathCount + 1) * p)
      var deadHazard = [Double](repeating: 0, count: deathCount)
      var deadXHazard = [Double](repeating: 0, count: deathCount * p)
      var deadMean = [Double](repeating: 0, count: deathCount * p)
      var running = [Double](repeating: 0, count: width)
      for d in 0..<deathCount {
        for j in 0..<width { running[j] += diff[d * width + j] }
        let count = efron ? deaths[d] : 1
        let fraction = 1 / Double(count)
        let meanWeight = deathWeight[d] * fraction
        var hazard = 0.0
        cumXHazard.withUnsafeMutableBufferPointer { cx in
          for j in 0..<p { cx[(d + 1) * p + j] = cx[d * p + j] }
        }
        for s in 0..<count {
          let down = Double(s) * fraction
          let denominator = running[0] - down * deathSums[d * width]
          let h = meanWeight / denominator
          hazard += h
          deadHazard[d] += (1 - down) * h
          for j in 0..<p {
            let mean = (running[1 + j] - down * deathSums[d * width + 1 + j]) / denominator
            cumXHazard[(d + 1) * p + j] += mean * h
            deadXHazard[d * p + j] += (1 - down) * mean * h
            deadMean[d * p + j] += mean * fraction
          }
        }
        cumHazard[d + 1] = cumHazard[d] + hazard
      }
      for k in blockStart..<blockEnd {
        let lo = lowIndex[k - blockStart]
        let hi = highIndex[k - blockStart]
        if lo >= hi { continue }
        let r = exp(eta[k])
        let dies = data.statusValues[k] == 1
        let end = dies ? hi - 1 : hi
        let h = cumHazard[end] - cumHazard[lo]
        for j in 0..<p {
          let x = data.x[k * p + j]
          var value = -r * (x * h - (cumXHazard[end * p + j] - cumXHazard[lo * p + j]))
          if dies {
            let d = hi - 1
            value += (x - deadMean[d * p + j]) - r * (x * deadHazard[d] - deadXHazard[d * p + j])
          }
          resid[k * p + j] = value
        }
      }
      blockStart = blockEnd
    }
    return resid
  }
}
