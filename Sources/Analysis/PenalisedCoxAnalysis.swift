import Datasets
import Survival

/// One row of the coefficient table R prints for a penalised Cox fit
/// (`print.coxph.penal`): per `pspline()` term a "linear" row (the
/// weighted least-squares slope of its coefficients on the knots) and a
/// "nonlin" row (the rest of its Wald test); per ordinary coefficient its
/// coef, se, se2, Wald chi-square on 1 df.
public struct PenalisedCoxRow: Sendable, Equatable {
  public enum Kind: String, Sendable { case coefficient, linear, nonlinear }
  /// R's row name before its 25-character cut: `pspline(age, df = 4), linear`, `sex`.
  public let label: String
  /// The term's label (`pspline(age, df = 4)`, `sex`).
  public let term: String
  public let kind: Kind
  /// NaN on a non-linear row (R prints blanks).
  public let coef: Double
  public let se: Double
  public let se2: Double
  public let chisq: Double
  public let df: Double
  public let p: Double
}

/// A Cox regression with `pspline()` terms, as R `survival` 3.5 `coxph(
/// Surv(time, status) ~ pspline(x, df = 4) + z, ...)`: the basis and
/// penalty of each term (`PenalisedSplineBasis`, on the range of x over
/// the rows of the dataset with x present, as R's `model.frame`), the
/// penalised fit with R's search of theta for the requested df
/// (`CoxPenalisedModel`), and R's printed table (`rows`).
///
/// Supported as R: Surv(time, event) responses, several pspline terms with
/// other covariates, `strata()`, whole-number case weights, ties efron or
/// breslow. Refused with a message: (start, stop] data, `tt()`,
/// `cluster()`/robust variances, `offset()`, `init`, `ties = "exact"`,
/// fractional case weights (R's default variance would be robust), a
/// pspline inside an interaction. Predictions, plots of the term,
/// residuals and diagnostics of a penalised fit are not available.
public struct PenalisedCoxAnalysis: Sendable {
  public let formula: Formula
  public let options: CoxAnalysisOptions
  public let fit: CoxPenalisedFit
  /// Design column names (`pspline(age, df = 4)3`, ..., `sex`); R names the spline's `ps(age)3`, ...
  public let columnNames: [String]
  /// Term labels, in formula order, with `fit.df` per term.
  public let termLabels: [String]
  /// Per pspline term (in formula order): its label.
  public let splineTerms: [String]
  public let rows: [PenalisedCoxRow]
  public let n: Int
  public let events: Int
  public let droppedCount: Int
  public let strata: [String]
  public let warnings: [String]

  /// R's likelihood-ratio test 2(ℓ − ℓ₀), on Σ df rounded to 2 decimals (as R prints and uses it).
  public var likelihoodRatio: Double { 2 * (fit.loglik - fit.loglikInitial) }
  public var likelihoodRatioDF: Double { (fit.df.reduce(0, +) * 100).rounded() / 100 }
  public var likelihoodRatioP: Double { ChiSquare.upperTail(likelihoodRatio, df: likelihoodRatioDF) }

  public init(dataset: Dataset, formula: Formula, options: CoxAnalysisOptions = CoxAnalysisOptions()) throws {
    let resolved = try formula.resolvingDot(in: dataset, weights: options.weights)
    func refuse(_ what: String) -> ModelFrameError {
      ModelFrameError("\(what) is not supported with pspline() terms (Kaplan fits R's penalised Cox model for "
        + "Surv(time, event) with strata(), whole-number weights and ties efron or breslow)")
    }
    if !resolved.timeTransformVariables.isEmpty { throw refuse("tt()") }
    if resolved.cluster != nil { throw refuse("cluster()") }
    if !resolved.offsets.isEmpty { throw refuse("offset()") }
    if options.robust == true { throw refuse("robust = true") }
    if options.initial != nil { throw refuse("init") }
    if options.ties == .exact { throw refuse("ties = \"exact\"") }
    let splines = resolved.penalisedSplineVariables
    for term in resolved.terms where term.variables.count > 1 {
      if let v = term.variables.first(where: { splines.contains($0) }), let t = v.transform {
        throw FormulaError(
          formula: resolved.text, position: t.position,
          message: "\(t.label) must be a term of its own, not part of an interaction")
      }
    }
    let prepared = try CoxAnalysis.prepare(
      dataset: dataset, formula: resolved, options: options, penalisedSplines: true)
    let frame = prepared.frame
    let design = prepared.design
    if frame.start != nil { throw refuse("Surv(start, stop, event)") }
    if let weights = frame.weights, weights.contains(where: { $0 != $0.rounded(.down) }) {
      throw refuse("fractional case weights (R's variance would then be robust)")
    }
    var penalties: [CoxPenaltyTerm] = []
    var bases: [(term: Int, basis: PenalisedSplineBasis)] = []
    var labels: [String] = []
    for (k, term) in resolved.terms.enumerated() {
      guard term.variables.count == 1, let v = term.variables.first, let t = v.transform,
        case .penalisedSpline(let spec) = t.kind, let variable = frame.transformed[v],
        case .penalised(let basis) = variable.basis
      else { continue }
      let columns = design.termColumns[k]
      guard columns.count == basis.columns else {
        throw ModelFrameError("\(t.label): the design has \(columns.count) columns, the basis \(basis.columns)")
      }
      penalties.append(CoxPenaltyTerm(columns: columns, penalty: basis.penalty, rule: spec.rule))
      bases.append((k, basis))
      labels.append(t.label)
    }
    var coxOptions = prepared.options
    coxOptions.robust = false
    let fit = try CoxPenalisedModel.fit(
      time: frame.time, status: frame.eventDoubles, covariates: design.values, columns: design.columnCount,
      weights: frame.weights, strata: frame.strata?.index, terms: design.termColumns.map { Array($0) },
      penalties: penalties, options: coxOptions)

    var rows: [PenalisedCoxRow] = []
    let p = design.columnCount
    for (k, columns) in design.termColumns.enumerated() {
      let label = design.termLabels[k]
      if let b = bases.first(where: { $0.term == k }) {
        guard let tests = fit.splineTests(columns: columns, base: b.basis.linearBase, df: fit.df[k]) else {
          throw ModelFrameError("\(label): the variance of its coefficients is singular")
        }
        rows.append(PenalisedCoxRow(
          label: label + ", linear", term: label, kind: .linear, coef: tests.linear, se: tests.linearSE,
          se2: tests.linearSE2, chisq: tests.linearChisq, df: 1, p: tests.linearP))
        rows.append(PenalisedCoxRow(
          label: label + ", nonlin", term: label, kind: .nonlinear, coef: .nan, se: .nan, se2: .nan,
          chisq: tests.nonlinearChisq, df: tests.nonlinearDF, p: tests.nonlinearP))
      } else {
        for j in columns {
          let v = fit.variance[j * p + j]
          let b = fit.coefficients[j]
          let chisq = b * b / v
          rows.append(PenalisedCoxRow(
            label: design.columnNames[j], term: label, kind: .coefficient, coef: b, se: v.squareRoot(),
            se2: fit.variance2[j * p + j].squareRoot(), chisq: chisq, df: 1, p: ChiSquare.upperTail(chisq, df: 1)))
        }
      }
    }
    self.formula = resolved
    self.options = options
    self.fit = fit
    self.columnNames = design.columnNames
    self.termLabels = design.termLabels
    self.splineTerms = labels
    self.rows = rows
    self.n = fit.n
    self.events = fit.events
    self.droppedCount = frame.droppedCount
    self.strata = frame.strata?.labels ?? []
    var warnings = frame.transformWarnings
    if !fit.innerFailures.isEmpty {
      warnings.append(
        "Inner loop failed to converge for iterations " + fit.innerFailures.map(String.init).joined(separator: " "))
    }
    self.warnings = warnings
  }
}
