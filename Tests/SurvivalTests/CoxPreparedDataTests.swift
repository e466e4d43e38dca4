import Testing
import TestSupport
@testable import Survival

/// The prepared data of a Cox fit (sorted, gathered, centred, scaled) equal,
/// bit for bit, those of plain loops: a comparison sort, one gather per
/// array, and each column's sums taken one term at a time in row order.
struct CoxPreparedDataTests {
  struct Input {
    var n: Int
    var p: Int
    var covariates: [Double]
    var time: [Double]
    var start: [Double]?
    var status: [Double]
    var weights: [Double]?
    var strata: [Int]?
    var offset: [Double]?
  }

  /// Rounded times (ties, −0 and negative values), p columns of which some
  /// are 0/1 or −1/0/1 (left alone), one constant (scale 1) and the rest
  /// continuous; stratum values `spread` apart.
  static func input(
    n: Int, p: Int, strata: Int, weights: Bool, offset: Bool, counting: Bool, seed: UInt64,
    spread: Int = 3
  ) -> Input {
    var rng = SplitMix64(seed: seed)
    func uniform() -> Double { Double(rng.next() >> 11) / 9_007_199_254_740_992 }
    var time = (0..<n).map { _ in ((uniform() * 200 - 20) * 10).rounded() / 10 }
    if n >= 2 {
      time[0] = -0.0
      time[1] = 0.0
    }
    var covariates = [Double](repeating: 0, count: n * p)
    for j in 0..<p {
      for i in 0..<n {
        let value: Double
        switch j % 5 {
        case 0: value = Double(rng.next() % 2)
        case 1: value = Double(rng.next() % 3) - 1
        case 2: value = 4.25
        default: value = (uniform() - 0.3) * Double(j * 7 + 1)
        }
        covariates[j * n + i] = value
      }
    }
    var start: [Double]? = nil
    if counting { start = time.map { $0 - 1 - (uniform() * 30).rounded() } }
    return Input(
      n: n, p: p, covariates: covariates, time: time, start: start,
      status: (0..<n).map { _ in uniform() < 0.4 ? 1 : 0 },
      weights: weights ? (0..<n).map { _ in 0.25 + uniform() * 3 } : nil,
      strata: strata > 0 ? (0..<n).map { _ in Int(rng.next() % UInt64(strata)) * spread - 2 } : nil,
      offset: offset ? (0..<n).map { _ in uniform() - 0.5 } : nil)
  }

  struct Prepared {
    var x, time: [Double]
    var start: [Double]?
    var status, weight, offset: [Double]
    var stratum, order: [Int]
    var byStartDescending: [Int]?
    var means, scale: [Double]
    var events: Int
  }

  /// The preparation written as plainly as possible.
  static func reference(_ d: Input, nocenter: [Double]) -> Prepared {
    let n = d.n, p = d.p
    let strata = d.strata ?? [Int](repeating: 0, count: n)
    let descending = d.start != nil
    let order = (0..<n).sorted { a, b in
      if strata[a] != strata[b] { return strata[a] < strata[b] }
      if d.time[a] != d.time[b] { return descending ? d.time[a] > d.time[b] : d.time[a] < d.time[b] }
      return a < b
    }
    let weight = order.map { d.weights?[$0] ?? 1 }
    let stratum = order.map { strata[$0] }
    let startSorted = d.start.map { s in order.map { s[$0] } }
    let byStart = startSorted.map { s in
      (0..<n).sorted { a, b in
        if stratum[a] != stratum[b] { return stratum[a] < stratum[b] }
        if s[a] != s[b] { return s[a] > s[b] }
        return a < b
      }
    }
    var totalWeight = 0.0
    for k in 0..<n { totalWeight += weight[k] }
    var means = [Double](repeating: 0, count: p)
    var scale = [Double](repeating: 1, count: p)
    for j in 0..<p {
      let column = Array(d.covariates[(j * n)..<((j + 1) * n)])
      if column.allSatisfy({ nocenter.contains($0) }) { continue }
      var mean = 0.0
      for i in 0..<n { mean += (d.weights?[i] ?? 1) * column[i] }
      mean /= totalWeight
      var absSum = 0.0
      for i in 0..<n { absSum += (d.weights?[i] ?? 1) * abs(column[i] - mean) }
      means[j] = mean
      scale[j] = absSum > 0 ? totalWeight / absSum : 1
    }
    var x = [Double](repeating: 0, count: n * p)
    for k in 0..<n {
      for j in 0..<p { x[k * p + j] = (d.covariates[j * n + order[k]] - means[j]) * scale[j] }
    }
    return Prepared(
      x: x, time: order.map { d.time[$0] + 0.0 }, start: startSorted,
      status: order.map { d.status[$0] }, weight: weight, offset: order.map { d.offset?[$0] ?? 0 },
      stratum: stratum, order: order, byStartDescending: byStart, means: means, scale: scale,
      events: d.status.filter { $0 == 1 }.count)
  }

  static func check(_ d: Input, nocenter: [Double] = [-1, 0, 1]) {
    let got = CoxPreparedData(
      n: d.n, p: d.p, covariates: d.covariates, time: d.time, start: d.start, status: d.status,
      weights: d.weights, strata: d.strata, offset: d.offset, nocenter: nocenter)
    let want = reference(d, nocenter: nocenter)
    func bits(_ v: [Double]?) -> [UInt64]? { v?.map { $0.bitPattern } }
    #expect(got.order == want.order)
    #expect(bits(got.time) == bits(want.time))
    #expect(bits(got.start) == bits(want.start))
    #expect(bits(got.status) == bits(want.status))
    #expect(bits(got.weight) == bits(want.weight))
    #expect(bits(got.offset) == bits(want.offset))
    #expect(got.stratum == want.stratum)
    #expect(got.byStartDescending == want.byStartDescending)
    #expect(bits(got.means) == bits(want.means))
    #expect(bits(got.scale) == bits(want.scale))
    #expect(bits(got.x) == bits(want.x))
    #expect(got.events == want.events)
  }

  /// Small inputs: one worker throughout.
  @Test func smallInputsMatchPlainLoops() {
    for (k, p) in [1, 3, 9].enumerated() {
      for strata in [0, 1, 4] {
        Self.check(Self.input(
          n: 700, p: p, strata: strata, weights: k != 1, offset: k != 0, counting: false,
          seed: UInt64(10 * k + strata)))
      }
    }
    Self.check(Self.input(n: 500, p: 4, strata: 3, weights: true, offset: true, counting: true, seed: 7))
    // Stratum values too far apart for a table indexed by value.
    Self.check(Self.input(
      n: 400, p: 2, strata: 5, weights: false, offset: false, counting: false, seed: 6,
      spread: 1 << 60))
    // Stratum values whose span overflows Int.
    var extreme = Self.input(
      n: 300, p: 2, strata: 0, weights: false, offset: false, counting: false, seed: 5)
    extreme.strata = (0..<300).map { [Int.min, 0, Int.max][$0 % 3] }
    Self.check(extreme)
    Self.check(Self.input(n: 1, p: 2, strata: 0, weights: false, offset: false, counting: false, seed: 8))
    Self.check(Self.input(n: 0, p: 2, strata: 2, weights: true, offset: false, counting: false, seed: 4))
    Self.check(Self.input(n: 50, p: 0, strata: 2, weights: false, offset: false, counting: false, seed: 3))
    Self.check(
      Self.input(n: 300, p: 6, strata: 2, weights: false, offset: false, counting: false, seed: 9),
      nocenter: [])
  }

  /// Inputs above the two-worker thresholds: strata shared, halves gathered
  /// and scattered, columns (more than one group of eight) dealt out.
  @Test func largeInputsMatchPlainLoops() {
    Self.check(Self.input(
      n: 120_000, p: 19, strata: 0, weights: false, offset: false, counting: false, seed: 11))
    Self.check(Self.input(
      n: 120_000, p: 7, strata: 5, weights: true, offset: true, counting: false, seed: 12))
    Self.check(Self.input(
      n: 110_000, p: 3, strata: 2, weights: true, offset: false, counting: true, seed: 13))
    Self.check(Self.input(
      n: 100_000, p: 2, strata: 3, weights: false, offset: true, counting: false, seed: 14,
      spread: 1 << 61))
  }
}
