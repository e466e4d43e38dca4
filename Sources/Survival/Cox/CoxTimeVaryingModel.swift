import Foundation
import RunControl

/// Cox regression with time-transformed covariates (R `coxph(..., tt = f)`)
/// on risk sets, without R's expanded rows.
///
/// R fits the model on one row per subject per event time at which it is
/// at risk, each event time its own stratum, all covariates copied. This
/// fit reads the same rows through `CoxTimeVaryingRiskSets`: the fixed
/// covariates are kept once per subject (n × p) and only the transformed
/// values once per pair (q × pairs). Everything R's expanded fit reports
/// is computed from the pairs: ℓ, score, information and Newton–Raphson
/// (`CoxTimeVaryingKernel` driven by `CoxNewtonRaphson`, as `coxfit6`),
/// the means and centring of the expanded columns, the robust variance
/// (`CoxTimeVaryingRobustVariance`) and the concordance of the expanded
/// data (each event time a stratum). The fit has no per-row linear
/// predictor or martingale residuals (the covariates change with time):
/// `CoxFit.linearPredictor` is empty, `martingale` and `sortedRows` nil;
/// `n` is the number of subjects and `events` the deaths.
public enum CoxTimeVaryingModel {
  /// - Parameters:
  ///   - riskSets: the risk sets of the subjects (their times, events, strata).
  ///   - covariates: column-major n × p design; the transformed columns'
  ///     values are not read.
  ///   - transformed: the design columns that change with time (ascending).
  ///   - values: term-major q × pairs, the value of transformed column k
  ///     at pair r at `values[k * pairs + r]`; handed over (emptied).
  ///   - cluster: cluster index per subject; implies the robust variance.
  // swiftlint:disable:next function_parameter_count
  public static func fit(
    riskSets: CoxTimeVaryingRiskSets, covariates: [Double], columns p: Int, transformed: [Int],
    values: inout [Double], weights: [Double]? = nil, offset: [Double]? = nil, cluster: [Int]? = nil,
    options: CoxOptions = CoxOptions()
  ) throws -> CoxFit {
    let n = riskSets.n
    try validate(
      n: n, p: p, covariates: covariates, transformed: transformed, valueCount: values.count,
      pairs: riskSets.pairCount, weights: weights, offset: offset, cluster: cluster)
    try CoxModel.validate(options: options, p: p)
    if options.ties == .exact {
      throw CoxInputError("ties = exact is not available for time-transformed covariates on risk sets; use efron")
    }
    try MemoryBudget.require(
      count: n, stride: p * MemoryLayout<Double>.stride, for: "the centred covariates of the Cox fit (\(n) × \(p))")
    try Cancellation.check()
    let data = CoxTimeVaryingData(
      sets: riskSets, covariates: covariates, p: p, transformed: transformed, values: &values,
      weights: weights, offset: offset, nocenter: options.nocenter)
    let initial = options.initial ?? [Double](repeating: 0, count: p)
    let efron = options.ties == .efron
    let result = try CoxNewtonRaphson.run(
      kernel: CoxTimeVaryingKernel(data: data, efron: efron), scale: data.scale, initial: initial,
      maxIterations: options.maxIterations, epsilon: options.epsilon, cholTolerance: options.cholTolerance,
      flavour: .rightCensored)
    let scaledBeta = (0..<p).map { result.beta[$0] / data.scale[$0] }
    let poll = KernelPoll()
    let inference = CoxModel.inference(
      result: result, p: p, isCounting: false, options: options, initial: initial,
      robust: options.robust || cluster != nil,
      linearPredictorMax: { largestPredictor(data: data, beta: scaledBeta) },
      sandwich: {
        CoxTimeVaryingRobustVariance.compute(
          data: data, beta: result.beta, naiveVariance: result.variance, initial: initial, cluster: cluster,
          efron: efron, cholTolerance: options.cholTolerance, poll: poll)
      })
    try poll.check()
    let concordance = try CoxTimeVaryingConcordance.compute(data: data, beta: scaledBeta, cluster: cluster)
    return CoxModel.makeFit(
      result: result, inference: inference, options: options, n: n, events: data.events, means: data.means,
      linearPredictor: [], concordance: concordance, martingale: nil, sortedRows: nil)
  }

  /// The largest linear predictor over the pairs (R's check for infinite
  /// coefficients when the fit did not converge).
  static func largestPredictor(data: CoxTimeVaryingData, beta: [Double]) -> Double {
    var largest = -Double.infinity
    let z = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(data.p, 1))
    defer { z.deallocate() }
    let zr = z.baseAddress.unsafelyUnwrapped
    data.x.withUnsafeBufferPointer { x in
      data.values.withUnsafeBufferPointer { values in
        for s in 0..<data.sets.setCount {
          data.forEachRow(of: s, x: x, values: values, z: zr) { _, i in
            var eta = data.offset[i]
            for j in 0..<data.p { eta += beta[j] * zr[j] }
            largest = max(largest, eta)
          }
        }
      }
    }
    return largest
  }

  // swiftlint:disable:next function_parameter_count
  static func validate(
    n: Int, p: Int, covariates: [Double], transformed: [Int], valueCount: Int, pairs: Int,
    weights: [Double]?, offset: [Double]?, cluster: [Int]?
  ) throws {
    if n == 0 { throw CoxInputError("no observations: time is empty") }
    if p <= 0 { throw CoxInputError("the model has no covariates (p = 0)") }
    if covariates.count != n * p {
      throw CoxInputError("covariates has \(covariates.count) values, expected n × p = \(n) × \(p) (column-major)")
    }
    for (name, count) in [("weights", weights?.count), ("offset", offset?.count), ("cluster", cluster?.count)] {
      if let count, count != n { throw CoxInputError("\(name) has \(count) values but time has \(n)") }
    }
    if transformed.isEmpty || zip(transformed, transformed.dropFirst()).contains(where: { $0 >= $1 })
      || transformed.contains(where: { $0 < 0 || $0 >= p }) {
      throw CoxInputError("transformed columns must be distinct, ascending and in 0..<\(p): \(transformed)")
    }
    let (expected, overflow) = transformed.count.multipliedReportingOverflow(by: pairs)
    if overflow || valueCount != expected {
      throw CoxInputError(
        "values has \(valueCount) values, expected \(transformed.count) transformed columns × \(pairs) pairs")
    }
    if let w = weights, let i = w.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
      throw CoxInputError("weights must be finite and > 0 (row \(i + 1): \(w[i]))")
    }
    if let o = offset, let i = o.firstIndex(where: { !$0.isFinite }) {
      throw CoxInputError("offset must be finite (row \(i + 1): \(o[i]))")
    }
  }
}

/// Harrell's concordance of a fit with time-transformed covariates, as R
/// computes it on the expanded data (`concordancefit` with each event time
/// its own stratum): in each set the linear predictor of each pair at that
/// time, the deaths compared with the other members (`ConcordanceRankSweep`
/// on the set alone). Counts add over sets; the standard error needs
/// Somers' d of all sets, so each pair's dfbeta (a − b·d)·w/(2·npair),
/// a = I_c − I_d, b = I_c + I_d + I_t, enters through Σ w²a², Σ w²ab, Σ w²b²
/// (or, with a cluster, Σ w a and Σ w b per cluster): one pass, no per-pair storage.
enum CoxTimeVaryingConcordance {
  static func compute(data: CoxTimeVaryingData, beta: [Double], cluster: [Int]?) throws -> Concordance {
    let p = data.p
    var raw = [Double](repeating: 0, count: 5)
    var aa = 0.0, ab = 0.0, bb = 0.0
    var groupOf: [Int] = []
    var groupA: [Double] = []
    var groupB: [Double] = []
    if let cluster {
      var index: [Int: Int] = [:]
      groupOf = cluster.map { c in
        if let g = index[c] { return g }
        index[c] = index.count
        return index.count - 1
      }
      groupA = [Double](repeating: 0, count: index.count)
      groupB = groupA
    }
    var time: [Double] = []
    var status: [Double] = []
    var predictor: [Double] = []
    var weight: [Double] = []
    var subject: [Int] = []
    let z = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(p, 1))
    defer { z.deallocate() }
    let zr = z.baseAddress.unsafelyUnwrapped
    for s in 0..<data.sets.setCount {
      try Cancellation.check()
      time.removeAll(keepingCapacity: true)
      status.removeAll(keepingCapacity: true)
      predictor.removeAll(keepingCapacity: true)
      weight.removeAll(keepingCapacity: true)
      subject.removeAll(keepingCapacity: true)
      let t = data.sets.times[s]
      data.x.withUnsafeBufferPointer { x in
        data.values.withUnsafeBufferPointer { values in
          data.forEachRow(of: s, x: x, values: values, z: zr) { _, i in
            var eta = data.offset[i]
            for j in 0..<p { eta += beta[j] * zr[j] }
            time.append(t)
            status.append(data.sets.dies(i, in: s) ? 1 : 0)
            predictor.append(eta)
            weight.append(data.weight[i])
            subject.append(i)
          }
        }
      }
      let (counts, influence) = ConcordanceRankSweep.compute(
        time: time, status: status, predictor: predictor, weights: weight, blocks: [0..<time.count],
        parallelThreshold: Int.max)
      for k in 0..<5 { raw[k] += counts[k] }
      for k in 0..<time.count {
        let c = influence[3 * k], d = influence[3 * k + 1], tied = influence[3 * k + 2]
        let a = (c - d) * weight[k], b = (c + d + tied) * weight[k]
        if cluster != nil {
          groupA[groupOf[subject[k]]] += a
          groupB[groupOf[subject[k]]] += b
        } else {
          aa += a * a
          ab += a * b
          bb += b * b
        }
      }
    }
    raw[3] -= raw[4]
    let npair = raw[0] + raw[1] + raw[2]
    let somers = (raw[0] - raw[1]) / npair
    var sum = 0.0
    if cluster != nil {
      for g in groupA.indices {
        let value = groupA[g] - groupB[g] * somers
        sum += value * value
      }
    } else {
      sum = aa - 2 * somers * ab + somers * somers * bb
    }
    let variance = sum / ((2 * npair) * (2 * npair))
    return Concordance.make(counts: raw, somers: somers, variance: variance, reverse: true)
  }
}
