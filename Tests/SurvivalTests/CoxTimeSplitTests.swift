import Foundation
import Testing
import TestSupport
@_spi(Benchmark) @testable import Survival

/// The time split of the right-censored likelihood sweep (issue 14,
/// `CoxTimeSplit`): worker 0 sweeps the earlier times from the later rows'
/// S0 and S1, and their S2 is added to the information afterwards. The same
/// sums, associated differently: the one-worker numbers to round-off, and
/// the same bits on every run (the cut depends on the data only).
struct CoxTimeSplitTests {
  /// The same sums added in another order (a few thousand terms): last bits only.
  static let reassociation = 1e-12

  typealias Rows = CoxWorkSplitTests.Rows

  static func data(_ rows: Rows, p: Int = 3, weighted: Bool, uneven: Bool) -> CoxPreparedData {
    var x: [Double] = []
    for j in 0..<p {
      let factor = Double(j / 3 + 1)
      for i in 0..<rows.n {
        let base: Double = rows.x[(j % 3) * rows.n + i] * factor
        let shift: Double = Double(i % (j + 2)) * 0.1
        x.append(base + shift)
      }
    }
    return CoxPreparedData(
      n: rows.n, p: p, covariates: x, time: rows.time, start: nil, status: rows.status,
      weights: weighted ? rows.weights : nil, strata: uneven ? rows.strata : nil,
      offset: weighted ? rows.offset : nil, nocenter: [-1, 0, 1])
  }

  /// ℓ to `reassociation` relative; the score and information entries to
  /// `reassociation` of the largest entry of their kind (an entry near 0
  /// is a difference of large sums).
  static func expectClose(_ one: [Double], _ two: [Double], p: Int) {
    #expect(approxEqual(one[0], two[0], relative: reassociation))
    let score = 1..<(1 + p), information = (1 + p)..<one.count
    for part in [score, information] {
      let scale = part.map { abs(one[$0]) }.max() ?? 0
      for k in part {
        #expect(approxEqual(one[k], two[k], relative: reassociation, absoluteFloor: reassociation * scale))
      }
    }
  }

  @Test(arguments: [(true, false, false), (false, false, false), (true, true, false), (false, true, true),
                    (true, true, true)])
  func timeSplitMatchesOneWorker(efron: Bool, weighted: Bool, uneven: Bool) {
    let rows = Rows(n: 5_000)
    let data = Self.data(rows, weighted: weighted, uneven: uneven)
    let one = CoxRightCensoredKernel(data: data, efron: efron, parallelThreshold: Int.max)
    let two = CoxRightCensoredKernel(data: data, efron: efron, parallelThreshold: 0)
    guard case .time(let split) = two.plan else {
      Issue.record("expected the time split, got \(two.plan)")
      return
    }
    // The cut is a tie boundary inside the (largest) stratum.
    #expect(split.carried != nil)
    #expect(data.time[split.row - 1] < data.time[split.row])
    for beta in [[0.3, -0.5, 0.05], [0.1, 0.2, -0.01], [0, 0, 0]] {
      let a = CoxWorkSplitTests.evaluate(one, beta: beta)
      let b = CoxWorkSplitTests.evaluate(two, beta: beta)
      Self.expectClose(a, b, p: 3)
      // Whatever the threads: the same bits again.
      #expect(CoxWorkSplitTests.evaluate(two, beta: beta) == b)
    }
  }

  /// One column (which the sum split could not share), the specialised
  /// widths 7 and 8, and 9 columns (p read at run time).
  @Test(arguments: [1, 7, 8, 9]) func timeSplitMatchesOneWorkerAtEveryWidth(p: Int) {
    let rows = Rows(n: 3_000, seed: 5)
    let data = Self.data(rows, p: p, weighted: true, uneven: false)
    let one = CoxRightCensoredKernel(data: data, efron: true, parallelThreshold: Int.max)
    let two = CoxRightCensoredKernel(data: data, efron: true, parallelThreshold: 0)
    if case .time = two.plan {} else { Issue.record("expected the time split, got \(two.plan)") }
    let beta = (0..<p).map { 0.02 * Double($0 % 3) - 0.01 }
    Self.expectClose(CoxWorkSplitTests.evaluate(one, beta: beta), CoxWorkSplitTests.evaluate(two, beta: beta), p: p)
  }

  /// A cut between strata carries nothing: each worker sweeps whole strata.
  @Test func cutBetweenStrataMatchesOneWorker() {
    let rows = Rows(n: 4_000, seed: 3)
    let data = Self.data(rows, weighted: true, uneven: true)
    let blocks = data.strataBlocks()
    #expect(blocks.count == 3)
    // The cut at the first stratum's end (90% of the rows: only a forced plan gets there).
    let split = CoxTimeSplit(blocks: blocks, row: blocks[0].upperBound)
    #expect(split.carried == nil && split.lower == [blocks[0]] && split.upper == [blocks[1], blocks[2]])
    let one = CoxRightCensoredKernel(data: data, efron: true, parallelThreshold: Int.max)
    let two = CoxRightCensoredKernel(data: data, efron: true, parallelThreshold: 0, plan: .time(split))
    let beta = [0.2, -0.1, 0.03]
    Self.expectClose(CoxWorkSplitTests.evaluate(one, beta: beta), CoxWorkSplitTests.evaluate(two, beta: beta), p: 3)
  }

  /// Newton–Raphson from the split kernel reaches the one-worker estimate:
  /// coefficients, ℓ and variance to round-off, in as many iterations.
  @Test(arguments: [true, false]) func fitThroughTheTimeSplitMatchesOneWorker(efron: Bool) throws {
    let rows = Rows(n: 4_000, seed: 17)
    let data = Self.data(rows, weighted: false, uneven: false)
    let results = try [Int.max, 0].map { threshold in
      try CoxNewtonRaphson.run(
        kernel: CoxRightCensoredKernel(data: data, efron: efron, parallelThreshold: threshold), scale: data.scale,
        initial: [0, 0, 0], maxIterations: 20, epsilon: 1e-9, cholTolerance: 1.818989403545856e-12,
        flavour: .rightCensored)
    }
    #expect(results[0].iterations == results[1].iterations)
    #expect(results[0].converged && results[1].converged)
    #expect(approxEqual(results[0].loglikFinal, results[1].loglikFinal, relative: Self.reassociation))
    #expect(approxEqual(results[0].scoreTest, results[1].scoreTest, relative: Self.reassociation))
    for (a, b) in zip(results[0].beta + results[0].variance, results[1].beta + results[1].variance) {
      #expect(approxEqual(a, b, relative: 1e-10, absoluteFloor: 1e-15))
    }
  }

  /// The cut: the tie boundary nearest the middle, never inside a block of
  /// tied times; strata parts in order, the cut stratum's upper part last;
  /// none when every boundary leaves one worker over two thirds.
  @Test func cutIsTheTieBoundaryNearestTheMiddle() throws {
    // Times 1, 1, 1, 1, 2, 2, 2, 3, 3, 3 in one stratum: boundaries at rows 4 and 7; 4 is within two thirds.
    let time: [Double] = [1, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    let split = try #require(CoxTimeSplit(blocks: [0..<10], time: time))
    #expect(split.row == 4)
    #expect(split.lower == [0..<4] && split.upper == [4..<10] && split.carried == 4..<10)
    // Two strata (rows 0..<8 and 8..<10): the cut stratum's upper part goes last.
    let strata = try #require(CoxTimeSplit(blocks: [0..<8, 8..<10], time: [1, 2, 3, 4, 5, 6, 7, 8, 1, 2]))
    #expect(strata.row == 5)
    #expect(strata.lower == [0..<5] && strata.upper == [8..<10, 5..<8] && strata.carried == 5..<8)
    // One block of ties over the middle: no cut within two thirds.
    #expect(CoxTimeSplit(blocks: [0..<10], time: [0, 1, 1, 1, 1, 1, 1, 1, 2, 3]) == nil)
    #expect(CoxTimeSplit(blocks: [0..<1], time: [1]) == nil)
  }

  @Test func planCutsOneStratumByTimeAndFallsBackToSums() {
    let distinct = (0..<1_000).map(Double.init)
    let plan = CoxRightCensoredKernel.plan(n: 1_000, p: 7, blocks: [0..<1_000], time: distinct, parallelThreshold: 0)
    #expect(plan == .time(CoxTimeSplit(blocks: [0..<1_000], row: 500)))
    // Three quarters of the rows tied at one time: the sums are shared instead.
    let tied = (0..<1_000).map { $0 < 750 ? 0.0 : Double($0) }
    #expect(CoxRightCensoredKernel.plan(n: 1_000, p: 7, blocks: [0..<1_000], time: tied, parallelThreshold: 0)
      == .sums(blocks: [0..<1_000], split: 5))
    #expect(CoxRightCensoredKernel.plan(n: 1_000, p: 1, blocks: [0..<1_000], time: tied, parallelThreshold: 0)
      == .strata([[0..<1_000]]))
  }
}
