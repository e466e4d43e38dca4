import Datasets
import Foundation
import Survival
import Testing
import TestSupport
@testable import Analysis

/// `cox()` with tt() terms fits on risk sets (`CoxTimeTransformedValues`,
/// `CoxTimeVaryingModel`), not on R's expanded rows: the same numbers as
/// the expansion (`CoxTimeExpansion`, still used for ties = exact) fitted
/// as ordinary rows, the tt function called as before, and its bad values
/// named by term, time and row.
@Suite struct CoxTimeTransformRiskSetTests {
  static func lung() throws -> Dataset {
    try BundledDatasets.load("lung", stdlib: projectRoot.appendingPathComponent("stdlib").path)
  }

  static func logTime(_ label: String, _ x: [Double], _ t: Double) -> [Double] { x.map { $0 * Foundation.log(t) } }

  /// The old path: R's expansion fitted by `CoxModel`.
  static func expandedFit(_ formula: String, options: CoxAnalysisOptions, dataset: Dataset) throws -> CoxFit {
    let parsed = try Formula(parsing: formula)
    let prepared = try CoxAnalysis.prepare(
      dataset: dataset, formula: parsed, options: options, timeTransform: logTime)
    let tt = try #require(prepared.timeTransformed)
    let label = try #require(parsed.timeTransformVariables.first?.label)
    let e = try CoxTimeExpansion(
      frame: prepared.frame, design: prepared.design, transformed: [(tt.transformed[0], label)],
      cluster: prepared.cluster, transform: logTime)
    return try CoxModel.fit(
      start: nil, stop: e.time, status: e.status, covariates: e.covariates, columns: prepared.design.columnCount,
      weights: e.weights, strata: e.strata, offset: e.offset, cluster: e.cluster, options: prepared.options)
  }

  @Test(arguments: [
    ("Surv(time, status) ~ age + tt(age)", CoxTies.efron, nil as String?),
    ("Surv(time, status) ~ ph.ecog + tt(age) + strata(sex)", CoxTies.breslow, nil),
    ("Surv(time, status) ~ age + tt(age) + cluster(inst)", CoxTies.efron, nil),
    ("Surv(time, status) ~ sex + tt(age) + offset(off)", CoxTies.efron, "wt.loss"),
  ])
  func riskSetsEqualTheExpansion(formula: String, ties: CoxTies, weights: String?) throws {
    var d = try Self.lung()
    if weights != nil {
      // Positive weights from wt.loss (it has negative values and NAs).
      let w = try #require(d["wt.loss"]).asDoubles().map { $0.isNaN ? $0 : 1 + abs($0) / 10 }
      let off = try #require(d["ph.karno"]).asDoubles().map { $0 / 100 }
      d = try Dataset(names: d.names + ["w", "off"], columns: d.columns + [.double(w), .double(off)])
    }
    var options = CoxAnalysisOptions()
    options.ties = ties
    options.weights = weights == nil ? nil : "w"
    let m = try CoxAnalysis(dataset: d, formula: try Formula(parsing: formula), options: options,
                            timeTransform: Self.logTime)
    let old = try Self.expandedFit(formula, options: options, dataset: d)
    let a = m.fit
    for (what, x, y) in [
      ("coef", a.coefficients, old.coefficients), ("var", a.variance, old.variance),
      ("naive", a.naiveVariance, old.naiveVariance),
      ("loglik", [a.loglikInitial, a.loglik], [old.loglikInitial, old.loglik]),
      ("score", [a.scoreTest.statistic], [old.scoreTest.statistic]), ("means", a.means, old.means),
      ("concordance", [a.concordance.concordance, a.concordance.standardError],
       [old.concordance.concordance, old.concordance.standardError]),
    ] {
      for (u, v) in zip(x, y) {
        #expect(approxEqual(u, v, relative: 1e-9, absoluteFloor: 1e-12), "\(what): \(u) vs \(v)")
      }
    }
    #expect(a.iterations == old.iterations)
    #expect(m.isRobust == (old.robustStandardErrors != nil))
    #expect(a.linearPredictor.isEmpty)  // none per row: the covariate changes with time
  }

  /// ties = exact keeps the expansion; it gives the exact likelihood's numbers.
  @Test func exactTiesStillFit() throws {
    var options = CoxAnalysisOptions()
    options.ties = .exact
    let m = try CoxAnalysis(dataset: try Self.lung(), formula: try Formula(parsing: "Surv(time, status) ~ tt(age)"),
                            options: options, timeTransform: Self.logTime)
    #expect(m.fit.ties == .exact)
    #expect(m.n == 228)
    #expect(m.fit.coefficients[0].isFinite)
  }

  @Test func badValuesNameTheTermTimeAndRow() throws {
    let d = try Self.lung()
    let formula = try Formula(parsing: "Surv(time, status) ~ age + tt(age) + strata(sex)")
    let nan: CoxTimeTransform = { _, x, t in x.map { t > 100 ? Double.nan : $0 } }
    #expect(throws: ModelFrameError(
      "the tt function gave NA for tt(age) at time 105 (row 206); values must be finite")) {
      try CoxAnalysis(dataset: d, formula: formula, timeTransform: nan)
    }
    let short: CoxTimeTransform = { _, x, t in t == 11 ? [1] : x }
    #expect(throws: ModelFrameError(
      "the tt function returned 1 value for tt(age) at time 11; it must return one per row at risk (138)")) {
      try CoxAnalysis(dataset: d, formula: formula, timeTransform: short)
    }
  }
}
