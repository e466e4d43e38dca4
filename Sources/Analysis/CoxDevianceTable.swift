import Datasets
import Survival

/// The sequential analysis of deviance of one Cox model, as R `survival`
/// 3.5 `anova(fit)` for a single `coxph` fit: the terms are added first to
/// last (R's term order: main effects, then interactions), and each row
/// gives the log partial likelihood of the model with the terms so far and
/// the likelihood-ratio test of the term just added,
///
///   χ²ₖ = 2 (ℓₖ − ℓₖ₋₁) on dfₖ − dfₖ₋₁ degrees of freedom,
///
/// where dfₖ counts the coefficients that are not NA. Row 0 (`NULL`) is the
/// log-likelihood at the initial coefficients of the full fit (the null
/// model unless `init` was given), and the last row is the full fit. Every
/// nested model is fitted to the rows of the full model (its complete
/// cases), with its strata and offset, by the columns of the design matrix
/// that belong to its terms (R's `assign`), with default iteration control
/// and the model's ties method.
///
/// Departure: R refits the nested models without the case weights (the
/// first and last rows have them), which mixes weighted and unweighted
/// log-likelihoods; here every row uses the weights. Robust variances are
/// refused, as R does: the likelihood-ratio tests assume independent rows.
public struct CoxDevianceTable: Sendable {
  public struct Row: Sendable, Equatable {
    /// `NULL`, then the term labels (`age`, `celltype`, `age:sex`).
    public let term: String
    public let loglik: Double
    /// The test of the term against the row above; nil for `NULL`.
    public let chiSquare: Double?
    public let df: Int?
    public let p: Double?
  }

  public let formula: Formula
  public let ties: CoxTies
  public let rows: [Row]
  /// Rows of data used by every model.
  public let n: Int

  public init(dataset: Dataset, formula: Formula, options: CoxAnalysisOptions = CoxAnalysisOptions())
    throws
  {
    if let v = formula.timeTransformVariables.first {
      throw ModelFrameError(
        "no analysis of deviance for a model with \(v.label): its nested models would need the tt function; "
          + "fit them and use lrtest(m1, m2)")
    }
    let prepared = try CoxAnalysis.prepare(dataset: dataset, formula: formula, options: options)
    if prepared.options.robust {
      throw ModelFrameError(
        "no analysis of deviance with a robust variance (cluster() or robust = true; as R): "
          + "the likelihood-ratio tests assume independent rows")
    }
    let design = prepared.design
    let full = try prepared.fit(columns: design.columnCount)
    var logliks = [full.loglikInitial]
    var dfs = [0]
    let nestedOptions = CoxOptions(ties: prepared.options.ties)
    for k in 0..<(design.termColumns.count - 1) {
      let nested = try prepared.fit(columns: design.termColumns[k].upperBound, options: nestedOptions)
      logliks.append(nested.loglik)
      dfs.append(nested.estimatedCount)
    }
    logliks.append(full.loglik)
    dfs.append(full.estimatedCount)

    var rows = [Row(term: "NULL", loglik: logliks[0], chiSquare: nil, df: nil, p: nil)]
    for (k, label) in design.termLabels.enumerated() {
      let test = ChiSquareTest(2 * (logliks[k + 1] - logliks[k]), df: dfs[k + 1] - dfs[k])
      rows.append(Row(
        term: label, loglik: logliks[k + 1], chiSquare: test.statistic, df: test.df,
        p: test.df > 0 ? test.p : nil))
    }
    self.formula = prepared.formula
    self.ties = prepared.options.ties
    self.rows = rows
    self.n = full.n
  }
}
