import Datasets
import Foundation
import Survival
import Testing
import TestSupport
@testable import Analysis

/// The fitted rows' lp and risk (`CoxAnalysis.predictFittedLinear`) and the
/// diagnostics read the design as column arrays (the dataset's own numeric
/// columns) and never build the column-major matrix; their numbers are those
/// of the column-major path bit for bit (strata, weights, an offset, rows
/// dropped for missing values, every reference). Martingale residuals share
/// the fit's array and the model's row numbers: a second call copies nothing.
@Suite struct CoxFittedColumnsTests {
  static func lung() throws -> Dataset {
    let d = try BundledDatasets.load("lung", stdlib: projectRoot.appendingPathComponent("stdlib").path)
    let age = try d.column(named: "age").asDoubles()
    return try d.with("off", .double(age.map { $0 / 100 }))
  }

  static func same(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
  }

  static func address<T>(_ a: [T]) -> UnsafeRawPointer? {
    a.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
  }

  /// The column-major path (`CoxPredictionContext.fittedLinear`), as `predict` computed lp and risk before.
  static func designPath(
    _ m: CoxAnalysis, _ type: CoxPredictionType, _ reference: CoxPredictionReference
  ) throws -> CoxPrediction {
    let c = try CoxPredictionContext(m)
    let useStrata = c.frame.strata != nil && reference == .strata
    let centres = useStrata ? c.strataMeans() : [reference == .zero ? [Double](repeating: 0, count: c.p) : c.means]
    var (fit, se) = c.fittedLinear(centres: centres, useStrata: useStrata)
    if !useStrata && !(reference == .zero && c.means.contains { $0 != 0 }) && c.frame.offset == nil {
      fit = m.fit.linearPredictor
    }
    fit = CoxAnalysis.pad(fit, frame: c.frame, count: m.dataset.rowCount)
    se = CoxAnalysis.pad(se, frame: c.frame, count: m.dataset.rowCount)
    if type == .risk {
      for i in fit.indices {
        fit[i] = Foundation.exp(fit[i])
        se[i] *= fit[i].squareRoot()
      }
    }
    return CoxPrediction(type: type, fit: fit, se: se)
  }

  @Test(arguments: [
    ("Surv(time, status) ~ age + sex + ph.ecog", nil),
    ("Surv(time, status) ~ age + sex + strata(inst)", "ph.karno"),
    ("Surv(time, status) ~ age + factor(ph.ecog) + offset(off)", nil),
    ("Surv(time, status) ~ sex + ph.karno + strata(sex) + offset(off)", "meal.cal"),
  ] as [(String, String?)])
  func columnsGiveTheDesignPathsNumbers(formula: String, weights: String?) throws {
    let d = try Self.lung()
    var options = CoxAnalysisOptions()
    options.weights = weights
    let f = try Formula(parsing: formula)
    let m = try CoxAnalysis(dataset: d, formula: f, options: options)
    let cases = [CoxPredictionType.lp, .risk].flatMap { type in CoxPredictionReference.allCases.map { (type, $0) } }
    let fastOnes = try cases.map { try m.predict(type: $0.0, reference: $0.1) }
    #expect(!m.diagnosticsCache.hasDesign, "lp and risk built the column-major design")
    for ((type, reference), fast) in zip(cases, fastOnes) {
      let slow = try Self.designPath(m, type, reference)
      #expect(Self.same(fast.fit, slow.fit), "\(formula) \(type) \(reference)")
      #expect(Self.same(fast.se, slow.se), "\(formula) \(type) \(reference)")
      #expect(fast.fit.count == d.rowCount)
    }
  }

  @Test func diagnosticsBuildNoColumnMajorDesign() throws {
    let d = try Self.lung()
    let f = try Formula(parsing: "Surv(time, status) ~ age + sex + factor(ph.ecog) + strata(inst)")
    let a = try CoxAnalysis(dataset: d, formula: f)
    let zphA = try CoxZphAnalysis(model: a)
    let scoreA = try CoxResiduals(model: a, type: .score)
    let schoenfeldA = try CoxResiduals(model: a, type: .scaledsch)
    #expect(!a.diagnosticsCache.hasDesign)
    // A model whose prediction built the column-major design first: its diagnostics read that one.
    let b = try CoxAnalysis(dataset: d, formula: f)
    _ = try b.predict(type: .expected)
    #expect(b.diagnosticsCache.hasDesign)
    let zphB = try CoxZphAnalysis(model: b)
    #expect(zphA.result.chisq == zphB.result.chisq)
    #expect(Self.same(zphA.result.y, zphB.result.y))
    #expect(Self.same(scoreA.values, try CoxResiduals(model: b, type: .score).values))
    #expect(Self.same(schoenfeldA.values, try CoxResiduals(model: b, type: .scaledsch).values))
  }

  @Test func martingaleResidualsShareTheFitsArrays() throws {
    let d = try Self.lung()
    let m = try CoxAnalysis(dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ age + sex"))
    #expect(m.droppedCount == 0)
    let first = try CoxResiduals(model: m, type: .martingale)
    let second = try CoxResiduals(model: m, type: .martingale)
    let kept = try #require(m.fit.martingale)
    #expect(Self.address(first.values) == Self.address(kept))
    #expect(Self.address(second.values) == Self.address(kept))
    let rows = try #require(first.inputRows)
    #expect(rows == Array(1...d.rowCount))
    #expect(Self.address(rows) == Self.address(try #require(second.inputRows)))
    // The dataset's columns are the same buffers.
    let table = try first.dataset()
    guard case .double(let values) = try table.column(named: "martingale"), case .int(let numbers) = try table
      .column(named: "row")
    else {
      Issue.record("unexpected column types")
      return
    }
    #expect(Self.address(values) == Self.address(kept))
    #expect(Self.address(numbers) == Self.address(rows))
    // Deviance residuals (which read the status) are unchanged by the shared path.
    let deviance = try CoxResiduals(model: m, type: .deviance)
    #expect(deviance.values.count == d.rowCount && deviance.values.allSatisfy(\.isFinite))
  }
}
