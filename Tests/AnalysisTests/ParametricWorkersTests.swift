import Analysis
import Datasets
import Foundation
import Survival
import Testing
import TestSupport

/// `parametric_compare()` fits its families on two workers (`ParametricWorkers`): each fit must be the one a
/// single thread computes, bit for bit, and an error of one family must come out as it would alone.
@Suite struct ParametricWorkersTests {
  static func lung() throws -> Dataset {
    try BundledDatasets.load("lung", stdlib: projectRoot.appendingPathComponent("stdlib").path)
  }

  @Test func fitsEqualTheSequentialOnes() throws {
    let d = try Self.lung()
    let formula = try Formula(parsing: "Surv(time, status) ~ sex")
    let dists = ComparedDistribution.defaults + [.flexible(.spline(knots: 1, scale: .hazard))]
    let c = try ParametricComparison(dataset: d, formula: formula, distributions: dists)
    #expect(c.entries.count == dists.count)
    for e in c.entries {
      switch (e.distribution, e.model) {
      case (.locationScale(let dist), .survreg(let a)):
        var o = SurvregAnalysisOptions()
        o.distribution = dist
        let alone = try SurvregAnalysis(dataset: d, formula: formula, options: o)
        #expect(a.fit.loglik == alone.fit.loglik && a.fit.coefficients == alone.fit.coefficients, "\(dist)")
      case (.flexible(let dist), .flexsurv(let a)):
        var o = FlexsurvAnalysisOptions()
        o.distribution = dist
        let alone = try FlexsurvAnalysis(dataset: d, formula: formula, options: o)
        #expect(a.fit.loglik == alone.fit.loglik && a.fit.theta == alone.fit.theta, "\(dist)")
        #expect(a.fit.variance == alone.fit.variance, "\(dist)")
      default:
        Issue.record("entry \(e.distribution.label) holds the other kind of model")
      }
    }
    // Sorted by AIC.
    let aics = c.entries.map(\.model.aic)
    #expect(aics == aics.sorted())
  }

  @Test func anErrorOfOneFamilyIsThrown() throws {
    let d = try Self.lung()
    // Five internal knots need 7 distinct event times: three rows have at most 3.
    let tiny = try d.rows([0, 1, 2])
    #expect(throws: ModelFrameError.self) {
      try ParametricComparison(
        dataset: tiny, formula: try Formula(parsing: "Surv(time, status) ~ 1"),
        distributions: [.locationScale(.weibull), .flexible(.spline(knots: 5, scale: .hazard))])
    }
  }
}
