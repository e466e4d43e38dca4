import Testing
import TestSupport
@testable import Survival

/// A covariate near 1e200 (lung's age × 1e200): R `survival` 3.5.3 estimates
/// it; Kaplan declared it singular because its unscaled variance underflows
/// to 0, though the scaled information has full rank (R marks columns only
/// when the rank is deficient). Fixture: scripts/fixtures/cox.R,
/// `lung_huge_scale`; CoxFixtureTests compares every value, but its absolute
/// floor (1e-12) cannot see a coefficient of 1.9e-202, so this test compares
/// it relatively and checks the degenerate values exactly.
struct CoxHugeScaleTests {
  @Test func hugeCovariateIsEstimatedAsR() throws {
    let fixture = try CoxFixture("lung_huge_scale")
    let fit = try fixture.fit()
    let rCoef = try #require(fixture.outputDoubles("coef")?.first)
    #expect(fit.singular == [false])
    #expect(!fit.warnings.contains { if case .singular = $0 { return true } else { return false } })
    #expect(approxEqual(fit.coefficients[0], rCoef, relative: Tolerance.iterative),
            "coef \(fit.coefficients[0]) vs R \(rCoef)")
    // The same model on age: the coefficient is R's age coefficient / 1e200.
    #expect(fit.coefficients[0] > 1e-203 && fit.coefficients[0] < 1e-201)
    // R: var 0 (underflow), se 0, z Inf, p 0, HR interval [1, 1], Wald NaN on 1 df.
    #expect(fit.standardErrors == [0])
    #expect(fit.z == [.infinity])
    #expect(fit.p == [0])
    #expect(fit.lower == [1] && fit.upper == [1])
    #expect(fit.waldTest.statistic.isNaN)
    #expect(fit.waldTest.df == 1)
    #expect(fit.likelihoodRatioTest.df == 1)
  }

  /// Rank-deficient fits still mark their columns (lung_collinear: age2 = 2·age + 1).
  @Test func collinearColumnIsStillSingular() throws {
    let fit = try CoxFixture("lung_collinear").fit()
    #expect(fit.singular == [false, false, true])
    #expect(fit.coefficients[2].isNaN)
  }
}
