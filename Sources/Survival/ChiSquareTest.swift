/// A chi-square test: the statistic, its degrees of freedom and the upper-tail
/// p-value P(χ²_df > statistic), NaN when df is 0 (R prints no p-value then).
///
/// The tests of a fit (`CoxFit`'s score, Wald and likelihood-ratio tests,
/// `FineGray.likelihoodRatioTest`) and the comparison of two nested fits
/// (`nestedLikelihoodRatio`) are computed here, in the numerics, so that the
/// Lua layer only encodes them.
public struct ChiSquareTest: Sendable, Equatable {
  public let statistic: Double
  public let df: Int
  public let p: Double

  public init(_ statistic: Double, df: Int) {
    self.statistic = statistic
    self.df = df
    self.p = df > 0 ? ChiSquare.upperTail(statistic, df: Double(df)) : .nan
  }

  /// The likelihood-ratio test between two nested fits of the same rows,
  /// given their maximised log (partial) likelihoods and numbers of estimated
  /// (non-NA) coefficients, in either order: |2 (ℓ₂ − ℓ₁)| on |df₂ − df₁|
  /// degrees of freedom, as R `survival` 3.5 `anova.coxphlist` (`anova(m1, m2)`)
  /// computes it.
  public static func nestedLikelihoodRatio(loglik1: Double, df1: Int, loglik2: Double, df2: Int) -> ChiSquareTest {
    ChiSquareTest(abs(2 * (loglik2 - loglik1)), df: abs(df2 - df1))
  }
}
