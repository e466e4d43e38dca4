import Datasets
import Survival
import Testing

@testable import Analysis

/// The design matrix kept as column arrays (what a Cox fit reads): the
/// same columns bit for bit as the column-major matrix, a numeric variable
/// shared with the dataset rather than copied, and the same Cox fit.
@Suite struct DesignColumnArraysTests {
  static func dataset() throws -> Dataset {
    let n = 60
    let time = (0..<n).map { Double(($0 * 37) % 23 + 1) }
    let status = (0..<n).map { $0 % 3 == 0 ? 0 : 1 }
    let x = (0..<n).map { Double(($0 * 53) % 17) / 7 - 1 }
    let age = (0..<n).map { 40 + ($0 * 29) % 31 }
    let arm: [Int32] = (0..<n).map { Int32(($0 * 7) % 3) }
    let site: [Int32] = (0..<n).map { Int32($0 % 2) }
    return try Dataset(
      names: ["time", "status", "x", "age", "arm", "site"],
      columns: [
        .double(time), .int(status), .double(x), .int(age), .factor(codes: arm, levels: ["A", "B", "C"]),
        .factor(codes: site, levels: ["s1", "s2"]),
      ])
  }

  static let formula = "Surv(time, status) ~ x + age + arm + x:arm"

  @Test func columnsMatchTheColumnMajorMatrix() throws {
    let d = try Self.dataset()
    let frame = try ModelFrame(dataset: d, formula: try Formula(parsing: Self.formula))
    let flat = try DesignMatrix(frame: frame)
    let columns = try DesignMatrix(frame: frame, columnArrays: true)
    #expect(columns.values.isEmpty)
    #expect(columns.columnNames == flat.columnNames)
    for j in 0..<flat.columnCount {
      #expect(Array(columns.column(j)) == Array(flat.column(j)), "column \(flat.columnNames[j])")
    }
  }

  @Test func numericVariableIsTheDatasetColumn() throws {
    let d = try Self.dataset()
    let frame = try ModelFrame(dataset: d, formula: try Formula(parsing: Self.formula))
    var design = try DesignMatrix(frame: frame, columnArrays: true)
    guard case .double(let x) = d.columns[2], case .columns(let arrays) = design.takeCovariates() else {
      Issue.record("expected a double column and column arrays")
      return
    }
    let shared = x.withUnsafeBufferPointer { a in
      arrays[0].withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress }
    }
    #expect(shared)
    #expect(design.column(0).isEmpty)
  }

  @Test(arguments: ["", " + strata(site)"])
  func coxFitIsTheColumnMajorFit(extra: String) throws {
    let d = try Self.dataset()
    let formula = try Formula(parsing: Self.formula + extra)
    let analysis = try CoxAnalysis(dataset: d, formula: formula)
    let frame = try ModelFrame(dataset: d, formula: formula)
    let flat = try DesignMatrix(frame: frame)
    let reference = try CoxModel.fit(
      time: frame.time, status: frame.eventDoubles, covariates: flat.values, columns: flat.columnCount,
      strata: frame.strata?.index)
    #expect(analysis.fit.coefficients == reference.coefficients)
    #expect(analysis.fit.variance == reference.variance)
    #expect(analysis.fit.linearPredictor == reference.linearPredictor)
    #expect(analysis.fit.concordance == reference.concordance)
  }
}
