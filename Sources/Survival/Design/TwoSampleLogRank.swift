import Foundation

/// The two-sample weighted log-rank statistic on contiguous buffers, for
/// power by simulation: one integer sort and one pass, no allocation after
/// the scratch is sized.
///
/// Rows are sorted (LSD radix, `SmallSorts`) by a 64-bit key: the time's IEEE bits (times are ≥ 0, so
/// the bits sort as the numbers) with the low two bits replaced by the event
/// flag and the group, so an integer sort orders by time and ties are
/// grouped by the remaining 62 bits (times within 4 ulps count as tied, far
/// below any simulated resolution). Then, over distinct times with n at risk
/// (n₁ in group 1), d events (d₁ in group 1) and Fleming–Harrington weight
/// w = Ŝ(t−)^ρ (1 − Ŝ(t−))^γ from the pooled Kaplan–Meier:
///
///     U = Σ w (d₁ − d n₁/n),   V = Σ w² d (n − d) n₁ (n − n₁) / (n² (n − 1))
///
/// z = U/√V (negative when group 1 has fewer events than expected), as
/// survdiff (ρ = γ = 0) and survival's `survdiff(rho =)` for γ = 0.
public struct TwoSampleLogRank {
  public struct Result: Sendable, Equatable {
    public let observedMinusExpected: Double
    public let variance: Double
    public let events: Int
    public var z: Double { variance > 0 ? observedMinusExpected / variance.squareRoot() : .nan }
    public var chisq: Double { z * z }
    public var p: Double { Normal.twoSidedP(z) }
  }

  var keys: [UInt64] = []
  var scratch: [UInt64] = []
  /// Scratch of `TwoArmAnalyses`: per event time n₀, n₁, d₀, d₁, its time, and one arm's curve.
  var risk: [Double] = []
  var blockTime: [Double] = []
  var curve: [Double] = []

  public init() {}

  /// Fills `keys` with the rows sorted by time (see the type's comment);
  /// returns the number of rows in group 1.
  mutating func sortKeys(
    time: UnsafeBufferPointer<Double>, event: UnsafeBufferPointer<Int32>, group: UnsafeBufferPointer<Int32>
  ) -> Int {
    keys.removeAll(keepingCapacity: true)
    keys.reserveCapacity(time.count)
    var count1 = 0
    for i in 0..<time.count {
      let g = UInt64(group[i] & 1)
      count1 += Int(g)
      let e = UInt64(event[i] & 1)
      keys.append((max(time[i], 0).bitPattern & ~3) | (e << 1) | g)
    }
    SmallSorts.radixSort(&keys, scratch: &scratch)
    return count1
  }

  /// `group` is 0 or 1 per row; `event` 0 or 1.
  public mutating func test(
    time: UnsafeBufferPointer<Double>, event: UnsafeBufferPointer<Int32>, group: UnsafeBufferPointer<Int32>,
    rho: Double = 0, gamma: Double = 0
  ) -> Result {
    let n = time.count
    var atRisk1 = sortKeys(time: time, event: event, group: group)
    var atRisk = n
    var u = 0.0
    var v = 0.0
    var survival = 1.0
    var totalEvents = 0
    let weighted = rho != 0 || gamma != 0
    var i = 0
    while i < n {
      let block = keys[i] >> 2
      var d = 0
      var d1 = 0
      var m = 0
      var m1 = 0
      var j = i
      while j < n && keys[j] >> 2 == block {
        let k = keys[j]
        let g = Int(k & 1)
        let e = Int((k >> 1) & 1)
        d += e
        d1 += e & g
        m += 1
        m1 += g
        j += 1
      }
      if d > 0 {
        let nn = Double(atRisk)
        let n1 = Double(atRisk1)
        let dd = Double(d)
        var w = 1.0
        if weighted { w = pow(survival, rho) * pow(1 - survival, gamma) }
        u += w * (Double(d1) - dd * n1 / nn)
        if atRisk > 1 { v += w * w * dd * (nn - dd) * n1 * (nn - n1) / (nn * nn * (nn - 1)) }
        survival *= 1 - dd / nn
        totalEvents += d
      }
      atRisk -= m
      atRisk1 -= m1
      i = j
    }
    return Result(observedMinusExpected: u, variance: v, events: totalEvents)
  }
}
