import Datasets
import Testing

@testable import Analysis

/// A small trial: row 2 lacks age, row 3 lacks arm.
private func trial() throws -> Dataset {
  try Dataset(
    names: ["id", "time", "status", "arm", "age", "sex", "w", "code", "cause", "entry", "off"],
    columns: [
      .int([11, 12, 13, 14, 15, 16]),
      .double([5, 8, 3, 12, 7, 2]),
      .double([1, 0, 1, 1, 0, 1]),
      .factor(codes: [0, 1, -1, 1, 0, 1], levels: ["A", "B"]),
      .double([60, .nan, 55, 70, 65, 50]),
      .int([1, 2, 1, 2, 2, 1]),
      .double([1, 2, 1, 0.5, 1, 3]),
      .int([0, 2, 1, 1, 0, 2]),
      .factor(codes: [0, 2, 1, 1, 0, 2], levels: ["censored", "hepatic", "other", "never"]),
      .double([0, 1, 0, 2, 0, 1]),
      .double([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),
    ])
}

private func frame(
  _ formula: String, _ options: ModelFrameOptions = ModelFrameOptions(), data: Dataset? = nil
) throws -> ModelFrame {
  try ModelFrame(dataset: data ?? trial(), formula: Formula(parsing: formula), options: options)
}

@Suite struct ModelFrameTests {
  @Test func dropsRowsMissingAnyVariableUsed() throws {
    let f = try frame("Surv(time, status) ~ arm + age")
    #expect(f.rows == [0, 3, 4, 5])
    #expect(f.droppedCount == 2)
    #expect(f.time == [5, 12, 7, 2])
    #expect(f.event == [1, 1, 0, 1])
    #expect(f.start == nil)
    #expect(f.weights == nil)
  }

  @Test func interceptModelKeepsEveryRowAndHasNoGroups() throws {
    let f = try frame("Surv(time, status) ~ 1")
    #expect(f.count == 6)
    #expect(f.droppedCount == 0)
    #expect(f.groups == nil)
    #expect(f.curves == nil)
    #expect(f.strata == nil)
  }

  @Test func groupsAreLabelledAsSurvfit() throws {
    let f = try frame("Surv(time, status) ~ arm")
    #expect(f.rows == [0, 1, 3, 4, 5])
    #expect(f.groups == Grouping(index: [0, 1, 1, 0, 1], labels: ["arm=A", "arm=B"]))
    #expect(f.curves == f.groups)
    #expect(f.groups?.rowsByGroup == [[0, 3], [1, 2, 4]])
  }

  @Test func combinationsOfSeveralVariables() throws {
    let f = try frame("Surv(time, status) ~ sex + arm")
    // Only combinations that occur, first variable slowest.
    #expect(f.groups?.labels == ["sex=1, arm=A", "sex=1, arm=B", "sex=2, arm=A", "sex=2, arm=B"])
    #expect(f.groups?.index == [0, 3, 3, 2, 1])
  }

  @Test func strataAndSurvfitCurves() throws {
    let f = try frame("Surv(time, status) ~ arm + strata(sex)")
    #expect(f.strata == Grouping(index: [0, 1, 1, 1, 0], labels: ["sex=1", "sex=2"]))
    #expect(f.groups?.labels == ["arm=A", "arm=B"])
    #expect(f.curves?.labels == [
      "arm=A, strata(sex)=sex=1", "arm=A, strata(sex)=sex=2",
      "arm=B, strata(sex)=sex=1", "arm=B, strata(sex)=sex=2",
    ])
    let alone = try frame("Surv(time, status) ~ strata(sex, arm)")
    #expect(alone.groups == nil)
    #expect(alone.curves?.labels == [
      "strata(sex, arm)=sex=1, arm=A", "strata(sex, arm)=sex=1, arm=B",
      "strata(sex, arm)=sex=2, arm=A", "strata(sex, arm)=sex=2, arm=B",
    ])
  }

  @Test func numericGroupLevelsSortedAndFormattedAsR() throws {
    let d = try Dataset(
      names: ["t", "e", "x"],
      columns: [.double([1, 2, 3, 4, 5, 6]), .int([1, 1, 0, 1, 0, 1]),
                .double([0.1 + 0.2, 1e5, 123456, 0.0001, 1.0 / 3, 2])])
    let f = try frame("Surv(t, e) ~ x", data: d)
    #expect(f.groups?.labels == [
      "x=1e-04", "x=0.3", "x=0.333333333333333", "x=2", "x=1e+05", "x=123456",
    ])
    #expect(f.groups?.index == [1, 4, 5, 0, 2, 3])
  }

  @Test func booleanAndFactorCallGroups() throws {
    let d = try Dataset(
      names: ["t", "e", "flag", "n"],
      columns: [.double([1, 2, 3]), .bool([1, 0, 1]), .bool([1, 0, 1]), .int([3, 1, 3])])
    let f = try frame("Surv(t, e) ~ flag + factor(n)", data: d)
    #expect(f.event == [1, 0, 1])
    #expect(f.groups?.labels == ["flag=FALSE, factor(n)=1", "flag=TRUE, factor(n)=3"])
  }

  @Test func dateAndWideIntegerGroups() throws {
    let d = try Dataset(
      names: ["t", "e", "visit", "id"],
      columns: [
        .double([1, 2, 3, 4]), .int([1, 0, 1, 1]), .date([18262, 0, 18262, -1]),
        .int([1_000_000_000, -5, 7, 1_000_000_000]),
      ])
    let f = try frame("Surv(t, e) ~ visit + cluster(id)", data: d)
    #expect(f.groups?.labels == ["visit=1969-12-31", "visit=1970-01-01", "visit=2020-01-01"])
    #expect(f.groups?.index == [2, 1, 2, 0])
    #expect(f.cluster == [2, 0, 1, 2])
    let g = try frame("Surv(t, e) ~ id", data: d)
    #expect(g.groups?.labels == ["id=-5", "id=7", "id=1000000000"])
  }

  @Test func countingProcessTimes() throws {
    let f = try frame("Surv(entry, time, status) ~ 1")
    #expect(f.start == [0, 1, 0, 2, 0, 1])
    #expect(f.time == [5, 8, 3, 12, 7, 2])
  }

  @Test func weightsClusterAndOffset() throws {
    let f = try frame(
      "Surv(time, status) ~ arm + cluster(id) + offset(off) + offset(entry)",
      ModelFrameOptions(weights: "w"))
    #expect(f.weights == [1, 2, 0.5, 1, 3])
    #expect(f.cluster == [0, 1, 2, 3, 4])
    #expect(f.offset == [0.1, 1.2, 2.4, 0.5, 1.6])
  }

  @Test func missingWeightDropsTheRow() throws {
    let d = try Dataset(
      names: ["t", "e", "w"],
      columns: [.double([1, 2, 3]), .int([1, 0, 1]), .double([1, .nan, 2])])
    let f = try frame("Surv(t, e) ~ 1", ModelFrameOptions(weights: "w"), data: d)
    #expect(f.rows == [0, 2])
    #expect(f.droppedCount == 1)
  }

  @Test func oneTwoStatusCodingAsRSurv() throws {
    let d = try Dataset(
      names: ["t", "e"], columns: [.double([1, 2, 3]), .double([2, 1, 2])])
    #expect(try frame("Surv(t, e) ~ 1", data: d).event == [1, 0, 1])
  }

  @Test func competingRisksWithCodes() throws {
    let f = try frame("Surv(time, code) ~ 1", ModelFrameOptions(eventCoding: .competingRisks(censor: nil)))
    #expect(f.causes == ["1", "2"])
    #expect(f.event == [0, 2, 1, 1, 0, 2])
    let other = try frame(
      "Surv(time, code) ~ 1", ModelFrameOptions(eventCoding: .competingRisks(censor: .code(2))))
    #expect(other.causes == ["0", "1"])
    #expect(other.event == [1, 0, 2, 2, 1, 0])
    let asText = try frame(
      "Surv(time, code) ~ 1", ModelFrameOptions(eventCoding: .competingRisks(censor: .label("2"))))
    #expect(asText.event == other.event)
  }

  @Test func competingRisksWithLabels() throws {
    let f = try frame("Surv(time, cause) ~ arm", ModelFrameOptions(eventCoding: .competingRisks(censor: nil)))
    // Level order, censoring and causes that never occur left out.
    #expect(f.causes == ["hepatic", "other"])
    #expect(f.event == [0, 2, 1, 0, 2])
    let g = try frame(
      "Surv(time, cause) ~ 1", ModelFrameOptions(eventCoding: .competingRisks(censor: .label("other"))))
    #expect(g.causes == ["censored", "hepatic"])
  }
}

/// Every error of the model frame, with its message.
@Suite struct ModelFrameErrorTests {
  private func expectError(
    _ message: String, _ formula: String, _ options: ModelFrameOptions = ModelFrameOptions(),
    data: Dataset? = nil
  ) {
    #expect(throws: ModelFrameError(message)) { try frame(formula, options, data: data) }
  }

  @Test func unknownColumnWithSuggestion() throws {
    let d = try Dataset(
      names: ["os_months", "os_event", "arm"],
      columns: [.double([1]), .int([1]), .factor(codes: [0], levels: ["A"])])
    expectError("column 'os_mnths' not found (did you mean 'os_months'?)", "Surv(os_mnths, os_event) ~ arm", data: d)
    expectError("column 'Arm' not found (did you mean 'arm'?)", "Surv(os_months, os_event) ~ Arm", data: d)
    expectError("column 'os_evnet' not found (did you mean 'os_event'?)", "Surv(os_months, os_evnet) ~ 1", data: d)
    expectError("column 'treatment' not found", "Surv(os_months, os_event) ~ treatment", data: d)
    expectError(
      "column 'wt' not found", "Surv(os_months, os_event) ~ 1", ModelFrameOptions(weights: "wt"), data: d)
  }

  @Test func timeMustBeNumeric() {
    expectError("time column 'arm' must be numeric, but it holds strings", "Surv(arm, status) ~ 1")
    expectError(
      "start time column 'arm' must be numeric, but it holds strings", "Surv(arm, time, status) ~ 1")
  }

  @Test func eventMustBeZeroOne() throws {
    let d = try Dataset(names: ["t", "e"], columns: [.double([1, 2, 3]), .double([0, 1, 3])])
    expectError("row 3: event must be 0/1 (or 1/2, or true/false), got 3 in column 'e'", "Surv(t, e) ~ 1", data: d)
    expectError(
      "event column 'arm' must be 0/1 or true/false, but it holds strings; for several causes use competing risks",
      "Surv(time, arm) ~ 1")
  }

  @Test func timesMustBeNonNegativeAndFinite() throws {
    let d = try Dataset(
      names: ["t", "e", "u"], columns: [.double([1, -2, 3]), .int([1, 0, 1]), .double([1, 2, .infinity])])
    expectError("row 2: time must not be negative, got -2 in column 't'", "Surv(t, e) ~ 1", data: d)
    expectError("row 3: time must be finite, got Inf in column 'u'", "Surv(u, e) ~ 1", data: d)
  }

  @Test func startMustBeBeforeStop() throws {
    let d = try Dataset(
      names: ["tstart", "tstop", "e"],
      columns: [.double([0, 5, 2]), .double([3, 5, 4]), .int([1, 0, 1])])
    expectError(
      "row 2: start (5) must be less than stop (5) in columns 'tstart' and 'tstop'",
      "Surv(tstart, tstop, e) ~ 1", data: d)
  }

  @Test func weightsMustBeNumericNonNegative() throws {
    expectError(
      "weights column 'arm' must be numeric, but it holds strings", "Surv(time, status) ~ 1",
      ModelFrameOptions(weights: "arm"))
    let d = try Dataset(
      names: ["t", "e", "w"], columns: [.double([1, 2]), .int([1, 0]), .double([1, -1])])
    expectError(
      "row 2: weight must be non-negative and finite, got -1 in column 'w'", "Surv(t, e) ~ 1",
      ModelFrameOptions(weights: "w"), data: d)
  }

  @Test func offsetMustBeNumeric() {
    expectError("offset column 'arm' must be numeric, but it holds strings", "Surv(time, status) ~ offset(arm)")
  }

  @Test func competingRisksStatusErrors() throws {
    let options = ModelFrameOptions(eventCoding: .competingRisks(censor: .label("censored")))
    expectError(
      "censoring value 'censored' is not a number, but status column 'code' holds numbers",
      "Surv(time, code) ~ 1", options)
    let d = try Dataset(names: ["t", "e"], columns: [.double([1]), .bool([1])])
    expectError(
      "status column 'e' must hold cause codes (numbers) or labels (strings), but it holds true/false values",
      "Surv(t, e) ~ 1", options, data: d)
  }

  @Test func noCompleteRows() throws {
    let d = try Dataset(
      names: ["t", "e", "x"], columns: [.double([1, 2]), .int([1, 0]), .double([.nan, .nan])])
    expectError("no complete rows: column 'x' is missing (NA) in all 2 rows", "Surv(t, e) ~ x", data: d)
    let mixed = try Dataset(
      names: ["t", "e", "x"], columns: [.double([1, .nan]), .int([1, 0]), .double([.nan, 3])])
    expectError(
      "no complete rows: each of the 2 rows has a missing value in a column used (t, e, x)",
      "Surv(t, e) ~ x", data: mixed)
  }
}

/// Group and strata labels against R's `strata()` and `survfit` on lung,
/// veteran and colon.
@Suite struct GroupingFixtureTests {
  static let fixture = Result { try AnalysisFixture.load() }

  static var formulas: [String] {
    ((try? fixture.get())?.groups ?? []).compactMap {
      guard let d = $0["dataset"] as? String, let f = $0["formula"] as? String else { return nil }
      return d + "|" + f
    }
  }

  @Test func fixtureHasCases() throws {
    #expect(try Self.fixture.get().groups.count == 7)
  }

  @Test(arguments: formulas)
  func matchesR(key: String) throws {
    let fixture = try Self.fixture.get()
    let case_ = try #require(fixture.groups.first {
      ($0["dataset"] as? String ?? "") + "|" + ($0["formula"] as? String ?? "") == key
    })
    let dataset = try fixture.dataset(try #require(case_["dataset"] as? String))
    let f = try ModelFrame(
      dataset: dataset, formula: try Formula(parsing: try #require(case_["formula"] as? String)))
    #expect(f.droppedCount == case_["dropped"] as? Int)
    #expect(f.rows.map { $0 + 1 } == (try AnalysisFixture.ints(case_["kept_rows"])))
    if case_["group_labels"] != nil {
      #expect(f.groups?.labels == (try AnalysisFixture.strings(case_["group_labels"])))
      #expect(f.groups?.index == (try AnalysisFixture.ints(case_["group"])))
      #expect(f.curves?.labels == (try AnalysisFixture.strings(case_["survfit_strata"])))
    } else {
      #expect(f.groups == nil)
    }
    if case_["strata_labels"] != nil {
      #expect(f.strata?.labels == (try AnalysisFixture.strings(case_["strata_labels"])))
      #expect(f.strata?.index == (try AnalysisFixture.ints(case_["strata"])))
    } else {
      #expect(f.strata == nil)
    }
  }
}

/// Numeric status codes: the table path (whole codes in a small range)
/// gives the causes and codes of the hashing path it replaces at 10^6 rows.
@Suite struct CompetingEventCodingTests {
  /// The hashing path, as `competingEvents` computes it for other codes.
  func hashed(_ values: [Double], _ rows: [Int], censor: Double) -> ([Int], [String]) {
    let causeCodes = Array(Set(rows.map { values[$0] }.filter { $0 != censor })).sorted()
    var position = [Double: Int]()
    for (i, c) in causeCodes.enumerated() { position[c] = i + 1 }
    return (rows.map { position[values[$0]] ?? 0 }, causeCodes.map(RValueFormat.number))
  }

  @Test func tableAndHashingAgree() throws {
    let values: [Double] = (0..<5_000).map { Double(($0 * 7_919) % 5) - 1 }  // -1...3
    let rows = Array(stride(from: 0, to: 5_000, by: 3))
    for censor in [0.0, -1, 3, 7, 0.5] {
      let dense = try #require(ModelFrame.denseCompetingEvents(values, rows: rows, censorCode: censor))
      let expected = hashed(values, rows, censor: censor)
      #expect(dense.0 == expected.0)
      #expect(dense.1 == expected.1)
    }
    let frame = try ModelFrame.competingEvents(
      .double(values), name: "status", rows: .listed(rows), censor: .code(2))
    #expect(frame.1 == ["-1", "0", "1", "3"])
  }

  @Test func codesThatAreNotSmallWholeNumbersTakeTheHashingPath() {
    #expect(ModelFrame.denseCompetingEvents([0, 1.5, 2], rows: [0, 1, 2], censorCode: 0) == nil)
    #expect(ModelFrame.denseCompetingEvents([0, 1e9], rows: [0, 1], censorCode: 0) == nil)
    #expect(ModelFrame.denseCompetingEvents([0, 1e9], rows: [0], censorCode: 0)?.1 == [])
  }
}
