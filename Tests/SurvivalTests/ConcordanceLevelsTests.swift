import Testing
import TestSupport
@_spi(Benchmark) @testable import Survival

/// The concordance's pair tree with levels of block sums (`PairFenwickTree`,
/// exact Int32 counts: issue 14, 10⁷ rows), against plain prefix sums, and
/// the right-censored concordance against a brute-force count of the pairs.
struct ConcordanceLevelsTests {
  /// A small generator of the tests' own (LCG, top 53 bits).
  struct Draws {
    var state: UInt64
    mutating func unit() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / 9_007_199_254_740_992
    }
    mutating func below(_ n: Int) -> Int { min(n - 1, Int(unit() * Double(n))) }
  }

  @Test func levelsGrowWithTheSizeForExactCountsOnly() {
    #expect(PairFenwickTree<Int32>.levels(size: 1_000) == 1)
    #expect(PairFenwickTree<Int32>.levels(size: 131_072) == 1)
    #expect(PairFenwickTree<Int32>.levels(size: 300_000) == 2)
    #expect(PairFenwickTree<Int32>.levels(size: 5_000_000) == 3)
    #expect(PairFenwickTree<Double>.levels(size: 5_000_000) == 1)
  }

  /// Every query (below and at a rank, both weights) equals the sums of a
  /// plain array, across the level boundaries and after a reset to fewer
  /// levels (the tree's top then grows).
  @Test(arguments: [1_000, 300_000, 1_200_000])
  func queriesEqualPlainSums(size: Int) {
    var tree = PairFenwickTree<Int32>(size: size)
    var draws = Draws(state: UInt64(size))
    for used in [size, size / 3 + 1, 40] {
      tree.reset(size: used)
      var risk = [Int](repeating: 0, count: used), death = [Int](repeating: 0, count: used)
      // Ranks crowd at both ends and at block edges, where the levels part.
      let edges = [0, 1, 7, 8, 63, 64, 511, 512, 4_095, 4_096, used / 2, used - 2, used - 1]
        .filter { $0 >= 0 && $0 < used }
      for step in 0..<4_000 {
        let rank = step % 3 == 0 ? edges[draws.below(edges.count)] : draws.below(used)
        let isDeath = draws.unit() < 0.4
        tree.add(rank, risk: 1, death: isDeath ? 1 : 0)
        risk[rank] += 1
        death[rank] += isDeath ? 1 : 0
        // Checked every 499 additions against prefix sums made once per
        // check (not per query: at 1.2 million ranks that alone took minutes
        // in the debug and sanitizer builds).
        if step % 499 == 0 || step == 3_999 {
          var riskBelow = [Int](repeating: 0, count: used + 1)
          var deathBelow = [Int](repeating: 0, count: used + 1)
          for r in 0..<used {
            riskBelow[r + 1] = riskBelow[r] + risk[r]
            deathBelow[r + 1] = deathBelow[r] + death[r]
          }
          for q in edges + [draws.below(used)] {
            let got = tree.query(q)
            #expect(got.riskLess == Double(riskBelow[q]))
            #expect(got.deathLess == Double(deathBelow[q]))
            #expect(got.riskEqual == Double(risk[q]))
            #expect(got.deathEqual == Double(death[q]))
          }
        }
      }
      #expect(tree.riskTotal == Double(risk.reduce(0, +)))
      #expect(tree.deathTotal == Double(death.reduce(0, +)))
      var cumulative = [Double](repeating: 0, count: used + 1)
      tree.deathPrefixSums(into: &cumulative, count: used)
      #expect(cumulative[used] == tree.deathTotal)
    }
  }

  /// Brute force: every pair (i, j) of one stratum with t_i < t_j and an
  /// event at t_i is comparable; concordant when the earlier death has the
  /// larger predictor (R's `reverse = TRUE` for a Cox fit: counted as
  /// discordant here and swapped by `finish`), tied.x on equal predictors.
  /// Deaths at the same time are tied.y (tied.xy with equal predictors).
  static func bruteForce(
    time: [Double], status: [Double], predictor: [Double], weights: [Double], strata: [Int]
  ) -> [Double] {
    var counts = [Double](repeating: 0, count: 5)
    let n = time.count
    for i in 0..<n where status[i] != 0 {
      for j in 0..<n where j != i && strata[j] == strata[i] {
        let w = weights[i] * weights[j]
        if time[j] > time[i] || (time[j] == time[i] && status[j] == 0) {
          if predictor[i] < predictor[j] {
            counts[0] += w
          } else if predictor[i] > predictor[j] {
            counts[1] += w
          } else {
            counts[2] += w
          }
        } else if time[j] == time[i] && status[j] != 0 && j < i {
          // Each unordered pair of same-time deaths once.
          counts[3] += w
          if predictor[i] == predictor[j] { counts[4] += w }
        }
      }
    }
    return counts
  }

  /// The rank sweep (one worker, and two workers splitting the ranks) gives
  /// the brute-force counts, with ties in time and predictor, strata, and
  /// case weights (quarters: exact in any order) or none (empty: all 1).
  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func rankSweepCountsEqualBruteForce(weighted: Bool, stratified: Bool) {
    let n = 700
    var draws = Draws(state: 2_024)
    var rows: [(t: Double, s: Double, x: Double, w: Double, g: Int)] = []
    for _ in 0..<n {
      rows.append((
        t: Double(1 + draws.below(60)), s: draws.unit() < 0.6 ? 1 : 0, x: Double(draws.below(25)) / 4,
        w: weighted ? 0.25 * Double(1 + draws.below(8)) : 1, g: stratified ? draws.below(3) : 0))
    }
    // Sorted by stratum, then time (as a fit holds them).
    rows.sort { ($0.g, $0.t) < ($1.g, $1.t) }
    let time = rows.map(\.t), status = rows.map(\.s), x = rows.map(\.x), w = rows.map(\.w), g = rows.map(\.g)
    var blocks: [Range<Int>] = []
    var k = 0
    while k < n {
      var e = k + 1
      while e < n && g[e] == g[k] { e += 1 }
      blocks.append(k..<e)
      k = e
    }
    let expected = Self.bruteForce(time: time, status: status, predictor: x, weights: w, strata: g)
    for threshold in [Int.max, 0] {
      let c = Concordance.rightCensored(
        time: time, status: status, predictor: x, weights: weighted ? w : [], blocks: blocks, cluster: nil,
        reverse: false, parallelThreshold: threshold)
      #expect([c.concordant, c.discordant, c.tiedX, c.tiedY + c.tiedXY, c.tiedXY] == expected)
    }
    if !weighted {
      // Empty weights are all 1: the same C and standard error to the bit.
      let ones = [Double](repeating: 1, count: n)
      for threshold in [Int.max, 0] {
        let a = Concordance.rightCensored(
          time: time, status: status, predictor: x, weights: ones, blocks: blocks, cluster: nil, reverse: true,
          parallelThreshold: threshold)
        let b = Concordance.rightCensored(
          time: time, status: status, predictor: x, weights: [], blocks: blocks, cluster: nil, reverse: true,
          parallelThreshold: threshold)
        expectSameConcordance(a, b, relative: 0)
      }
    }
  }

  /// At 400,000 rows in one stratum each worker's tree has two levels: the
  /// counts and influence equal the tree sweep's (one level, Double sums of
  /// whole numbers, exact) and the one-worker rank sweep's.
  @Test func manyRanksGiveTheOneLevelCounts() {
    let n = 400_000
    var draws = Draws(state: 77)
    var time = [Double](), status = [Double](), x = [Double]()
    for _ in 0..<n {
      time.append(Double(1 + draws.below(5_000)))
      status.append(draws.unit() < 0.5 ? 1 : 0)
      x.append(Double(draws.below(1_000_000)) / 1_000)
    }
    let order = RowOrder.order(strata: nil, key: time, descending: false)
    let t = order.map { time[$0] }, s = order.map { status[$0] }, p = order.map { x[$0] }
    let split = Concordance.rightCensored(
      time: t, status: s, predictor: p, weights: [], blocks: [0..<n], cluster: nil, reverse: true,
      parallelThreshold: 0)
    let one = Concordance.rightCensored(
      time: t, status: s, predictor: p, weights: [], blocks: [0..<n], cluster: nil, reverse: true,
      parallelThreshold: Int.max)
    let tree = Concordance.compute(
      time: t, status: s, start: nil, predictor: p, weights: [Double](repeating: 1, count: n),
      strata: [Int](repeating: 0, count: n), cluster: nil, reverse: true,
      stopOrder: Array((0..<n).reversed()), startOrder: nil)
    expectSameConcordance(split, one, relative: 0)
    expectSameConcordance(split, tree, relative: 1e-12)
  }
}
