import Analysis
import Datasets
import Foundation
import Survival
import Testing
import TestSupport

/// `flexsurv()`'s families against lifelines 0.30 (`Tests/Fixtures/flexsurv/lifelines.json`, written by
/// `scripts/fixtures/flexsurv_lifelines.py`) and against closed forms.
@Suite struct FlexsurvFixtureTests {
  /// lifelines stops its optimiser (BFGS/SLSQP) earlier than our Newton–Raphson: on these fits its
  /// log-likelihood is within 3e-8 of ours (never above it) and its estimates within 4e-5 relative.
  static let loglikTolerance = 1e-10
  static let estimateTolerance = 1e-4
  /// Standard errors: both invert an observed information (lifelines' by automatic differentiation, ours
  /// by differences of the analytic score) at slightly different optima.
  static let seTolerance = 1e-3
  /// Models that are the same likelihood (a spline with no knot and a survreg family) meet to this.
  static let sameModel = 1e-9

  static func lung() throws -> Dataset {
    var d = try BundledDatasets.load("lung", stdlib: projectRoot.appendingPathComponent("stdlib").path)
    let time = try d.column(named: "time").asDoubles()
    d = try d.with("entry", .double(time.map { 0.2 * $0 }))
    return d
  }

  static func fit(
    _ formula: String, _ dist: FlexibleDistribution, data: Dataset? = nil
  ) throws -> FlexsurvAnalysis {
    var o = FlexsurvAnalysisOptions()
    o.distribution = dist
    return try FlexsurvAnalysis(dataset: data ?? lung(), formula: try Formula(parsing: formula), options: o)
  }

  static func survreg(_ formula: String, _ dist: SurvregDistribution) throws -> SurvregAnalysis {
    var o = SurvregAnalysisOptions()
    o.distribution = dist
    return try SurvregAnalysis(dataset: lung(), formula: try Formula(parsing: formula), options: o)
  }

  static func fixture(_ name: String) throws -> (loglik: Double, values: [Double], se: [Double]?) {
    guard let all = try loadFixture("flexsurv/lifelines.json") as? [String: Any],
      let f = all[name] as? [String: Any], let ll = f["loglik"] as? Double, let values = f["values"] as? [Double]
    else { throw FixtureError("no fixture \(name)") }
    return (ll, values, f["se"] as? [Double])
  }

  @Test(arguments: [
    ("gengamma_null", "Surv(time, status) ~ 1", FlexibleDistribution.gengamma),
    ("gengamma_sex", "Surv(time, status) ~ sex", .gengamma),
    ("spline_k1", "Surv(time, status) ~ 1", .spline(knots: 1, scale: .hazard)),
    ("spline_k2", "Surv(time, status) ~ 1", .spline(knots: 2, scale: .hazard)),
    ("gompertz_null", "Surv(time, status) ~ 1", .gompertz),
    ("gompertz_entry", "Surv(entry, time, status) ~ 1", .gompertz),
    ("gompertz_sex", "Surv(time, status) ~ sex", .gompertz),
  ])
  func matchesLifelines(_ name: String, _ formula: String, _ dist: FlexibleDistribution) throws {
    let f = try Self.fixture(name)
    let a = try Self.fit(formula, dist)
    #expect(a.fit.converged)
    #expect(approxEqual(a.fit.loglik, f.loglik, relative: Self.loglikTolerance * 1e2), "\(a.fit.loglik) \(f.loglik)")
    #expect(a.fit.loglik >= f.loglik - 1e-9, "lifelines found a higher likelihood")
    for (j, v) in f.values.enumerated() {
      #expect(approxEqual(a.fit.theta[j], v, relative: Self.estimateTolerance), "\(name) θ\(j) \(a.fit.theta[j]) \(v)")
    }
    if let se = f.se {
      for (j, s) in se.enumerated() {
        #expect(approxEqual(a.fit.standardErrors[j], s, relative: Self.seTolerance), "\(name) se\(j)")
      }
    }
    if case .spline = dist, let knots = (try loadFixture("flexsurv/lifelines.json") as? [String: Any])
      .flatMap({ $0[name] as? [String: Any] })?["knots"] as? [Double]
    {
      for (x, y) in zip(a.knots, knots) { #expect(approxEqual(x, y, relative: 1e-14)) }
    }
  }

  @Test(arguments: [
    (RoystonParmarFamily.Scale.hazard, SurvregDistribution.weibull),
    (.odds, .loglogistic), (.normal, .lognormal),
  ])
  func splineWithoutKnotsIsTheLocationScaleModel(_ scale: RoystonParmarFamily.Scale, _ dist: SurvregDistribution)
    throws
  {
    let formula = "Surv(time, status) ~ sex + age"
    let s = try Self.fit(formula, .spline(knots: 0, scale: scale))
    let r = try Self.survreg(formula, dist)
    #expect(approxEqual(s.fit.loglik, r.fit.loglik, relative: Self.sameModel))
    // γ₁ = 1/σ, γ₀ = −μ/σ, covariate effects −β/σ.
    let sigma = r.fit.scales[0]
    #expect(approxEqual(s.fit.theta[1], 1 / sigma, relative: 1e-6))
    #expect(approxEqual(s.fit.theta[0], -r.fit.coefficients[0] / sigma, relative: 1e-6))
    #expect(approxEqual(s.fit.theta[2], -r.fit.coefficients[1] / sigma, relative: 1e-6))
  }

  /// ℓ of the generalised gamma at θ, summed by the kernel.
  static func loglik<F: FlexibleFamily>(_ family: F, _ theta: [Double], t: [Double], d: [Bool]) -> Double {
    var g = [Double](repeating: 0, count: theta.count)
    return FlexibleModel.loglik(family, FlexibleData(time: t, event: d), theta: theta, gradient: &g)
  }

  @Test func generalizedGammaReducesToWeibullLognormalAndGamma() throws {
    let d = try Self.lung()
    let t = try d.column(named: "time").asDoubles()
    let e = try d.column(named: "status").asDoubles().map { $0 == 2 }
    let gg = GeneralizedGammaFamily()
    let w = try Self.survreg("Surv(time, status) ~ 1", .weibull)
    let atQ1 = Self.loglik(gg, [w.fit.coefficients[0], w.fit.logScales[0], 1], t: t, d: e)
    #expect(approxEqual(atQ1, w.fit.loglik, relative: Self.sameModel))
    let ln = try Self.survreg("Surv(time, status) ~ 1", .lognormal)
    let atQ0 = Self.loglik(gg, [ln.fit.coefficients[0], ln.fit.logScales[0], 0], t: t, d: e)
    #expect(approxEqual(atQ0, ln.fit.loglik, relative: Self.sameModel))
    // Near Q = 0 the Q-form approaches the log-normal continuously, also across the Temme branch's edge.
    let limit = GeneralizedGammaFamily.seriesLimit
    // dℓ/dQ at the log-normal is about 26 on lung: the change stays within 40·|Q|.
    for q in [1e-5, 1e-4, limit * 0.999999, limit * 1.000001, -1e-3, 5e-3, 1e-2] {
      let l = Self.loglik(gg, [ln.fit.coefficients[0], ln.fit.logScales[0], q], t: t, d: e)
      #expect(abs(l - atQ0) <= 40 * abs(q), "Q = \(q): \(l) against \(atQ0)")
    }
    let below = Self.loglik(gg, [ln.fit.coefficients[0], ln.fit.logScales[0], limit * (1 - 1e-9)], t: t, d: e)
    let above = Self.loglik(gg, [ln.fit.coefficients[0], ln.fit.logScales[0], limit * (1 + 1e-9)], t: t, d: e)
    #expect(abs(below - above) < 1e-6, "continuous at the branch's edge: \(below) \(above)")
    // Q = σ: the gamma with shape 1/σ² and rate exp(−μ)/σ² (flexsurv's dgengamma help).
    let mu = 6.0, sigma = 0.8
    let shape = 1 / (sigma * sigma), rate = exp(-mu) / (sigma * sigma)
    for x in [10.0, 200.0, 900.0] {
      let expected = shape * log(rate) + (shape - 1) * log(x) - rate * x - lgamma(shape)
      let got = [mu, log(sigma), sigma].withUnsafeBufferPointer { gg.logDensity(x, $0) }
      #expect(approxEqual(got, expected, relative: 1e-12))
      let survival = [mu, log(sigma), sigma].withUnsafeBufferPointer { gg.survival(x, $0) }
      #expect(approxEqual(survival, IncompleteGamma.upperRegularized(a: shape, x: rate * x), relative: 1e-12))
    }
  }

  @Test func gompertzWithShapeZeroIsTheExponential() throws {
    let d = try Self.lung()
    let t = try d.column(named: "time").asDoubles()
    let e = try d.column(named: "status").asDoubles().map { $0 == 2 }
    let ex = try Self.survreg("Surv(time, status) ~ 1", .exponential)
    let logRate = -ex.fit.coefficients[0]
    for a in [0.0, 1e-12, -1e-12] {
      #expect(approxEqual(Self.loglik(GompertzFamily(), [a, logRate], t: t, d: e), ex.fit.loglik, relative: 1e-9))
    }
    let small = Self.loglik(GompertzFamily(), [1e-7, logRate], t: t, d: e)
    #expect(abs(small - ex.fit.loglik) < 1e-3)
  }

  @Test(arguments: [
    ("Surv(time, status) ~ sex + age", FlexibleDistribution.gompertz),
    ("Surv(time, status) ~ sex + age", .gengamma),
    ("Surv(time, status) ~ sex + age", .spline(knots: 2, scale: .hazard)),
    ("Surv(time, status) ~ sex", .spline(knots: 1, scale: .odds)),
    ("Surv(time, status) ~ sex", .spline(knots: 3, scale: .normal)),
  ])
  func scoreIsZeroAtTheOptimum(_ formula: String, _ dist: FlexibleDistribution) throws {
    let a = try Self.fit(formula, dist)
    #expect(a.fit.converged)
    // The Newton decrement gᵀVg (the rise of ℓ still to gain, scale-free and correlation-aware) ≈ 0,
    // and each score component times its standard error too.
    let q = a.fit.parameterCount, g = a.fit.score
    var decrement = 0.0
    for j in 0..<q { for k in 0..<q { decrement += g[j] * a.fit.variance[j * q + k] * g[k] } }
    #expect(decrement < 1e-12, "\(dist) \(decrement)")
    for (g, s) in zip(a.fit.score, a.fit.standardErrors) { #expect(abs(g * s) < 1e-5, "\(dist) \(a.fit.score)") }
  }

  @Test func analyticScoreEqualsDifferencesOfTheLikelihood() throws {
    let d = try Self.lung()
    let t = try d.column(named: "time").asDoubles()
    let e = try d.column(named: "status").asDoubles().map { $0 == 2 }
    let entry = t.map { 0.2 * $0 }
    let data = FlexibleData(time: t, entry: entry, event: e)
    let spline = RoystonParmarFamily(scale: .normal, knots: [1.6, 5.1, 5.8, 6.8])
    let cases: [(any FlexibleFamily, [Double])] = [
      (GompertzFamily(), [0.001, -6.2]), (GeneralizedGammaFamily(), [6.0, -0.3, 0.7]),
      (GeneralizedGammaFamily(), [6.0, -0.3, -0.4]), (spline, [-4, 0.9, 0.01, -0.02]),
    ]
    for (family, theta) in cases {
      var g = theta.map { _ in 0.0 }, scratch = g
      _ = FlexibleModel.loglik(family, data, theta: theta, gradient: &g)
      for j in theta.indices {
        var up = theta, down = theta
        let h = 1e-6 * max(1, abs(theta[j]))
        up[j] += h
        down[j] -= h
        let numeric = (FlexibleModel.loglik(family, data, theta: up, gradient: &scratch)
          - FlexibleModel.loglik(family, data, theta: down, gradient: &scratch)) / (2 * h)
        #expect(approxEqual(g[j], numeric, relative: 1e-5, absoluteFloor: 1e-4), "\(family) θ\(j)")
      }
    }
  }

  @Test func predictionsFollowTheFittedDistribution() throws {
    // The spline without knots on the hazard scale is the Weibull: S(t) = exp(−(t/λ)^ρ), mean λΓ(1 + 1/ρ).
    let a = try Self.fit("Surv(time, status) ~ 1", .spline(knots: 0, scale: .hazard))
    let g0 = a.fit.theta[0], g1 = a.fit.theta[1]
    let rho = g1, lambda = exp(-g0 / g1)
    let s = try a.predict(type: .survival, at: [100, 500])
    for (k, t) in [100.0, 500].enumerated() {
      #expect(approxEqual(s.estimate[k], exp(-pow(t / lambda, rho)), relative: 1e-12))
      #expect(s.lower[k] < s.estimate[k] && s.estimate[k] < s.upper[k])
    }
    let h = try a.predict(type: .hazard, at: [300])
    #expect(approxEqual(h.estimate[0], rho / lambda * pow(300 / lambda, rho - 1), relative: 1e-10))
    let q = try a.predict(type: .quantile, at: [0.5])
    #expect(approxEqual(q.estimate[0], lambda * pow(log(2), 1 / rho), relative: 1e-10))
    let mean = try a.predict(type: .mean, at: [])
    #expect(approxEqual(mean.estimate[0], lambda * tgamma(1 + 1 / rho), relative: 1e-8))
    // rmst at τ: ∫₀^τ S by the trapezoid rule on a fine grid.
    let tau = 700.0
    let r = try a.predict(type: .rmst, at: [tau])
    var trapezoid = 0.0
    let steps = 200_000
    for i in 0..<steps {
      let t0 = tau * Double(i) / Double(steps), t1 = tau * Double(i + 1) / Double(steps)
      trapezoid += (exp(-pow(t0 / lambda, rho)) + exp(-pow(t1 / lambda, rho))) / 2 * (t1 - t0)
    }
    #expect(approxEqual(r.estimate[0], trapezoid, relative: 1e-7))
    #expect(r.se[0] > 0)
  }

  @Test func badInputIsAClearError() throws {
    var d = try Self.lung()
    let time = try d.column(named: "time").asDoubles()
    d = try d.with("t0", .double(time.enumerated().map { $0.offset == 4 ? 0 : $0.element }))
    d = try d.with("none", .double(time.map { _ in 0 }))
    #expect(throws: ModelFrameError("row 5: time 0 in column 't0'; times must be > 0 for these families")) {
      try Self.fit("Surv(t0, status) ~ 1", .gompertz, data: d)
    }
    #expect(throws: ModelFrameError(
      "all 228 rows used are censored (column 'none'): there is nothing to estimate the distribution from")
    ) {
      try Self.fit("Surv(time, none) ~ 1", .gengamma, data: d)
    }
    #expect(throws: ModelFrameError("k must be >= 0, got -1")) {
      try Self.fit("Surv(time, status) ~ 1", .spline(knots: -1, scale: .hazard))
    }
  }
}
