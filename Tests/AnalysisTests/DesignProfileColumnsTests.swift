import Datasets
import Foundation
import Testing
import TestSupport

@testable import Analysis

/// `CoxPredictionContext.profileColumns` (the design coded column by column,
/// used by `adjustedCurves`) against `profiles` (row by row, `DesignProfile.row`):
/// the same complete rows, strata, centred covariates and risks, on lung with
/// missing values, an interaction with a factor, an offset and strata.
struct DesignProfileColumnsTests {
  static let tolerance = 1e-13

  @Test func columnsGiveTheRowByRowProfiles() throws {
    var d = try BundledDatasets.load("lung", stdlib: projectRoot.appendingPathComponent("stdlib").path)
    let age = try d.column(named: "age").asDoubles()
    d = try d.with("off", .double(age.map { 0.2 * $0.truncatingRemainder(dividingBy: 4) - 0.3 }))
    let formula = try Formula(
      parsing: "Surv(time, status) ~ age * factor(ph.ecog) + wt.loss + offset(off) + strata(sex)")
    let m = try CoxAnalysis(dataset: d, formula: formula)
    let c = try CoxPredictionContext(m)
    guard let fast = try c.profileColumns(d, needStrata: true) else {
      Issue.record("no column path for a model without transforms")
      return
    }
    let slow = try c.profiles(d, needStrata: true, allowMissing: true)
    var stratum: [Int] = [], risk: [Double] = [], z: [Double] = []
    for (r, x) in slow.x.enumerated() where !x.contains(where: { $0.isNaN }) {
      var lp = slow.offset[r]
      for j in 0..<c.p {
        z.append(x[j] - c.means[j])
        lp += (x[j] - c.means[j]) * c.beta[j]
      }
      stratum.append(slow.strata[r])
      risk.append(Foundation.exp(lp))
    }
    #expect(fast.stratum == stratum)
    #expect(fast.risk.count == risk.count && fast.z.count == z.count)
    #expect(risk.count < d.rowCount)  // lung has missing ph.ecog and wt.loss
    for (a, b) in zip(fast.risk, risk) { #expect(abs(a - b) <= Self.tolerance * b) }
    for (a, b) in zip(fast.z, z) { #expect(abs(a - b) <= Self.tolerance * max(1, abs(b))) }
  }

  @Test func transformedModelsAreLeftToTheRowByRowPath() throws {
    let d = try BundledDatasets.load("lung", stdlib: projectRoot.appendingPathComponent("stdlib").path)
    let m = try CoxAnalysis(dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ ns(age, df = 3) + sex"))
    #expect(try CoxPredictionContext(m).profileColumns(d, needStrata: false) == nil)
  }

  @Test func aValueThatIsNotALevelIsNamed() throws {
    let d = try BundledDatasets.load("veteran", stdlib: projectRoot.appendingPathComponent("stdlib").path)
    let m = try CoxAnalysis(dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ celltype + karno"))
    let other = try d.with("celltype", .factor(codes: [Int32](repeating: 0, count: d.rowCount), levels: ["giant"]))
    #expect(throws: ModelFrameError.self) { try CoxPredictionContext(m).profileColumns(other, needStrata: false) }
  }
}
