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
/// to two workers when the data are large; one stratum can be split by
/// time between them (`runSplit`, off by default: `timeSplitThreshold`).
/// The counts are those of R `survival` 3.5 `concordancefit` (Therneau's
/// `concordance` vignette, "timewt = n"); see `Concordance`.
enum ConcordanceRankSweep {
  /// Rows from which one stratum is split by time (`runSplit`): off
  /// (Int.max) by default. Measured with `KaplanBench cox --no-strata
  /// --phases` (shared 2-core VM, load 4–7): 0.38 s split against 0.32 s
  /// on one worker at 10⁶ rows, 4.8 against 3.3 s at 10⁷. The second
  /// worker's tree is a second copy of the largest random-access structure
  /// (8 bytes per rank), so the two workers share the cache misses that
  /// dominate the sweep rather than halve them.
  static let timeSplitThreshold = Int.max

  /// Counts (concordant, discordant, tied.x, tied.y including tied.xy,
  /// tied.xy) and the influence (3 per row, in the input order).
  /// - Parameter blocks: the stratum blocks, each sorted by time ascending.
  static func compute(
    time: [Double], status: [Double], predictor: [Double], weights: [Double],
    blocks: [Range<Int>], parallelThreshold: Int, timeSplitThreshold: Int = Self.timeSplitThreshold
  ) -> (counts: [Double], influence: [Double]) {
    let n = time.count
    // All weights 1 (and counts that fit): the tree counts in Int32.
    let unweighted = n < Int(Int32.max) && !weights.contains { $0 != 1 }
    if n >= timeSplitThreshold, blocks.count == 1,
      let split = CoxRightCensoredKernel.timeSplit(
        time: time, rows: blocks[0], laterShare: CoxRightCensoredKernel.laterShare)
    {
      // One stratum: split by time between the two workers (`runSplit`).
      var influence = [Double](unsafeUninitializedCapacity: 3 * n) { _, count in count = 3 * n }
      let block = blocks[0]
      let counts = influence.withUnsafeMutableBufferPointer { infl in
        time.withUnsafeBufferPointer { tm in
        status.withUnsafeBufferPointer { st in
        predictor.withUnsafeBufferPointer { pr in
        weights.withUnsafeBufferPointer { wt in
          unweighted
            ? runSplit(
              Int32.self, block: block, split: split - block.lowerBound, time: tm, status: st, predictor: pr,
              weights: wt, influence: infl)
            : runSplit(
              Double.self, block: block, split: split - block.lowerBound, time: tm, status: st, predictor: pr,
              weights: wt, influence: infl)
        }}}}
      }
      return (counts, influence)
    }
    let workers = n >= parallelThreshold && blocks.count > 1 ? 2 : 1
    var assignment = [[Range<Int>]](repeating: [], count: workers)
    var load = [Int](repeating: 0, count: workers)
    for block in blocks.sorted(by: {
      $0.count > $1.count || ($0.count == $1.count && $0.lowerBound < $1.lowerBound)
    }) {
      let w = load[0] <= load[workers - 1] ? 0 : workers - 1
      assignment[w].append(block)
      load[w] += block.count
    }
    // Every slot is written by the sweep before it is read: no zero fill.
    var influence = [Double](unsafeUninitializedCapacity: 3 * n) { _, count in count = 3 * n }
    var partial = [[Double]](repeating: [0, 0, 0, 0, 0], count: workers)
    // Worker w writes its own partial[w] and the influence of its strata's rows.
    influence.withUnsafeMutableBufferPointer { infl in
      partial.withUnsafeMutableBufferPointer { partialCounts in
        let inflBase = DisjointWrites(infl), countsBase = DisjointWrites(partialCounts)
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
    }
    var counts = [Double](repeating: 0, count: 5)
    for w in 0..<workers { for c in 0..<5 { counts[c] += partial[w][c] } }
    return (counts, influence)
  }

  // swiftlint:disable:next function_parameter_count
  static func run<Scalar: FenwickScalar>(
    _ scalar: Scalar.Type, blocks: [Range<Int>], time: UnsafeBufferPointer<Double>, status: UnsafeBufferPointer<Double>,
    predictor: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>,
    influence: UnsafeMutableBufferPointer<Double>
  ) -> [Double] {
    var counts = [Double](repeating: 0, count: 5)
    let size = blocks.map(\.count).max() ?? 0
    guard size > 0 else { return counts }
    var tree = PairFenwickTree<Scalar>(size: size)
    var cumulative = [Double](repeating: 0, count: size + 1)
    var rankOf = [Int32](repeating: 0, count: size)
    var deaths: [Int] = []
    for block in blocks {
      let lo = block.lowerBound
      let m = block.count
      let ranks = rankOf.withUnsafeMutableBufferPointer { rank in
        denseRanks(predictor: UnsafeBufferPointer(rebasing: predictor[block]), into: rank)
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
  /// returns the number of distinct values.
  static func denseRanks(
    predictor: UnsafeBufferPointer<Double>, into rankOf: UnsafeMutableBufferPointer<Int32>
  ) -> Int {
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
        for k in 0..<m {
          if k > 0 && it[k].key != it[k - 1].key { current += 1 }
          rankOf[it[k].row] = current
        }
        return Int(current) + 1
      }
    }
  }

  /// One stratum (rows lo + k, k < m, sorted by time) whose later times,
  /// positions `split ..< m`, one worker sweeps while the other adds them
  /// to its own tree (the risk set every earlier death sees) and sweeps the
  /// earlier times `0 ..< split` from there. Row by row the queries read
  /// the trees a single sweep would have; the counts of the two halves are
  /// added at the end, and every row leaves (its influence as a
  /// comparator) through the second worker's tree, which at the end holds
  /// the whole stratum. `split` starts a run of tied times.
  // swiftlint:disable:next function_parameter_count
  static func runSplit<Scalar: FenwickScalar>(
    _ scalar: Scalar.Type, block: Range<Int>, split: Int, time: UnsafeBufferPointer<Double>,
    status: UnsafeBufferPointer<Double>, predictor: UnsafeBufferPointer<Double>,
    weights: UnsafeBufferPointer<Double>, influence: UnsafeMutableBufferPointer<Double>
  ) -> [Double] {
    let lo = block.lowerBound, m = block.count
    var rankOf = [Int32](unsafeUninitializedCapacity: m) { _, count in count = m }
    let ranks = rankOf.withUnsafeMutableBufferPointer { rank in
      denseRanks(predictor: UnsafeBufferPointer(rebasing: predictor[block]), into: rank)
    }
    let workers = (0..<2).map { _ in ConcordanceSweepWorker<Scalar>(size: ranks) }
    rankOf.withUnsafeBufferPointer { rank in
      // Worker 1 writes the influence of the rows at positions split..<m,
      // worker 0 that of 0..<split, and each its own `workers[w]`.
      let shared = SharedReads(rank), infl = DisjointWrites(influence)
      let (tm, st, wt) = (SharedReads(time), SharedReads(status), SharedReads(weights))
      DispatchQueue.concurrentPerform(iterations: 2) { w in
        let worker = workers[w]
        worker.tree.reset(size: ranks)
        var positions = split..<m
        if w == 0 {
          for k in split..<m {
            let row = lo + k
            let weight = wt[row]
            worker.tree.add(Int(shared[k]), risk: weight, death: st[row] != 0 ? weight : 0)
          }
          positions = 0..<split
        }
        worker.counts = sweep(
          tree: &worker.tree, lo: lo, positions: positions, time: tm.buffer, status: st.buffer,
          weights: wt.buffer, rankOf: shared.buffer, influence: infl.buffer, deaths: &worker.deaths)
      }
      var cumulative = [Double](repeating: 0, count: ranks + 1)
      leave(
        tree: workers[0].tree, lo: lo, positions: 0..<m, ranks: ranks, rankOf: rank, influence: influence,
        cumulative: &cumulative)
    }
    return (0..<5).map { workers[1].counts[$0] + workers[0].counts[$0] }
  }

  /// The sweep of block positions `positions` (rows lo + k) from the
  /// largest time down, on a tree that holds the rows of larger times:
  /// writes the first half of each row's influence and returns its counts.
  // swiftlint:disable:next function_parameter_count function_body_length
  @inline(__always)
  static func sweep<Scalar: FenwickScalar>(
    tree: inout PairFenwickTree<Scalar>, lo: Int, positions: Range<Int>, time: UnsafeBufferPointer<Double>,
    status: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>,
    rankOf: UnsafeBufferPointer<Int32>, influence: UnsafeMutableBufferPointer<Double>, deaths: inout [Int]
  ) -> [Double] {
    var c0 = 0.0, c1 = 0.0, c2 = 0.0, c3 = 0.0, c4 = 0.0
    let first = positions.lowerBound
    var upper = positions.upperBound
    while upper > first {
      let t = time[lo + upper - 1]
      var lower = upper - 1
      while lower > first && time[lo + lower - 1] == t { lower -= 1 }
      // The censored rows of this time enter first: they are at risk for
      // its deaths, and every death of this time is their comparator.
      deaths.removeAll(keepingCapacity: true)
      for k in lower..<upper {
        let row = lo + k
        if status[row] != 0 {
          deaths.append(k)
          continue
        }
        let rank = Int(rankOf[k])
        let q = tree.query(rank)
        influence[3 * row] = -q.deathLess
        influence[3 * row + 1] = -(tree.deathTotal - q.deathLess - q.deathEqual)
        influence[3 * row + 2] = -q.deathEqual
        tree.add(rank, risk: weights[row], death: 0)
      }
      if deaths.isEmpty {
        upper = lower
        continue
      }
      // The deaths by rank, so the same-time pairs below and at each one
      // are running sums.
      if deaths.count > 1 {
        if deaths.count <= 32 {
          for j in 1..<deaths.count {
            let v = deaths[j]
            var i = j
            while i > 0 && rankOf[deaths[i - 1]] > rankOf[v] {
              deaths[i] = deaths[i - 1]
              i -= 1
            }
            deaths[i] = v
          }
        } else {
          deaths.sort { rankOf[$0] != rankOf[$1] ? rankOf[$0] < rankOf[$1] : $0 < $1 }
        }
      }
      var timeWeight = 0.0
      for k in deaths { timeWeight += weights[lo + k] }
      let riskTotal = tree.riskTotal
      let deathTotal = tree.deathTotal + timeWeight
      var below = 0.0
      var g = 0
      while g < deaths.count {
        let rank = Int(rankOf[deaths[g]])
        var h = g
        var groupWeight = 0.0
        while h < deaths.count && Int(rankOf[deaths[h]]) == rank {
          groupWeight += weights[lo + deaths[h]]
          h += 1
        }
        // The tree does not change within the time: one query per rank.
        let q = tree.query(rank)
        let riskGreater = riskTotal - q.riskLess - q.riskEqual
        let deathLess = q.deathLess + below
        let deathEqual = q.deathEqual + groupWeight
        let deathGreater = deathTotal - deathLess - deathEqual
        var earlier = 0.0
        for k in deaths[g..<h] {
          let row = lo + k
          let w = weights[row]
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
      for k in deaths {
        let w = weights[lo + k]
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
      for k in positions {
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

/// One worker's tree, death list and counts in `ConcordanceRankSweep.runSplit`.
/// Unchecked `Sendable`: worker w alone touches `workers[w]` during the
/// `concurrentPerform`, and the caller reads it only after the join.
final class ConcordanceSweepWorker<Scalar: FenwickScalar>: @unchecked Sendable {
  var tree: PairFenwickTree<Scalar>
  var deaths: [Int] = []
  var counts: [Double] = []

  init(size: Int) { tree = PairFenwickTree<Scalar>(size: size) }
}
