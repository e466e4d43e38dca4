import Analysis
import Datasets
import Foundation
import Survival
import Testing
import TestSupport

/// `Tests/Fixtures/survreg_curves/*.json`, written by
/// `scripts/fixtures/survreg_curves.R`: survival, hazard, cumulative hazard,
/// restricted mean and mean of R survreg fits (all seven families; lung,
/// veteran, ovarian), per profile and averaged, with delta-method standard
/// errors from R's psurvreg/dsurvreg, `integrate` and fourth-order central
/// differences.
@Suite struct SurvregCurveFixtureTests {
  /// From R's θ and variance: closed forms against R's distribution functions
  /// and quadrature; R's differences and integrals are good to about 1e-9.
  static let exact = 1e-7
  /// From Kaplan's own fit of the same model (both fits stop at |Δℓ/ℓ| ≤ 1e-9).
  static let refitted = 1e-5

  static let names = [
    "lung_weibull", "lung_exponential", "lung_loglogistic", "lung_gaussian", "lung_logistic", "lung_extreme",
    "veteran_lognormal", "veteran_strata", "ovarian_weibull", "ovarian_lognormal",
  ]

  static func numbers(_ x: Any?) -> [Double] {
    if let n = x as? NSNumber { return [n.doubleValue] }
    return (x as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue ?? .nan }
  }

  static func fixture(_ name: String) throws -> [String: Any] {
    guard let f = try loadFixture("survreg_curves/\(name).json") as? [String: Any] else {
      throw FixtureError("bad fixture \(name)")
    }
    return f
  }

  /// The curves and profiles of R's estimate.
  static func rCurves(_ f: [String: Any]) -> (SurvregCurves, [SurvregProfile], [Double], Int) {
    let p = (f["p"] as? Int) ?? 0
    let theta = numbers(f["theta"])
    let q = (f["q"] as? Int) ?? 0
    let x = numbers(f["x"])
    let strata = numbers(f["strata"]).map { Int($0) - 1 }
    let dist = SurvregDistribution(rawValue: f["dist"] as? String ?? "") ?? .weibull
    let estimated = dist != .exponential
    let curves = SurvregCurves(
      distribution: dist, coefficients: Array(theta[0..<p]), logScales: estimated ? Array(theta[p...]) : [0],
      scaleEstimated: estimated)
    let profiles = strata.indices.map { r in
      SurvregProfile(x: Array(x[(r * p)..<((r + 1) * p)]), stratum: strata[r])
    }
    return (curves, profiles, numbers(f["var"]), q)
  }

  static func se(_ g: [Double], _ v: [Double], _ q: Int) -> Double {
    var s = 0.0
    for a in 0..<q { for b in 0..<q { s += g[a] * v[a * q + b] * g[b] } }
    return s.squareRoot()
  }

  static func close(_ a: Double, _ b: Double, _ tol: Double, _ what: String) {
    #expect(approxEqual(a, b, relative: tol, absoluteFloor: 1e-13), "\(what): \(a) vs R \(b)")
  }

  @Test(arguments: names)
  func curvesMatchRFromRsEstimate(_ name: String) throws {
    let f = try Self.fixture(name)
    let (curves, profiles, v, q) = Self.rCurves(f)
    let times = Self.numbers(f["times"])
    for type in [SurvregCurveType.survival, .hazard, .cumhaz] {
      let r = f[type.rawValue] as? [String: Any] ?? [:]
      let fit = Self.numbers(r["fit"]), se = Self.numbers(r["se"])
      let avg = Self.numbers(r["average"]), avgSE = Self.numbers(r["average_se"])
      for (j, t) in times.enumerated() {
        for (i, profile) in profiles.enumerated() {
          let c = curves.value(type, at: t, profile: profile)
          let k = j * profiles.count + i
          Self.close(c.value, fit[k], Self.exact, "\(name) \(type) row \(i + 1) t=\(t)")
          Self.close(Self.se(c.gradient, v, q), se[k], Self.exact, "\(name) \(type) se row \(i + 1) t=\(t)")
        }
        let a = curves.average(type, at: t, profiles: profiles)
        Self.close(a.value, avg[j], Self.exact, "\(name) average \(type) t=\(t)")
        Self.close(Self.se(a.gradient, v, q), avgSE[j], Self.exact, "\(name) average \(type) se t=\(t)")
      }
    }
    for r in f["rmst"] as? [[String: Any]] ?? [] {
      let tau = Self.numbers(r["tau"])[0]
      let fit = Self.numbers(r["fit"]), se = Self.numbers(r["se"])
      for (i, profile) in profiles.enumerated() {
        let c = curves.value(.rmst, at: tau, profile: profile)
        Self.close(c.value, fit[i], Self.exact, "\(name) rmst(\(tau)) row \(i + 1)")
        Self.close(Self.se(c.gradient, v, q), se[i], Self.exact, "\(name) rmst(\(tau)) se row \(i + 1)")
      }
      let a = curves.average(.rmst, at: tau, profiles: profiles)
      Self.close(a.value, Self.numbers(r["average"])[0], Self.exact, "\(name) average rmst(\(tau))")
      Self.close(Self.se(a.gradient, v, q), Self.numbers(r["average_se"])[0], Self.exact, "\(name) avg rmst se")
    }
    let m = f["mean"] as? [String: Any] ?? [:]
    let mean = Self.numbers(m["fit"]), meanSE = Self.numbers(m["se"])
    for (i, profile) in profiles.enumerated() {
      let c = curves.value(.mean, at: 0, profile: profile)
      Self.close(c.value, mean[i], Self.exact, "\(name) mean row \(i + 1)")
      Self.close(Self.se(c.gradient, v, q), meanSE[i], Self.exact, "\(name) mean se row \(i + 1)")
    }
  }

  /// The model fitted by Kaplan, predicted for the fixture's rows of the
  /// bundled data: the same curves, to the agreement of the two fits.
  @Test(arguments: names)
  func predictionsOfKaplansFitMatchR(_ name: String) throws {
    let f = try Self.fixture(name)
    let d: Dataset
    if let data = f["data"] as? [String: Any], let names = data["names"] as? [String],
      let columns = data["columns"] as? [String: Any]
    {
      d = try Dataset(names: names, columns: names.map { .double(Self.numbers(columns[$0])) })
    } else {
      let source = f["dataset"] as? String ?? ""
      d = try BundledDatasets.load(source, stdlib: projectRoot.appendingPathComponent("stdlib").path)
    }
    var options = SurvregAnalysisOptions()
    options.distribution = SurvregDistribution(rawValue: f["dist"] as? String ?? "") ?? .weibull
    let m = try SurvregAnalysis(
      dataset: d, formula: try Formula(parsing: f["formula"] as? String ?? ""), options: options)
    let rows = Self.numbers(f["newdata_rows"]).map { Int($0) - 1 }
    let newdata = try d.rows(rows)
    let times = Self.numbers(f["times"])
    let z = Normal.quantile(0.975)
    for type in [SurvregCurveType.survival, .hazard, .cumhaz] {
      let r = f[type.rawValue] as? [String: Any] ?? [:]
      let fit = Self.numbers(r["fit"]), se = Self.numbers(r["se"])
      let got = try m.predictCurves(newdata: newdata, SurvregCurveRequest(type: type, times: times))
      #expect(got.fit.count == fit.count)
      for i in rows.indices {
        for j in times.indices {
          let ours = i * times.count + j, theirs = j * rows.count + i
          Self.close(got.fit[ours], fit[theirs], Self.refitted, "\(name) \(type) row \(i + 1)")
          Self.close(got.se[ours], se[theirs], Self.refitted, "\(name) \(type) se row \(i + 1)")
          if type == .survival {
            Self.close(got.lower[ours], Self.numbers(r["lower"])[theirs], Self.refitted, "\(name) lower")
            Self.close(got.upper[ours], Self.numbers(r["upper"])[theirs], Self.refitted, "\(name) upper")
          }
          if type == .hazard {
            let w = z * got.se[ours] / got.fit[ours]
            Self.close(got.lower[ours], got.fit[ours] * exp(-w), 1e-12, "\(name) hazard lower (log scale)")
            Self.close(got.upper[ours], Self.numbers(r["upper"])[theirs], Self.refitted, "\(name) hazard upper")
          }
        }
      }
      var average = SurvregCurveRequest(type: type, times: times)
      average.average = true
      let a = try m.predictCurves(newdata: newdata, average)
      for j in times.indices {
        Self.close(a.fit[j], Self.numbers(r["average"])[j], Self.refitted, "\(name) average \(type)")
        Self.close(a.se[j], Self.numbers(r["average_se"])[j], Self.refitted, "\(name) average \(type) se")
      }
    }
    for r in f["rmst"] as? [[String: Any]] ?? [] {
      let tau = Self.numbers(r["tau"])[0]
      let got = try m.predictCurves(newdata: newdata, SurvregCurveRequest(type: .rmst, times: [tau]))
      for i in rows.indices {
        Self.close(got.fit[i], Self.numbers(r["fit"])[i], Self.refitted, "\(name) rmst row \(i + 1)")
        Self.close(got.se[i], Self.numbers(r["se"])[i], Self.refitted, "\(name) rmst se row \(i + 1)")
      }
    }
  }

  @Test func badRequestsAreErrors() throws {
    let d = try BundledDatasets.load("lung", stdlib: projectRoot.appendingPathComponent("stdlib").path)
    let m = try SurvregAnalysis(dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ age + sex"))
    func message(_ r: SurvregCurveRequest, _ data: Dataset? = nil) -> String {
      do {
        _ = try m.predictCurves(newdata: data, r)
        return ""
      } catch let e as ModelFrameError { return e.message } catch { return "\(error)" }
    }
    #expect(message(SurvregCurveRequest(type: .survival, times: [-1])) == "times must be >= 0 and finite, got -1")
    #expect(message(SurvregCurveRequest(type: .rmst, times: [0])) == "tau must be positive and finite, got 0")
    #expect(message(SurvregCurveRequest(type: .hazard, times: [])) == "times are needed for type = \"hazard\"")
    let noSex = try Dataset(names: ["age"], columns: [.double([60])])
    #expect(message(SurvregCurveRequest(type: .survival, times: [1]), noSex).hasPrefix("newdata has no column 'sex'"))
    let missing = try Dataset(names: ["age", "sex"], columns: [.double([60, .nan]), .double([1, 2])])
    #expect(message(SurvregCurveRequest(type: .survival, times: [1]), missing)
      == "newdata row 2 has a missing value in a covariate of the model")
  }

  /// Survival at 0 is 1 with no uncertainty; S, H and the restricted mean agree (H = −log S, RMST′(τ) = S(τ)).
  @Test func curvesAreConsistent() throws {
    let d = try BundledDatasets.load("lung", stdlib: projectRoot.appendingPathComponent("stdlib").path)
    let m = try SurvregAnalysis(dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ age + sex"))
    let one = try d.rows([0])
    let s = try m.predictCurves(newdata: one, SurvregCurveRequest(type: .survival, times: [0, 400]))
    #expect(s.fit[0] == 1 && s.se[0] == 0 && s.lower[0] == 1 && s.upper[0] == 1)
    let h = try m.predictCurves(newdata: one, SurvregCurveRequest(type: .cumhaz, times: [400]))
    Self.close(h.fit[0], -log(s.fit[1]), 1e-12, "H = -log S")
    let r1 = try m.predictCurves(newdata: one, SurvregCurveRequest(type: .rmst, times: [400 - 0.01]))
    let r2 = try m.predictCurves(newdata: one, SurvregCurveRequest(type: .rmst, times: [400 + 0.01]))
    Self.close((r2.fit[0] - r1.fit[0]) / 0.02, s.fit[1], 1e-7, "d rmst / d tau = S")
  }

  /// The bootstrap is reproducible for a seed, uses every replicate of a
  /// well-behaved fit, and its standard error is near the delta method's.
  @Test func bootstrapIsSeededAndNearTheDeltaMethod() throws {
    let d = try BundledDatasets.load("lung", stdlib: projectRoot.appendingPathComponent("stdlib").path)
    let m = try SurvregAnalysis(dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ age + sex"))
    let one = try d.rows([0])
    var r = SurvregCurveRequest(type: .survival, times: [365])
    r.bootstrap = 60
    r.seed = 7
    let a = try m.predictCurves(newdata: one, r)
    let b = try m.predictCurves(newdata: one, r)
    #expect(a.se == b.se && a.lower == b.lower && a.upper == b.upper)
    #expect(a.replicatesUsed == 60 && a.interval == .percentile)
    #expect(a.lower[0] < a.fit[0] && a.fit[0] < a.upper[0])
    let delta = try m.predictCurves(newdata: one, SurvregCurveRequest(type: .survival, times: [365]))
    // 60 replicates estimate an se to about ±20% (its relative se is 1/sqrt(2·59)); allow a factor 1.5.
    #expect(a.se[0] > delta.se[0] / 1.5 && a.se[0] < delta.se[0] * 1.5, "bootstrap \(a.se[0]) delta \(delta.se[0])")
    r.seed = 8
    let c = try m.predictCurves(newdata: one, r)
    #expect(c.se != a.se)
  }
}
