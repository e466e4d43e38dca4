import Foundation
import Testing
import RunControl
import TestSupport
@testable import Survival

/// The risk-set fit of time-transformed covariates (`CoxTimeVaryingModel`):
/// a tiny case worked by hand, and the same numbers as an ordinary Cox fit
/// of R's expansion (one row per subject per event time at risk, each event
/// time its own stratum) on random data with strata, weights, offsets,
/// ties, (start, stop] rows and clusters.
struct CoxTimeVaryingModelTests {
  // MARK: A tiny case by hand

  /// Four subjects, x = (1, 2, 0, 1), times 1, 2, 3, 4, deaths at 1, 2 and 4,
  /// one covariate z(t) = x·t. With e(u) = exp(β u):
  ///
  ///   t = 1: z = (1, 2, 0, 1), subject 1 dies:
  ///     ℓ₁ = β − log(2e(1) + e(2) + 1), U₁ = 1 − S1/S0, I₁ = S2/S0 − (S1/S0)²,
  ///     S1 = 2e(1) + 2e(2), S2 = 2e(1) + 4e(2);
  ///   t = 2: subjects 2, 3, 4 with z = (4, 0, 2), subject 2 dies:
  ///     ℓ₂ = 4β − log(e(4) + 1 + e(2)), S1 = 4e(4) + 2e(2), S2 = 16e(4) + 4e(2);
  ///   t = 4: subject 4 alone: adds nothing.
  @Test func handWorkedLoglikScoreAndInformation() throws {
    let beta = 0.3
    func e(_ u: Double) -> Double { exp(beta * u) }
    let s0a = 2 * e(1) + e(2) + 1, s1a = 2 * e(1) + 2 * e(2), s2a = 2 * e(1) + 4 * e(2)
    let s0b = e(4) + 1 + e(2), s1b = 4 * e(4) + 2 * e(2), s2b = 16 * e(4) + 4 * e(2)
    let loglik = (beta - log(s0a)) + (4 * beta - log(s0b))
    let score = (1 - s1a / s0a) + (4 - s1b / s0b)
    let information = (s2a / s0a - pow(s1a / s0a, 2)) + (s2b / s0b - pow(s1b / s0b, 2))

    let sets = try CoxTimeVaryingRiskSets(
      time: [1, 2, 3, 4], start: nil, event: [true, true, false, true], strata: nil)
    #expect(sets.times == [1, 2, 4])
    #expect(sets.pairStart == [0, 4, 7, 8])
    let x: [Double] = [1, 2, 0, 1]
    var values = (0..<sets.setCount).flatMap { s in sets.subjects(of: s).map { x[$0] * sets.times[s] } }
    var options = CoxOptions(initial: [beta], maxIterations: 0)
    options.nocenter = []
    let fit = try CoxTimeVaryingModel.fit(
      riskSets: sets, covariates: x, columns: 1, transformed: [0], values: &values, options: options)
    #expect(approxEqual(fit.loglikInitial, loglik, relative: Tolerance.closedForm))
    #expect(approxEqual(fit.score[0], score, relative: Tolerance.closedForm))
    #expect(approxEqual(fit.naiveVariance[0], 1 / information, relative: Tolerance.closedForm))
    #expect(fit.n == 4 && fit.events == 3)
    #expect(values.isEmpty)  // handed over
  }

  // MARK: Equal to the expanded fit

  struct Subjects {
    var time: [Double] = []
    var start: [Double]? = nil
    var event: [Bool] = []
    var strata: [Int]? = nil
    var weights: [Double]? = nil
    var offset: [Double]? = nil
    var cluster: [Int]? = nil
    /// Column-major n × 3: age-like, binary, the tt() column's x.
    var x: [Double] = []
  }

  static func subjects(n: Int, seed: UInt64, counting: Bool, strata: Bool, weights: Bool, offset: Bool,
                       cluster: Bool) -> Subjects {
    var rng = SplitMix64(seed: seed)
    func uniform() -> Double { rng.nextUnit() }
    var d = Subjects()
    var a: [Double] = [], b: [Double] = [], c: [Double] = []
    for _ in 0..<n {
      // Whole times 1 … 12: many ties.
      let stop = Double(1 + Int(uniform() * 12))
      d.time.append(stop)
      d.event.append(uniform() < 0.7)
      a.append((uniform() * 40).rounded() + 40)
      b.append(uniform() < 0.5 ? 1 : 0)
      c.append(uniform() * 2 - 0.5)
    }
    if counting { d.start = d.time.map { t in (uniform() * (t - 0.5) * 2).rounded() / 2 } }
    if strata { d.strata = (0..<n).map { _ in Int(uniform() * 2) } }
    if weights { d.weights = (0..<n).map { _ in 0.5 + uniform() * 2 } }
    if offset { d.offset = (0..<n).map { _ in uniform() * 0.4 - 0.2 } }
    if cluster { d.cluster = (0..<n).map { $0 / 3 } }
    d.x = a + b + c
    return d
  }

  static func transform(_ x: Double, _ t: Double) -> Double { x * log(t + 1) }

  /// R's expansion of `d` with column 2 transformed, fitted as ordinary rows.
  static func expandedFit(_ d: Subjects, options: CoxOptions) throws -> CoxFit {
    let sets = try CoxTimeVaryingRiskSets(time: d.time, start: d.start, event: d.event, strata: d.strata)
    let n = d.time.count
    var time: [Double] = [], status: [Double] = [], stratum: [Int] = []
    var columns: [[Double]] = [[], [], []]
    var weights: [Double] = [], offset: [Double] = [], cluster: [Int] = []
    for s in 0..<sets.setCount {
      let t = sets.times[s]
      for i in sets.subjects(of: s) {
        time.append(t)
        status.append(d.event[i] && d.time[i] == t ? 1 : 0)
        stratum.append(s)
        columns[0].append(d.x[i])
        columns[1].append(d.x[n + i])
        columns[2].append(transform(d.x[2 * n + i], t))
        weights.append(d.weights?[i] ?? 1)
        offset.append(d.offset?[i] ?? 0)
        cluster.append(d.cluster?[i] ?? 0)
      }
    }
    return try CoxModel.fit(
      time: time, status: status, covariates: columns[0] + columns[1] + columns[2], columns: 3,
      weights: d.weights == nil ? nil : weights, strata: stratum, offset: d.offset == nil ? nil : offset,
      cluster: d.cluster == nil ? nil : cluster, options: options)
  }

  static func riskSetFit(_ d: Subjects, options: CoxOptions) throws -> CoxFit {
    let sets = try CoxTimeVaryingRiskSets(time: d.time, start: d.start, event: d.event, strata: d.strata)
    let n = d.time.count
    var values = (0..<sets.setCount).flatMap { s in
      sets.subjects(of: s).map { transform(d.x[2 * n + $0], sets.times[s]) }
    }
    return try CoxTimeVaryingModel.fit(
      riskSets: sets, covariates: d.x, columns: 3, transformed: [2], values: &values, weights: d.weights,
      offset: d.offset, cluster: d.cluster, options: options)
  }

  /// Summation order alone separates the two fits.
  static let sameFit = 1e-9

  static func expectSame(_ a: CoxFit, _ b: CoxFit, sourceLocation: SourceLocation = #_sourceLocation) {
    func same(_ x: [Double], _ y: [Double], _ what: String) {
      #expect(x.count == y.count, "\(what)", sourceLocation: sourceLocation)
      for (u, v) in zip(x, y) {
        #expect(approxEqual(u, v, relative: sameFit, absoluteFloor: 1e-12), "\(what): \(u) vs \(v)",
                sourceLocation: sourceLocation)
      }
    }
    same(a.coefficients, b.coefficients, "coef")
    same(a.variance, b.variance, "var")
    same(a.naiveVariance, b.naiveVariance, "naive var")
    same([a.loglikInitial, a.loglik], [b.loglikInitial, b.loglik], "loglik")
    same([a.scoreTest.statistic, a.waldTest.statistic], [b.scoreTest.statistic, b.waldTest.statistic], "tests")
    same([a.robustScoreTest?.statistic ?? 0], [b.robustScoreTest?.statistic ?? 0], "robust score")
    same(a.means, b.means, "means")
    same([a.concordance.concordance, a.concordance.standardError],
         [b.concordance.concordance, b.concordance.standardError], "concordance")
    same([a.concordance.concordant, a.concordance.discordant, a.concordance.tiedX, a.concordance.tiedY],
         [b.concordance.concordant, b.concordance.discordant, b.concordance.tiedX, b.concordance.tiedY], "counts")
    #expect(a.iterations == b.iterations, sourceLocation: sourceLocation)
    #expect(a.events == b.events, sourceLocation: sourceLocation)
    #expect(a.warnings == b.warnings, sourceLocation: sourceLocation)
  }

  @Test(arguments: [
    // (seed, counting, strata, weights, offset, cluster, ties)
    (1, false, false, false, false, false, CoxTies.efron),
    (2, false, true, true, false, false, CoxTies.efron),
    (3, false, true, false, true, true, CoxTies.breslow),
    (4, true, false, true, true, true, CoxTies.efron),
    (5, true, true, false, false, true, CoxTies.breslow),
    (6, false, false, true, true, false, CoxTies.breslow),
  ] as [(Int, Bool, Bool, Bool, Bool, Bool, CoxTies)])
  func equalsTheExpandedFit(
    seed: Int, counting: Bool, strata: Bool, weights: Bool, offset: Bool, cluster: Bool, ties: CoxTies
  ) throws {
    let d = Self.subjects(
      n: 80, seed: UInt64(seed), counting: counting, strata: strata, weights: weights, offset: offset,
      cluster: cluster)
    let options = CoxOptions(ties: ties, robust: weights || cluster)
    Self.expectSame(try Self.riskSetFit(d, options: options), try Self.expandedFit(d, options: options))
  }

  /// Two workers (from 50,000 pairs) give the one worker's numbers.
  @Test func twoWorkersEqualTheExpandedFit() throws {
    let d = Self.subjects(n: 10_000, seed: 9, counting: false, strata: true, weights: true, offset: false,
                          cluster: false)
    let options = CoxOptions(ties: .efron)
    let sets = try CoxTimeVaryingRiskSets(time: d.time, start: nil, event: d.event, strata: d.strata)
    #expect(sets.pairCount >= CoxTimeVaryingKernel.parallelThreshold)
    Self.expectSame(try Self.riskSetFit(d, options: options), try Self.expandedFit(d, options: options))
  }

  // MARK: Bad input

  @Test func refusesValuesOfTheWrongShapeAndExactTies() throws {
    let sets = try CoxTimeVaryingRiskSets(time: [1, 2, 3], start: nil, event: [true, true, false], strata: nil)
    var short: [Double] = [1, 2]
    #expect(throws: CoxInputError("values has 2 values, expected 1 transformed columns × 5 pairs")) {
      try CoxTimeVaryingModel.fit(
        riskSets: sets, covariates: [1, 2, 3], columns: 1, transformed: [0], values: &short)
    }
    var values = [Double](repeating: 1, count: 5)
    #expect(throws: CoxInputError("transformed columns must be distinct, ascending and in 0..<1: [1]")) {
      try CoxTimeVaryingModel.fit(riskSets: sets, covariates: [1, 2, 3], columns: 1, transformed: [1], values: &values)
    }
    #expect(throws: CoxInputError(
      "ties = exact is not available for time-transformed covariates on risk sets; use efron")) {
      try CoxTimeVaryingModel.fit(
        riskSets: sets, covariates: [1, 2, 3], columns: 1, transformed: [0], values: &values,
        options: CoxOptions(ties: .exact))
    }
    #expect(throws: CoxInputError("event has 2 values but time has 3")) {
      try CoxTimeVaryingRiskSets(time: [1, 2, 3], start: nil, event: [true, true], strata: nil)
    }
  }

  /// (start, stop] rows enter a set only when start < t; the member list
  /// holds exactly those.
  @Test func countingRiskSetsFilterByEntry() throws {
    let sets = try CoxTimeVaryingRiskSets(
      time: [2, 3, 5, 5], start: [0, 2, 3, 0], event: [true, true, false, true], strata: nil)
    #expect(sets.times == [2, 3, 5])
    #expect((0..<3).map { sets.subjects(of: $0) } == [[0, 3], [1, 3], [2, 3]])
  }
}
