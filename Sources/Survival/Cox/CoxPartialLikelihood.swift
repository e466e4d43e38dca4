import Foundation

/// The log partial likelihood of a Cox model with its score vector and
/// information matrix, for right-censored data with Breslow or Efron ties.
///
/// With risk scores r_i = w_i exp(η_i), η_i = x_iᵀβ + offset_i, and at each
/// distinct death time t within a stratum: R(t) the risk set {i: T_i ≥ t},
/// D(t) the d deaths, S0 = Σ_R r_i, S1 = Σ_R r_i x_i, S2 = Σ_R r_i x_i x_iᵀ
/// and their death-only parts E0, E1, E2, the mean weight of the deaths
/// w̄ = Σ_D w_i / d:
///
/// - Breslow: ℓ = Σ_t [Σ_D w_i η_i − Σ_D w_i · log S0],
///   U = Σ_t [Σ_D w_i x_i − Σ_D w_i · S1/S0],
///   I = Σ_t Σ_D w_i · (S2/S0 − S1 S1ᵀ/S0²).
/// - Efron: the d deaths are d successive events; in the k-th
///   (k = 0 … d−1) the deaths count with weight (1 − k/d):
///   S0ₖ = S0 − (k/d) E0, S1ₖ, S2ₖ likewise, and each contributes
///   w̄ · (log S0ₖ, S1ₖ/S0ₖ, S2ₖ/S0ₖ − S1ₖS1ₖᵀ/S0ₖ²).
///
/// Reference: Therneau & Grambsch (2000), §3.3 and appendix E; matches R
/// `survival` 3.5 `coxfit6` (its accumulation order, so round-off agrees).
///
/// The sweep runs once over the rows sorted by (stratum, time) from the
/// largest time down, so the risk-set sums are reverse cumulative sums;
/// buffers are allocated once per fit, never per iteration or row.
///
/// Strata are independent sums, so with several strata and many rows the
/// strata are shared between two workers, each with its own scratch, and
/// their totals added in a fixed order (the result does not depend on
/// thread timing).
///
/// One stratum is split by time instead (`CoxSweepSegment`): the sums of
/// the risk sets are reverse cumulative, so the sweep of the earlier rows
/// needs only the totals of the later ones as its starting point. Worker 1
/// sweeps the later block; worker 0 first adds up the later block's totals
/// (the same additions in the same order as a single sweep makes, so its
/// running sums are bit for bit those of one sweep), then sweeps the
/// earlier block from there. The totals cost about half a sweep per row
/// (no per-death-time terms), so the later block is the larger one
/// (`laterShare`). Only the final addition of the two workers' score,
/// information and ℓ differs from one sweep, in the last bits. Off by
/// default (`timeSplitThreshold`: measured slower than one worker here).
final class CoxRightCensoredKernel: CoxLikelihoodKernel, Sendable {
  let data: CoxPreparedData
  let efron: Bool
  var p: Int { data.p }
  /// Rows (sorted positions) per worker, as stratum blocks or time blocks.
  let assignment: [[CoxSweepSegment]]
  private let scratch: [CoxSweepScratch]
  let poll = KernelPoll()

  /// Rows below which one worker does all the work (thread start-up costs more).
  static let parallelThreshold = 50_000
  /// The later block's share of the rows when one stratum is split by time:
  /// worker 0's totals pass over it plus its sweep of the earlier block
  /// take about as long as worker 1's sweep of the later one.
  static let laterShare = 0.6
  /// Rows from which one stratum is split by time: off (Int.max) by
  /// default. On `KaplanBench cox --no-strata --phases` (shared 2-core VM,
  /// load 4–7) one evaluation took 0.066 s split against 0.042 s on one
  /// worker at 10⁶ rows, 0.42 against 0.29 s at 10⁷: with few distinct
  /// death times per row the totals pass costs nearly a whole sweep per
  /// row (the exp and the 7 + 28 sums are the sweep), so the split saves
  /// at most ~10% on two idle cores and loses on a busy one. Kept (and
  /// tested) for callers and machines where it pays.
  static let timeSplitThreshold = Int.max

  init(
    data: CoxPreparedData, efron: Bool, parallelThreshold: Int = CoxRightCensoredKernel.parallelThreshold,
    timeSplitThreshold: Int = CoxRightCensoredKernel.timeSplitThreshold
  ) {
    self.data = data
    self.efron = efron
    let blocks = data.strataBlocks()
    if data.n >= timeSplitThreshold, blocks.count == 1,
      let split = Self.timeSplit(time: data.time, rows: blocks[0], laterShare: Self.laterShare)
    {
      let block = blocks[0]
      self.assignment = [
        [CoxSweepSegment(rows: block, carryFrom: split)],
        [CoxSweepSegment(rows: split..<block.upperBound, carryFrom: block.upperBound)],
      ]
      self.scratch = (0..<2).map { _ in CoxSweepScratch(p: data.p) }
      return
    }
    let workers = data.n >= parallelThreshold && blocks.count > 1 ? 2 : 1
    var assignment = [[CoxSweepSegment]](repeating: [], count: workers)
    var load = [Int](repeating: 0, count: workers)
    for block in blocks.sorted(by: { $0.count > $1.count || ($0.count == $1.count && $0.lowerBound < $1.lowerBound) }) {
      let w = load[0] <= load[workers - 1] ? 0 : workers - 1
      assignment[w].append(CoxSweepSegment(rows: block, carryFrom: block.upperBound))
      load[w] += block.count
    }
    self.assignment = assignment
    self.scratch = (0..<workers).map { _ in CoxSweepScratch(p: data.p) }
  }

  /// The first sorted position of the later time block: about `laterShare`
  /// of the rows from the end, moved down to the start of its run of tied
  /// times (tied rows share one risk set, so a run is never cut). Nil when
  /// no such position leaves both blocks non-empty.
  static func timeSplit(time: [Double], rows: Range<Int>, laterShare: Double) -> Int? {
    guard rows.count >= 2 else { return nil }
    var split = rows.upperBound - Int(Double(rows.count) * laterShare)
    split = min(max(split, rows.lowerBound + 1), rows.upperBound - 1)
    while split > rows.lowerBound && time[split - 1] == time[split] { split -= 1 }
    return split > rows.lowerBound ? split : nil
  }

  func evaluate(beta: [Double], score: inout [Double], information: inout [Double]) -> Double {
    let p = data.p
    if scratch.count == 1 {
      let loglik = sweep(blocks: assignment[0], beta: beta, scratch: scratch[0])
      for i in 0..<p { score[i] = scratch[0].u[i] }
      for i in 0..<(p * p) { information[i] = scratch[0].imat[i] }
      return loglik
    }
    var logliks = [0.0, 0.0]
    logliks.withUnsafeMutableBufferPointer { out in
      let results = DisjointWrites(out)  // worker w writes results[w] and scratch[w] only
      DispatchQueue.concurrentPerform(iterations: scratch.count) { w in
        results[w] = sweep(blocks: assignment[w], beta: beta, scratch: scratch[w])
      }
    }
    for i in 0..<p { score[i] = scratch[0].u[i] + scratch[1].u[i] }
    for i in 0..<(p * p) { information[i] = scratch[0].imat[i] + scratch[1].imat[i] }
    return logliks[0] + logliks[1]
  }

  /// One sweep over the given strata, from the largest time down; writes the
  /// score and information of those strata into `scratch` and returns ℓ.
  private func sweep(blocks: [CoxSweepSegment], beta: [Double], scratch: CoxSweepScratch) -> Double {
    let p = data.p
    var loglik = 0.0
    data.x.withUnsafeBufferPointer { x in
    data.time.withUnsafeBufferPointer { time in
    data.status.withUnsafeBufferPointer { status in
    data.weight.withUnsafeBufferPointer { weight in
    data.offset.withUnsafeBufferPointer { offset in
    beta.withUnsafeBufferPointer { b in
    scratch.u.withUnsafeMutableBufferPointer { u in
    scratch.imat.withUnsafeMutableBufferPointer { imat in
    scratch.a.withUnsafeMutableBufferPointer { a in
    scratch.a2.withUnsafeMutableBufferPointer { a2 in
    scratch.cmat.withUnsafeMutableBufferPointer { cmat in
    scratch.cmat2.withUnsafeMutableBufferPointer { cmat2 in
      // The sweep with p a constant for the common widths, so the compiler
      // unrolls the O(p²) row updates; any other width runs the same code
      // with p read at run time.
      let buffers = CoxSweepBuffers(
        x: x.baseAddress.unsafelyUnwrapped, time: time, status: status, weight: weight,
        offset: offset, beta: b, u: u, imat: imat, a: a, a2: a2, cmat: cmat, cmat2: cmat2)
      switch p {
      case 1: loglik = Self.sweepRows(CoxWidth1.self, p: p, blocks: blocks, efron: efron, buffers, poll: poll)
      case 2: loglik = Self.sweepRows(CoxWidth2.self, p: p, blocks: blocks, efron: efron, buffers, poll: poll)
      case 3: loglik = Self.sweepRows(CoxWidth3.self, p: p, blocks: blocks, efron: efron, buffers, poll: poll)
      case 4: loglik = Self.sweepRows(CoxWidth4.self, p: p, blocks: blocks, efron: efron, buffers, poll: poll)
      case 5: loglik = Self.sweepRows(CoxWidth5.self, p: p, blocks: blocks, efron: efron, buffers, poll: poll)
      case 6: loglik = Self.sweepRows(CoxWidth6.self, p: p, blocks: blocks, efron: efron, buffers, poll: poll)
      case 7: loglik = Self.sweepRows(CoxWidth7.self, p: p, blocks: blocks, efron: efron, buffers, poll: poll)
      case 8: loglik = Self.sweepRows(CoxWidth8.self, p: p, blocks: blocks, efron: efron, buffers, poll: poll)
      default: loglik = Self.sweepRows(CoxWidthAny.self, p: p, blocks: blocks, efron: efron, buffers, poll: poll)
      }
    }}}}}}}}}}}}
    return loglik
  }

  private static func sweepRows<W: CoxKernelWidth>(
    _ width: W.Type, p runtimeP: Int, blocks: [CoxSweepSegment], efron: Bool, _ buffers: CoxSweepBuffers,
    poll: KernelPoll
  ) -> Double {
    let p = W.p > 0 ? W.p : runtimeP
    let x = buffers.x, time = buffers.time, status = buffers.status, weight = buffers.weight
    let offset = buffers.offset, b = buffers.beta, u = buffers.u, imat = buffers.imat
    let a = buffers.a, a2 = buffers.a2, cmat = buffers.cmat, cmat2 = buffers.cmat2
    var loglik = 0.0
    let packed = p * (p + 1) / 2
    for i in 0..<p { u[i] = 0; a2[i] = 0 }
    for i in 0..<(p * p) { imat[i] = 0 }
    for i in 0..<packed { cmat2[i] = 0 }
    // Work since the last poll: each row costs about p²/2 multiply-adds.
    var work = 0
    for segment in blocks {
      var denom = 0.0
      for i in 0..<p { a[i] = 0 }
      for i in 0..<packed { cmat[i] = 0 }
      let block = segment.rows
      if segment.carryFrom < block.upperBound {
        // Left early: the driver throws on seeing the same stop.
        guard
          let total = carry(
            W.self, p: p, rows: segment.carryFrom..<block.upperBound, buffers, poll: poll, work: &work)
        else { return loglik }
        denom = total
      }
      var person = segment.carryFrom - 1
      let first = block.lowerBound
      work &+= packed
      while person >= first {
        if work > KernelPoll.interval {
          work = 0
          // Left early: the driver throws on seeing the same stop.
          if poll.stopRequested() { return loglik }
        }
        let dtime = time[person]
        var ndead = 0
        var deadWeight = 0.0
        var denom2 = 0.0
        while person >= first && time[person] == dtime {
          let xr = x + person * p
          var eta = offset[person]
          for i in 0..<p { eta += b[i] * xr[i] }
          let risk = exp(eta) * weight[person]
          if status[person] == 0 {
            denom += risk
            CoxTiedDeaths.accumulate(xr, risk: risk, p: p, sum: a, squares: cmat)
          } else {
            ndead += 1
            deadWeight += weight[person]
            denom2 += risk
            loglik += weight[person] * eta
            for i in 0..<p { u[i] += weight[person] * xr[i] }
            CoxTiedDeaths.accumulate(xr, risk: risk, p: p, sum: a2, squares: cmat2)
          }
          person -= 1
          work &+= packed + p
        }
        guard ndead > 0 else { continue }
        loglik -= CoxTiedDeaths.add(
          deaths: ndead, deadWeight: deadWeight, deathRisk: denom2, efron: efron, p: p,
          denom: &denom, a: a, cmat: cmat, a2: a2, cmat2: cmat2, score: u, information: imat)
        for i in 0..<p { a2[i] = 0 }
        for i in 0..<packed { cmat2[i] = 0 }
      }
    }
    // Mirror the lower triangle.
    for i in 0..<p { for j in 0..<i { imat[j * p + i] = imat[i * p + j] } }
    return loglik
  }

  /// The risk-set sums S0 (returned), S1 (`a`) and S2 (`cmat`) of `rows`,
  /// added from the largest time down exactly as `sweepRows` adds them
  /// (censored rows one by one, each time's deaths as one group after
  /// them), so that a sweep continuing from them runs on the same numbers
  /// as one sweep of both blocks. Uses `a2`/`cmat2` as the group's scratch
  /// and leaves them zero. Nil when a stop was requested.
  private static func carry<W: CoxKernelWidth>(
    _ width: W.Type, p runtimeP: Int, rows: Range<Int>, _ buffers: CoxSweepBuffers, poll: KernelPoll,
    work: inout Int
  ) -> Double? {
    let p = W.p > 0 ? W.p : runtimeP
    let x = buffers.x, time = buffers.time, status = buffers.status, weight = buffers.weight
    let offset = buffers.offset, b = buffers.beta
    let a = buffers.a, a2 = buffers.a2, cmat = buffers.cmat, cmat2 = buffers.cmat2
    let packed = p * (p + 1) / 2
    var denom = 0.0
    var person = rows.upperBound - 1
    let first = rows.lowerBound
    while person >= first {
      if work > KernelPoll.interval {
        work = 0
        if poll.stopRequested() { return nil }
      }
      let dtime = time[person]
      var deaths = false
      var denom2 = 0.0
      while person >= first && time[person] == dtime {
        let xr = x + person * p
        var eta = offset[person]
        for i in 0..<p { eta += b[i] * xr[i] }
        let risk = exp(eta) * weight[person]
        if status[person] == 0 {
          denom += risk
          CoxTiedDeaths.accumulate(xr, risk: risk, p: p, sum: a, squares: cmat)
        } else {
          deaths = true
          denom2 += risk
          CoxTiedDeaths.accumulate(xr, risk: risk, p: p, sum: a2, squares: cmat2)
        }
        person -= 1
        work &+= packed + p
      }
      guard deaths else { continue }
      denom += denom2
      for i in 0..<p {
        a[i] += a2[i]
        a2[i] = 0
      }
      for i in 0..<packed {
        cmat[i] += cmat2[i]
        cmat2[i] = 0
      }
    }
    return denom
  }
}

/// The rows one worker sweeps for one stratum: sorted positions `rows`,
/// of which those from `carryFrom` up only enter the risk-set sums (the
/// later time block another worker sweeps) and those below it are swept.
/// `carryFrom == rows.upperBound` for a whole stratum.
struct CoxSweepSegment: Equatable, Sendable {
  let rows: Range<Int>
  let carryFrom: Int
}

/// The number of covariates as a type, so that the sweep is specialised
/// with p a compile-time constant (its O(p²) row update fully unrolled);
/// `CoxWidthAny` reads p at run time.
protocol CoxKernelWidth { static var p: Int { get } }
enum CoxWidthAny: CoxKernelWidth { static var p: Int { 0 } }
enum CoxWidth1: CoxKernelWidth { static var p: Int { 1 } }
enum CoxWidth2: CoxKernelWidth { static var p: Int { 2 } }
enum CoxWidth3: CoxKernelWidth { static var p: Int { 3 } }
enum CoxWidth4: CoxKernelWidth { static var p: Int { 4 } }
enum CoxWidth5: CoxKernelWidth { static var p: Int { 5 } }
enum CoxWidth6: CoxKernelWidth { static var p: Int { 6 } }
enum CoxWidth7: CoxKernelWidth { static var p: Int { 7 } }
enum CoxWidth8: CoxKernelWidth { static var p: Int { 8 } }

/// The arrays one sweep reads and writes.
struct CoxSweepBuffers {
  let x: UnsafePointer<Double>
  let time: UnsafeBufferPointer<Double>
  let status: UnsafeBufferPointer<Double>
  let weight: UnsafeBufferPointer<Double>
  let offset: UnsafeBufferPointer<Double>
  let beta: UnsafeBufferPointer<Double>
  let u: UnsafeMutableBufferPointer<Double>
  let imat: UnsafeMutableBufferPointer<Double>
  let a: UnsafeMutableBufferPointer<Double>
  let a2: UnsafeMutableBufferPointer<Double>
  let cmat: UnsafeMutableBufferPointer<Double>
  let cmat2: UnsafeMutableBufferPointer<Double>
}

/// Per-worker accumulators of one likelihood sweep. Unchecked `Sendable`:
/// the kernel hands each worker its own scratch (`scratch[w]`), and reads
/// them only after `concurrentPerform` has returned.
final class CoxSweepScratch: @unchecked Sendable {
  var u: [Double]
  var imat: [Double]
  var a: [Double]
  var a2: [Double]
  var cmat: [Double]
  var cmat2: [Double]

  init(p: Int) {
    u = [Double](repeating: 0, count: p)
    imat = [Double](repeating: 0, count: p * p)
    a = [Double](repeating: 0, count: p)
    a2 = [Double](repeating: 0, count: p)
    cmat = [Double](repeating: 0, count: p * (p + 1) / 2)
    cmat2 = [Double](repeating: 0, count: p * (p + 1) / 2)
  }
}

/// Adds one block of tied deaths to the score and information, and returns
/// the amount to subtract from the log-likelihood (Σ_D w · log S0, or its
/// Efron form). On entry `denom`, `a`, `cmat` hold the risk-set sums
/// without the deaths and `denom2`, `a2`, `cmat2` the deaths' own sums; on
/// exit the risk-set sums include the deaths. `cmat`/`cmat2` hold the lower
/// triangle packed by rows (entry (i, j), j ≤ i, at i(i+1)/2 + j);
/// `information` is row-major p × p, lower triangle written.
enum CoxTiedDeaths {
  /// sum += risk·x, squares += risk·x xᵀ (packed lower triangle).
  @inline(__always)
  static func accumulate(
    _ x: UnsafePointer<Double>, risk: Double, p: Int, sum: UnsafeMutableBufferPointer<Double>,
    squares: UnsafeMutableBufferPointer<Double>
  ) {
    let s = squares.baseAddress.unsafelyUnwrapped
    let sumBase = sum.baseAddress.unsafelyUnwrapped
    if p <= 8 {
      // The row in registers: the stores below cannot alias it, so each
      // covariate is loaded once (with p a constant the loops unroll).
      var xv = SIMD8<Double>.zero
      for i in 0..<p { xv[i] = x[i] }
      var m = 0
      for i in 0..<p {
        let rx = risk * xv[i]
        sumBase[i] += rx
        for j in 0..<(i &+ 1) { s[m &+ j] += rx * xv[j] }
        m = m &+ i &+ 1
      }
      return
    }
    var m = 0
    for i in 0..<p {
      let rx = risk * x[i]
      sumBase[i] += rx
      for j in 0..<(i &+ 1) { s[m &+ j] += rx * x[j] }
      m = m &+ i &+ 1
    }
  }

  @inline(__always)
  static func add(
    deaths: Int, deadWeight: Double, deathRisk: Double, efron: Bool, p: Int,
    denom: inout Double, a: UnsafeMutableBufferPointer<Double>,
    cmat: UnsafeMutableBufferPointer<Double>, a2: UnsafeMutableBufferPointer<Double>,
    cmat2: UnsafeMutableBufferPointer<Double>, score u: UnsafeMutableBufferPointer<Double>,
    information imat: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    var penalty = 0.0
    if !efron || deaths == 1 {
      denom += deathRisk
      penalty += deadWeight * log(denom)
      let inverse = 1 / denom
      let factor = deadWeight * inverse
      var m = 0
      for i in 0..<p {
        a[i] += a2[i]
        let mean = a[i] * inverse
        u[i] -= deadWeight * mean
        let row = imat.baseAddress.unsafelyUnwrapped + i * p
        for j in 0..<(i + 1) {
          cmat[m + j] += cmat2[m + j]
          row[j] += factor * (cmat[m + j] - mean * a[j])
        }
        m += i + 1
      }
    } else {
      // Efron: d successive events, the k-th (k = 1 … d) with the deaths'
      // sums counted at a fraction f_k = k/d (the order of the k does not
      // matter). With q_k = w̄/S0_k the d steps add up in closed form:
      //   U −= (Σq) a + (Σq f) a2,
      //   I += (Σq) C + (Σq f) C2 − Σ(q/S0)(a + f a2)(a + f a2)ᵀ,
      // the last expanded in the powers of f, so a block of tied deaths
      // costs O(p²) however many deaths it has.
      let d = Double(deaths)
      let meanWeight = deadWeight / d
      let base = denom
      var q0 = 0.0, q1 = 0.0, r0 = 0.0, r1 = 0.0, r2 = 0.0
      for k in 1...deaths {
        let f = Double(k) / d
        let s0 = base + f * deathRisk
        penalty += meanWeight * log(s0)
        let q = meanWeight / s0
        let r = q / s0
        q0 += q
        q1 += q * f
        r0 += r
        r1 += r * f
        r2 += r * f * f
      }
      denom = base + deathRisk
      var m = 0
      for i in 0..<p {
        let ai = a[i]
        let a2i = a2[i]
        u[i] -= q0 * ai + q1 * a2i
        let row = imat.baseAddress.unsafelyUnwrapped + i * p
        let c0 = r0 * ai + r1 * a2i
        let c1 = r1 * ai + r2 * a2i
        for j in 0..<(i + 1) {
          row[j] += q0 * cmat[m + j] + q1 * cmat2[m + j] - (c0 * a[j] + c1 * a2[j])
          cmat[m + j] += cmat2[m + j]
        }
        m += i + 1
      }
      for i in 0..<p { a[i] += a2[i] }
    }
    return penalty
  }
}
