import Analysis
import Datasets
import Foundation
import Survival
import Testing
import TestSupport

/// Issue 16's property, whatever R says: the predicted curve of the mean
/// profile (every covariate at the fit's means, `fit$means`) is the model's own
/// curve `m:survfit()`, with the same standard errors; in a stratified model,
/// per stratum.
@Suite struct CoxMeanProfileTests {
  static let tolerance = 1e-12

  static func check(_ name: String, strata: [Double]) throws {
    let (m, _, _) = try CoxPredictionTests.model(name)
    let covariates = m.coefficients.map(\.name)
    let own = try m.survfit().at(CoxPredictionTests.times, extend: true)
    for (k, s) in (strata.isEmpty ? [Double.nan] : strata).enumerated() {
      var names = covariates
      var columns = m.fit.means.map { Column.double([$0]) }
      if !s.isNaN {
        names += m.formula.strata
        columns.append(.double([s]))
      }
      let profile = try Dataset(names: names, columns: columns)
      let got = try m.survfit(newdata: profile).at(CoxPredictionTests.times, extend: true)
      let a = CoxPredictionTests.flatten(got)
      let b = CoxPredictionTests.flatten([own[k]])
      for (what, x, y) in [("surv", a.surv, b.surv), ("se", a.se, b.se), ("lower", a.lower, b.lower)] {
        #expect(x.count == y.count)
        for (u, v) in zip(x, y) {
          #expect(approxEqual(u, v, relative: tolerance, absoluteFloor: 1e-15), "\(name) stratum \(k) \(what)")
        }
      }
    }
  }

  @Test func meanProfileCurveIsTheModelsCurve() throws {
    try Self.check("lung_weighted", strata: [])
    try Self.check("lung_strata_breslow", strata: [1, 2])
  }
}
