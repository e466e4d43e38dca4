import Analysis
import Datasets
import Foundation
import Survival
import Testing
import TestSupport

/// `m:survfit(newdata, {conf_type = ...})` under every transformation R's
/// survfit.coxph offers, against `Tests/Fixtures/cox_predict/lung_conf_types.json`
/// (`scripts/fixtures/cox_predict.R`: lung, `Surv(time, status) ~ age + sex`,
/// rows 1 and 2, summary at 30, 100, 180, 365, 500 days).
@Suite struct CoxPredictionConfTypeTests {
  @Test func everyConfTypeMatchesR() throws {
    let f = try #require(try loadFixture("cox_predict/lung_conf_types.json") as? [String: Any])
    let d = try BundledDatasets.load("lung", stdlib: projectRoot.appendingPathComponent("stdlib").path)
    let m = try CoxAnalysis(dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ age + sex"),
                            options: CoxAnalysisOptions())
    let curves = try #require(f["curves"] as? [[String: Any]])
    #expect(curves.count == 5)
    for c in curves {
      let name = try #require(c["conf_type"] as? String)
      let type = try #require(ConfidenceType(rawValue: name))
      let got = try m.survfit(newdata: try d.rows([0, 1]), confType: type).at(CoxPredictionTests.times, extend: true)
      let flat = CoxPredictionTests.flatten(got)
      CoxPredictionTests.expectClose(flat.surv, CoxPredictionTests.numbers(c["surv"]), "\(name) surv")
      CoxPredictionTests.expectClose(flat.lower, CoxPredictionTests.numbers(c["lower"]), "\(name) lower")
      CoxPredictionTests.expectClose(flat.upper, CoxPredictionTests.numbers(c["upper"]), "\(name) upper")
    }
  }
}
