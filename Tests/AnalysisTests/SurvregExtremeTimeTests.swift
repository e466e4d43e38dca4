import Analysis
import Datasets
import Foundation
import Survival
import Testing
import TestSupport

/// `Tests/Fixtures/survreg/extreme_time.json`, written by `scripts/fixtures/survreg_extreme.R` (R survival 3.5):
/// lung with the first death at t = 1e200 (a review finding: survreg landed far from R there), and ordinary
/// fits. R counts a row whose probability underflows as log-probability −200 (survregc1's `SMALL`), and so
/// does the fitter; where that row is floored at the maximum (Weibull, exponential), R's own fits stop short
/// (out of iterations, or below the intercept-only model), and the maximum is the fit without the row with a
/// log-likelihood lower by 200 + log(1e200), which R reaches; that is the reference. (R's log-normal fit
/// converges to a lower local maximum, where a scale of 35 makes the row likely.)
@Suite struct SurvregExtremeTimeTests {
  /// Both fits stop at |Δℓ/ℓ| ≤ 1e-9.
  static let tolerance = Tolerance.iterative

  static func fixtures() throws -> [String: Any] {
    guard let f = try loadFixture("survreg/extreme_time.json") as? [String: Any] else {
      throw FixtureError("bad fixture extreme_time.json")
    }
    return f
  }

  /// lung, lung with the extreme time, lung without that row, or veteran.
  static func dataset(_ name: String, row: Int) throws -> Dataset {
    let stdlib = projectRoot.appendingPathComponent("stdlib").path
    if name == "veteran" { return try BundledDatasets.load("veteran", stdlib: stdlib) }
    let lung = try BundledDatasets.load("lung", stdlib: stdlib)
    switch name {
    case "lung_extreme_time":
      var time = try lung.column(named: "time").asDoubles()
      time[row] = 1e200
      return try lung.with("time", .double(time))
    case "lung_without_row":
      return try lung.filter((0..<lung.rowCount).map { $0 != row })
    default:
      return lung
    }
  }

  static func fit(_ name: String) throws -> (SurvregAnalysis, [String: Any]) {
    let all = try fixtures()
    guard let f = all[name] as? [String: Any], let formula = f["formula"] as? String,
      let source = f["dataset"] as? String, let row = all["extreme_row"] as? Int,
      let dist = (f["dist"] as? String).flatMap(SurvregDistribution.init(rawValue:))
    else { throw FixtureError("no fixture \(name)") }
    var options = SurvregAnalysisOptions()
    options.distribution = dist
    let d = try dataset(source, row: row - 1)
    return (try SurvregAnalysis(dataset: d, formula: try Formula(parsing: formula), options: options), f)
  }

  static func expectClose(_ a: [Double], _ b: [Double], _ what: String) {
    #expect(a.count == b.count, "\(what): \(a.count) values, R has \(b.count)")
    for (i, (x, y)) in zip(a, b).enumerated() {
      #expect(approxEqual(x, y, relative: tolerance, absoluteFloor: 1e-12), "\(what)[\(i)]: \(x) vs R \(y)")
    }
  }

  /// Fits R completes (no row floored at its maximum): the same estimates and log-likelihoods, and the same
  /// iterations for ordinary data.
  @Test(arguments: [
    "ordinary_lung_weibull", "ordinary_lung_exponential", "ordinary_veteran_loglogistic", "extreme_loglogistic",
    "without_weibull", "without_exponential", "without_lognormal", "without_null_exponential",
  ])
  func matchesR(_ name: String) throws {
    let (m, f) = try Self.fit(name)
    Self.expectClose(m.fit.coefficients, SurvregFixtureTests.numbers(f["coef"]), "\(name) coef")
    Self.expectClose(m.fit.scales, SurvregFixtureTests.numbers(f["scale"]), "\(name) scale")
    Self.expectClose([m.fit.loglikNull, m.fit.loglik], SurvregFixtureTests.numbers(f["loglik"]), "\(name) loglik")
    #expect(m.fit.converged && m.warnings.isEmpty, "\(name): \(m.warnings)")
    if !name.hasPrefix("extreme") {
      // With the extreme row, R's halvings and ours count differently (R: up to 5 halvings per iteration).
      #expect(m.fit.iterations == f["iter"] as? Int, "\(name) iterations \(m.fit.iterations)")
    }
  }

  /// Where the 1e200 row is floored at the maximum, the fit is the fit without it, its log-likelihood lower
  /// by 200 + log(1e200), converged; R's fit of the same data stops at a lower log-likelihood.
  @Test(arguments: [
    ("extreme_weibull", "without_weibull"), ("extreme_exponential", "without_exponential"),
    ("extreme_lognormal", "without_lognormal"),
    ("extreme_null_exponential", "without_null_exponential"),
  ])
  func flooredRowFitsAsWithout(_ name: String, _ without: String) throws {
    let (m, r) = try Self.fit(name)
    let (_, w) = try Self.fit(without)
    let shift = -200 - log(1e200)
    let withoutLoglik = SurvregFixtureTests.numbers(w["loglik"])
    Self.expectClose(m.fit.coefficients, SurvregFixtureTests.numbers(w["coef"]), "\(name) coef")
    Self.expectClose(m.fit.scales, SurvregFixtureTests.numbers(w["scale"]), "\(name) scale")
    Self.expectClose([m.fit.loglik], [withoutLoglik[1] + shift], "\(name) loglik")
    #expect(m.fit.converged && m.warnings.isEmpty, "\(name): \(m.warnings)")
    let rLoglik = SurvregFixtureTests.numbers(r["loglik"])
    #expect(m.fit.loglik > rLoglik[1], "\(name): \(m.fit.loglik) vs R's \(rLoglik[1])")
    #expect(m.fit.loglik >= m.fit.loglikNull)
  }

  /// A fit that ends below the intercept-only model (held at a poor init for one iteration) says so.
  @Test func endingBelowTheInterceptOnlyModelIsAWarning() throws {
    let lung = try Self.dataset("lung", row: 0)
    var options = SurvregAnalysisOptions()
    options.initial = [0, 0, 0]
    options.maxIterations = 1
    let m = try SurvregAnalysis(
      dataset: lung, formula: try Formula(parsing: "Surv(time, status) ~ age + sex"), options: options)
    #expect(m.fit.loglik < m.fit.loglikNull)
    #expect(m.fit.warnings.contains { if case .belowNullModel = $0 { return true } else { return false } })
    #expect(m.warnings.contains { $0.hasPrefix("the model's log-likelihood (") && $0.contains("intercept-only") })
    // The fixture fits end at or above it with no such warning (checked in the tests above).
    let (ok, _) = try Self.fit("ordinary_lung_weibull")
    #expect(ok.fit.warnings.isEmpty)
  }

  /// flexsurv() counts the row the same way: the spline with no knot (the Weibull) on the extreme data
  /// converges to the Weibull fit without the row, its log-likelihood lower by 200 (flexsurv's log f is on
  /// the time scale, so the floor replaces the row's log(1/t) too); the Gompertz and generalised gamma
  /// converge. Before the floor, the Gompertz stopped after one step at ℓ ≈ −3e197 and the spline ran out of
  /// iterations at ℓ ≈ −2e87.
  @Test(arguments: ["gompertz", "gengamma", "spline"])
  func flexsurvFloorsTheRowToo(_ dist: String) throws {
    let all = try Self.fixtures()
    guard let row = all["extreme_row"] as? Int else { throw FixtureError("no extreme_row") }
    let d = try Self.dataset("lung_extreme_time", row: row - 1)
    var options = FlexsurvAnalysisOptions()
    switch dist {
    case "gompertz": options.distribution = .gompertz
    case "gengamma": options.distribution = .gengamma
    default: options.distribution = .spline(knots: 0, scale: .hazard)
    }
    let m = try FlexsurvAnalysis(
      dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ age + sex"), options: options)
    #expect(m.fit.converged && m.fit.loglik.isFinite, "\(dist): \(m.fit.loglik) \(m.warnings)")
    if dist == "spline" {
      let (_, w) = try Self.fit("without_weibull")
      let withoutLoglik = SurvregFixtureTests.numbers(w["loglik"])
      Self.expectClose([m.fit.loglik], [withoutLoglik[1] - 200], "spline loglik")
    }
  }
}
