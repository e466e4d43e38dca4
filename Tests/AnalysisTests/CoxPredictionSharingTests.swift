import Datasets
import Foundation
import Survival
import Testing
import TestSupport
@testable import Analysis

/// Predictions read the fit's own model frame and design matrix
/// (`CoxAnalysis.fittedFrameAndDesign`, kept in `CoxDiagnosticsCache`) rather
/// than preparing them again from the dataset: the design is built by the
/// first prediction and shared with the diagnostics, and the numbers are the
/// same whichever comes first, with strata and rows dropped for missing values.
@Suite struct CoxPredictionSharingTests {
  static func lung() throws -> Dataset {
    try BundledDatasets.load("lung", stdlib: projectRoot.appendingPathComponent("stdlib").path)
  }

  static func same(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
  }

  @Test func predictionsBuildTheSharedDesignOnce() throws {
    let d = try Self.lung()
    let f = try Formula(parsing: "Surv(time, status) ~ age + sex + ph.ecog + strata(inst)")
    let a = try CoxAnalysis(dataset: d, formula: f)
    #expect(!a.diagnosticsCache.hasDesign)
    let first = try a.predict(type: .expected)
    #expect(a.diagnosticsCache.hasDesign)
    // A model whose diagnostics ran first (reading the design as column arrays, building no column-major
    // matrix) predicts the same numbers.
    let b = try CoxAnalysis(dataset: d, formula: f)
    _ = try CoxZphAnalysis(model: b)
    #expect(!b.diagnosticsCache.hasDesign)
    for type in CoxPredictionType.allCases {
      let x = try a.predict(type: type), y = try b.predict(type: type)
      #expect(Self.same(x.fit, y.fit) && Self.same(x.se, y.se), "\(type)")
    }
    let again = try a.predict(type: .expected)
    #expect(Self.same(first.fit, again.fit) && Self.same(first.se, again.se))
    #expect(first.fit.filter(\.isNaN).count == a.droppedCount)
    let curves = try a.survfit(newdata: try d.rows([0, 5]))
    #expect(curves.fit.curves.count == 2)
  }
}
