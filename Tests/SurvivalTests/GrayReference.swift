import Foundation
import Testing
@testable import Survival

/// Gray's test by the straightforward O(D·K³) algorithm (cmprsk's `crst`
/// step by step, as `GrayTest` computed it before the O(K²)-per-time
/// kernel), kept here as the reference for the fast kernel.
struct ReferenceGrayAccumulator {
  var s: [Double]
  var v: [Double]

  init(groups: Int) {
    s = [Double](repeating: 0, count: groups - 1)
    v = [Double](repeating: 0, count: (groups - 1) * (groups - 1))
  }
}

/// Score and variance of one cause by the reference scan; `group` must use
/// every code 0..<k, `strata` 0..<s.
func referenceGray(time: [Double], status: [Int], group: [Int], strata: [Int], cause: Int, rho: Double)
  -> (score: [Double], variance: [Double])
{
  let ng = (group.max() ?? 0) + 1
  let ns = (strata.max() ?? 0) + 1
  var total = ReferenceGrayAccumulator(groups: ng)
  for s in 0..<ns {
    let rows = time.indices.filter { strata[$0] == s }
    guard !rows.isEmpty else { continue }
    var rs = [Int](repeating: 0, count: ng)
    for i in rows { rs[group[i]] += 1 }
    var scan = ReferenceGrayScan(groups: ng, rho: rho)
    for t in Set(rows.map { time[$0] }).sorted() {
      var d1 = [Int](repeating: 0, count: ng)
      var d2 = [Int](repeating: 0, count: ng)
      var leaving = [Int](repeating: 0, count: ng)
      for i in rows where time[i] == t {
        leaving[group[i]] += 1
        if status[i] == cause { d1[group[i]] += 1 } else if status[i] != 0 { d2[group[i]] += 1 }
      }
      if d1.contains(where: { $0 > 0 }) || d2.contains(where: { $0 > 0 }) {
        _ = scan.step(rs: rs, d1: d1, d2: d2, poll: KernelPoll())
        scan.advance()
      }
      for g in 0..<ng { rs[g] -= leaving[g] }
    }
    _ = scan.finish(into: &total, poll: KernelPoll())
  }
  return (total.s, total.v)
}

/// One cause's scan through one stratum (the mathematics of cmprsk's
/// `crst`): per-group left-continuous cumulative incidence (f1m) and
/// all-cause Kaplan–Meier (skmm), the pooled F̂ (fm), the score, and the
/// pieces (v2, v3, c) of Gray's variance, which `finish` combines.
struct ReferenceGrayScan {
  let ng: Int
  let rho: Double
  var f1m: [Double]
  var f1: [Double]
  var skmm: [Double]
  var skm: [Double]
  var v3: [Double]
  var v2: [Double]  // (ng−1) × ng, v2[i*ng + k]
  var c: [Double]
  var a: [Double]
  var vs: [Double]  // (ng−1)², lower triangle used
  var ss: [Double]
  var fm = 0.0
  var f = 0.0

  init(groups ng: Int, rho: Double) {
    self.ng = ng
    self.rho = rho
    f1m = [Double](repeating: 0, count: ng)
    f1 = f1m
    skmm = [Double](repeating: 1, count: ng)
    skm = skmm
    v3 = [Double](repeating: 0, count: ng)
    v2 = [Double](repeating: 0, count: (ng - 1) * ng)
    c = [Double](repeating: 0, count: ng * ng)
    a = [Double](repeating: 0, count: ng * ng)
    vs = [Double](repeating: 0, count: (ng - 1) * (ng - 1))
    ss = [Double](repeating: 0, count: ng - 1)
  }

  /// Multiply-adds since the last poll.
  var work = 0

  /// A time with events: `rs` at risk per group, `d1` events of the cause
  /// and `d2` of other causes per group. The variance update costs O(K³)
  /// (K² per group at risk), so it polls by work done; false when `poll`
  /// saw a stop (the scan is then abandoned half-way).
  mutating func step(rs: [Int], d1: [Int], d2: [Int], poll: KernelPoll) -> Bool {
    let ng = self.ng
    let ng1 = ng - 1
    var nd1 = 0
    for j in 0..<ng { nd1 += d1[j] }
    var nd2 = 0
    for j in 0..<ng { nd2 += d2[j] }
    var tr = 0.0
    var tq = 0.0
    for j in 0..<ng where rs[j] > 0 {
      let r = Double(rs[j])
      skm[j] = skmm[j] * (r - Double(d1[j] + d2[j])) / r
      f1[j] = f1m[j] + (skmm[j] * Double(d1[j])) / r
      tr += r / skmm[j]
      tq += r * (1 - f1m[j]) / skmm[j]
    }
    f = fm + Double(nd1) / tr
    let fb = pow(1 - fm, rho)
    for i in 0..<ng {
      for j in i..<ng { a[i * ng + j] = 0 }
      guard rs[i] > 0 else { continue }
      let t1 = Double(rs[i]) / skmm[i]
      a[i * ng + i] = fb * t1 * (1 - t1 / tr)
      if a[i * ng + i] != 0 { c[i * ng + i] += a[i * ng + i] * Double(nd1) / (tr * (1 - fm)) }
      for j in (i + 1)..<max(i + 1, ng) where rs[j] > 0 {
        a[i * ng + j] = -fb * t1 * Double(rs[j]) / (skmm[j] * tr)
        if a[i * ng + j] != 0 { c[i * ng + j] += a[i * ng + j] * Double(nd1) / (tr * (1 - fm)) }
      }
    }
    for i in 1..<ng {
      for j in 0..<i {
        a[i * ng + j] = a[j * ng + i]
        c[i * ng + j] = c[j * ng + i]
      }
    }
    for i in 0..<ng1 where rs[i] > 0 {
      ss[i] += fb * (Double(d1[i]) - Double(nd1) * Double(rs[i]) * (1 - f1m[i]) / (skmm[i] * tq))
    }
    work &+= 2 * ng * ng
    var column = [Double](repeating: 0, count: ng1)
    if nd1 > 0 {
      for k in 0..<ng where rs[k] > 0 {
        work &+= ng1 * ng1 / 2 + ng1
        if work > KernelPoll.interval {
          work = 0
          if poll.stopRequested() { return false }
        }
        let t4 = skm[k] > 0 ? 1 - (1 - f) / skm[k] : 1
        let t5 = nd1 > 1 ? 1 - Double(nd1 - 1) / (tr * skmm[k] - 1) : 1
        let t3 = t5 * skmm[k] * Double(nd1) / (tr * Double(rs[k]))
        v3[k] += t4 * t4 * t3
        // Column k of a − t4·c, read along row k (a and c are exactly
        // symmetric), so that the O(K²) update below runs over contiguous
        // memory; the products are the same as cmprsk's, in the same order.
        for j in 0..<ng1 { column[j] = a[k * ng + j] - t4 * c[k * ng + j] }
        Self.addOuter(column, ng1: ng1, scale: t3, into: &vs)
        for i in 0..<ng1 { v2[i * ng + k] += column[i] * t4 * t3 }
      }
    }
    if nd2 > 0 {
      for k in 0..<ng where skm[k] > 0 && d2[k] > 0 {
        work &+= ng1 * ng1 / 2 + ng1
        if work > KernelPoll.interval {
          work = 0
          if poll.stopRequested() { return false }
        }
        let t4 = (1 - f) / skm[k]
        let t5 = d2[k] > 1 ? 1 - Double(d2[k] - 1) / (Double(rs[k]) - 1) : 1
        let t6 = Double(rs[k])
        let t3 = t5 * ((skmm[k] * skmm[k]) * Double(d2[k])) / (t6 * t6)
        v3[k] += t4 * t4 * t3
        for j in 0..<ng1 { column[j] = t4 * c[k * ng + j] }
        Self.addOuter(column, ng1: ng1, scale: t3, into: &vs)
        for i in 0..<ng1 { v2[i * ng + k] -= column[i] * t4 * t3 }
      }
    }
    return true
  }

  /// vs[i][j] += (x[i]·x[j])·scale for j ≤ i < ng1 (lower triangle).
  private static func addOuter(_ x: [Double], ng1: Int, scale: Double, into vs: inout [Double]) {
    x.withUnsafeBufferPointer { x in
      vs.withUnsafeMutableBufferPointer { vs in
        for i in 0..<ng1 {
          let xi = x[i]
          let row = i &* ng1
          for j in 0...i { vs[row &+ j] += xi * x[j] * scale }
        }
      }
    }
  }

  /// Moves past a time: right-continuous values become the left limits.
  mutating func advance() {
    fm = f
    for j in 0..<ng {
      f1m[j] = f1[j]
      skmm[j] = skm[j]
    }
  }

  /// Adds this stratum's score and variance to `total` (O(K³), polled per
  /// row; false when `poll` saw a stop).
  func finish(into total: inout ReferenceGrayAccumulator, poll: KernelPoll) -> Bool {
    let ng1 = ng - 1
    var work = 0
    for i in 0..<ng1 {
      work &+= 3 * (i + 1) * ng
      if work > KernelPoll.interval {
        work = 0
        if poll.stopRequested() { return false }
      }
      for j in 0...i {
        var x = vs[i * ng1 + j]
        for k in 0..<ng {
          x += c[i * ng + k] * c[j * ng + k] * v3[k]
          x += c[i * ng + k] * v2[j * ng + k]
          x += c[j * ng + k] * v2[i * ng + k]
        }
        total.v[i * ng1 + j] += x
        if i != j { total.v[j * ng1 + i] += x }
      }
      total.s[i] += ss[i]
    }
    return true
  }
}
