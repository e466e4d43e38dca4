import Foundation

/// Times the phases of a right-censored Efron Cox fit one by one, for
/// `KaplanBench cox`: where the time goes, and which phase grows faster
/// than n log n between 10⁶ and 10⁷ rows (issue 14). Not part of the API.
@_spi(Benchmark) public struct CoxPhaseTimes: Sendable {
  /// Sorting and the sorted, centred row-major copy (`CoxPreparedData`).
  public let prepare: Double
  /// One likelihood evaluation (score, information, ℓ) at β = 0.2, shared
  /// between workers as a fit shares it (by strata, by time or by sums).
  public let evaluation: Double
  /// Harrell's concordance of a linear predictor, from the sorted rows, as
  /// a fit computes it (by strata, or by predictor ranks).
  public let concordance: Double
  /// Workers of the likelihood sweep.
  public let sweepWorkers: Int
  /// The same evaluation and concordance on one worker, for the comparison.
  public let evaluationOneWorker: Double
  public let concordanceOneWorker: Double
  /// When the fit cuts the rows by time (`CoxTimeSplit`): the evaluation
  /// shared by sums instead (the plan before it), wall and CPU time.
  public let evaluationSumSplit: (wall: Double, cpu: Double)?
  /// Process CPU time (all threads) of evaluation, concordance, and the
  /// one-worker ones: what the work costs when the cores are busy.
  public let cpu: [Double]

  @_spi(Benchmark) public static func measure(
    time: [Double], status: [Double], covariates: [Double], columns p: Int, strata: [Int]?
  ) -> CoxPhaseTimes {
    var cpu: [Double] = []
    func cpuNow() -> Double {
      var t = timespec()
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
      return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
    var lastCPU = 0.0
    func now() -> Double {
      let c = cpuNow()
      cpu.append(c - lastCPU)
      lastCPU = c
      return Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
    let n = time.count
    let t0 = now()
    let data = CoxPreparedData(
      n: n, p: p, covariates: covariates, time: time, start: nil, status: status, weights: nil,
      strata: strata, offset: nil, nocenter: [-1, 0, 1])
    let t1 = now()
    let kernel = CoxRightCensoredKernel(data: data, efron: true)
    var u = [Double](repeating: 0, count: p)
    var imat = [Double](repeating: 0, count: p * p)
    _ = kernel.evaluate(beta: [Double](repeating: 0.2, count: p), score: &u, information: &imat)
    let t2 = now()
    var predictor = [Double](repeating: 0, count: n)
    data.x.withUnsafeBufferPointer { x in
      for k in 0..<n { for j in 0..<p { predictor[k] += 0.2 * x[k * p + j] } }
    }
    let t3 = now()
    _ = Concordance.rightCensored(
      time: data.time, status: data.eventFlags, predictor: predictor, weights: data.weight,
      blocks: data.strataBlocks(), cluster: nil, reverse: true)
    let t4 = now()
    let serial = CoxRightCensoredKernel(data: data, efron: true, parallelThreshold: Int.max)
    _ = serial.evaluate(beta: [Double](repeating: 0.2, count: p), score: &u, information: &imat)
    let t5 = now()
    _ = Concordance.rightCensored(
      time: data.time, status: data.eventFlags, predictor: predictor, weights: data.weight,
      blocks: data.strataBlocks(), cluster: nil, reverse: true, parallelThreshold: Int.max)
    let t6 = now()
    var sumSplit: (wall: Double, cpu: Double)? = nil
    if case .time = kernel.plan, p >= 2 {
      let sums = CoxRightCensoredKernel(
        data: data, efron: true,
        plan: .sums(blocks: data.strataBlocks(), split: CoxRightCensoredKernel.sumSplit(p: p)))
      _ = sums.evaluate(beta: [Double](repeating: 0.2, count: p), score: &u, information: &imat)
      let t7 = now()
      sumSplit = (t7 - t6, cpu[7])
    }
    let workers: Int
    switch kernel.plan {
    case .strata(let assignment): workers = assignment.count
    case .sums, .time: workers = 2
    }
    return CoxPhaseTimes(
      prepare: t1 - t0, evaluation: t2 - t1, concordance: t4 - t3, sweepWorkers: workers,
      evaluationOneWorker: t5 - t4, concordanceOneWorker: t6 - t5, evaluationSumSplit: sumSplit,
      cpu: [cpu[2], cpu[4], cpu[5], cpu[6]])
  }
}
