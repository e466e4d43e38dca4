import Foundation

/// Two of `CoxRiskSetTable`'s passes split between two workers from
/// `parallelThreshold` rows, with the same numbers as on one worker:
///
/// - `scatter`, for Surv(time, event) data: each row adds its weighted risk
///   (and its covariates times it) at its last death time hi − 1. In the
///   table's sorted order hi never decreases, so splitting the rows where hi
///   changes gives each worker its own death times, each summed from the same
///   rows in the same order as on one worker.
/// - `hazards`: the Efron (or Breslow) sub-steps of one death time read only
///   that death time's sums, so halves of the death times are independent.
enum CoxRiskSetTableSplit {
  static let parallelThreshold = 50_000

  /// Per death time: Σ w r and Σ w r x over the rows whose last death time it
  /// is (addAt, width p + 1), and the same over its deaths (deathRiskSum, deathXSum).
  /// `weight` nil: every weight 1 (w r = r); `lo` nil: every lo 0.
  static func scatter(
    risk: [Double], weight: [Double]?, x: [Double], isEvent: [Bool], lo: [Int]?, hi: [Int], p: Int,
    deaths: Int, parallelThreshold: Int = parallelThreshold
  ) -> (addAt: [Double], deathRiskSum: [Double], deathXSum: [Double]) {
    let n = hi.count, width = p + 1
    var addAt = [Double](repeating: 0, count: deaths * width)
    var deathRiskSum = [Double](repeating: 0, count: deaths)
    var deathXSum = [Double](repeating: 0, count: deaths * p)
    // The split: the first position from the middle where hi changes (worker 0 before it).
    var split = n
    if n >= parallelThreshold {
      split = max(n / 2, 1)
      while split < n && hi[split] == hi[split - 1] { split += 1 }
    }
    let bounds = [0, split, n]
    addAt.withUnsafeMutableBufferPointer { addAt in
      deathRiskSum.withUnsafeMutableBufferPointer { deathRiskSum in
        deathXSum.withUnsafeMutableBufferPointer { deathXSum in
          risk.withUnsafeBufferPointer { risk in
            withOptionalReads(weight) { weight in
              x.withUnsafeBufferPointer { x in
                isEvent.withUnsafeBufferPointer { isEvent in
                  withOptionalReads(lo) { lo in
                    hi.withUnsafeBufferPointer { hi in
                      // Worker w writes the death times hi − 1 of its rows only (disjoint: hi changes at the split).
                      let add = DisjointWrites(addAt), dr = DisjointWrites(deathRiskSum)
                      let dx = DisjointWrites(deathXSum)
                      let risk = SharedReads(risk), x = SharedReads(x)
                      let isEvent = SharedReads(isEvent), hi = SharedReads(hi)
                      DispatchQueue.concurrentPerform(iterations: split < n ? 2 : 1) { w in
                        let add = add.buffer, dr = dr.buffer, dx = dx.buffer
                        let risk = risk.buffer, weight = weight?.buffer, x = x.buffer
                        let isEvent = isEvent.buffer, lo = lo?.buffer, hi = hi.buffer
                        for i in bounds[w]..<bounds[w + 1] where (lo?[i] ?? 0) < hi[i] {
                          let v = weight.map { risk[i] * $0[i] } ?? risk[i]
                          let a = (hi[i] - 1) * width
                          add[a] += v
                          for j in 0..<p { add[a + 1 + j] += v * x[i * p + j] }
                          if isEvent[i] {
                            let d = hi[i] - 1
                            dr[d] += v
                            for j in 0..<p { dx[d * p + j] += v * x[i * p + j] }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return (addAt, deathRiskSum, deathXSum)
  }

  /// Per death time d: Σ_s h_s, Σ_s (1 − s/m) h_s, and p each Σ_s h_s x̄_s,
  /// Σ_s (1 − s/m) h_s x̄_s and the average x̄_s (m = 1 for Breslow).
  static func hazards(
    efron: Bool, deathCount: [Int], deathWeight: [Double], riskSum: [Double], deathRiskSum: [Double],
    xSum: [Double], deathXSum: [Double], p: Int, rows n: Int, parallelThreshold: Int = parallelThreshold
  ) -> (hazard: [Double], deadHazard: [Double], xHazard: [Double], deadXHazard: [Double], deadMean: [Double]) {
    let deaths = deathCount.count
    var hazard = [Double](repeating: 0, count: deaths)
    var deadHazard = [Double](repeating: 0, count: deaths)
    var xHazard = [Double](repeating: 0, count: deaths * p)
    var deadXHazard = [Double](repeating: 0, count: deaths * p)
    var deadMean = [Double](repeating: 0, count: deaths * p)
    let workers = n >= parallelThreshold && deaths > 1 ? 2 : 1
    hazard.withUnsafeMutableBufferPointer { hazard in
      deadHazard.withUnsafeMutableBufferPointer { deadHazard in
        xHazard.withUnsafeMutableBufferPointer { xHazard in
          deadXHazard.withUnsafeMutableBufferPointer { deadXHazard in
            deadMean.withUnsafeMutableBufferPointer { deadMean in
              deathCount.withUnsafeBufferPointer { deathCount in
                deathWeight.withUnsafeBufferPointer { deathWeight in
                  riskSum.withUnsafeBufferPointer { riskSum in
                    deathRiskSum.withUnsafeBufferPointer { deathRiskSum in
                      xSum.withUnsafeBufferPointer { xSum in
                        deathXSum.withUnsafeBufferPointer { deathXSum in
                          // Worker w writes its half of the death times only.
                          let out = (
                            DisjointWrites(hazard), DisjointWrites(deadHazard), DisjointWrites(xHazard),
                            DisjointWrites(deadXHazard), DisjointWrites(deadMean)
                          )
                          let count = SharedReads(deathCount), weight = SharedReads(deathWeight)
                          let rs = SharedReads(riskSum), drs = SharedReads(deathRiskSum)
                          let xs = SharedReads(xSum), dxs = SharedReads(deathXSum)
                          DispatchQueue.concurrentPerform(iterations: workers) { w in
                            let hazard = out.0.buffer, deadHazard = out.1.buffer, xHazard = out.2.buffer
                            let deadXHazard = out.3.buffer, deadMean = out.4.buffer
                            let deathCount = count.buffer, deathWeight = weight.buffer
                            let riskSum = rs.buffer, deathRiskSum = drs.buffer
                            let xSum = xs.buffer, deathXSum = dxs.buffer
                            for d in (w * deaths / workers)..<((w + 1) * deaths / workers) {
                              let m = efron ? deathCount[d] : 1
                              let fraction = 1 / Double(m)
                              let share = deathWeight[d] * fraction
                              for s in 0..<m {
                                let down = Double(s) * fraction
                                let denominator = riskSum[d] - down * deathRiskSum[d]
                                let h = share / denominator
                                hazard[d] += h
                                deadHazard[d] += (1 - down) * h
                                for j in 0..<p {
                                  let mean = (xSum[d * p + j] - down * deathXSum[d * p + j]) / denominator
                                  xHazard[d * p + j] += h * mean
                                  deadXHazard[d * p + j] += (1 - down) * h * mean
                                  deadMean[d * p + j] += mean * fraction
                                }
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return (hazard, deadHazard, xHazard, deadXHazard, deadMean)
  }
}
