import CKernels
import Foundation

/// Right-censored concordance counts and per-row influence by one sweep
/// over each stratum with a Fenwick tree on the ranks of the predictor.
///
/// The rows come sorted by stratum, then time ascending (as a Cox fit holds
/// them), so a stratum is a contiguous block and is swept from its largest
/// time down. At each distinct time, the censored rows enter the tree
/// first; then each death d reads the risk set R(d) = {rows of larger time,
/// and rows censored at its time} from the tree: the weight below, at and
/// above its rank (its pairs: counts[0…2] and the first half of its
/// influence); then the deaths of the time enter. Pairs of deaths of the
/// same time are not comparable: they are counted as tied.y (tied.xy when
/// the predictor is tied too) from the time's deaths ordered by rank.
///
/// A row's influence as the comparator j of a pair (d, j) is the death
/// weight that arrives after it: the death tree at the end of the stratum
/// minus what it held when j entered (for a death, after its own time's
/// deaths, which are not its pairs). The entry value is stored when the
/// row enters and the final one is read from prefix sums of the last tree.
///
/// Cost per stratum: one radix sort of the predictor for its ranks, then a
/// query and an update per row on a tree whose upper part stays in cache
/// (`PairFenwickTree`, counting in Int32 when every weight is 1), and a
/// final linear pass; memory is read in order except the tree. Strata go
/// to two workers when the data are large and they balance; otherwise
/// (one stratum, or one holding most rows) the two workers split each
/// stratum by predictor rank (`ConcordanceRankSplit`).
/// The counts are those of R `survival` 3.5 `concordancefit` (Therneau's
/// `concordance` vignette, "timewt = n"); see `Concordance`.
enum ConcordanceRankSweep {
  /// Counts (concordant, discordant, tied.x, tied.y including tied.xy,
  /// tied.xy) and the influence (3 per row, in the input order).
  /// - Parameter blocks: the stratum blocks, each sorted by time ascending.
  static func compute<Status: CoxStatusCode>(
    time: [Double], status: [Status], predictor: [Double], weights: [Double],
    blocks: [Range<Int>], parallelThreshold: Int
  ) -> (counts: [Double], influence: [Double]) {
    // Every slot is written by the sweep before it is read: no zero fill.
    var influence: [Double] = RadixOrder.uninitialized(3 * time.count)
    let counts = influence.withUnsafeMutableBufferPointer { infl in
      compute(
        time: time, status: status, predictor: predictor, weights: weights, blocks: blocks,
        parallelThreshold: parallelThreshold, influence: infl, rankSpace: nil)
    }
    return (counts, influence)
  }

  /// The counts, writing the influence (3n) into `influence`; `rankSpace`
  /// as `ConcordanceRankSplit.compute(influence:rankSpace:)` (where the rank
  /// split places its ranks and sort items; `influence` its first 3n).
  // swiftlint:disable:next function_parameter_count
  static func compute<Status: CoxStatusCode>(
    time: [Double], status: [Status], predictor: [Double], weights: [Double],
    blocks: [Range<Int>], parallelThreshold: Int, influence: UnsafeMutableBufferPointer<Double>,
    rankSpace: UnsafeMutableBufferPointer<Double>?
  ) -> [Double] {
    let n = time.count
    // All weights 1 (and counts that fit): the tree counts in Int32.
    let unweighted = n < Int(Int32.max) && !weights.contains { $0 != 1 }  // empty: all 1
    var assignment = [blocks]
    if n >= parallelThreshold {
      guard let balanced = StrataSharing.balanced(blocks, rows: n) else {
        // One stratum, or one holding most rows: both workers sweep every
        // stratum, each for the rows of half of its predictor ranks.
        return ConcordanceRankSplit.compute(
          time: time, status: status, predictor: predictor, weights: weights, blocks: blocks,
          unweighted: unweighted, influence: influence, rankSpace: rankSpace)
      }
      assignment = balanced
    }
    let workers = assignment.count
    var partial = [[Double]](repeating: [0, 0, 0, 0, 0], count: workers)
    // Worker w writes its own partial[w] and the influence of its strata's rows.
    partial.withUnsafeMutableBufferPointer { partialCounts in
      let inflBase = DisjointWrites(influence), countsBase = DisjointWrites(partialCounts)
      let assignment = assignment
      time.withUnsafeBufferPointer { tm in
      status.withUnsafeBufferPointer { st in
      predictor.withUnsafeBufferPointer { pr in
      weights.withUnsafeBufferPointer { wt in
        let tm = SharedReads(tm), st = SharedReads(st), pr = SharedReads(pr), wt = SharedReads(wt)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
          countsBase[w] = unweighted
            ? run(
              Int32.self, blocks: assignment[w], time: tm.buffer, status: st.buffer, predictor: pr.buffer,
              weights: wt.buffer, influence: inflBase.buffer)
            : run(
              Double.self, blocks: assignment[w], time: tm.buffer, status: st.buffer, predictor: pr.buffer,
              weights: wt.buffer, influence: inflBase.buffer)
        }
      }}}}
    }
    var counts = [Double](repeating: 0, count: 5)
    for w in 0..<workers { for c in 0..<5 { counts[c] += partial[w][c] } }
    return counts
  }

  // swiftlint:disable:next function_parameter_count
  static func run<Scalar: FenwickScalar, Status: CoxStatusCode>(
    _ scalar: Scalar.Type, blocks: [Range<Int>], time: UnsafeBufferPointer<Double>, status: UnsafeBufferPointer<Status>,
    predictor: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>,
    influence: UnsafeMutableBufferPointer<Double>
  ) -> [Double] {
    var counts = [Double](repeating: 0, count: 5)
    let size = blocks.map(\.count).max() ?? 0
    guard size > 0 else { return counts }
    var tree = PairFenwickTree<Scalar>(size: size)
    var cumulative = RandomAccessArray.filled(0.0, count: size + 1)
    var rankOf = [Int32](repeating: 0, count: size)
    var deaths: [Int] = []
    for block in blocks {
      let lo = block.lowerBound
      let m = block.count
      let ranks = rankOf.withUnsafeMutableBufferPointer { rank in
        denseRanks(predictor: UnsafeBufferPointer(rebasing: predictor[block]), into: rank).count
      }
      tree.reset(size: ranks)
      let c = rankOf.withUnsafeBufferPointer { rank in
        sweep(
          tree: &tree, lo: lo, positions: 0..<m, time: time, status: status, weights: weights,
          rankOf: rank, influence: influence, deaths: &deaths)
      }
      rankOf.withUnsafeBufferPointer { rank in
        leave(
          tree: tree, lo: lo, positions: 0..<m, ranks: ranks, rankOf: rank, influence: influence,
          cumulative: &cumulative)
      }
      for i in 0..<5 { counts[i] += c[i] }
    }
    return counts
  }

  /// Dense ranks of `predictor` (ties share one) into `rankOf[0..<count]`;
  /// returns the number of distinct values and the rank of the middle row
  /// (rows of smaller rank are at most half of them).
  static func denseRanks(
    predictor: UnsafeBufferPointer<Double>, into rankOf: UnsafeMutableBufferPointer<Int32>
  ) -> (count: Int, median: Int32) {
    let m = predictor.count
    var items = [RowOrder.Item](unsafeUninitializedCapacity: m) { _, count in count = m }
    var spare = [RowOrder.Item](unsafeUninitializedCapacity: m) { _, count in count = m }
    return items.withUnsafeMutableBufferPointer { it in
      spare.withUnsafeMutableBufferPointer { sp in
        for k in 0..<m {
          it[k] = RowOrder.Item(key: RowOrder.sortableBits(predictor[k]), row: k)
        }
        RowOrder.sortItems(it, scratch: sp)
        var current: Int32 = 0
        var median: Int32 = 0
        for k in 0..<m {
          if k > 0 && it[k].key != it[k - 1].key { current += 1 }
          rankOf[it[k].row] = current
          if k == m / 2 { median = current }
        }
        return (Int(current) + 1, median)
      }
    }
  }

  /// The sweep of block positions `positions` (rows lo + k) from the
  /// largest time down, on a tree that holds the rows of larger times:
  /// writes the first half of each row's influence and returns its counts.
  // swiftlint:disable:next function_parameter_count function_body_length
  @inline(__always)
  static func sweep<Scalar: FenwickScalar, Status: CoxStatusCode>(
    tree: inout PairFenwickTree<Scalar>, lo: Int, positions: Range<Int>, time: UnsafeBufferPointer<Double>,
    status: UnsafeBufferPointer<Status>, weights: UnsafeBufferPointer<Double>,
    rankOf: UnsafeBufferPointer<Int32>, influence: UnsafeMutableBufferPointer<Double>, deaths: inout [Int]
  ) -> [Double] {
    var c0 = 0.0, c1 = 0.0, c2 = 0.0, c3 = 0.0, c4 = 0.0
    // Empty weights are all 1 (a compact Cox fit's): the same sums.
    let weighted = !weights.isEmpty
    let first = positions.lowerBound
    var upper = positions.upperBound
    // The tree lines of the row `distance` ahead of this one (positions `first...` only).
    var ahead = ConcordanceSweepLookahead(
      time: UnsafeBufferPointer(rebasing: time[(lo + first)...]), lo: 0, m: upper - first)
    for _ in 0..<ConcordanceSweepLookahead.distance {
      if let p = ahead.next() { tree.prefetch(Int(rankOf[first + p])) }
    }
    while upper > first {
      let t = time[lo + upper - 1]
      var lower = upper - 1
      while lower > first && time[lo + lower - 1] == t { lower -= 1 }
      // The censored rows of this time enter first: they are at risk for
      // its deaths, and every death of this time is their comparator.
      deaths.removeAll(keepingCapacity: true)
      for k in lower..<upper {
        if let p = ahead.next() { tree.prefetch(Int(rankOf[first + p])) }
        let row = lo + k
        if status[row].isEvent {
          deaths.append(Int(rankOf[k]) << 32 | k)  // (rank, position) in one word
          continue
        }
        let rank = Int(rankOf[k])
        let q = tree.query(rank)
        influence[3 * row] = -q.deathLess
        influence[3 * row + 1] = -(tree.deathTotal - q.deathLess - q.deathEqual)
        influence[3 * row + 2] = -q.deathEqual
        tree.add(rank, risk: weighted ? weights[row] : 1, death: 0)
      }
      if deaths.isEmpty {
        upper = lower
        continue
      }
      // The deaths by rank, so the same-time pairs below and at each one
      // are running sums.
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
      let riskTotal = tree.riskTotal
      let deathTotal = tree.deathTotal + timeWeight
      var below = 0.0
      var g = 0
      while g < deaths.count {
        let rank = deaths[g] >> 32
        var h = g
        var groupWeight = 0.0
        while h < deaths.count && deaths[h] >> 32 == rank {
          groupWeight += weighted ? weights[lo + (deaths[h] & 0xFFFF_FFFF)] : 1
          h += 1
        }
        // The tree does not change within the time: one query per rank.
        let q = tree.query(rank)
        let riskGreater = riskTotal - q.riskLess - q.riskEqual
        let deathLess = q.deathLess + below
        let deathEqual = q.deathEqual + groupWeight
        let deathGreater = deathTotal - deathLess - deathEqual
        var earlier = 0.0
        for d in deaths[g..<h] {
          let k = d & 0xFFFF_FFFF
          let row = lo + k
          let w = weighted ? weights[row] : 1
          c0 += w * riskGreater
          c1 += w * q.riskLess
          c2 += w * q.riskEqual
          influence[3 * row] = riskGreater - deathLess
          influence[3 * row + 1] = q.riskLess - deathGreater
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
        tree.add(Int(rankOf[k]), risk: w, death: w)
      }
      upper = lower
    }
    return [c0, c1, c2, c3, c4]
  }

  /// Every row leaves at the end of the stratum: adds the death weight
  /// below, at and above its rank in the final tree to its influence.
  // swiftlint:disable:next function_parameter_count
  static func leave<Scalar: FenwickScalar>(
    tree: PairFenwickTree<Scalar>, lo: Int, positions: Range<Int>, ranks: Int,
    rankOf: UnsafeBufferPointer<Int32>, influence: UnsafeMutableBufferPointer<Double>,
    cumulative: inout [Double]
  ) {
    tree.deathPrefixSums(into: &cumulative, count: ranks)
    let total = cumulative[ranks]
    cumulative.withUnsafeBufferPointer { cum in
      guard let cumBase = cum.baseAddress else { return }
      let distance = ConcordanceSweepLookahead.distance
      for k in positions {
        // Reads of `cum` at random ranks: ask for the line of a row ahead.
        if k + distance < positions.upperBound { kaplan_prefetch_read(cumBase + Int(rankOf[k + distance])) }
        let r = Int(rankOf[k])
        let less = cum[r]
        let equal = cum[r + 1] - less
        let slot = 3 * (lo + k)
        influence[slot] += less
        influence[slot + 1] += total - less - equal
        influence[slot + 2] += equal
      }
    }
  }
}
