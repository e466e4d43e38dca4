import Foundation
import Testing
@testable import Survival

/// `CoxFitMartingale` from 100,000 rows: the risk scores and the scatter
/// shared by two workers, balanced strata swept by both (`StrataSharing`),
/// the rest in sorted order in the predictor's buffer. The residuals must be
/// those of the plain one-pass computation in input order, bit for bit.
struct CoxFitMartingaleWorkersTests {
  /// The residuals as the fit computed them before the work was shared:
  /// per block, backward for S0 and the hazards, forward for Λ, each row
  /// read and written at its input position.
  static func reference(
    time: [Double], status: [Double], weight: [Double], predictor: [Double], order: [Int], blocks: [Range<Int>],
    efron: Bool
  ) -> [Double] {
    var out = [Double](repeating: .nan, count: time.count)
    for block in blocks {
      var survivor: [Double] = [], dying: [Double] = []
      var s0 = 0.0
      var k = block.upperBound - 1
      while k >= block.lowerBound {
        let t = time[k]
        var deaths = 0
        var deathWeight = 0.0, deathRisk = 0.0
        while k >= block.lowerBound && time[k] == t {
          let r = exp(predictor[k])
          out[order[k]] = r
          s0 += weight[k] * r
          if status[k] != 0 {
            deaths += 1
            deathWeight += weight[k]
            deathRisk += weight[k] * r
          }
          k -= 1
        }
        guard deaths > 0 else { continue }
        let m = efron ? deaths : 1
        let fraction = 1 / Double(m)
        var h = 0.0, dead = 0.0
        for s in 0..<m {
          let down = Double(s) * fraction
          let step = deathWeight * fraction / (s0 - down * deathRisk)
          h += step
          dead += (1 - down) * step
        }
        survivor.append(h)
        dying.append(dead)
      }
      var cumulative = 0.0
      var death = survivor.count - 1
      k = block.lowerBound
      while k < block.upperBound {
        var e = k
        var dies = false
        while e < block.upperBound && time[e] == time[k] {
          if status[e] != 0 { dies = true }
          e += 1
        }
        let h = dies ? survivor[death] : 0, dead = dies ? dying[death] : 0
        for j in k..<e {
          let r = out[order[j]]
          out[order[j]] = status[j] != 0 ? 1 - r * (cumulative + dead) : -r * (cumulative + h)
        }
        if dies {
          cumulative += h
          death -= 1
        }
        k = e
      }
    }
    return out
  }

  /// Sorted rows of `blocks` strata: tied times (steps of 0.5), weights,
  /// and a permutation as the input order.
  static func sorted(n: Int, blocks count: Int, seed: UInt64) -> (
    time: [Double], status: [Double], weight: [Double], predictor: [Double], order: [Int], blocks: [Range<Int>]
  ) {
    var state = seed
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / 9_007_199_254_740_992
    }
    var time: [Double] = [], status: [Double] = [], weight: [Double] = [], predictor: [Double] = []
    var blocks: [Range<Int>] = []
    for b in 0..<count {
      let lower = b * n / count, upper = (b + 1) * n / count
      var times = (lower..<upper).map { _ in (next() * 2_000).rounded(.up) / 2 }
      times.sort()
      time += times
      blocks.append(lower..<upper)
    }
    for _ in 0..<n {
      status.append(next() < 0.6 ? 1 : 0)
      weight.append(1 + (next() * 3).rounded(.down))
      predictor.append(next() * 2 - 1)
    }
    var order = Array(0..<n)
    for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(next() * Double(i + 1))) }
    return (time, status, weight, predictor, order, blocks)
  }

  @Test(arguments: [(1, true), (3, true), (4, false)])
  func sharedWorkEqualsOnePassInInputOrder(strata: Int, efron: Bool) {
    let s = Self.sorted(n: 120_000, blocks: strata, seed: UInt64(17 + strata))
    let expected = Self.reference(
      time: s.time, status: s.status, weight: s.weight, predictor: s.predictor, order: s.order, blocks: s.blocks,
      efron: efron)
    var predictor = s.predictor
    let residuals = CoxFitMartingale.rightCensored(
      time: s.time, status: s.status, weight: s.weight, consuming: &predictor, order: s.order, blocks: s.blocks,
      efron: efron)
    #expect(residuals.count == expected.count)
    #expect(zip(residuals, expected).allSatisfy { $0.bitPattern == $1.bitPattern })
  }
}
