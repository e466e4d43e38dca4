import Analysis
import Datasets
import Foundation
import Survival
import Testing
import TestSupport

/// Interval censoring in `flexsurv()` (`Surv(t1, t2, type = "interval2")`): a tiny case worked by hand, the
/// analytic score of interval rows against differences, survreg's Weibull (the same likelihood as the spline
/// with no knot) and lifelines 0.30's `fit_interval_censoring` (`scripts/fixtures/flexsurv_lifelines.py`).
@Suite struct FlexsurvIntervalTests {
  /// lifelines' optimiser stops short of the maximum (it warns that its variance has NaNs): its
  /// log-likelihood is within this of ours, never above, and its estimates within `estimateTolerance`.
  static let loglikTolerance = 1e-7
  static let estimateTolerance = 2e-3

  /// lung coarsened as the fixture script does: deaths to 30-day intervals (exact on multiples of 7 days).
  static func coarsenedLung() throws -> Dataset {
    let lung = try BundledDatasets.load("lung", stdlib: projectRoot.appendingPathComponent("stdlib").path)
    let t = try lung.column(named: "time").asDoubles()
    let status = try lung.column(named: "status").asDoubles()
    var lower = [Double](), upper = [Double]()
    for (time, s) in zip(t, status) {
      if s != 2 {
        lower.append(time)
        upper.append(.nan)
      } else if time.truncatingRemainder(dividingBy: 7) == 0 {
        lower.append(time)
        upper.append(time)
      } else {
        let lo = 30 * (time / 30).rounded(.down)
        lower.append(lo)
        upper.append(lo + 30)
      }
    }
    return try lung.with("t1", .double(lower)).with("t2", .double(upper))
  }

  static func fit(_ dist: FlexibleDistribution, _ formula: String = "Surv(t1, t2, type = \"interval2\") ~ 1")
    throws -> FlexsurvAnalysis
  {
    var o = FlexsurvAnalysisOptions()
    o.distribution = dist
    return try FlexsurvAnalysis(dataset: try coarsenedLung(), formula: try Formula(parsing: formula), options: o)
  }

  static func fixture() throws -> [String: Any] {
    guard let f = try loadFixture("flexsurv/interval_lifelines.json") as? [String: Any] else {
      throw FixtureError("interval_lifelines.json")
    }
    return f
  }

  /// Four rows, one of each kind, on the Gompertz at fixed θ: ℓ written out from S(t) = exp(−(b/a)(e^{at} − 1)).
  @Test func tinyCaseByHand() {
    let a = 0.02, logB = log(0.05), b = 0.05
    func s(_ t: Double) -> Double { exp(-(b / a) * (exp(a * t) - 1)) }
    let expected = log(b * exp(a * 2) * s(2)) + log(s(3)) + log(1 - s(1.5)) + log(s(1) - s(4))
    // Rows: exact at 2, right-censored at 3, left-censored at 1.5, in (1, 4].
    let data = FlexibleData(time: [2, 3, 0, 1], event: [true, false, false, false], upper: [.nan, .nan, 1.5, 4])
    var g = [0.0, 0.0]
    let l = FlexibleModel.loglik(GompertzFamily(), data, theta: [a, logB], gradient: &g)
    #expect(approxEqual(l, expected, relative: 1e-13))
  }

  /// The score of interval rows (with entry times and weights) against central differences, every family.
  @Test func intervalScoreEqualsDifferences() {
    let data = FlexibleData(
      time: [2, 3, 0, 1, 0.5, 6], entry: [0, 0.5, 0, 0.2, 0, 1], event: [true, false, false, false, false, false],
      weights: [1, 2, 1, 0.5, 1, 1.5], upper: [.nan, .nan, 1.5, 4, 0.9, 9])
    let spline = RoystonParmarFamily(scale: .odds, knots: [-0.5, 0.7, 2.2])
    let cases: [(any FlexibleFamily, [Double])] = [
      (GompertzFamily(), [0.02, log(0.05)]), (GeneralizedGammaFamily(), [1.2, -0.4, 0.6]),
      (GeneralizedGammaFamily(), [1.2, -0.4, 0.01]), (spline, [-1.5, 1.3, 0.05]),
    ]
    for (family, theta) in cases {
      var g = theta.map { _ in 0.0 }, scratch = g
      _ = FlexibleModel.loglik(family, data, theta: theta, gradient: &g)
      for j in theta.indices {
        var up = theta, down = theta
        let h = 1e-6
        up[j] += h
        down[j] -= h
        let numeric = (FlexibleModel.loglik(family, data, theta: up, gradient: &scratch)
          - FlexibleModel.loglik(family, data, theta: down, gradient: &scratch)) / (2 * h)
        #expect(approxEqual(g[j], numeric, relative: 1e-6, absoluteFloor: 1e-7), "\(family) θ\(j)")
      }
    }
  }

  /// The spline with no knot on the hazard scale is the Weibull: survreg (checked against R's survreg on
  /// interval data) and lifelines' WeibullFitter give the same maximum.
  @Test func splineWithoutKnotsMatchesWeibullFits() throws {
    let a = try Self.fit(.spline(knots: 0, scale: .hazard))
    #expect(a.fit.converged)
    #expect(a.intervalCensored == 145 && a.events == 20)
    var o = SurvregAnalysisOptions()
    o.distribution = .weibull
    let r = try SurvregAnalysis(
      dataset: try Self.coarsenedLung(), formula: try Formula(parsing: "Surv(t1, t2, type = \"interval2\") ~ 1"),
      options: o)
    #expect(approxEqual(a.fit.loglik, r.fit.loglik, relative: 1e-9), "\(a.fit.loglik) \(r.fit.loglik)")
    let f = try Self.fixture()
    guard let w = f["weibull"] as? [String: Double], let ll = w["loglik"], let rho = w["rho"],
      let lambda = w["lambda"]
    else { throw FixtureError("weibull") }
    #expect(approxEqual(a.fit.loglik, ll, relative: Self.loglikTolerance) && a.fit.loglik >= ll - 1e-9)
    #expect(approxEqual(a.fit.theta[1], rho, relative: Self.estimateTolerance))
    #expect(approxEqual(a.fit.theta[0], -rho * log(lambda), relative: Self.estimateTolerance))
  }

  @Test(arguments: [("gengamma", FlexibleDistribution.gengamma), ("gompertz", .gompertz)])
  func matchesLifelinesIntervalFits(_ name: String, _ dist: FlexibleDistribution) throws {
    let a = try Self.fit(dist)
    #expect(a.fit.converged)
    let f = try Self.fixture()
    guard let entry = f[name] as? [String: Any], let ll = entry["loglik"] as? Double,
      let values = entry["values"] as? [Double]
    else { throw FixtureError(name) }
    #expect(approxEqual(a.fit.loglik, ll, relative: Self.loglikTolerance), "\(name) \(a.fit.loglik) \(ll)")
    #expect(a.fit.loglik >= ll - 1e-9, "lifelines found a higher likelihood")
    for (j, v) in values.enumerated() {
      #expect(approxEqual(a.fit.theta[j], v, relative: Self.estimateTolerance), "\(name) θ\(j) \(a.fit.theta[j]) \(v)")
    }
  }

  @Test func badIntervalsAreErrors() throws {
    var d = try Self.coarsenedLung()
    d = try d.with("t2", .double([Double](repeating: 1, count: d.rowCount)))
    #expect(throws: ModelFrameError.self) { try FlexsurvAnalysis(dataset: d, formula: try Formula(
      parsing: "Surv(t1, t2, type = \"interval2\") ~ 1")) }
    // A negative lower end.
    let negative = try Self.coarsenedLung().with("t1", .double([Double](repeating: -1, count: d.rowCount)))
    #expect(throws: ModelFrameError.self) {
      try FlexsurvAnalysis(dataset: negative, formula: try Formula(parsing: "Surv(t1, t2, type = \"interval2\") ~ 1"))
    }
  }

  /// Every row left-censored (no lower end): nothing identifies the distribution, so the fit is refused (it
  /// used to report log-likelihood 0 and standard errors of 10^7; review finding).
  @Test func onlyLeftCensoredRowsAreRefused() throws {
    let d = try Dataset(names: ["t1", "t2"], columns: [.double([.nan, .nan, .nan, .nan]), .double([1, 2, 3, 4])])
    var message = "(no error)"
    do {
      _ = try FlexsurvAnalysis(
        dataset: d, formula: try Formula(parsing: "Surv(t1, t2, type = \"interval2\") ~ 1"))
    } catch { message = String(describing: error) }
    #expect(message.contains("all 4 rows used are left-censored (no lower end in column 't1')"), "\(message)")
  }
}
