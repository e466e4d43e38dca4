import Foundation

/// Harrell's concordance between a predictor and a (possibly stratified,
/// weighted, counting-process) survival outcome, with its infinitesimal-
/// jackknife standard error, as R `survival` 3.5 `concordancefit` with
/// `timewt = "n"`, `timefix = FALSE` (what `coxph` stores in `fit$concordance`).
///
/// A pair is comparable when one member i has an event at t_i and the other
/// j is still at risk then (T_j > t_i, or censored at t_i; for
/// `(start, stop]` data also start_j < t_i), within a stratum. With case
/// weights w the counts are Σ w_i w_j over comparable pairs: concordant when
/// the one who fails first has the larger predictor (with `reverse`, as for
/// a Cox linear predictor; without, the smaller), discordant when it has
/// the smaller, tied.x when the predictors are equal; tied.y counts pairs of
/// events at the same time (predictors unequal), tied.xy those also tied on
/// the predictor. C = (concordant + tied.x/2) / (concordant + discordant + tied.x).
///
/// Standard error: each row's influence on the three counts is summed over
/// the pairs it belongs to; the dfbeta of Somers' d, (I_c − I_d − (I_c +
/// I_d + I_t) · d) · w / (2 · npair), is summed within clusters, and
/// var(C) = Σ dfbeta². Risk sets are kept in Fenwick trees over the ranks
/// of the predictor, so the cost is O(n log n).
public struct Concordance: Sendable, Equatable {
  public let concordant: Double
  public let discordant: Double
  public let tiedX: Double
  public let tiedY: Double
  public let tiedXY: Double
  /// The concordance C.
  public let concordance: Double
  /// √var(C), the infinitesimal-jackknife standard error.
  public let standardError: Double

  /// Computes the concordance from rows in any order.
  /// - Parameters:
  ///   - status: 1 = event, 0 = censored.
  ///   - start: entry times for counting-process data.
  ///   - reverse: true when a larger predictor means shorter survival (Cox risk scores).
  public static func compute(
    time: [Double], status: [Double], predictor: [Double], start: [Double]? = nil,
    weights: [Double]? = nil, strata: [Int]? = nil, cluster: [Int]? = nil, reverse: Bool = false
  ) throws -> Concordance {
    let n = time.count
    for (name, count) in [
      ("status", status.count), ("predictor", predictor.count), ("start", start?.count ?? n),
      ("weights", weights?.count ?? n), ("strata", strata?.count ?? n),
      ("cluster", cluster?.count ?? n),
    ] where count != n {
      throw CoxInputError("\(name) has \(count) values but time has \(n)")
    }
    if predictor.contains(where: { !$0.isFinite }) || time.contains(where: { !$0.isFinite }) {
      throw CoxInputError("concordance needs finite times and predictor values")
    }
    try SurvivalInputError.checkRowCount(n)
    return compute(
      time: time, status: status, start: start, predictor: predictor,
      weights: weights ?? [Double](repeating: 1, count: n),
      strata: strata ?? [Int](repeating: 0, count: n),
      cluster: cluster, reverse: reverse)
  }

  static func compute(
    time: [Double], status: [Double], start: [Double]?, predictor: [Double], weights: [Double],
    strata: [Int], cluster: [Int]?, reverse: Bool
  ) -> Concordance {
    guard let start = start else {
      // Right-censored: into (stratum, time) order for the rank sweep.
      let sorted = RowOrder.sorted(strata: strata, key: time, descending: false)
      let rows = sorted.rows
      var blocks: [Range<Int>] = []
      for b in 0..<(sorted.blockStart.count - 1) where sorted.blockStart[b] < sorted.blockStart[b + 1] {
        blocks.append(sorted.blockStart[b]..<sorted.blockStart[b + 1])
      }
      return rightCensored(
        time: sorted.keys, status: rows.map { status[$0] }, predictor: rows.map { predictor[$0] },
        weights: rows.map { weights[$0] }, blocks: blocks,
        cluster: cluster.map { c in rows.map { c[$0] } }, reverse: reverse)
    }
    let stopOrder = RowOrder.order(strata: strata, key: time, descending: true)
    let startOrder = RowOrder.order(strata: strata, key: start, descending: true)
    return compute(
      time: time, status: status, start: start, predictor: predictor, weights: weights,
      strata: strata, cluster: cluster, reverse: reverse, stopOrder: stopOrder,
      startOrder: startOrder)
  }

  /// Right-censored data already sorted by stratum, then time ascending
  /// (`blocks` are the strata): the rank sweep (`ConcordanceRankSweep`).
  ///
  /// `scratch`, when it holds at least `scratchDoubles(n)`, is memory of
  /// the caller's that is dead until this returns (a Cox fit's sorted
  /// covariates, already mapped): the influence (24 bytes a row) and the
  /// rank split's ranks and sort items go there rather than into fresh
  /// pages, each of which costs a fault and zeroing (about 1 ns a byte on
  /// the bench machine: 0.6 s of CPU at 10⁷ rows). The numbers are the same.
  static func rightCensored<Status: CoxStatusCode>(
    time: [Double], status: [Status], predictor: [Double], weights: [Double],
    blocks: [Range<Int>], cluster: [Int]?, reverse: Bool, parallelThreshold: Int = 20_000,
    scratch: UnsafeMutableBufferPointer<Double>? = nil
  ) -> Concordance {
    let n = time.count
    if let scratch, n > 0, scratch.count >= scratchDoubles(n) {
      let influence = UnsafeMutableBufferPointer(rebasing: scratch[0..<(3 * n)])
      let counts = ConcordanceRankSweep.compute(
        time: time, status: status, predictor: predictor, weights: weights, blocks: blocks,
        parallelThreshold: parallelThreshold, influence: influence, rankSpace: scratch)
      return finish(
        counts: counts, influence: UnsafeBufferPointer(influence), weights: weights, cluster: cluster,
        reverse: reverse)
    }
    let (counts, influence) = ConcordanceRankSweep.compute(
      time: time, status: status, predictor: predictor, weights: weights, blocks: blocks,
      parallelThreshold: parallelThreshold)
    return finish(
      counts: counts, influence: influence, weights: weights, cluster: cluster, reverse: reverse)
  }

  /// The Doubles of scratch `rightCensored(scratch:)` uses for n rows.
  static func scratchDoubles(_ n: Int) -> Int { ConcordanceRankSplit.rankSpaceDoubles(n) }

  /// The tree sweep over rows in any order, for counting-process data (and,
  /// with `start` nil, a second right-censored method the tests compare the
  /// rank sweep with). `stopOrder` lists the rows by stratum (ascending),
  /// time descending; `startOrder`, for counting-process data, by stratum
  /// (ascending), start descending. Strata are independent, so they are
  /// shared between two workers when the data are large.
  static func compute(
    time: [Double], status: [Double], start: [Double]?, predictor: [Double], weights: [Double],
    strata: [Int], cluster: [Int]?, reverse: Bool, stopOrder: [Int], startOrder: [Int]?,
    parallelThreshold: Int = 20_000
  ) -> Concordance {
    let n = time.count
    // Ranks of the predictor within each stratum (ties share a rank).
    var rank = [Int](repeating: 0, count: n)
    // The sort returns the sorted values and the stratum boundaries, so
    // ties are found by reading neighbours, not by gathering.
    let byValue = RowOrder.sorted(strata: strata, key: predictor, descending: false)
    byValue.rows.withUnsafeBufferPointer { rows in
      byValue.keys.withUnsafeBufferPointer { keys in
        rank.withUnsafeMutableBufferPointer { r in
          for b in 0..<(byValue.blockStart.count - 1) {
            let lower = byValue.blockStart[b], upper = byValue.blockStart[b + 1]
            var current = 0
            for k in lower..<upper {
              if k > lower && keys[k] != keys[k - 1] { current += 1 }
              r[rows[k]] = current
            }
          }
        }
      }
    }
    // n ≤ SurvivalInputError.rowLimit (checked by `compute` and `CoxModel.fit`): indices fit 31 bits.
    var order = stopOrder
    var keys = [UInt64]()
    order.withUnsafeMutableBufferPointer { o in
      time.withUnsafeBufferPointer { tm in
        var k = 0
        while k < n {
          var e = k + 1
          while e < n && tm[o[e]] == tm[o[k]] && strata[o[e]] == strata[o[k]] { e += 1 }
          if e - k > 1 {
            keys.removeAll(keepingCapacity: true)
            for j in k..<e {
              let a = o[j]
              keys.append(UInt64(status[a] == 0 ? 0 : 1) << 63 | UInt64(rank[a]) << 32 | UInt64(a))
            }
            if keys.count <= 16 {
              for j in 1..<keys.count {
                let v = keys[j]
                var m = j
                while m > 0 && keys[m - 1] > v {
                  keys[m] = keys[m - 1]
                  m -= 1
                }
                keys[m] = v
              }
            } else {
              keys.sort()
            }
            for j in k..<e { o[j] = Int(keys[j - k] & 0xFFFF_FFFF) }
          }
          k = e
        }
      }
    }
    // Stratum blocks (the same positions in both orders).
    var k = 0
    var blocks: [Range<Int>] = []
    k = 0
    while k < n {
      var e = k + 1
      while e < n && strata[order[e]] == strata[order[k]] { e += 1 }
      blocks.append(k..<e)
      k = e
    }
    var influence = [Double](repeating: 0, count: 3 * n)
    let workers = n >= parallelThreshold && blocks.count > 1 ? 2 : 1
    var assignment = [[Range<Int>]](repeating: [], count: workers)
    var load = [Int](repeating: 0, count: workers)
    for block in blocks.sorted(by: { $0.count > $1.count }) {
      let w = load[0] <= load[workers - 1] ? 0 : workers - 1
      assignment[w].append(block)
      load[w] += block.count
    }
    var partial = [[Double]](repeating: [0, 0, 0, 0, 0], count: workers)
    // Worker w writes its own partial[w] and the influence of its strata's rows.
    influence.withUnsafeMutableBufferPointer { infl in
      let inflBase = DisjointWrites(infl)
      let assignment = assignment, order = order, rank = rank
      partial.withUnsafeMutableBufferPointer { partialCounts in
        let countsBase = DisjointWrites(partialCounts)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
          countsBase[w] = ConcordanceWorker.run(
            blocks: assignment[w], order: order, startOrder: startOrder, time: time,
            status: status, start: start, rank: rank, weights: weights, influence: inflBase.buffer)
        }
      }
    }
    var counts = [Double](repeating: 0, count: 5)
    for w in 0..<workers { for c in 0..<5 { counts[c] += partial[w][c] } }
    return finish(
      counts: counts, influence: influence, weights: weights, cluster: cluster, reverse: reverse)
  }

  /// C and its standard error from the five counts (tied.y still including
  /// tied.xy) and the per-row influence (3 per row: concordant, discordant,
  /// tied on the predictor).
  static func finish(
    counts raw: [Double], influence: [Double], weights: [Double], cluster: [Int]?, reverse: Bool
  ) -> Concordance {
    influence.withUnsafeBufferPointer { influence in
      finish(counts: raw, influence: influence, weights: weights, cluster: cluster, reverse: reverse)
    }
  }

  /// `finish` with the influence in a buffer.
  static func finish(
    counts raw: [Double], influence: UnsafeBufferPointer<Double>, weights: [Double], cluster: [Int]?,
    reverse: Bool
  ) -> Concordance {
    // Empty weights are all 1 (a compact Cox fit's).
    let n = influence.count / 3
    let weighted = !weights.isEmpty
    var counts = raw
    counts[3] -= counts[4]

    let npair = counts[0] + counts[1] + counts[2]
    let somers = (counts[0] - counts[1]) / npair
    func dfbeta(_ i: Int) -> Double {
      let c = influence[3 * i]
      let d = influence[3 * i + 1]
      let t = influence[3 * i + 2]
      let value = (c - d) - (c + d + t) * somers
      return (weighted ? value * weights[i] : value) / (2 * npair)
    }
    var variance = 0.0
    if let cluster = cluster {
      var sums: [Int: Double] = [:]
      for i in 0..<n { sums[cluster[i], default: 0] += dfbeta(i) }
      for value in sums.values { variance += value * value }
    } else {
      // Summed as they come (no n-element array: 80 MB at 10⁷ rows).
      for i in 0..<n {
        let value = dfbeta(i)
        variance += value * value
      }
    }
    return make(counts: counts, somers: somers, variance: variance, reverse: reverse)
  }

  /// The concordance from the sweep's counts (tied.y already net of
  /// tied.xy), Somers' d and var(C).
  static func make(counts: [Double], somers: Double, variance: Double, reverse: Bool) -> Concordance {
    let c = (somers + 1) / 2
    if reverse {
      return Concordance(
        concordant: counts[1], discordant: counts[0], tiedX: counts[2], tiedY: counts[3],
        tiedXY: counts[4], concordance: 1 - c, standardError: variance.squareRoot())
    }
    return Concordance(
      concordant: counts[0], discordant: counts[1], tiedX: counts[2], tiedY: counts[3],
      tiedXY: counts[4], concordance: c, standardError: variance.squareRoot())
  }
}

/// One worker's share of the strata: counts and per-row influence.
///
/// The risk set and the events seen so far live in one Fenwick tree of
/// (at-risk weight, event weight) pairs over the predictor ranks, so a row
/// costs two tree walks: a query when it enters and an update. A row's
/// influence as a comparator is the event weight that arrives while it is
/// at risk: the event tree at its exit minus at its entry. Exits at the end
/// of a stratum read a prefix-sum table instead of the tree.
enum ConcordanceWorker {
  // swiftlint:disable:next function_parameter_count
  static func run(
    blocks: [Range<Int>], order: [Int], startOrder: [Int]?, time: [Double], status: [Double],
    start: [Double]?, rank: [Int], weights: [Double],
    influence: UnsafeMutableBufferPointer<Double>
  ) -> [Double] {
    var counts = [Double](repeating: 0, count: 5)
    let size = (blocks.map(\.count).max() ?? 0)
    var tree = PairFenwickTree<Double>(size: size)
    var cumulative = [Double](repeating: 0, count: size + 1)
    var exited = [Bool](repeating: false, count: start == nil ? 0 : time.count)
    for block in blocks {
      tree.reset(size: block.count)
      var removal = block.lowerBound
      var i = block.lowerBound
      while i < block.upperBound {
        let row = order[i]
        if status[row] == 0 {
          let q = tree.query(rank[row])
          influence[3 * row] -= q.deathLess
          influence[3 * row + 1] -= tree.deathTotal - q.deathLess - q.deathEqual
          influence[3 * row + 2] -= q.deathEqual
          tree.add(rank[row], risk: weights[row], death: 0)
          i += 1
          continue
        }
        let t = time[row]
        var blockEnd = i
        while blockEnd < block.upperBound && time[order[blockEnd]] == t { blockEnd += 1 }
        // Counting process: rows that entered at or after t are not at risk.
        if let s = start, let so = startOrder {
          while removal < block.upperBound && s[so[removal]] >= t {
            let r = so[removal]
            let q = tree.query(rank[r])
            influence[3 * r] += q.deathLess
            influence[3 * r + 1] += tree.deathTotal - q.deathLess - q.deathEqual
            influence[3 * r + 2] += q.deathEqual
            tree.add(rank[r], risk: -weights[r], death: 0)
            exited[r] = true
            removal += 1
          }
        }
        // The events of this time, in rank order: their own weights below,
        // at and above each one, for tied.y and for their entry influence.
        var blockWeight = 0.0
        for j in i..<blockEnd { blockWeight += weights[order[j]] }
        var below = 0.0
        var groupStart = i
        while groupStart < blockEnd {
          var groupEnd = groupStart
          var groupWeight = 0.0
          while groupEnd < blockEnd && rank[order[groupEnd]] == rank[order[groupStart]] {
            groupWeight += weights[order[groupEnd]]
            groupEnd += 1
          }
          var earlier = 0.0
          for j in groupStart..<groupEnd {
            let d = order[j]
            let w = weights[d]
            let q = tree.query(rank[d])
            let riskGreater = tree.riskTotal - q.riskLess - q.riskEqual
            counts[0] += w * riskGreater
            counts[1] += w * q.riskLess
            counts[2] += w * q.riskEqual
            influence[3 * d] += riskGreater
            influence[3 * d + 1] += q.riskLess
            influence[3 * d + 2] += q.riskEqual
            // Entry as a comparator, after this time's events are counted.
            let deathLess = q.deathLess + below
            let deathEqual = q.deathEqual + groupWeight
            let deathTotal = tree.deathTotal + blockWeight
            influence[3 * d] -= deathLess
            influence[3 * d + 1] -= deathTotal - deathLess - deathEqual
            influence[3 * d + 2] -= deathEqual
            counts[3] += w * (below + earlier)
            counts[4] += w * earlier
            earlier += w
          }
          below += groupWeight
          groupStart = groupEnd
        }
        for j in i..<blockEnd {
          let d = order[j]
          tree.add(rank[d], risk: weights[d], death: weights[d])
        }
        i = blockEnd
      }
      // Exit of everyone still at risk: the final event tree as prefix sums.
      let m = block.count
      tree.deathPrefixSums(into: &cumulative, count: m)
      for j in block {
        let r = order[j]
        if !exited.isEmpty && exited[r] { continue }
        let less = cumulative[rank[r]]
        let equal = cumulative[rank[r] + 1] - less
        influence[3 * r] += less
        influence[3 * r + 1] += cumulative[m] - less - equal
        influence[3 * r + 2] += equal
      }
    }
    return counts
  }
}
