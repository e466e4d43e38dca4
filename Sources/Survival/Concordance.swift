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
    let n = time.count
    // Ranks of the predictor (0-based, ties share a rank).
    let byValue = (0..<n).sorted { predictor[$0] < predictor[$1] }
    var rank = [Int](repeating: 0, count: n)
    var ranks = 0
    for (k, i) in byValue.enumerated() {
      if k > 0 && predictor[i] != predictor[byValue[k - 1]] { ranks += 1 }
      rank[i] = ranks
    }
    ranks += 1
    // Processing order: stratum, time descending, censored before events,
    // events by predictor (so tied.xy groups are contiguous).
    let order = (0..<n).sorted { a, b in
      if strata[a] != strata[b] { return strata[a] < strata[b] }
      if time[a] != time[b] { return time[a] > time[b] }
      if status[a] != status[b] { return status[a] < status[b] }
      if rank[a] != rank[b] { return rank[a] < rank[b] }
      return a < b
    }
    let startOrder: [Int]? = start.map { s in
      (0..<n).sorted { a, b in
        if strata[a] != strata[b] { return strata[a] < strata[b] }
        if s[a] != s[b] { return s[a] > s[b] }
        return a < b
      }
    }

    var atRisk = FenwickTree(size: ranks)
    var deaths = FenwickTree(size: ranks)
    var influence = [Double](repeating: 0, count: 3 * n)  // concordant, discordant, tied.x
    var counts = [Double](repeating: 0, count: 5)
    var inTree = [Bool](repeating: false, count: n)

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
      inTree[i] = true
    }

    var k = 0
    var removal = 0
    while k < n {
      let stratum = strata[order[k]]
      var stratumEnd = k
      while stratumEnd < n && strata[order[stratumEnd]] == stratum { stratumEnd += 1 }
      var stratumStartEnd = removal
      if startOrder != nil {
        while stratumStartEnd < n, let so = startOrder, strata[so[stratumStartEnd]] == stratum {
          stratumStartEnd += 1
        }
      }
      var i = k
      while i < stratumEnd {
        let row = order[i]
        if status[row] == 0 {
          enter(row)
          i += 1
          continue
        }
        let t = time[row]
        var blockEnd = i
        while blockEnd < stratumEnd && time[order[blockEnd]] == t { blockEnd += 1 }
        // Counting process: rows that entered at or after t are not at risk.
        if let s = start, let so = startOrder {
          while removal < stratumStartEnd && s[so[removal]] >= t {
            let r = so[removal]
            if inTree[r] {
              finish(r)
              atRisk.add(rank[r], -weights[r])
              inTree[r] = false
            }
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
      for j in k..<stratumEnd where inTree[order[j]] {
        finish(order[j])
        inTree[order[j]] = false
      }
      for j in k..<stratumEnd {
        atRisk.clear(rank[order[j]])
        deaths.clear(rank[order[j]])
      }
      removal = max(removal, stratumStartEnd)
      k = stratumEnd
    }
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
