import Foundation
import Testing

@testable import Survival

/// `StandardisedRiskSums`' expansion by bins of relative risk against the
/// row-by-row sums, through `CoxStandardisedCurve` (point and delta-method
/// standard error), on seeded data with a wide spread of risks and strata.
struct StandardisedRiskSumsTests {
  /// The series is cut at 10⁻¹⁸ of each term; sums of a few thousand rows agree to rounding.
  static let relativeTolerance = 1e-12

  /// Seeded rows: two strata, p = 2 covariates, tied times, risks over e^±4.
  static func sample(n: Int) -> (baselines: [CoxBaselineHazard], stratum: [Int], risk: [Double], z: [Double]) {
    var state: UInt64 = 11
    func uniform() -> Double {  // a 64-bit LCG (Knuth's MMIX constants): seeded, enough for test data
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
    let p = 2
    var stop: [Double] = [], status: [Int] = [], x: [Double] = [Double](repeating: 0, count: n * p)
    var stratum: [Int] = [], risk: [Double] = [], z: [Double] = []
    for i in 0..<n {
      stop.append((uniform() * 200).rounded() / 20)
      status.append(uniform() < 0.7 ? 1 : 0)
      let a = uniform() * 8 - 4, b = uniform() < 0.5 ? 1.0 : 0.0
      x[i] = a
      x[n + i] = b
      z += [a, b]
      stratum.append(i % 3 == 0 ? 1 : 0)
      risk.append(Foundation.exp(0.9 * a - 0.4 * b))
    }
    let baselines = (0..<2).map { s in
      CoxBaselineHazard.compute(
        rows: (0..<n).filter { stratum[$0] == s }, start: nil, stop: stop, status: status, weights: nil,
        risk: risk, x: x, columns: p, efron: true)
    }
    return (baselines, stratum, risk, z)
  }

  static func expectClose(_ a: [Double], _ b: [Double], _ what: String) {
    #expect(a.count == b.count, "\(what): lengths")
    for (x, y) in zip(a, b) {
      #expect(abs(x - y) <= relativeTolerance * max(abs(y), 1e-300), "\(what): \(x) vs \(y)")
    }
  }

  @Test func expansionMatchesRowByRowSums() throws {
    let s = Self.sample(n: 3000)
    let variance = [0.01, 0.002, 0.002, 0.03]
    let direct = try CoxStandardisedCurve.compute(
      baselines: s.baselines, stratum: s.stratum, risk: s.risk, z: s.z, variance: variance, confType: .logLog,
      confLevel: 0.95, method: .direct)
    let expanded = try CoxStandardisedCurve.compute(
      baselines: s.baselines, stratum: s.stratum, risk: s.risk, z: s.z, variance: variance, confType: .logLog,
      confLevel: 0.95, method: .expansion)
    #expect(direct.time == expanded.time)
    Self.expectClose(expanded.surv, direct.surv, "surv")
    Self.expectClose(expanded.stdErr, direct.stdErr, "std err")
    Self.expectClose(expanded.lower, direct.lower, "lower")
    let point = try CoxStandardisedCurve.compute(
      baselines: s.baselines, stratum: s.stratum, risk: s.risk, z: s.z, variance: nil, confType: .none,
      confLevel: 0.95, method: .expansion)
    Self.expectClose(point.surv, direct.surv, "surv without variance")
  }

  @Test func automaticExpandsOnlyWhenBinsAreFewComparedWithRows() {
    // Risks over [0.5, 2] and H = 2: three bins of width ½ (the first 40 rows fall in one).
    let n = 10_000
    let risk = (0..<n).map { 0.5 + 1.5 * Double($0) / Double(n) }
    let z = [Double](repeating: 0.1, count: n)
    let many = StandardisedRiskSums(
      rows: Array(0..<n), risk: risk, z: z, p: 1, gradient: true, maxHazard: 2, method: .automatic)
    let few = StandardisedRiskSums(
      rows: Array(0..<40), risk: risk, z: z, p: 1, gradient: true, maxHazard: 2, method: .automatic)
    let infinite = StandardisedRiskSums(
      rows: Array(0..<n), risk: risk.map { _ in Double.infinity }, z: z, p: 1, gradient: false, maxHazard: 2,
      method: .expansion)
    let (manyExpanded, fewExpanded, infiniteExpanded) = (many.expanded, few.expanded, infinite.expanded)
    #expect(manyExpanded)
    #expect(!fewExpanded)  // 40 rows in one bin: 1 · 4 · 16 > 40
    #expect(!infiniteExpanded)
  }
}
