import Foundation

/// The k-sample log-rank test and its weighted (G-rho, Fleming–Harrington)
/// variants, identical to R survival 3.5.3 `survdiff(Surv(time, event) ~
/// group + strata(s), rho =)` (C routine `survdiff2`).
///
/// Within each stratum, at each distinct event time with n at risk, d
/// events and nⱼ at risk in group j, the weight is w = S(t−)^ρ·(1 − S(t−))^γ
/// where S(t−) is the left-continuous Kaplan–Meier curve of the pooled data
/// of the stratum (R's `rho`; γ = 0 in R; γ > 0 as lifelines'
/// `weightings = "fleming-harrington"`, p = ρ, q = γ). Then
/// Oⱼ += w·dⱼ, Eⱼ += w·d·nⱼ/n, Vⱼⱼ += w²·d·nⱼ(n − d)/(n(n − 1)),
/// Vⱼₖ −= w²·d·nⱼ(n − d)nₖ/(n²(n − 1)), summed over strata. The statistic is
/// (O − E)ᵀ V⁻ (O − E) over the groups with E > 0 minus the first, with
/// df = #(E > 0) − 1 (p = 1 at df 0, NaN at df −1, as R). Data must be right-censored (R: "Right censored data
/// only"); R `survdiff` takes no case weights, and neither does this.
/// Tolerance: 1e-10 relative.
public struct LogRankTest: Sendable {
  /// The weight at each event time (Fleming–Harrington ρ, γ below, or
  /// Gehan, Tarone–Ware, Peto–Peto, modified Peto: `LogRankWeight`).
  public let weight: LogRankWeight
  /// ρ of S(t−)^ρ (0 for the weights that are not Fleming–Harrington's).
  public let rho: Double
  /// γ of (1 − S(t−))^γ.
  public let gamma: Double
  /// Subjects per group.
  public let n: [Int]
  /// Observed (weighted) events per group, summed over strata.
  public let observed: [Double]
  /// Expected (weighted) events per group, summed over strata.
  public let expected: [Double]
  /// Per stratum (outer) and group (inner), as R's matrix `obs` when stratified.
  public let observedByStratum: [[Double]]
  public let expectedByStratum: [[Double]]
  /// Variance matrix of O − E, row-major `groupCount × groupCount`.
  public let variance: [Double]
  public let chiSquare: Double
  public let df: Int
  public let p: Double

  public var groupCount: Int { n.count }

  /// (O − E)²/E per group, as `print.survdiff`.
  public var chiSquareContributionByExpected: [Double] {
    (0..<groupCount).map { j in
      let d = observed[j] - expected[j]
      return d * d / expected[j]
    }
  }

  /// (O − E)²/V per group with V the diagonal of `variance`, as `print.survdiff`.
  public var chiSquareContributionByVariance: [Double] {
    (0..<groupCount).map { j in
      let d = observed[j] - expected[j]
      return d * d / variance[j * groupCount + j]
    }
  }

  /// Runs the test. `strata` (indices `0..<strataCount`) gives the
  /// stratified test; nil is one stratum.
  public static func test<Event: EventCode>(
    time: [Double], event: [Event], group: [Int], groupCount: Int,
    strata: [Int]? = nil, strataCount: Int = 1, rho: Double = 0, gamma: Double = 0,
    weight: LogRankWeight? = nil
  ) throws -> LogRankTest {
    try run(
      time: time, event: event, group: group, groupCount: groupCount, strata: strata, strataCount: strataCount,
      weight: weight ?? .flemingHarrington(rho: rho, gamma: gamma))
  }

  /// `test` with the model frame's `Int` codes. A generic function called
  /// from another module runs unspecialised (every event read through a
  /// witness table: at 10^6 rows a tenth of the test); this overload and
  /// the one for R's numeric status are specialised here.
  public static func test(
    time: [Double], event: [Int], group: [Int], groupCount: Int,
    strata: [Int]? = nil, strataCount: Int = 1, rho: Double = 0, gamma: Double = 0,
    weight: LogRankWeight? = nil
  ) throws -> LogRankTest {
    try run(
      time: time, event: event, group: group, groupCount: groupCount, strata: strata, strataCount: strataCount,
      weight: weight ?? .flemingHarrington(rho: rho, gamma: gamma))
  }

  /// `test` with R's numeric status (see the `Int` overload).
  public static func test(
    time: [Double], event: [Double], group: [Int], groupCount: Int,
    strata: [Int]? = nil, strataCount: Int = 1, rho: Double = 0, gamma: Double = 0,
    weight: LogRankWeight? = nil
  ) throws -> LogRankTest {
    try run(
      time: time, event: event, group: group, groupCount: groupCount, strata: strata, strataCount: strataCount,
      weight: weight ?? .flemingHarrington(rho: rho, gamma: gamma))
  }

  /// `test` with the groups as 32-bit codes (a factor column's own codes,
  /// 0..<groupCount), read as they are: no list of 8-byte indices is built.
  public static func test(
    time: [Double], event: [Int], groupCodes group: [Int32], groupCount: Int,
    strata: [Int]? = nil, strataCount: Int = 1, rho: Double = 0, gamma: Double = 0,
    weight: LogRankWeight? = nil
  ) throws -> LogRankTest {
    try run(
      time: time, event: event, group: group, groupCount: groupCount, strata: strata, strataCount: strataCount,
      weight: weight ?? .flemingHarrington(rho: rho, gamma: gamma))
  }

  private static func run<Event: EventCode, Code: BinaryInteger>(
    time: [Double], event: [Event], group: [Code], groupCount: Int,
    strata: [Int]?, strataCount: Int, weight: LogRankWeight
  ) throws -> LogRankTest {
    let (rho, gamma) = weight.rhoGamma
    guard rho.isFinite, gamma.isFinite, gamma >= 0 else {
      throw SurvivalInputError.invalidOption(
        "rho must be finite and gamma finite and non-negative, got rho \(rho), gamma \(gamma)")
    }
    // Validation of time/event/strata and the (stratum, time) order come from the sample.
    let sample = try SurvivalSample(time: time, event: event, group: strata, groupCount: strataCount)
    guard group.count == time.count else {
      throw SurvivalInputError.lengthMismatch(argument: "group", expected: time.count, actual: group.count)
    }
    guard groupCount >= 2 else {
      throw SurvivalInputError.invalidOption("the log-rank test needs at least 2 groups, got \(groupCount)")
    }
    for i in 0..<group.count where group[i] < 0 || Int(group[i]) >= groupCount {
      throw SurvivalInputError.invalidGroup(index: i, value: Int(group[i]), groupCount: groupCount)
    }
    return try compute(sample: sample, group: group, groupCount: groupCount, weight: weight)
  }

  /// The test on a validated sample: the sums of `LogRankKernel`, then the
  /// quadratic form. The k × k variance (R's `var`) and the per-stratum
  /// tables are the output, so their memory is asked of the run's budget
  /// first, and the kernel polls for cancellation.
  static func compute<Code: BinaryInteger>(
    sample: SurvivalSample, group: [Code], groupCount k: Int, weight: LogRankWeight
  ) throws -> LogRankTest {
    let strataCount = sample.groupCount
    try MemoryBudget.require(count: k, stride: 3 * k * MemoryLayout<Double>.stride,
                             for: "the variance matrix of the log-rank test of \(k) groups")
    try MemoryBudget.require(count: strataCount, stride: 4 * k * MemoryLayout<Double>.stride,
                             for: "the observed and expected events of \(k) groups in \(strataCount) strata")
    let order = sample.order
    var counts = [Int](repeating: 0, count: k)
    for g in group { counts[Int(g)] += 1 }
    // Every position is written below (no zero fill).
    var sortedGroup: [Int32] = RadixOrder.uninitialized(order.count)
    order.withUnsafeBufferPointer { o in
      group.withUnsafeBufferPointer { gr in
        sortedGroup.withUnsafeMutableBufferPointer { out in
          for p in 0..<o.count { out[p] = Int32(truncatingIfNeeded: gr[Int(o[p])]) }
        }
      }
    }
    var kernel = LogRankKernel(groups: k, weight: weight)
    let check: () throws -> Void = { try Cancellation.check() }
    try sample.sortedTime.withUnsafeBufferPointer { time in
      try sample.sortedEvent.withUnsafeBufferPointer { event in
        try sortedGroup.withUnsafeBufferPointer { grp in
          try kernel.run(time: time, event: event, group: grp, strataStart: sample.groupStart, poll: check)
        }
      }
    }
    var obs = [[Double]]()
    var exp = [[Double]]()
    obs.reserveCapacity(strataCount)
    exp.reserveCapacity(strataCount)
    var observed = [Double](repeating: 0, count: k)
    var expected = [Double](repeating: 0, count: k)
    for s in 0..<strataCount {
      obs.append(Array(kernel.observed[(s * k)..<((s + 1) * k)]))
      exp.append(Array(kernel.expected[(s * k)..<((s + 1) * k)]))
    }
    for s in 0..<strataCount {
      for g in 0..<k {
        observed[g] += obs[s][g]
        expected[g] += exp[s][g]
      }
    }
    let v = kernel.variance
    let (chi, df) = try quadraticStatistic(observed: observed, expected: expected, variance: v, k: k, poll: check)
    return LogRankTest(
      weight: weight, rho: weight.rhoGamma.rho, gamma: weight.rhoGamma.gamma, n: counts, observed: observed,
      expected: expected,
      observedByStratum: obs, expectedByStratum: exp, variance: v, chiSquare: chi, df: df,
      p: chiSquarePValue(chi, df: df))
  }

  /// (O − E)ᵀ V⁻ (O − E) over groups with E > 0, the first of them dropped.
  static func quadraticStatistic(
    observed: [Double], expected: [Double], variance: [Double], k: Int, poll: () throws -> Void = {}
  ) rethrows -> (Double, Int) {
    let used = (0..<k).filter { expected[$0] > 0 }
    // R's df: -1 when no group has an expected event (no events at all), 0 when one group has them all.
    let df = used.count - 1
    if used.count < 2 { return (0, df) }
    let kept = Array(used.dropFirst())
    let m = kept.count
    var sub = [Double](repeating: 0, count: m * m)
    var diff = [Double](repeating: 0, count: m)
    for (a, ga) in kept.enumerated() {
      if a % 256 == 255 { try poll() }
      diff[a] = observed[ga] - expected[ga]
      for (b, gb) in kept.enumerated() { sub[a * m + b] = variance[ga * k + gb] }
    }
    let solved = try CholeskyLDL(square: sub, n: m, poll: poll).solve(diff)
    var chi = 0.0
    for a in 0..<m { chi += solved[a] * diff[a] }
    return (chi, df)
  }

  /// R's `pchisq(x, df, lower.tail = FALSE)` as `survdiff` computes it: df 0
  /// is the point mass at 0, so a test with no information (χ² = 0 on 0 df)
  /// has p = 1, not 0 (R: `pchisq(0, 0, lower.tail = FALSE)` is 1); df −1
  /// (no events) has no p value (R: NaN, printed NA).
  static func chiSquarePValue(_ x: Double, df: Int) -> Double {
    if df < 0 { return .nan }
    if df == 0 { return x > 0 ? 0 : 1 }
    return ChiSquare.upperTail(x, df: Double(df))
  }

  /// The test for trend across ordered groups: U = Σ wⱼ(Oⱼ − Eⱼ),
  /// χ² = U² / (wᵀVw) on 1 df, with scores `scores` (default 1, 2, …, k).
  /// Equivalent for any scores that differ by a shift, since O − E and
  /// the rows of V sum to 0.
  public func trend(scores: [Double]? = nil) throws -> TrendTest {
    let k = groupCount
    let w = scores ?? (1...k).map(Double.init)
    guard w.count == k else {
      throw SurvivalInputError.invalidOption("trend scores: \(w.count) given for \(k) groups")
    }
    var u = 0.0
    for j in 0..<k { u += w[j] * (observed[j] - expected[j]) }
    var q = 0.0
    for a in 0..<k { for b in 0..<k { q += w[a] * variance[a * k + b] * w[b] } }
    let chi = u * u / q
    return TrendTest(scores: w, score: u, variance: q, chiSquare: chi, df: 1, p: ChiSquare.upperTail(chi, df: 1))
  }
}

/// The log-rank test for trend (one degree of freedom).
public struct TrendTest: Sendable, Equatable {
  public let scores: [Double]
  /// U = Σ w(O − E).
  public let score: Double
  /// wᵀVw.
  public let variance: Double
  public let chiSquare: Double
  public let df: Int
  public let p: Double
}
