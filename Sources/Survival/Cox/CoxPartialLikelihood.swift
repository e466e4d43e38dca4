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
/// One stratum (or one that holds most rows) is cut by time instead
/// (`CoxSweepPlan.time`, `CoxTimeSplit`): the risk scores exp(η)·w are
/// computed first, each worker taking the rows it will sweep, worker 1
/// also adding up the totals S0 and S1 of its part of the cut stratum;
/// then worker 0 sweeps the earlier times starting from those totals and
/// worker 1 the later ones, and the later part's S2, which enters the
/// information linearly, is added once at the end. The numbers equal one
/// worker's to round-off, and do not depend on the threads.
///
/// When no tie boundary lies near the middle (one huge block of tied
/// times), both workers sweep every row instead (`CoxSweepPlan.sums`),
/// worker 0 keeping S0, the first sums of S1 and the first rows of S2
/// (with ℓ and their score and information entries), worker 1 the other
/// rows of S2 and the S1 sums they read: the numbers of one worker, bit
/// for bit. (A time split that first computed all of the later block's
/// totals, S2 included, was measured and dropped: that cost nearly a
/// whole sweep.)
final class CoxRightCensoredKernel: CoxLikelihoodKernel, Sendable {
  let data: CoxPreparedData
  let efron: Bool
  var p: Int { data.p }
  /// How the sweep is shared between workers.
  let plan: CoxSweepPlan
  private let scratch: [CoxSweepScratch]
  /// exp(η)·w per sorted row, for the sum split (empty otherwise).
  private let riskScores: CoxRiskScores
  let poll = KernelPoll()

  /// Rows below which one worker does all the work (thread start-up costs more).
  static let parallelThreshold = 50_000
  /// `plan` (tests only) replaces the plan made from the data.
  init(
    data: CoxPreparedData, efron: Bool, parallelThreshold: Int = CoxRightCensoredKernel.parallelThreshold,
    plan forced: CoxSweepPlan? = nil
  ) {
    self.data = data
    self.efron = efron
    self.plan = forced ?? Self.plan(
      n: data.n, p: data.p, blocks: data.strataBlocks(), time: data.time, parallelThreshold: parallelThreshold)
    let workers: Int
    switch plan {
    case .strata(let assignment): workers = assignment.count
    case .sums, .time: workers = 2
    }
    self.scratch = (0..<workers).map { _ in CoxSweepScratch(p: data.p) }
    switch plan {
    case .sums, .time: self.riskScores = CoxRiskScores(count: data.n)
    case .strata: self.riskScores = CoxRiskScores(count: 0)
    }
  }

  /// Whole strata to two workers when they balance (`StrataSharing`),
  /// else the rows cut by time at a tie boundary near their middle
  /// (`CoxTimeSplit`), else the sums split between two workers (when there
  /// are at least two columns to split), else one worker. `time` is sorted
  /// within each block.
  static func plan(n: Int, p: Int, blocks: [Range<Int>], time: [Double], parallelThreshold: Int) -> CoxSweepPlan {
    guard n >= parallelThreshold else { return .strata([blocks]) }
    if let assignment = StrataSharing.balanced(blocks, rows: n) { return .strata(assignment) }
    if let split = CoxTimeSplit(blocks: blocks, time: time) { return .time(split) }
    if p >= 2 { return .sums(blocks: blocks, split: sumSplit(p: p)) }
    return .strata([blocks])
  }

  /// The first information row of worker 1 in the sum split: the one that
  /// best balances worker 0's sums (S1 entries 0..<s and the s(s+1)/2 of
  /// S2's rows 0..<s) against worker 1's (all p of S1, the rest of S2).
  /// For p = 7: s = 5, 20 sums each.
  @inline(__always)
  static func sumSplit(p: Int) -> Int {
    switch p {
    case 2: return 1
    case 3: return 2
    case 4: return 3
    case 5: return 3
    case 6: return 4
    case 7: return 5
    case 8: return 6
    default: break
    }
    let packed = p * (p + 1) / 2
    var best = 1
    var bestLoad = Int.max
    for s in 1..<max(p, 2) {
      let first = s + s * (s + 1) / 2
      let second = p + packed - s * (s + 1) / 2
      if max(first, second) < bestLoad {
        bestLoad = max(first, second)
        best = s
      }
    }
    return best
  }

  func evaluate(beta: [Double], score: inout [Double], information: inout [Double]) -> Double {
    let p = data.p
    var loglik = 0.0
    switch plan {
    case .strata(let assignment):
      if scratch.count == 1 {
        loglik = sweep(.whole, blocks: assignment[0], beta: beta, scratch: scratch[0])
        for i in 0..<p { score[i] = scratch[0].u[i] }
        for i in 0..<(p * p) { information[i] = scratch[0].imat[i] }
      } else {
        var logliks = [0.0, 0.0]
        logliks.withUnsafeMutableBufferPointer { out in
          let results = DisjointWrites(out)  // worker w writes results[w] and scratch[w] only
          DispatchQueue.concurrentPerform(iterations: 2) { w in
            results[w] = sweep(.whole, blocks: assignment[w], beta: beta, scratch: scratch[w])
          }
        }
        for i in 0..<p { score[i] = scratch[0].u[i] + scratch[1].u[i] }
        for i in 0..<(p * p) { information[i] = scratch[0].imat[i] + scratch[1].imat[i] }
        loglik = logliks[0] + logliks[1]
      }
    case .time(let split):
      loglik = evaluateTimeSplit(split, beta: beta, score: &score, information: &information)
    case .sums(let blocks, let split):
      computeRiskScores(beta: beta, split: data.n / 2, carried: nil)
      var logliks = [0.0, 0.0]
      logliks.withUnsafeMutableBufferPointer { out in
        // Worker w writes results[w] and scratch[w] only; both read the risk scores.
        let results = DisjointWrites(out)
        DispatchQueue.concurrentPerform(iterations: 2) { w in
          results[w] = sweep(
            w == 0 ? .first(split) : .last(split), blocks: blocks, beta: beta, scratch: scratch[w])
        }
      }
      // Row i of the information (and score entry i) from its worker.
      for i in 0..<p {
        let owner = scratch[i < split ? 0 : 1]
        score[i] = owner.u[i]
        for j in 0...i { information[i * p + j] = owner.imat[i * p + j] }
      }
      loglik = logliks[0]
    }
    // Mirror the lower triangle.
    for i in 0..<p { for j in 0..<i { information[j * p + i] = information[i * p + j] } }
    return loglik
  }

  /// The time split (`CoxTimeSplit`): risk scores and worker 1's totals
  /// of the cut stratum, then the two sweeps, then the sums added in a
  /// fixed order, the later rows' S2 with the weight worker 0 gathered.
  private func evaluateTimeSplit(
    _ split: CoxTimeSplit, beta: [Double], score: inout [Double], information: inout [Double]
  ) -> Double {
    let p = data.p
    computeRiskScores(beta: beta, split: split.row, carried: split.carried)
    // Worker 0 reads its own scratch only: the totals are copied across
    // between the two passes.
    let lowerScratch = scratch[0], upperScratch = scratch[1]
    lowerScratch.carryDenom = upperScratch.carryDenom
    for i in 0..<p { lowerScratch.carrySum[i] = upperScratch.carrySum[i] }
    let carryBlock = split.carried == nil ? -1 : split.lower.count - 1
    var logliks = [0.0, 0.0]
    logliks.withUnsafeMutableBufferPointer { out in
      // Worker w writes results[w] and scratch[w] only; both read the risk scores.
      let results = DisjointWrites(out)
      DispatchQueue.concurrentPerform(iterations: 2) { w in
        results[w] = w == 0
          ? sweep(.scores, blocks: split.lower, beta: beta, scratch: lowerScratch, carryBlock: carryBlock)
          : sweep(.scores, blocks: split.upper, beta: beta, scratch: upperScratch)
      }
    }
    for i in 0..<p { score[i] = lowerScratch.u[i] + upperScratch.u[i] }
    for i in 0..<(p * p) { information[i] = lowerScratch.imat[i] + upperScratch.imat[i] }
    if split.carried != nil {
      // Worker 1 swept the cut stratum's upper part last: its S2 is T2.
      let weight = lowerScratch.carryWeight
      var m = 0
      for i in 0..<p {
        for j in 0...i { information[i * p + j] += weight * upperScratch.cmat[m + j] }
        m += i + 1
      }
    }
    return logliks[0] + logliks[1]
  }

  /// risk[k] = exp(offset_k + x_kᵀβ)·w_k, the expression the whole sweep
  /// evaluates row by row, worker 0 taking the rows below `split`, worker 1
  /// the rest; worker 1 also adds up Σ risk and Σ risk·x over `carried`
  /// into its scratch (`carryDenom`, `carrySum`).
  private func computeRiskScores(beta: [Double], split: Int, carried: Range<Int>?) {
    let n = data.n, p = data.p
    let totals = scratch[1]
    riskScores.values.withUnsafeMutableBufferPointer { risk in
      data.x.withUnsafeBufferPointer { x in
      data.weight.withUnsafeBufferPointer { weight in
      data.offset.withUnsafeBufferPointer { offset in
      beta.withUnsafeBufferPointer { b in
        // Worker w writes risk[k] for k in its part of the rows (and worker 1
        // its own scratch's totals); the rest is read only.
        let risk = DisjointWrites(risk), x = SharedReads(x), weight = SharedReads(weight)
        let offset = SharedReads(offset), b = SharedReads(b)
        DispatchQueue.concurrentPerform(iterations: 2) { w in
          var rows = w == 0 ? 0..<split : split..<n
          let out = risk.baseAddress.unsafelyUnwrapped, xs = x.baseAddress.unsafelyUnwrapped
          let (wt, off, beta) = (weight.buffer, offset.buffer, b.buffer)
          if w == 1, let carried = carried {
            totals.carryDenom = totals.carrySum.withUnsafeMutableBufferPointer { sum in
              Self.riskRowsAndTotals(
                p: p, rows: carried, x: xs, beta: beta, offset: off, weight: wt, out, sum: sum)
            }
            rows = carried.upperBound..<n
          }
          switch p {
          case 2: Self.riskRows(CoxWidth2.self, p: p, rows: rows, x: xs, beta: beta, offset: off, weight: wt, out)
          case 3: Self.riskRows(CoxWidth3.self, p: p, rows: rows, x: xs, beta: beta, offset: off, weight: wt, out)
          case 4: Self.riskRows(CoxWidth4.self, p: p, rows: rows, x: xs, beta: beta, offset: off, weight: wt, out)
          case 5: Self.riskRows(CoxWidth5.self, p: p, rows: rows, x: xs, beta: beta, offset: off, weight: wt, out)
          case 6: Self.riskRows(CoxWidth6.self, p: p, rows: rows, x: xs, beta: beta, offset: off, weight: wt, out)
          case 7: Self.riskRows(CoxWidth7.self, p: p, rows: rows, x: xs, beta: beta, offset: off, weight: wt, out)
          case 8: Self.riskRows(CoxWidth8.self, p: p, rows: rows, x: xs, beta: beta, offset: off, weight: wt, out)
          default:
            Self.riskRows(CoxWidthAny.self, p: p, rows: rows, x: xs, beta: beta, offset: off, weight: wt, out)
          }
        }
      }}}}
    }
  }

  /// `riskRows` over the rows of `rows`, returning Σ risk and writing
  /// Σ risk·x into `sum` (the totals worker 0 of the time split starts from).
  // swiftlint:disable:next function_parameter_count
  private static func riskRowsAndTotals(
    p: Int, rows: Range<Int>, x: UnsafePointer<Double>, beta: UnsafeBufferPointer<Double>,
    offset: UnsafeBufferPointer<Double>, weight: UnsafeBufferPointer<Double>, _ risk: UnsafeMutablePointer<Double>,
    sum: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    switch p {
    case 1: return riskTotals(CoxWidth1.self, p, rows, x, beta, offset, weight, risk, sum)
    case 2: return riskTotals(CoxWidth2.self, p, rows, x, beta, offset, weight, risk, sum)
    case 3: return riskTotals(CoxWidth3.self, p, rows, x, beta, offset, weight, risk, sum)
    case 4: return riskTotals(CoxWidth4.self, p, rows, x, beta, offset, weight, risk, sum)
    case 5: return riskTotals(CoxWidth5.self, p, rows, x, beta, offset, weight, risk, sum)
    case 6: return riskTotals(CoxWidth6.self, p, rows, x, beta, offset, weight, risk, sum)
    case 7: return riskTotals(CoxWidth7.self, p, rows, x, beta, offset, weight, risk, sum)
    case 8: return riskTotals(CoxWidth8.self, p, rows, x, beta, offset, weight, risk, sum)
    default:
      return riskTotals(CoxWidthAny.self, p, rows, x, beta, offset, weight, risk, sum)
    }
  }

  // swiftlint:disable:next function_parameter_count
  private static func riskTotals<W: CoxKernelWidth>(
    _ width: W.Type, _ runtimeP: Int, _ rows: Range<Int>, _ x: UnsafePointer<Double>,
    _ b: UnsafeBufferPointer<Double>, _ offset: UnsafeBufferPointer<Double>, _ weight: UnsafeBufferPointer<Double>,
    _ risk: UnsafeMutablePointer<Double>, _ sum: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    let p = W.p > 0 ? W.p : runtimeP
    // Up to 8 columns the sums stay in registers (they cannot alias the
    // stores to `risk`); wider rows add into `sum`. `narrow` is a constant
    // for the specialised widths, so each loop keeps one accumulator.
    let narrow = p <= 8
    var acc = SIMD8<Double>.zero
    if !narrow { for i in 0..<p { sum[i] = 0 } }
    var total = 0.0
    // Empty weights and offsets (compact data) read as 1 and 0: the same bits.
    let hasWeight = !weight.isEmpty, hasOffset = !offset.isEmpty
    for person in rows {
      let xr = x + person * p
      var eta = hasOffset ? offset[person] : 0
      for i in 0..<p { eta += b[i] * xr[i] }
      let r = hasWeight ? exp(eta) * weight[person] : exp(eta)
      risk[person] = r
      total += r
      if narrow {
        for i in 0..<p { acc[i] += r * xr[i] }
      } else {
        for i in 0..<p { sum[i] += r * xr[i] }
      }
    }
    if narrow { for i in 0..<p { sum[i] = acc[i] } }
    return total
  }

  // swiftlint:disable:next function_parameter_count
  private static func riskRows<W: CoxKernelWidth>(
    _ width: W.Type, p runtimeP: Int, rows: Range<Int>, x: UnsafePointer<Double>,
    beta b: UnsafeBufferPointer<Double>, offset: UnsafeBufferPointer<Double>, weight: UnsafeBufferPointer<Double>,
    _ risk: UnsafeMutablePointer<Double>
  ) {
    let p = W.p > 0 ? W.p : runtimeP
    // Empty weights and offsets (compact data) read as 1 and 0: the same bits.
    let hasWeight = !weight.isEmpty, hasOffset = !offset.isEmpty
    for person in rows {
      let xr = x + person * p
      var eta = hasOffset ? offset[person] : 0
      for i in 0..<p { eta += b[i] * xr[i] }
      risk[person] = hasWeight ? exp(eta) * weight[person] : exp(eta)
    }
  }

  /// One sweep over the given strata, from the largest time down; writes the
  /// score and information (lower triangle) of `part`'s rows into `scratch`
  /// and returns ℓ (0 for a part that does not keep it). The block at
  /// `carryBlock` (if ≥ 0) starts from `scratch.carryDenom` and
  /// `scratch.carrySum` as S0 and S1, and its groups' S2 weights are added
  /// up into `scratch.carryWeight` (`CoxTimeSplit`).
  private func sweep(
    _ part: CoxSweepPart, blocks: [Range<Int>], beta: [Double], scratch: CoxSweepScratch, carryBlock: Int = -1
  ) -> Double {
    let p = data.p
    var loglik = 0.0
    var carryWeight = 0.0
    data.x.withUnsafeBufferPointer { x in
    data.time.withUnsafeBufferPointer { time in
    data.eventFlags.withUnsafeBufferPointer { status in
    data.weight.withUnsafeBufferPointer { weight in
    data.offset.withUnsafeBufferPointer { offset in
    riskScores.values.withUnsafeBufferPointer { risk in
    beta.withUnsafeBufferPointer { b in
    scratch.u.withUnsafeMutableBufferPointer { u in
    scratch.imat.withUnsafeMutableBufferPointer { imat in
    scratch.a.withUnsafeMutableBufferPointer { a in
    scratch.a2.withUnsafeMutableBufferPointer { a2 in
    scratch.cmat.withUnsafeMutableBufferPointer { cmat in
    scratch.cmat2.withUnsafeMutableBufferPointer { cmat2 in
    scratch.carrySum.withUnsafeBufferPointer { carrySum in
    withUnsafeMutablePointer(to: &carryWeight) { carryWeight in
      var buffers = CoxSweepBuffers(
        x: x.baseAddress.unsafelyUnwrapped, time: time, status: status, weight: weight,
        offset: offset, risk: risk, beta: b, u: u, imat: imat, a: a, a2: a2, cmat: cmat, cmat2: cmat2)
      buffers.carry = CoxSweepCarry(
        block: carryBlock, denom: scratch.carryDenom, sum: carrySum, weight: carryWeight)
      switch part {
      case .whole: loglik = sweepWidth(CoxWholeSweep.self, split: 0, blocks: blocks, buffers)
      case .scores: loglik = sweepWidth(CoxScoresSweep.self, split: 0, blocks: blocks, buffers)
      case .first(let s): loglik = sweepWidth(CoxFirstSums.self, split: s, blocks: blocks, buffers)
      case .last(let s): loglik = sweepWidth(CoxLastSums.self, split: s, blocks: blocks, buffers)
      }
    }}}}}}}}}}}}}}}
    scratch.carryWeight = carryWeight
    return loglik
  }

  /// The sweep with p (and so the split) a constant for the common widths,
  /// so the compiler unrolls the O(p²) row updates; any other width runs
  /// the same code with p read at run time.
  private func sweepWidth<K: CoxSweepKind>(
    _ kind: K.Type, split: Int, blocks: [Range<Int>], _ buffers: CoxSweepBuffers
  ) -> Double {
    let p = data.p, e = efron
    switch p {
    case 1: return Self.sweepRows(CoxWidth1.self, K.self, p: p, split: split, blocks: blocks, efron: e, buffers, poll)
    case 2: return Self.sweepRows(CoxWidth2.self, K.self, p: p, split: split, blocks: blocks, efron: e, buffers, poll)
    case 3: return Self.sweepRows(CoxWidth3.self, K.self, p: p, split: split, blocks: blocks, efron: e, buffers, poll)
    case 4: return Self.sweepRows(CoxWidth4.self, K.self, p: p, split: split, blocks: blocks, efron: e, buffers, poll)
    case 5: return Self.sweepRows(CoxWidth5.self, K.self, p: p, split: split, blocks: blocks, efron: e, buffers, poll)
    case 6: return Self.sweepRows(CoxWidth6.self, K.self, p: p, split: split, blocks: blocks, efron: e, buffers, poll)
    case 7: return Self.sweepRows(CoxWidth7.self, K.self, p: p, split: split, blocks: blocks, efron: e, buffers, poll)
    case 8: return Self.sweepRows(CoxWidth8.self, K.self, p: p, split: split, blocks: blocks, efron: e, buffers, poll)
    default:
      return Self.sweepRows(CoxWidthAny.self, K.self, p: p, split: split, blocks: blocks, efron: e, buffers, poll)
    }
  }

  // swiftlint:disable:next function_parameter_count function_body_length
  private static func sweepRows<W: CoxKernelWidth, K: CoxSweepKind>(
    _ width: W.Type, _ kind: K.Type, p runtimeP: Int, split runtimeSplit: Int, blocks: [Range<Int>], efron: Bool,
    _ buffers: CoxSweepBuffers, _ poll: KernelPoll
  ) -> Double {
    let p = W.p > 0 ? W.p : runtimeP
    // The plan's split is `sumSplit(p:)`: a constant where p is.
    let split = W.p > 0 ? sumSplit(p: W.p) : runtimeSplit
    let x = buffers.x, time = buffers.time, status = buffers.status, weight = buffers.weight
    let offset = buffers.offset, riskScores = buffers.risk, b = buffers.beta, u = buffers.u, imat = buffers.imat
    let a = buffers.a, a2 = buffers.a2, cmat = buffers.cmat, cmat2 = buffers.cmat2
    // Empty weights and offsets (compact data) read as 1 and 0: w·v is then
    // v itself, so the bits are those of the arrays of 1 and 0.
    let hasWeight = !weight.isEmpty, hasOffset = !offset.isEmpty
    // The information rows this sweep keeps, the S1 sums they read, and
    // whether it computes the risk scores itself and keeps ℓ.
    let whole = K.kind == .whole
    let keepsLoglik = K.kind != .last
    let rows = whole || K.kind == .scores ? 0..<p : K.kind == .first ? 0..<split : split..<p
    let carry = buffers.carry
    var carryWeight = 0.0
    let sums = rows.upperBound
    let packedRows = (rows.lowerBound * (rows.lowerBound + 1) / 2)..<(sums * (sums + 1) / 2)
    var loglik = 0.0
    for i in 0..<p { u[i] = 0; a2[i] = 0 }
    for i in 0..<(p * p) { imat[i] = 0 }
    for i in packedRows { cmat2[i] = 0 }
    // Work since the last poll: each row costs about one multiply-add per sum.
    let rowWork = packedRows.count + sums
    var work = 0
    for (index, block) in blocks.enumerated() {
      var denom = 0.0
      for i in 0..<p { a[i] = 0 }
      for i in packedRows { cmat[i] = 0 }
      // The lower part of a stratum cut by time starts from the upper part's
      // S0 and S1 (its S2 is added by the caller, `CoxTimeSplit`).
      let carried = index == carry.block
      if carried {
        denom = carry.denom
        for i in 0..<p { a[i] = carry.sum[i] }
      }
      var person = block.upperBound - 1
      let first = block.lowerBound
      work &+= rowWork
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
          let risk: Double
          if whole {
            var eta = hasOffset ? offset[person] : 0
            for i in 0..<p { eta += b[i] * xr[i] }
            risk = hasWeight ? exp(eta) * weight[person] : exp(eta)
            if status[person] != 0 { loglik += hasWeight ? weight[person] * eta : eta }
          } else {
            risk = riskScores[person]
            if keepsLoglik && status[person] != 0 {
              var eta = hasOffset ? offset[person] : 0
              for i in 0..<p { eta += b[i] * xr[i] }
              loglik += hasWeight ? weight[person] * eta : eta
            }
          }
          if status[person] == 0 {
            denom += risk
            CoxTiedDeaths.accumulate(xr, risk: risk, p: p, rows: rows, sum: a, squares: cmat)
          } else {
            ndead += 1
            if hasWeight {
              deadWeight += weight[person]
              for i in rows { u[i] += weight[person] * xr[i] }
            } else {
              deadWeight += 1
              for i in rows { u[i] += xr[i] }
            }
            denom2 += risk
            CoxTiedDeaths.accumulate(xr, risk: risk, p: p, rows: rows, sum: a2, squares: cmat2)
          }
          person -= 1
          work &+= rowWork
        }
        guard ndead > 0 else { continue }
        var groupWeight = 0.0
        let penalty = CoxTiedDeaths.add(
          deaths: ndead, deadWeight: deadWeight, deathRisk: denom2, efron: efron, p: p, rows: rows,
          penalty: keepsLoglik, denom: &denom, a: a, cmat: cmat, a2: a2, cmat2: cmat2, score: u, information: imat,
          cmatWeight: &groupWeight)
        if carried { carryWeight += groupWeight }
        if keepsLoglik { loglik -= penalty }
        for i in 0..<sums { a2[i] = 0 }
        for i in packedRows { cmat2[i] = 0 }
      }
    }
    carry.weight?.pointee = carryWeight
    return loglik
  }
}

/// How `CoxRightCensoredKernel` shares a sweep between workers.
enum CoxSweepPlan: Equatable, Sendable {
  /// Worker w sweeps the strata `assignment[w]` whole (one worker: all).
  case strata([[Range<Int>]])
  /// Both workers sweep every stratum from precomputed risk scores;
  /// worker 0 keeps ℓ and the information rows `0..<split`, worker 1 the
  /// rows `split..<p`.
  case sums(blocks: [Range<Int>], split: Int)
  /// The rows cut at a tie boundary: worker 0 sweeps the earlier times,
  /// worker 1 the later (`CoxTimeSplit`).
  case time(CoxTimeSplit)
}

/// Which sums one sweep keeps (`CoxSweepPlan`).
enum CoxSweepPart {
  /// All of them, computing the risk scores row by row.
  case whole
  /// All of them, from precomputed risk scores (the time split).
  case scores
  /// ℓ and the information rows below the split.
  case first(Int)
  /// The information rows from the split up.
  case last(Int)

  enum Kind { case whole, scores, first, last }
}

/// `CoxSweepPart`'s kind as a type, so that the sweep is specialised for it.
protocol CoxSweepKind { static var kind: CoxSweepPart.Kind { get } }
enum CoxWholeSweep: CoxSweepKind { static var kind: CoxSweepPart.Kind { .whole } }
enum CoxScoresSweep: CoxSweepKind { static var kind: CoxSweepPart.Kind { .scores } }
enum CoxFirstSums: CoxSweepKind { static var kind: CoxSweepPart.Kind { .first } }
enum CoxLastSums: CoxSweepKind { static var kind: CoxSweepPart.Kind { .last } }

/// The risk scores of the sum split, one per sorted row, allocated once
/// per kernel. Unchecked `Sendable`: written by two workers at disjoint
/// halves (`DisjointWrites`), then only read by both.
final class CoxRiskScores: @unchecked Sendable {
  var values: [Double]
  init(count: Int) {
    // Not through `unsafeUninitializedCapacity` when empty: that would write
    // the count into the shared empty-array storage (a race under TSan).
    values = count == 0 ? [] : [Double](unsafeUninitializedCapacity: count) { _, n in n = count }
  }
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
  /// 1 = event, 0 = censored (`CoxPreparedData.eventFlags`).
  let status: UnsafeBufferPointer<UInt8>
  let weight: UnsafeBufferPointer<Double>
  let offset: UnsafeBufferPointer<Double>
  /// The sum split's risk scores (empty for a whole sweep).
  let risk: UnsafeBufferPointer<Double>
  let beta: UnsafeBufferPointer<Double>
  let u: UnsafeMutableBufferPointer<Double>
  let imat: UnsafeMutableBufferPointer<Double>
  let a: UnsafeMutableBufferPointer<Double>
  let a2: UnsafeMutableBufferPointer<Double>
  let cmat: UnsafeMutableBufferPointer<Double>
  let cmat2: UnsafeMutableBufferPointer<Double>
  /// The time split's starting sums of one block (none by default).
  var carry = CoxSweepCarry()
}

/// The block of a sweep that starts from the totals of the rows after it
/// (`CoxTimeSplit`): S0 and S1 to start from, and where to write the sum of
/// its tied-death groups' S2 weights.
struct CoxSweepCarry {
  /// Index in the sweep's blocks; −1: none.
  var block = -1
  var denom = 0.0
  var sum = UnsafeBufferPointer<Double>(start: nil, count: 0)
  var weight: UnsafeMutablePointer<Double>? = nil
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
  /// The time split's totals of the cut stratum's later rows (S0, S1;
  /// written by worker 1 while it computes the risk scores, then copied
  /// to worker 0's scratch), and worker 0's sum of S2 weights.
  var carryDenom = 0.0
  var carrySum: [Double]
  var carryWeight = 0.0

  init(p: Int) {
    u = [Double](repeating: 0, count: p)
    imat = [Double](repeating: 0, count: p * p)
    a = [Double](repeating: 0, count: p)
    a2 = [Double](repeating: 0, count: p)
    cmat = [Double](repeating: 0, count: p * (p + 1) / 2)
    cmat2 = [Double](repeating: 0, count: p * (p + 1) / 2)
    carrySum = [Double](repeating: 0, count: p)
  }
}
