import Analysis
import Datasets
import Foundation
import Survival
import Testing
import TestSupport

/// The diagnostics of a Cox model reuse the fit's model frame and design
/// matrix and, after the first call, its risk sets and martingale residuals
/// (`CoxDiagnosticsCache`): later calls give the same numbers as the first,
/// in any order, and a model with tt() terms keeps nothing.
@Suite struct CoxDiagnosticsCacheTests {
  static func lung() throws -> Dataset {
    try BundledDatasets.load("lung", stdlib: projectRoot.appendingPathComponent("stdlib").path)
  }

  static func column(_ r: CoxResiduals, _ j: Int = 0) -> [Double] {
    Array(r.values[(j * r.rowCount)..<((j + 1) * r.rowCount)])
  }

  /// Bitwise equal, NaN (a dropped row) equal to NaN.
  static func same(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
  }

  @Test func laterCallsGiveTheFirstCallsNumbers() throws {
    let d = try Self.lung()
    let f = try Formula(parsing: "Surv(time, status) ~ age + sex + ph.ecog + strata(inst)")
    // Two fits of the same model: one asked in one order, the other in another.
    let a = try CoxAnalysis(dataset: d, formula: f)
    let b = try CoxAnalysis(dataset: d, formula: f)
    #expect(a.diagnosticsCache.frame != nil)
    let zphFirst = try CoxZphAnalysis(model: a)
    let martingaleA = try CoxResiduals(model: a, type: .martingale)
    let devianceA = try CoxResiduals(model: a, type: .deviance)
    let scoreA = try CoxResiduals(model: a, type: .score)
    let devianceB = try CoxResiduals(model: b, type: .deviance)
    let scoreB = try CoxResiduals(model: b, type: .score)
    let martingaleB = try CoxResiduals(model: b, type: .martingale)
    let zphLater = try CoxZphAnalysis(model: b)
    #expect(Self.same(Self.column(martingaleA), Self.column(martingaleB)))
    #expect(Self.same(Self.column(devianceA), Self.column(devianceB)))
    for j in 0..<3 { #expect(Self.same(Self.column(scoreA, j), Self.column(scoreB, j))) }
    #expect(zphFirst.result.chisq == zphLater.result.chisq)
    #expect(Self.same(zphFirst.result.y, zphLater.result.y))
    // Rows dropped for a missing value stay NA.
    #expect(Self.column(martingaleA).filter(\.isNaN).count == a.droppedCount)
  }

  @Test func timeTransformModelsKeepNothing() throws {
    let d = try Self.lung()
    let tt: CoxTimeTransform = { _, x, t in x.map { $0 * Foundation.log(t) } }
    let m = try CoxAnalysis(dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ age + tt(age)"),
                            timeTransform: tt)
    #expect(m.diagnosticsCache.frame == nil)
  }
}
