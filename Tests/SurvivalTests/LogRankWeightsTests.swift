import Foundation
import Testing
import TestSupport

@testable import Survival

/// Weighted log-rank tests (issue 21): Gehan, Tarone–Ware, Peto–Peto,
/// modified Peto and Fleming–Harrington, by hand and against lifelines.
struct LogRankWeightsTests {
  /// Five subjects (time, event, group): (1,1,0) (2,1,1) (3,0,0) (4,1,1)
  /// (5,1,0). Event times 1, 2, 4 with (n, n₁, d₁) = (5, 2, 0), (4, 2, 1),
  /// (2, 1, 1): O − E of group 1 is −0.4, 0.5, 0.5 and the log-rank
  /// variances d(n − d)n₁n₀/(n²(n − 1)) are 0.24, 0.25, 0.25 (time 5 has
  /// n = 1). Worked by hand:
  /// Gehan w = n = 5, 4, 2: U = −2 + 2 + 1 = 1, V = 6 + 4 + 1 = 11, χ² = 1/11;
  /// Tarone–Ware w = √n: U = −0.4√5 + 1 + 0.5√2, V = 1.2 + 1 + 0.5 = 2.7;
  /// Peto S̃ = 5/6, 2/3, 4/9: U = 2/9, V = 53/162, χ² = 8/53;
  /// modified Peto S̃·n/(n + 1) = 25/36, 8/15, 8/27.
  static let time: [Double] = [1, 2, 3, 4, 5]
  static let event: [Int] = [1, 1, 0, 1, 1]
  static let group: [Int] = [0, 1, 0, 1, 0]
  static let base = [0.24, 0.25, 0.25]
  static let oe = [-0.4, 0.5, 0.5]

  static func chisq(_ w: [Double]) -> Double {
    var u = 0.0, v = 0.0
    for i in 0..<3 {
      u += w[i] * oe[i]
      v += w[i] * w[i] * base[i]
    }
    return u * u / v
  }

  @Test func tinyDataByHand() throws {
    func test(_ weight: LogRankWeight) throws -> LogRankTest {
      try LogRankTest.test(time: Self.time, event: Self.event, group: Self.group, groupCount: 2, weight: weight)
    }
    let tolerance = 1e-13
    #expect(abs(try test(.gehan).chiSquare - 1.0 / 11) < tolerance)
    #expect(abs(try test(.gehan).observed[1] - 6) < tolerance)  // Σ w d₁ = 4 + 2
    #expect(abs(try test(.taroneWare).chiSquare - Self.chisq([sqrt(5.0), 2, sqrt(2.0)])) < tolerance)
    #expect(abs(try test(.taroneWare).variance[3] - 2.7) < tolerance)
    #expect(abs(try test(.petoPeto).chiSquare - 8.0 / 53) < tolerance)
    #expect(abs(try test(.modifiedPeto).chiSquare - Self.chisq([25.0 / 36, 8.0 / 15, 8.0 / 27])) < tolerance)
    #expect(abs(try test(.logRank).chiSquare - Self.chisq([1, 1, 1])) < tolerance)
    #expect(abs(try test(.flemingHarrington(rho: 1, gamma: 0)).chiSquare - Self.chisq([1, 0.8, 0.6])) < tolerance)
    #expect(try test(.gehan).weight == .gehan)
  }

  /// lifelines 0.30 `multivariate_logrank_test(weightings = "wilcoxon" | "tarone-ware" | "peto" |
  /// "fleming-harrington")` on lung by sex, veteran by celltype and by trt (unstratified: lifelines has no
  /// strata), colon by rx: chi-square and p to 1e-10 relative (KMFixture), from
  /// scripts/fixtures/logrank_weights_lifelines.py.
  @Test func matchesLifelines() throws {
    let fixture = try KMFixture.load("logrank_weights_lifelines")
    let cases = KMFixture.objects(fixture["cases"])
    #expect(cases.count == 20)
    for c in cases {
      let source = c["source"] as? String ?? ""
      let input = KMFixture.object(try KMFixture.load(source)["input"])
      let name = c["weightings"] as? String ?? ""
      let weight: LogRankWeight
      switch name {
      case "wilcoxon": weight = .gehan
      case "tarone-ware": weight = .taroneWare
      case "peto": weight = .petoPeto
      default: weight = .flemingHarrington(rho: KMFixture.number(c["rho"]), gamma: KMFixture.number(c["gamma"]))
      }
      let test = try LogRankTest.test(
        time: KMFixture.numbers(input["time"]), event: KMFixture.ints(input["event"]),
        group: KMFixture.ints(input["group"]), groupCount: Int(KMFixture.number(input["group_count"])),
        weight: weight)
      KMFixture.expectValue(test.chiSquare, Double(c["chisq"] as? String ?? "") ?? .nan, "\(source) \(name) chisq")
      KMFixture.expectValue(test.p, Double(c["p"] as? String ?? "") ?? .nan, "\(source) \(name) p")
      #expect(test.df == c["df"] as? Int)
    }
  }

  /// Strata: the weights are computed within each stratum (n and S̃ of the
  /// stratum), so a stratified test is the sum of the per-stratum tests' O − E and V.
  @Test func strataAddUp() throws {
    let time: [Double] = Self.time + Self.time.map { $0 + 0.5 }
    let event = Self.event + [1, 0, 1, 1, 0]
    let group = Self.group + [1, 1, 0, 0, 1]
    let strata = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    for weight in [LogRankWeight.gehan, .taroneWare, .petoPeto, .modifiedPeto] {
      let all = try LogRankTest.test(
        time: time, event: event, group: group, groupCount: 2, strata: strata, strataCount: 2, weight: weight)
      let a = try LogRankTest.test(
        time: Array(time[0..<5]), event: Array(event[0..<5]), group: Array(group[0..<5]), groupCount: 2,
        weight: weight)
      let b = try LogRankTest.test(
        time: Array(time[5...]), event: Array(event[5...]), group: Array(group[5...]), groupCount: 2, weight: weight)
      let u = (a.observed[1] - a.expected[1]) + (b.observed[1] - b.expected[1])
      let v = a.variance[3] + b.variance[3]
      #expect(abs(all.chiSquare - u * u / v) < 1e-12, "\(weight)")
    }
  }
}

/// MaxCombo (issue 21).
struct MaxComboTests {
  /// The tiny data above: FH(0,0) U = 0.6, V = 0.74; FH(0,1) weights 0, 0.2, 0.4 (1 − S(t−)), U = 0.3,
  /// V = 0.05; FH(1,0) weights 1, 0.8, 0.6, U = 0.3, V = 0.49; FH(1,1) weights 0, 0.16, 0.24, U = 0.2,
  /// V = 0.0208 (by hand). The largest |z| is FH(1,1)'s, and the p-value lies between that one test's
  /// p-value and four times it (Bonferroni).
  @Test func tinyDataByHand() throws {
    let m = try MaxComboTest.test(time: LogRankWeightsTests.time, event: LogRankWeightsTests.event,
                                  group: LogRankWeightsTests.group)
    let want = [0.6 / sqrt(0.74), 0.3 / sqrt(0.05), 0.3 / 0.7, 0.2 / sqrt(0.0208)]
    for a in 0..<4 { #expect(abs(m.z[a] - want[a]) < 1e-12, "z \(a)") }
    #expect(abs(m.statistic - want[3]) < 1e-12)
    let single = Normal.twoSidedP(want[3])
    #expect(m.p > single && m.p < 4 * single)
    #expect(m.pError < 1e-9)
  }

  /// Against scripts/fixtures/logrank_weights_lifelines.py: z and R written out by hand (a loop over event
  /// times) to 1e-10, and the p-value by nested adaptive quadrature (scipy dblquad, error < 1e-12), to
  /// 1e-9 absolute: ours is another nested adaptive quadrature, asked for 1e-9.
  @Test func matchesQuadrature() throws {
    let fixture = try KMFixture.load("logrank_weights_lifelines")
    let cases = KMFixture.objects(fixture["maxcombo"])
    #expect(cases.count == 2)
    for c in cases {
      let source = c["source"] as? String ?? ""
      let input = KMFixture.object(try KMFixture.load(source)["input"])
      let strata = input["strata"] == nil ? nil : KMFixture.ints(input["strata"])
      let m = try MaxComboTest.test(
        time: KMFixture.numbers(input["time"]), event: KMFixture.ints(input["event"]),
        group: KMFixture.ints(input["group"]), strata: strata, strataCount: (strata?.max() ?? 0) + 1)
      let z = (c["z"] as? [String] ?? []).compactMap(Double.init)
      let r = (c["correlation"] as? [String] ?? []).compactMap(Double.init)
      KMFixture.expectArray(m.z, z, "\(source) z")
      KMFixture.expectArray(m.correlation, r, "\(source) R")
      let p = Double(c["p"] as? String ?? "") ?? .nan
      #expect(abs(m.p - p) < 1e-9, "\(source) p \(m.p) vs \(p) (error bound \(m.pError))")
      #expect(m.pError < 1e-9)
      #expect(m.used == [true, true, true, true])
    }
  }
}

/// Genz's algorithm against closed forms.
struct MultivariateNormalTests {
  /// Orthant probabilities: P(Z₁ < 0, Z₂ < 0) = 1/4 + asin ρ/(2π); three
  /// variables 1/8 + (asin ρ₁₂ + asin ρ₁₃ + asin ρ₂₃)/(4π) (Tong 1990, *The
  /// Multivariate Normal Distribution*, §8.2).
  @Test func orthants() {
    let two = MultivariateNormal.box(lower: [-.infinity, -.infinity], upper: [0, 0], correlation: [1, 0.6, 0.6, 1])
    #expect(abs(two.value - (0.25 + asin(0.6) / (2 * Double.pi))) < 1e-6)
    let r: [Double] = [1, 0.5, 0.3, 0.5, 1, 0.7, 0.3, 0.7, 1]
    let three = MultivariateNormal.box(lower: [-.infinity, -.infinity, -.infinity], upper: [0, 0, 0],
                                       correlation: r)
    let exact = 0.125 + (asin(0.5) + asin(0.3) + asin(0.7)) / (4 * Double.pi)
    #expect(abs(three.value - exact) < 1e-6)
    #expect(abs(three.value - exact) <= max(three.error, 1e-12) * 2)
  }

  /// A row equal to another (correlation 1) or a combination of two folds into the limits: P(|Z₁| < 1,
  /// |Z₂| < 1) with Z₂ = Z₁ is Φ(1) − Φ(−1) exactly; Z₃ = (Z₁ + Z₂)/√2 with Z₁, Z₂ independent and no
  /// limit on Z₃ is the product of the two.
  @Test func singularRowsFold() {
    let same = MultivariateNormal.box(lower: [-1, -1], upper: [1, 1], correlation: [1, 1, 1, 1])
    #expect(abs(same.value - (Normal.cdf(1) - Normal.cdf(-1))) < 1e-12)
    let c = sqrt(0.5)
    let free = MultivariateNormal.box(
      lower: [-1, -2, -.infinity], upper: [1, 2, .infinity], correlation: [1, 0, c, 0, 1, c, c, c, 1])
    #expect(abs(free.value - (Normal.cdf(1) - Normal.cdf(-1)) * (Normal.cdf(2) - Normal.cdf(-2))) < 1e-6)
    #expect(MultivariateNormal.box(lower: [0], upper: [1], correlation: [-1]).value.isNaN)
  }
}
