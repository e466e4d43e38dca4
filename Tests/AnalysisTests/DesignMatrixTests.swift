import Datasets
import Testing
import TestSupport

@testable import Analysis

/// Design matrices against R's `model.matrix(coxph(...))` on lung, veteran
/// and colon (fixture written by scripts/fixtures/model_frame.R).
@Suite struct DesignMatrixFixtureTests {
  static let fixture = Result { try AnalysisFixture.load() }

  static var formulas: [String] {
    ((try? fixture.get())?.designs ?? []).compactMap { $0["formula"] as? String }
  }

  @Test func fixtureHasCases() throws {
    #expect(try Self.fixture.get().designs.count == 12)
  }

  @Test(arguments: formulas)
  func matchesR(formulaText: String) throws {
    let fixture = try Self.fixture.get()
    let case_ = try #require(fixture.designs.first { $0["formula"] as? String == formulaText })
    let dataset = try fixture.dataset(try #require(case_["dataset"] as? String))
    let frame = try ModelFrame(dataset: dataset, formula: try Formula(parsing: formulaText))

    #expect(frame.droppedCount == case_["dropped"] as? Int)
    #expect(frame.rows.map { $0 + 1 } == (try AnalysisFixture.ints(case_["kept_rows"])))

    let x = try DesignMatrix(frame: frame)
    #expect(x.termLabels == (try AnalysisFixture.strings(case_["term_labels"])))
    #expect(x.columnNames == (try AnalysisFixture.strings(case_["column_names"])))
    // R's assign counts terms from 1.
    #expect(x.assign.map { $0 + 1 } == (try AnalysisFixture.ints(case_["assign"])))
    let expected = try AnalysisFixture.doubles(case_["values"])
    #expect(x.values.count == expected.count)
    #expect(x.rowCount * x.columnCount == expected.count)
    let mismatches = zip(x.values, expected).filter {
      !approxEqual($0, $1, relative: Tolerance.closedForm)
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
  }
}

/// Small designs worked by hand.
@Suite struct DesignMatrixTests {
  let data: Dataset

  init() throws {
    data = try Dataset(
      names: ["t", "e", "arm", "dose", "on", "day"],
      columns: [
        .double([1, 2, 3, 4]),
        .int([1, 0, 1, 1]),
        .factor(codes: [0, 1, 2, 1], levels: ["ctl", "low", "high", "unused"]),
        .double([0.5, 1, 2, 4]),
        .bool([1, 0, 1, 1]),
        .date([0, 1, 365, 18262]),
      ])
  }

  func design(_ formula: String) throws -> DesignMatrix {
    try DesignMatrix(frame: ModelFrame(dataset: data, formula: Formula(parsing: formula)))
  }

  @Test func factorWithTreatmentContrastsKeepsUnusedLevels() throws {
    let x = try design("Surv(t, e) ~ arm")
    #expect(x.columnNames == ["armlow", "armhigh", "armunused"])
    #expect(Array(x.column(0)) == [0, 1, 0, 1])
    #expect(Array(x.column(1)) == [0, 0, 1, 0])
    #expect(Array(x.column(2)) == [0, 0, 0, 0])
    #expect(x.termColumns == [0..<3])
  }

  @Test func numericFactorInteraction() throws {
    let x = try design("Surv(t, e) ~ dose*on")
    #expect(x.columnNames == ["dose", "onTRUE", "dose:onTRUE"])
    #expect(Array(x.column(2)) == [0.5, 0, 2, 4])
    #expect(x.termLabels == ["dose", "on", "dose:on"])
    #expect(x.termColumns == [0..<1, 1..<2, 2..<3])
  }

  @Test func factorCallOnNumbersAndDatesAsNumbers() throws {
    let x = try design("Surv(t, e) ~ factor(dose) + day")
    #expect(x.columnNames == ["factor(dose)1", "factor(dose)2", "factor(dose)4", "day"])
    #expect(Array(x.column(3)) == [0, 1, 365, 18262])
  }

  @Test func interceptOnlyHasNoColumns() throws {
    let x = try design("Surv(t, e) ~ 1")
    #expect(x.columnCount == 0)
    #expect(x.values.isEmpty)
    #expect(x.rowCount == 4)
  }

  @Test func factorWithOneLevelIsAnError() throws {
    let d = try Dataset(
      names: ["t", "e", "g"],
      columns: [.double([1, 2]), .int([1, 0]), .factor(codes: [0, 0], levels: ["only"])])
    let frame = try ModelFrame(dataset: d, formula: Formula(parsing: "Surv(t, e) ~ g"))
    #expect(throws: ModelFrameError(
      "factor 'g' has only one level ('only'); a factor needs at least two levels to be used as a covariate"
    )) { try DesignMatrix(frame: frame) }
  }
}
