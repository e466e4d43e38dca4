import Testing
@_spi(Benchmark) @testable import Survival

/// The memory of a large right-censored Cox fit (issue 14, 10⁷ rows): the
/// sort's items placed in the row-major buffer (`RowOrder.sorted(scratch:)`),
/// no arrays of 1, 0 and 0 for absent weights, offsets and strata (compact
/// data, read as constants by the Breslow/Efron kernels), and the status
/// read as the model frame's integer events. Every number is the one of the
/// arrays of 1s and 0s, bit for bit.
struct CoxCompactDataTests {
  /// Rows with tied times, a 0/1 column and two continuous ones; uneven strata.
  struct Rows {
    var time: [Double] = [], status: [Double] = [], events: [Int] = [], x: [Double] = [], strata: [Int] = []
    let n: Int
    let p: Int
    init(n: Int, p: Int, seed: UInt64 = 7) {
      self.n = n
      self.p = p
      var state = seed
      func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / 9_007_199_254_740_992
      }
      var columns = [[Double]](repeating: [], count: p)
      for _ in 0..<n {
        time.append((next() * 300).rounded(.up))
        let event = next() < 0.6 ? 1 : 0
        events.append(event)
        status.append(Double(event))
        for j in 0..<p {
          columns[j].append(j % 3 == 1 ? (next() < 0.4 ? 1 : 0) : next() * 4 - 2 + Double(j))
        }
        let s = next()
        strata.append(s < 0.7 ? 3 : s < 0.9 ? 1 : 8)
      }
      x = columns.flatMap { $0 }
    }

    var columns: [[Double]] { (0..<p).map { j in Array(x[(j * n)..<((j + 1) * n)]) } }
  }

  /// The sort with its items (and second buffer) in caller memory gives the
  /// order of the sort with its own arrays: rows, keys and stratum starts.
  @Test(arguments: [0, 1, 2, 3])
  func sortInCallerMemoryGivesTheSameOrder(room: Int) {
    for (n, stratified) in [(50, false), (3_000, true), (120_000, false), (120_000, true)] {
      let rows = Rows(n: n, p: 1, seed: UInt64(n))
      let strata = stratified ? rows.strata : nil
      let plain = RowOrder.sorted(strata: strata, key: rows.time, descending: false)
      var scratch = [RowOrder.Item](repeating: RowOrder.Item(key: 0, row: 0), count: room * n)
      let placed = scratch.withUnsafeMutableBufferPointer { buffer in
        RowOrder.sorted(strata: strata, key: rows.time, descending: false, scratch: buffer)
      }
      #expect(placed.rows == plain.rows)
      #expect(placed.keys == plain.keys)
      #expect(placed.blockStart == plain.blockStart)
      // Descending keys (counting-process order) too.
      let down = RowOrder.sorted(strata: strata, key: rows.time, descending: true)
      let downPlaced = scratch.withUnsafeMutableBufferPointer { buffer in
        RowOrder.sorted(strata: strata, key: rows.time, descending: true, scratch: buffer)
      }
      #expect(downPlaced.rows == down.rows)
      #expect(downPlaced.keys == down.keys)
    }
  }

  /// Compact data leave weights, offsets and (without strata) the stratum
  /// empty; the rest, integer events included, is the full preparation's.
  @Test(arguments: [1, 2, 3, 6])
  func compactPreparationKeepsEveryOtherArray(p: Int) {
    let rows = Rows(n: 150_000, p: p)
    for strata in [nil, rows.strata] {
      let full = CoxPreparedData(
        n: rows.n, p: p, covariates: rows.x, time: rows.time, start: nil, status: rows.status, weights: nil,
        strata: strata, offset: nil, nocenter: [-1, 0, 1])
      let compact = CoxPreparedData.prepare(
        n: rows.n, p: p, covariates: .columns(rows.columns), time: rows.time, start: nil, status: [],
        weights: nil, strata: strata, offset: nil, nocenter: [-1, 0, 1], events: rows.events, compact: true)
      #expect(compact.x == full.x)
      #expect(compact.time == full.time)
      #expect(compact.status == full.status)
      #expect(compact.order == full.order)
      #expect(compact.means == full.means)
      #expect(compact.scale == full.scale)
      #expect(compact.events == full.events)
      #expect(compact.weight.isEmpty && compact.offset.isEmpty)
      #expect(compact.stratum.isEmpty == (strata == nil))
      #expect(compact.strataBlocks() == full.strataBlocks())
      #expect(full.weight == [Double](repeating: 1, count: rows.n))
      #expect(compact.weightArray() == full.weight)
    }
  }

  static func evaluate(_ kernel: CoxRightCensoredKernel, beta: [Double]) -> [Double] {
    var u = [Double](repeating: 0, count: kernel.p)
    var imat = [Double](repeating: 0, count: kernel.p * kernel.p)
    let loglik = kernel.evaluate(beta: beta, score: &u, information: &imat)
    return [loglik] + u + imat
  }

  /// The kernels on compact data give the bits of the arrays of 1 and 0, on
  /// one worker and on each two-worker plan (strata, time cut, sums).
  @Test(arguments: [true, false])
  func compactKernelGivesTheBitsOfOnesAndZeros(efron: Bool) {
    let rows = Rows(n: 6_000, p: 3)
    let beta = [0.2, -0.4, 0.03]
    for strata in [nil, rows.strata] {
      let full = CoxPreparedData(
        n: rows.n, p: 3, covariates: rows.x, time: rows.time, start: nil, status: rows.status, weights: nil,
        strata: strata, offset: nil, nocenter: [-1, 0, 1])
      let compact = CoxPreparedData.prepare(
        n: rows.n, p: 3, covariates: .columnMajor(rows.x), time: rows.time, start: nil, status: rows.status,
        weights: nil, strata: strata, offset: nil, nocenter: [-1, 0, 1], compact: true)
      let blocks = full.strataBlocks()
      var plans: [CoxSweepPlan?] = [nil, .sums(blocks: blocks, split: 2)]
      if let split = CoxTimeSplit(blocks: blocks, time: full.time) { plans.append(.time(split)) }
      for plan in plans {
        let a = CoxRightCensoredKernel(data: full, efron: efron, parallelThreshold: 0, plan: plan)
        let b = CoxRightCensoredKernel(data: compact, efron: efron, parallelThreshold: 0, plan: plan)
        #expect(a.plan == b.plan)
        #expect(Self.evaluate(a, beta: beta) == Self.evaluate(b, beta: beta))
      }
      let one = CoxRightCensoredKernel(data: compact, efron: efron, parallelThreshold: Int.max)
      let oneFull = CoxRightCensoredKernel(data: full, efron: efron, parallelThreshold: Int.max)
      #expect(Self.evaluate(one, beta: beta) == Self.evaluate(oneFull, beta: beta))
    }
  }

  /// The whole fit from integer events (compact, sort in the row-major
  /// buffer) equals the fit from a Double status, robust variance included.
  @Test(arguments: [false, true])
  func fitFromEventsGivesTheStatusFit(robust: Bool) throws {
    let rows = Rows(n: 120_000, p: 6, seed: 11)
    for strata in [nil, rows.strata] {
      var options = CoxOptions()
      options.robust = robust
      let flat = try CoxModel.fit(
        time: rows.time, status: rows.status, covariates: rows.x, columns: 6, strata: strata, options: options)
      var inputs = CoxReleasableInputs(events: rows.events, covariates: .columns(rows.columns), strata: strata)
      let fit = try CoxModel.fit(start: nil, stop: rows.time, inputs: &inputs, columns: 6, options: options)
      #expect(fit.coefficients == flat.coefficients)
      #expect(fit.variance == flat.variance)
      #expect(fit.loglik == flat.loglik)
      #expect(fit.score == flat.score)
      #expect(fit.linearPredictor == flat.linearPredictor)
      #expect(fit.concordance == flat.concordance)
      #expect(fit.martingale == flat.martingale)
      #expect(fit.events == flat.events)
      #expect(inputs.events == nil && inputs.covariates.count == 0)
    }
  }

  /// Integer events are validated as the Double status is, with the same messages.
  @Test func badEventsAreNamed() {
    let rows = Rows(n: 40, p: 2)
    var codes = rows.events
    codes[4] = 2
    var bad = CoxReleasableInputs(events: codes, covariates: .columns(rows.columns))
    #expect(throws: CoxInputError("status[5] is 2; status must be 0 (censored) or 1 (event)")) {
      try CoxModel.fit(start: nil, stop: rows.time, inputs: &bad, columns: 2)
    }
    var none = CoxReleasableInputs(events: [Int](repeating: 0, count: 40), covariates: .columns(rows.columns))
    #expect(throws: CoxInputError("no events: a Cox model cannot be fitted with 0 failures")) {
      try CoxModel.fit(start: nil, stop: rows.time, inputs: &none, columns: 2)
    }
    var short = CoxReleasableInputs(events: Array(rows.events.prefix(39)), covariates: .columns(rows.columns))
    #expect(throws: CoxInputError("status has 39 values but time has 40")) {
      try CoxModel.fit(start: nil, stop: rows.time, inputs: &short, columns: 2)
    }
  }
}
