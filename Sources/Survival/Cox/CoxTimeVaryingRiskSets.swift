import Foundation
import RunControl

/// The risk sets of a Cox model whose covariates change with time through
/// a function of time (R's `coxph(..., tt = f)`), without R's expansion.
///
/// R fits such a model on expanded data: one row per subject per event
/// time at which it is at risk (within its stratum), all covariates
/// copied, each event time its own stratum (`survival:::coxcount1` and
/// `coxcount2`). Here the subjects stay as they are; a *pair* (event time
/// s, subject i at risk at s) is only an index, and the only per-pair data
/// a fit stores are the transformed covariates (`CoxTimeVaryingModel`).
///
/// The subjects are sorted once by (stratum, time). For `Surv(time, event)`
/// data the risk set at an event time t of a stratum is the suffix of that
/// stratum's sorted subjects with time ≥ t: sets are (first, end) ranges
/// of sorted positions and no member list is kept. For `Surv(start, stop,
/// event)` data the suffix is filtered by start < t, and the members are
/// kept as a compact list (4 bytes per pair, charged to the memory budget).
/// The pairs are numbered set by set, members in sorted order: pair r of
/// set s is `pairStart[s] + k` for its k-th member.
public struct CoxTimeVaryingRiskSets: Sendable {
  /// Subjects (rows of the model frame).
  public let n: Int
  /// The event time of each set, sets in (stratum, time) order.
  public let times: [Double]
  /// Pairs of set s: `pairStart[s]..<pairStart[s + 1]`.
  public let pairStart: [Int]
  /// Subjects sorted by (stratum, time), as R's `order(strata, time)`.
  let order: [Int]
  /// Right-censored data: the sorted positions of set s are `first[s]..<end[s]`.
  let first: [Int]
  let end: [Int]
  /// Counting-process data: the subject of each pair.
  let members: [UInt32]?
  /// Per subject: time and whether it has an event (to find the deaths of a set).
  let time: [Double]
  let event: [Bool]
  /// The members list's share of the run's memory budget.
  private let reservation: MemoryReservation?

  public var setCount: Int { times.count }
  public var pairCount: Int { pairStart.last ?? 0 }

  /// - Parameters:
  ///   - time: stop time of each subject (row).
  ///   - start: entry times for `Surv(start, stop, event)` data; at risk on (start, stop].
  ///   - event: whether the row ends in an event.
  ///   - strata: stratum index per row.
  public init(time: [Double], start: [Double]?, event: [Bool], strata: [Int]?) throws {
    let n = time.count
    if event.count != n { throw CoxInputError("event has \(event.count) values but time has \(n)") }
    if let start, start.count != n { throw CoxInputError("start has \(start.count) values but time has \(n)") }
    if let strata, strata.count != n { throw CoxInputError("strata has \(strata.count) values but time has \(n)") }
    try SurvivalInputError.checkRowCount(n)
    let stratum = strata ?? [Int](repeating: 0, count: n)
    let order = (0..<n).sorted { (stratum[$0], time[$0]) < (stratum[$1], time[$1]) }
    var times: [Double] = []
    var pairStart = [0]
    var first: [Int] = []
    var end: [Int] = []
    var members: [UInt32] = []
    var pairs = 0
    var blockStart = 0
    while blockStart < n {
      var blockEnd = blockStart
      while blockEnd < n, stratum[order[blockEnd]] == stratum[order[blockStart]] { blockEnd += 1 }
      var k = blockStart
      var lowest = blockStart  // first sorted position with time ≥ the event time
      while k < blockEnd {
        let t = time[order[k]]
        var hasEvent = false
        var j = k
        while j < blockEnd, time[order[j]] == t {
          if event[order[j]] { hasEvent = true }
          j += 1
        }
        if hasEvent {
          while time[order[lowest]] < t { lowest += 1 }
          try Cancellation.check()
          if let start {
            // n ≤ SurvivalInputError.rowLimit (checked above): subjects fit 32 bits.
            for r in lowest..<blockEnd where start[order[r]] < t {
              members.append(UInt32(truncatingIfNeeded: order[r]))
            }
            pairs = members.count
            try MemoryBudget.require(
              count: pairs, stride: MemoryLayout<UInt32>.stride,
              for: "the tt() risk sets (\(pairs) subjects at risk so far)")
          } else {
            pairs += blockEnd - lowest
          }
          times.append(t)
          pairStart.append(pairs)
          first.append(lowest)
          end.append(blockEnd)
        }
        k = j
      }
      blockStart = blockEnd
    }
    self.reservation = start == nil ? nil : try MemoryBudget.reserve(
      count: members.count, stride: MemoryLayout<UInt32>.stride,
      for: "the tt() risk sets (\(members.count) subjects at risk)")
    self.n = n
    self.times = times
    self.pairStart = pairStart
    self.order = order
    self.first = first
    self.end = end
    self.members = start == nil ? nil : members
    self.time = time
    self.event = event
  }

  /// The subjects at risk in set `s`, in pair order.
  public func subjects(of s: Int) -> [Int] {
    if let members { return members[pairStart[s]..<pairStart[s + 1]].map { Int($0) } }
    return Array(order[first[s]..<end[s]])
  }

  /// Calls `body(pair, subject)` for each member of set `s`, in pair order.
  @inline(__always)
  func forEachMember(of s: Int, _ body: (Int, Int) -> Void) {
    var pair = pairStart[s]
    if let members {
      members.withUnsafeBufferPointer { m in
        for r in pairStart[s]..<pairStart[s + 1] { body(r, Int(m[r])) }
      }
      return
    }
    order.withUnsafeBufferPointer { o in
      for k in first[s]..<end[s] {
        body(pair, o[k])
        pair += 1
      }
    }
  }

  /// Whether subject `i` of set `s` dies at the set's time.
  @inline(__always)
  func dies(_ i: Int, in s: Int) -> Bool { event[i] && time[i] == times[s] }

  /// The number of sets each subject belongs to (its rows in R's expansion).
  func membershipCounts() -> [Int] {
    var count = [Int](repeating: 0, count: n)
    if let members {
      for m in members { count[Int(m)] += 1 }
      return count
    }
    // Set s covers sorted positions first[s]..<end[s]: a difference array.
    var diff = [Int](repeating: 0, count: n + 1)
    for s in 0..<setCount {
      diff[first[s]] += 1
      diff[end[s]] -= 1
    }
    var running = 0
    for k in 0..<n {
      running += diff[k]
      count[order[k]] = running
    }
    return count
  }
}
