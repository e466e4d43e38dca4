import Foundation

/// The martingale residuals of a right-censored Cox fit, computed by the fit
/// from its own sorted rows, as R `coxph` keeps them in `fit$residuals`
/// (`coxfit6` computes them at the final β), so that `m:residuals()` of the
/// martingale and deviance types costs no sort and no design matrix.
///
/// Within each stratum, with r_i = exp(η_i) (η the fit's linear predictor),
/// the risk-set sum S0(t) = Σ_{T_j ≥ t} w_j r_j is taken from the last time
/// down; at a death time with m deaths of weight W and death sum E0, Efron's
/// sub-steps s = 0 … m−1 give h_s = (W/m) / (S0 − (s/m) E0) (Breslow: one
/// step, h = W/S0). A row censored at t, or surviving it, takes Σ_s h_s, a
/// row dying at t takes Σ_s (1 − s/m) h_s; then, from the first time up,
/// M_i = δ_i − r_i Λ_i (Therneau & Grambsch 2000, §4.2). These are the
/// formulas of `CoxRiskSetTable`'s martingale residuals (the same numbers to
/// rounding: there η is centred on its mean first). Ties = "exact" uses
/// Breslow's step, as R does. O(n) after the fit's sort; one array of n.
enum CoxFitMartingale {
  /// - Parameters:
  ///   - time, status, weight: the fit's sorted rows (ascending time within each block).
  ///   - predictor: the linear predictor in the same sorted order.
  ///   - order: the input row of each sorted position.
  ///   - blocks: the strata as ranges of sorted positions.
  /// - Returns: the residual of each input row.
  static func rightCensored(
    time: [Double], status: [Double], weight: [Double], predictor: [Double], order: [Int], blocks: [Range<Int>],
    efron: Bool
  ) -> [Double] {
    let n = time.count
    guard n > 0, predictor.count == n, order.count == n, status.count == n, weight.count == n else { return [] }
    // The Efron or Breslow hazards of each death time of a block, last time first.
    var survivorHazard: [Double] = []
    var dyingHazard: [Double] = []
    return [Double](unsafeUninitializedCapacity: n) { out, count in
      time.withUnsafeBufferPointer { time in
        status.withUnsafeBufferPointer { status in
          weight.withUnsafeBufferPointer { weight in
            predictor.withUnsafeBufferPointer { predictor in
              order.withUnsafeBufferPointer { order in
                for block in blocks {
                  survivorHazard.removeAll(keepingCapacity: true)
                  dyingHazard.removeAll(keepingCapacity: true)
                  // Backward: S0 and the hazards at each death time.
                  var s0 = 0.0
                  var k = block.upperBound - 1
                  while k >= block.lowerBound {
                    let t = time[k]
                    var deaths = 0
                    var deathWeight = 0.0
                    var deathRisk = 0.0
                    while k >= block.lowerBound && time[k] == t {
                      let r = exp(predictor[k])
                      out[order[k]] = r  // the risk score, replaced below by the residual
                      let v = weight[k] * r
                      s0 += v
                      if status[k] != 0 {
                        deaths += 1
                        deathWeight += weight[k]
                        deathRisk += v
                      }
                      k -= 1
                    }
                    guard deaths > 0 else { continue }
                    let m = efron ? deaths : 1
                    let fraction = 1 / Double(m)
                    let share = deathWeight * fraction
                    var h = 0.0, dead = 0.0
                    for s in 0..<m {
                      let down = Double(s) * fraction
                      let step = share / (s0 - down * deathRisk)
                      h += step
                      dead += (1 - down) * step
                    }
                    survivorHazard.append(h)
                    dyingHazard.append(dead)
                  }
                  // Forward: the cumulative hazard before each time.
                  var cumulative = 0.0
                  var death = survivorHazard.count - 1
                  k = block.lowerBound
                  while k < block.upperBound {
                    let t = time[k]
                    var e = k
                    var dies = false
                    while e < block.upperBound && time[e] == t {
                      if status[e] != 0 { dies = true }
                      e += 1
                    }
                    let h = dies ? survivorHazard[death] : 0
                    let dead = dies ? dyingHazard[death] : 0
                    for j in k..<e {
                      let row = order[j]
                      let r = out[row]
                      out[row] = status[j] != 0 ? 1 - r * (cumulative + dead) : -r * (cumulative + h)
                    }
                    if dies {
                      cumulative += h
                      death -= 1
                    }
                    k = e
                  }
                }
              }
            }
          }
        }
      }
      count = n
    }
  }
}
