import CKernels
import Foundation

/// The right-censored concordance sweep (`ConcordanceRankSweep`) of a
/// stratum shared by two workers through its predictor ranks.
///
/// Every query of the sweep asks for weights below, at and above one rank.
/// Worker 0 owns the ranks below the stratum's middle row's rank, worker 1
/// the others; each keeps a Fenwick tree of its own ranks only, so the two
/// trees together are the size of one and every tree operation is done
/// once. Both workers read every row in time order: a row of the other
/// half only adds its weight to a running total (`otherRisk`,
/// `otherDeath`), which is all a query needs from the other half: for a
/// rank of worker 1 every rank of worker 0 is below, for a rank of worker 0
/// every rank of worker 1 is above. The same-time death pairs (tied.y) need
/// the deaths of the time below each death: for worker 1 those of worker 0
/// are all below.
///
/// The counts of the two workers are added in a fixed order, and the plan
/// depends on the data only, never on the threads. Unweighted, every count
/// and influence is a whole number and equals the one-worker sweep's; with
/// case weights the totals are added in another order (last bits).
enum ConcordanceRankSplit {
  /// Counts (as `ConcordanceRankSweep.compute`) and influence (3 per row).
  static func compute<Status: CoxStatusCode>(
    time: [Double], status: [Status], predictor: [Double], weights: [Double], blocks: [Range<Int>],
    unweighted: Bool
  ) -> (counts: [Double], influence: [Double]) {
    let n = time.count
    // Every slot is written by the sweep before it is read: no zero fill.
    var influence: [Double] = RadixOrder.uninitialized(3 * n)
    let counts = influence.withUnsafeMutableBufferPointer { infl in
      compute(
        time: time, status: status, predictor: predictor, weights: weights, blocks: blocks, unweighted: unweighted,
        influence: infl, rankSpace: nil)
    }
    return (counts, influence)
  }

  /// The Doubles of scratch `compute(influence:rankSpace:)` needs: the
  /// rank sort's items (4 a row, over the influence's 3, which the sweep
  /// writes only after the ranks are made), then the ranks (half a row).
  static func rankSpaceDoubles(_ n: Int) -> Int { 4 * n + (n + 1) / 2 }

  /// The counts, writing the influence into `influence` (3n). With
  /// `rankSpace` (at least `rankSpaceDoubles(n)`, and `influence` its
  /// first 3n Doubles), the ranks and the rank sort's items go there too
  /// (a Cox fit's freed sorted covariates, already mapped) instead of into
  /// 36 bytes a row of fresh memory.
  // swiftlint:disable:next function_parameter_count
  static func compute<Status: CoxStatusCode>(
    time: [Double], status: [Status], predictor: [Double], weights: [Double], blocks: [Range<Int>],
    unweighted: Bool, influence: UnsafeMutableBufferPointer<Double>, rankSpace: UnsafeMutableBufferPointer<Double>?
  ) -> [Double] {
    let n = time.count
    if let rankSpace, rankSpace.count >= rankSpaceDoubles(n) {
      let itemDoubles = 4 * n
      let rankDoubles = UnsafeMutableBufferPointer(rebasing: rankSpace[itemDoubles..<rankSpaceDoubles(n)])
      return rankDoubles.withMemoryRebound(to: Int32.self) { rankWords in
        let rankOf = UnsafeMutableBufferPointer(rebasing: rankWords[0..<n])
        // The items are dead once the ranks are made: the sweep's influence
        // is written over them afterwards.
        let ranks = UnsafeMutableBufferPointer(rebasing: rankSpace[0..<itemDoubles])
          .withMemoryRebound(to: RowOrder.Item.self) { items in
            denseRanks(predictor: predictor, blocks: blocks, into: rankOf, scratch: items)
          }
        return sweep(
          time: time, status: status, weights: weights, blocks: blocks, unweighted: unweighted, ranks: ranks,
          rankOf: UnsafeBufferPointer(rankOf), influence: influence)
      }
    }
    var rankOf: [Int32] = RadixOrder.uninitialized(n)
    return rankOf.withUnsafeMutableBufferPointer { rankOf in
      let ranks = denseRanks(predictor: predictor, blocks: blocks, into: rankOf, scratch: nil)
      return sweep(
        time: time, status: status, weights: weights, blocks: blocks, unweighted: unweighted, ranks: ranks,
        rankOf: UnsafeBufferPointer(rankOf), influence: influence)
    }
  }

  /// Ranks within each stratum (a large one ranked by both workers), and
  /// each stratum's split rank.
  private static func denseRanks(
    predictor: [Double], blocks: [Range<Int>], into rank: UnsafeMutableBufferPointer<Int32>,
    scratch: UnsafeMutableBufferPointer<RowOrder.Item>?
  ) -> [(count: Int, median: Int32)] {
    var ranks: [(count: Int, median: Int32)] = []
    predictor.withUnsafeBufferPointer { pr in
      for block in blocks {
        ranks.append(
          SharedDenseRanks.compute(
            predictor: UnsafeBufferPointer(rebasing: pr[block]),
            into: UnsafeMutableBufferPointer(rebasing: rank[block]), scratch: scratch))
      }
    }
    return ranks
  }

  /// The two workers' sweeps; returns the counts.
  // swiftlint:disable:next function_parameter_count
  private static func sweep<Status: CoxStatusCode>(
    time: [Double], status: [Status], weights: [Double], blocks: [Range<Int>], unweighted: Bool,
    ranks: [(count: Int, median: Int32)], rankOf: UnsafeBufferPointer<Int32>,
    influence: UnsafeMutableBufferPointer<Double>
  ) -> [Double] {
    var partial = [[Double]](repeating: [], count: 2)
    partial.withUnsafeMutableBufferPointer { partialCounts in
      // Worker w writes partial[w] and the influence of the rows whose rank it owns.
      let inflBase = DisjointWrites(influence), countsBase = DisjointWrites(partialCounts)
      time.withUnsafeBufferPointer { tm in
      status.withUnsafeBufferPointer { st in
      weights.withUnsafeBufferPointer { wt in
        let rk = SharedReads(rankOf), tm = SharedReads(tm), st = SharedReads(st), wt = SharedReads(wt)
        DispatchQueue.concurrentPerform(iterations: 2) { w in
          let half = ConcordanceRankHalf(upper: w == 1)
          countsBase[w] = unweighted
            ? half.run(
              Int32.self, blocks: blocks, ranks: ranks, rankOf: rk.buffer, time: tm.buffer, status: st.buffer,
              weights: wt.buffer, influence: inflBase.buffer)
            : half.run(
              Double.self, blocks: blocks, ranks: ranks, rankOf: rk.buffer, time: tm.buffer, status: st.buffer,
              weights: wt.buffer, influence: inflBase.buffer)
        }
      }}}
    }
    return (0..<5).map { partial[0][$0] + partial[1][$0] }
  }
}

/// One worker of `ConcordanceRankSplit`: the ranks below each stratum's
/// split (`upper` false) or from it up.
struct ConcordanceRankHalf {
  let upper: Bool

  /// The worker's own ranks of a stratum: its first rank and how many.
  func ownRanks(_ ranks: (count: Int, median: Int32)) -> (first: Int, count: Int) {
    upper ? (Int(ranks.median), ranks.count - Int(ranks.median)) : (0, Int(ranks.median))
  }

  // swiftlint:disable:next function_parameter_count
  func run<Scalar: FenwickScalar, Status: CoxStatusCode>(
    _ scalar: Scalar.Type, blocks: [Range<Int>], ranks: [(count: Int, median: Int32)],
    rankOf: UnsafeBufferPointer<Int32>, time: UnsafeBufferPointer<Double>, status: UnsafeBufferPointer<Status>,
    weights: UnsafeBufferPointer<Double>, influence: UnsafeMutableBufferPointer<Double>
  ) -> [Double] {
    var counts = [Double](repeating: 0, count: 5)
    let size = ranks.map { ownRanks($0).count }.max() ?? 0
    var tree = PairFenwickTree<Scalar>(size: size)
    var cumulative = RandomAccessArray.filled(0.0, count: size + 1)
    var deaths: [Int] = []
    for (b, block) in blocks.enumerated() {
      let own = ownRanks(ranks[b])
      tree.reset(size: own.count)
      let rank = UnsafeBufferPointer(rebasing: rankOf[block])
      let (c, otherDeath) = sweep(
        tree: &tree, lo: block.lowerBound, m: block.count, split: ranks[b].median, time: time, status: status,
        weights: weights, rankOf: rank, influence: influence, deaths: &deaths)
      leave(
        tree: tree, lo: block.lowerBound, m: block.count, split: ranks[b].median, ownRanks: own.count,
        otherDeath: otherDeath, rankOf: rank, influence: influence, cumulative: &cumulative)
      for i in 0..<5 { counts[i] += c[i] }
    }
    return counts
  }

  /// `ConcordanceRankSweep.sweep` for the rows of this worker's ranks, the
  /// other half entering as running totals. Returns the counts and the
  /// other half's final event weight.
  // swiftlint:disable:next function_parameter_count function_body_length
  func sweep<Scalar: FenwickScalar, Status: CoxStatusCode>(
    tree: inout PairFenwickTree<Scalar>, lo: Int, m: Int, split: Int32, time: UnsafeBufferPointer<Double>,
    status: UnsafeBufferPointer<Status>, weights: UnsafeBufferPointer<Double>,
    rankOf: UnsafeBufferPointer<Int32>, influence: UnsafeMutableBufferPointer<Double>, deaths: inout [Int]
  ) -> (counts: [Double], otherDeath: Double) {
    var c0 = 0.0, c1 = 0.0, c2 = 0.0, c3 = 0.0, c4 = 0.0
    // Empty weights are all 1 (a compact Cox fit's): the same sums.
    let weighted = !weights.isEmpty
    let upper = self.upper
    let shift = upper ? Int(split) : 0
    // The other half's weight at risk and event weight entered so far.
    var otherRisk = 0.0, otherDeath = 0.0
    // The tree lines of the row `distance` ahead of this one, when its rank is this worker's.
    var ahead = ConcordanceSweepLookahead(time: time, lo: lo, m: m)
    for _ in 0..<ConcordanceSweepLookahead.distance {
      if let p = ahead.next(), (rankOf[p] >= split) == upper { tree.prefetch(Int(rankOf[p]) - shift) }
    }
    var top = m
    while top > 0 {
      let t = time[lo + top - 1]
      var lower = top - 1
      while lower > 0 && time[lo + lower - 1] == t { lower -= 1 }
      // Censored rows enter first (their entry influence reads event
      // weights only, which do not change within the time).
      deaths.removeAll(keepingCapacity: true)
      var otherDeathsHere = 0.0
      for k in lower..<top {
        if let p = ahead.next(), (rankOf[p] >= split) == upper { tree.prefetch(Int(rankOf[p]) - shift) }
        let row = lo + k
        let mine = (rankOf[k] >= split) == upper
        if status[row].isEvent {
          if mine { deaths.append(Int(rankOf[k]) << 32 | k) } else { otherDeathsHere += weighted ? weights[row] : 1 }
          continue
        }
        if !mine {
          otherRisk += weighted ? weights[row] : 1
          continue
        }
        let rank = Int(rankOf[k]) - shift
        let q = tree.query(rank)
        let deathLess = upper ? otherDeath + q.deathLess : q.deathLess
        let deathTotal = tree.deathTotal + otherDeath
        influence[3 * row] = -deathLess
        influence[3 * row + 1] = -(deathTotal - deathLess - q.deathEqual)
        influence[3 * row + 2] = -q.deathEqual
        tree.add(rank, risk: weighted ? weights[row] : 1, death: 0)
      }
      if !deaths.isEmpty {
        if deaths.count > 1 {
          // Packed (rank, position) words: sorted as integers, by rank then position.
          if deaths.count <= 32 {
            for j in 1..<deaths.count {
              let v = deaths[j]
              var i = j
              while i > 0 && deaths[i - 1] > v {
                deaths[i] = deaths[i - 1]
                i -= 1
              }
              deaths[i] = v
            }
          } else {
            deaths.sort()
          }
        }
        var timeWeight = 0.0
        for d in deaths { timeWeight += weighted ? weights[lo + (d & 0xFFFF_FFFF)] : 1 }
        let riskTotal = tree.riskTotal + otherRisk
        let deathTotal = tree.deathTotal + otherDeath + (timeWeight + otherDeathsHere)
        // For worker 1, the other half's risk, events and this time's events are all below.
        let riskBelow = upper ? otherRisk : 0
        let deathBelow = upper ? otherDeath : 0
        var below = upper ? otherDeathsHere : 0
        var g = 0
        while g < deaths.count {
          let rank = deaths[g] >> 32
          var h = g
          var groupWeight = 0.0
          while h < deaths.count && deaths[h] >> 32 == rank {
            groupWeight += weighted ? weights[lo + (deaths[h] & 0xFFFF_FFFF)] : 1
            h += 1
          }
          let q = tree.query(rank - shift)
          let riskLess = riskBelow + q.riskLess
          let riskGreater = riskTotal - riskLess - q.riskEqual
          let deathLess = deathBelow + q.deathLess + below
          let deathEqual = q.deathEqual + groupWeight
          let deathGreater = deathTotal - deathLess - deathEqual
          var earlier = 0.0
          for d in deaths[g..<h] {
            let k = d & 0xFFFF_FFFF
            let row = lo + k
            let w = weighted ? weights[row] : 1
            c0 += w * riskGreater
            c1 += w * riskLess
            c2 += w * q.riskEqual
            influence[3 * row] = riskGreater - deathLess
            influence[3 * row + 1] = riskLess - deathGreater
            influence[3 * row + 2] = q.riskEqual - deathEqual
            c3 += w * (below + earlier)
            c4 += w * earlier
            earlier += w
          }
          below += groupWeight
          g = h
        }
        for d in deaths {
          let k = d & 0xFFFF_FFFF
          let w = weighted ? weights[lo + k] : 1
          tree.add(Int(rankOf[k]) - shift, risk: w, death: w)
        }
      }
      otherRisk += otherDeathsHere
      otherDeath += otherDeathsHere
      top = lower
    }
    return ([c0, c1, c2, c3, c4], otherDeath)
  }

  /// Every row of this worker's ranks leaves at the end of the stratum
  /// (`ConcordanceRankSweep.leave`), the other half's events all below
  /// (worker 1) or all above (worker 0).
  // swiftlint:disable:next function_parameter_count
  func leave<Scalar: FenwickScalar>(
    tree: PairFenwickTree<Scalar>, lo: Int, m: Int, split: Int32, ownRanks: Int, otherDeath: Double,
    rankOf: UnsafeBufferPointer<Int32>, influence: UnsafeMutableBufferPointer<Double>, cumulative: inout [Double]
  ) {
    tree.deathPrefixSums(into: &cumulative, count: ownRanks)
    let total = cumulative[ownRanks] + otherDeath
    let upper = self.upper
    let shift = upper ? Int(split) : 0
    let base = upper ? otherDeath : 0
    cumulative.withUnsafeBufferPointer { cum in
      guard let cumBase = cum.baseAddress else { return }
      let distance = ConcordanceSweepLookahead.distance
      // Worker 1 goes from the last row down: the two workers' rows share
      // the influence's cache lines, and going the same way at the same pace
      // they would hand each line back and forth. (Each row's sums are its
      // own, so the order changes no value.)
      for step in 0..<m {
        let k = upper ? m - 1 - step : step
        // Reads of `cum` at random ranks: ask for the line of a row ahead.
        if step + distance < m {
          let ahead = Int(rankOf[upper ? k - distance : k + distance]) - shift
          if ahead >= 0 && ahead < cum.count { kaplan_prefetch_read(cumBase + ahead) }
        }
        guard (rankOf[k] >= split) == upper else { continue }
        let r = Int(rankOf[k]) - shift
        let less = base + cum[r]
        let equal = cum[r + 1] - cum[r]
        let slot = 3 * (lo + k)
        influence[slot] += less
        influence[slot + 1] += total - less - equal
        influence[slot + 2] += equal
      }
    }
  }
}
