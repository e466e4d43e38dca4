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
    let stopOrder = RowOrder.order(strata: strata, key: time, descending: true)
    let startOrder = start.map { RowOrder.order(strata: strata, key: $0, descending: true) }
    return compute(
      time: time, status: status, start: start, predictor: predictor, weights: weights,
      strata: strata, cluster: cluster, reverse: reverse, stopOrder: stopOrder,
      startOrder: startOrder)
  }

  /// The core. `stopOrder` lists the rows by stratum (ascending), time
  /// descending; `startOrder`, for counting-process data, by stratum
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
    let byValue = RowOrder.order(strata: strata, key: predictor, descending: false)
    var current = -1
    for (k, i) in byValue.enumerated() {
      if k == 0 || strata[i] != strata[byValue[k - 1]] {
        current = 0
      } else if predictor[i] != predictor[byValue[k - 1]] {
        current += 1
      }
      rank[i] = current
    }
    // Processing order: within a tied time, censored rows first, then
    // events by predictor rank (tied.xy groups contiguous).
    var order = stopOrder
    var k = 0
    while k < n {
      var e = k + 1
      while e < n && time[order[e]] == time[order[k]] && strata[order[e]] == strata[order[k]] {
        e += 1
      }
      if e - k > 1 {
        order[k..<e].sort { a, b in
          if status[a] != status[b] { return status[a] < status[b] }
          if rank[a] != rank[b] { return rank[a] < rank[b] }
          return a < b
        }
      }
      k = e
    }
    // Stratum blocks (the same positions in both orders).
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
    influence.withUnsafeMutableBufferPointer { infl in
      let inflBase = infl
      partial.withUnsafeMutableBufferPointer { partialCounts in
        let countsBase = partialCounts
        DispatchQueue.concurrentPerform(iterations: workers) { w in
          countsBase[w] = ConcordanceWorker.run(
            blocks: assignment[w], order: order, startOrder: startOrder, time: time,
            status: status, start: start, rank: rank, weights: weights, influence: inflBase)
        }
      }
    }
    var counts = [Double](repeating: 0, count: 5)
    for w in 0..<workers { for c in 0..<5 { counts[c] += partial[w][c] } }
    counts[3] -= counts[4]

    let npair = counts[0] + counts[1] + counts[2]
    let somers = (counts[0] - counts[1]) / npair
    var dfbeta = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let c = influence[3 * i]
      let d = influence[3 * i + 1]
      let t = influence[3 * i + 2]
      dfbeta[i] = ((c - d) - (c + d + t) * somers) * weights[i] / (2 * npair)
    }
    var variance = 0.0
    if let cluster = cluster {
      var sums: [Int: Double] = [:]
      for i in 0..<n { sums[cluster[i], default: 0] += dfbeta[i] }
      for value in sums.values { variance += value * value }
    } else {
      for value in dfbeta { variance += value * value }
    }
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
enum ConcordanceWorker {
  // swiftlint:disable:next function_parameter_count
  static func run(
    blocks: [Range<Int>], order: [Int], startOrder: [Int]?, time: [Double], status: [Double],
    start: [Double]?, rank: [Int], weights: [Double],
    influence: UnsafeMutableBufferPointer<Double>
  ) -> [Double] {
    var counts = [Double](repeating: 0, count: 5)
    let size = (blocks.map(\.count).max() ?? 0)
    var atRisk = FenwickTree(size: size)
    var deaths = FenwickTree(size: size)
    // A row leaves the risk set: close its comparator influence.
    func finish(_ i: Int) {
      let d = deaths.query(rank[i])
      influence[3 * i] += d.less
      influence[3 * i + 1] += d.greater
      influence[3 * i + 2] += d.equal
    }
    func enter(_ i: Int) {
      let d = deaths.query(rank[i])
      influence[3 * i] -= d.less
      influence[3 * i + 1] -= d.greater
      influence[3 * i + 2] -= d.equal
      atRisk.add(rank[i], weights[i])
    }
    for block in blocks {
      var removal = block.lowerBound
      var removed = Set<Int>()
      var i = block.lowerBound
      while i < block.upperBound {
        let row = order[i]
        if status[row] == 0 {
          enter(row)
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
            finish(r)
            atRisk.add(rank[r], -weights[r])
            removed.insert(r)
            removal += 1
          }
        }
        var tiedWeight = 0.0
        var groupWeight = 0.0
        for j in i..<blockEnd {
          let d = order[j]
          let q = atRisk.query(rank[d])
          counts[0] += weights[d] * q.greater
          counts[1] += weights[d] * q.less
          counts[2] += weights[d] * q.equal
          influence[3 * d] += q.greater
          influence[3 * d + 1] += q.less
          influence[3 * d + 2] += q.equal
          counts[3] += weights[d] * tiedWeight
          tiedWeight += weights[d]
          if j > i && rank[d] != rank[order[j - 1]] { groupWeight = 0 }
          counts[4] += weights[d] * groupWeight
          groupWeight += weights[d]
        }
        for j in i..<blockEnd { deaths.add(rank[order[j]], weights[order[j]]) }
        for j in i..<blockEnd { enter(order[j]) }
        i = blockEnd
      }
      for j in block where !removed.contains(order[j]) { finish(order[j]) }
      for j in block {
        atRisk.clear(rank[order[j]])
        deaths.clear(rank[order[j]])
      }
    }
    return counts
  }
}

/// Sums of weights over predictor ranks: below, at and above a rank.
struct FenwickTree {
  private var tree: [Double]
  private var node: [Double]
  private(set) var total = 0.0

  init(size: Int) {
    tree = [Double](repeating: 0, count: size + 1)
    node = [Double](repeating: 0, count: size)
  }

  mutating func add(_ rank: Int, _ weight: Double) {
    node[rank] += weight
    total += weight
    var i = rank + 1
    while i < tree.count {
      tree[i] += weight
      i += i & -i
    }
  }

  /// Resets the entries touched by `rank` to exact zeros.
  mutating func clear(_ rank: Int) {
    node[rank] = 0
    total = 0
    var i = rank + 1
    while i < tree.count {
      tree[i] = 0
      i += i & -i
    }
  }

  func query(_ rank: Int) -> (less: Double, equal: Double, greater: Double) {
    var less = 0.0
    var i = rank
    while i > 0 {
      less += tree[i]
      i -= i & -i
    }
    let equal = node[rank]
    return (less, equal, total - less - equal)
  }
}
