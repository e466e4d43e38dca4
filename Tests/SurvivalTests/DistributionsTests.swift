import Testing
import TestSupport
@testable import Survival

/// Reference values printed by R 4.x with `print(x, digits = 17)`.
struct DistributionsTests {
  @Test func normalQuantileMatchesR() {
    // qnorm(0.975), qnorm(0.995), qnorm(1e-10), qnorm(0.3)
    #expect(approxEqual(Normal.quantile(0.975), 1.9599639845400536, relative: 1e-14))
    #expect(approxEqual(Normal.quantile(0.995), 2.5758293035488999, relative: 1e-14))
    #expect(approxEqual(Normal.quantile(1e-10), -6.3613409024040557, relative: 1e-13))
    #expect(approxEqual(Normal.quantile(0.3), -0.52440051270804067, relative: 1e-14))
    #expect(Normal.quantile(0.5) == 0)
  }

  @Test func normalTailsMatchR() {
    // 2 * pnorm(-2.5), pnorm(-10)
    #expect(approxEqual(Normal.twoSidedP(2.5), 0.012419330651552270, relative: 1e-14))
    #expect(approxEqual(Normal.cdf(-10), 7.6198530241605269e-24, relative: 1e-12))
  }

  @Test func chiSquareUpperTailMatchesR() {
    // pchisq(3.84, 1, lower.tail=FALSE), pchisq(10, 3, ...), pchisq(0.5, 4, ...), pchisq(150, 2, ...)
    #expect(approxEqual(ChiSquare.upperTail(3.84, df: 1), 0.050043521248705224, relative: 1e-13))
    #expect(approxEqual(ChiSquare.upperTail(10, df: 3), 0.018566135463043233, relative: 1e-13))
    #expect(approxEqual(ChiSquare.upperTail(0.5, df: 4), 0.97350097883925613, relative: 1e-13))
    #expect(approxEqual(ChiSquare.upperTail(150, df: 2), 2.6786369618080778e-33, relative: 1e-12))
  }

  @Test func choleskySolvesAndFlagsSingularColumns() throws {
    // A = [[4,2,0],[2,3,0],[0,0,0]]: rank 2, third column redundant.
    let a: [Double] = [4, 2, 0, 2, 3, 0, 0, 0, 0]
    let f = try CholeskyLDL(a, n: 3)
    #expect(f.rank == 2)
    let x = f.solve([2, 1, 5])
    #expect(approxEqual(x[0], 0.5, relative: 1e-15))
    #expect(abs(x[1]) < 1e-15)
    #expect(x[2] == 0)
    let inv = f.inverse()
    // inverse of [[4,2],[2,3]] is [[3,-2],[-2,4]]/8
    #expect(approxEqual(inv[0], 3.0 / 8, relative: 1e-15))
    #expect(approxEqual(inv[1], -2.0 / 8, relative: 1e-15))
    #expect(approxEqual(inv[4], 4.0 / 8, relative: 1e-15))
    #expect(inv[8] == 0)
  }
}
