import Survival

/// The likelihood-ratio test of two nested Cox models (R `anova(m1, m2)`,
/// `anova.coxphlist`): both fitted to the same response and rows, with
/// different numbers of coefficients.
public struct CoxComparison {
  public let formulas: (String, String)
  public let loglik: (Double, Double)
  /// |2 Δloglik| on |Δdf| degrees of freedom (`ChiSquareTest.nestedLikelihoodRatio`).
  public let test: ChiSquareTest

  public init(_ m1: CoxAnalysis, _ m2: CoxAnalysis) throws {
    let (r1, r2) = (Self.response(m1.formula), Self.response(m2.formula))
    guard r1 == r2 else { throw CoxComparisonError("the models have different responses (\(r1) and \(r2))") }
    guard m1.n == m2.n else {
      throw CoxComparisonError(
        "the models were fitted to different numbers of rows (\(m1.n) and \(m2.n)); fit both to the same "
          + "complete rows (drop the rows missing in either model first)")
    }
    let (df1, df2) = (m1.fit.likelihoodRatioTest.df, m2.fit.likelihoodRatioTest.df)
    guard df1 != df2 else {
      throw CoxComparisonError(
        "both models have \(df1) coefficient\(df1 == 1 ? "" : "s"); the likelihood-ratio test compares a "
          + "model with a smaller one nested in it")
    }
    formulas = (m1.formula.text, m2.formula.text)
    loglik = (m1.fit.loglik, m2.fit.loglik)
    test = ChiSquareTest.nestedLikelihoodRatio(loglik1: m1.fit.loglik, df1: df1, loglik2: m2.fit.loglik, df2: df2)
  }

  /// The response as written, without blanks (`Surv(time,status)`).
  private static func response(_ formula: Formula) -> String {
    let text = formula.text
    let lhs = text.firstIndex(of: "~").map { String(text[..<$0]) } ?? text
    return lhs.filter { !$0.isWhitespace }
  }
}

/// Why two Cox models cannot be compared (the caller prefixes the function).
private struct CoxComparisonError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
