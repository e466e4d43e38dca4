import Testing

@testable import Survival

/// Bad input to the competing-risks estimators, Fine–Gray and the shared
/// factorization is a thrown `SurvivalInputError` naming the argument and
/// the 0-based index, as for Kaplan–Meier (these were `precondition` traps).
struct CompetingRisksInputErrorTests {
  func error(_ body: () throws -> Void) -> SurvivalInputError? {
    do { try body() } catch let e as SurvivalInputError { return e } catch { return nil }
    return nil
  }

  let time: [Double] = [1, 2, 3, 4]
  let status = [1, 2, 0, 1]

  @Test func cumulativeIncidenceRejectsMalformedBuffers() {
    #expect(error { _ = try CumulativeIncidence.fit(time: time, status: [1, 2]) }
      == .lengthMismatch(argument: "status", expected: 4, actual: 2))
    #expect(error { _ = try CumulativeIncidence.fit(time: time, status: status, group: [0]) }
      == .lengthMismatch(argument: "group", expected: 4, actual: 1))
    #expect(error { _ = try CumulativeIncidence.fit(time: [1, -2, 3, 4], status: status) }
      == .invalidTime(argument: "time", index: 1, value: -2))
    #expect(error { _ = try CumulativeIncidence.fit(time: time, status: status, causeCount: 1) }
      == .invalidStatus(index: 1, value: 2, causeCount: 1))
    #expect(error { _ = try CumulativeIncidence.fit(time: time, status: [1, -1, 0, 1]) }
      == .invalidStatus(index: 1, value: -1, causeCount: 1))
    #expect(error {
      _ = try CumulativeIncidence.fit(time: time, status: status, group: [0, 1, 2, 0], groupCount: 2)
    } == .invalidGroup(index: 2, value: 2, groupCount: 2))
    #expect(error { _ = try CumulativeIncidence.fit(time: time, status: status, causeCount: -1) }
      == .invalidOption("causeCount must be 0 or more, got -1"))
    #expect(error {
      _ = try CumulativeIncidence.fitWithTests(time: time, status: status, group: [0, 0, 1, 1], testCauses: [3])
    } == .invalidOption("cause 3 is not one of the causes 1...2"))
  }

  @Test func otherEstimatorsRejectMalformedBuffers() {
    #expect(error { _ = try AalenJohansenJackknife.fit(time: [1, .infinity, 3, 4], status: status) }
      == .invalidTime(argument: "time", index: 1, value: .infinity))
    #expect(error { _ = try CompetingRisksRiskTable.tabulate(time: time, status: status, causes: [3]) }
      == .invalidOption("cause 3 is not one of the causes 1...2"))
    #expect(error {
      _ = try GrayTest.testAll(time: time, status: status, group: [0, 0, 1, 1], strata: [0, -1, 0, 0])
    } == .negativeCode(argument: "strata", index: 1, value: -1))
    #expect(error { _ = try GrayTest.testAll(time: time, status: status, group: [0, 0, 1, -3]) }
      == .negativeCode(argument: "group", index: 3, value: -3))
    #expect(error {
      _ = try GrayTest.test(time: time, status: status, group: [0, 0, 1, 1], strata: [0, 0], cause: 1)
    } == .lengthMismatch(argument: "strata", expected: 4, actual: 2))
    #expect(error { _ = try GrayTest.test(time: time, status: status, group: [0, 0, 1, 1], cause: 0) }
      == .invalidOption("the cause must be 1 or more, got 0"))
    #expect(error {
      _ = try GrayTest.tests(time: time, status: status, group: [0, 0, 1, 1], causes: [0], causeCount: 2)
    } == .invalidOption("cause 0 is not one of the causes 1...2"))
  }

  @Test func fineGrayRejectsMalformedInput() throws {
    let x: [Double] = [0, 1, 0, 1]
    #expect(error { _ = try FineGray.fit(time: time, status: [1, 2, 0], covariates: x, p: 1) }
      == .lengthMismatch(argument: "status", expected: 4, actual: 3))
    #expect(error { _ = try FineGray.fit(time: time, status: status, covariates: [], p: 0) }
      == .invalidOption("a Fine–Gray model needs p ≥ 1 covariates, got 0"))
    #expect(error { _ = try FineGray.fit(time: time, status: status, covariates: x, p: 2) }
      == .shapeMismatch(argument: "covariates", shape: "n × p, column-major", expected: 8, actual: 4))
    #expect(error { _ = try FineGray.fit(time: time, status: status, covariates: x, p: Int.max) }
      == .shapeMismatch(argument: "covariates", shape: "n × p, column-major", expected: Int.max, actual: 4))
    #expect(error { _ = try FineGray.fit(time: [1, 2, 3, -.infinity], status: status, covariates: x, p: 1) }
      == .invalidTime(argument: "time", index: 3, value: -.infinity))
    #expect(error {
      _ = try FineGray.fit(time: time, status: status, covariates: x, p: 1, censoringGroup: [0, 1])
    } == .lengthMismatch(argument: "censoringGroup", expected: 4, actual: 2))
    #expect(error {
      _ = try FineGray.fit(time: time, status: status, covariates: x, p: 1, censoringGroup: [0, 1, -1, 0])
    } == .negativeCode(argument: "censoringGroup", index: 2, value: -1))
    let fit = try FineGray.fit(time: time, status: status, covariates: x, p: 1)
    #expect(error { _ = try fit.predict([1, 2]) }
      == .shapeMismatch(argument: "profile", shape: "p", expected: 1, actual: 2))
  }

  @Test func choleskyRejectsAMatrixOfTheWrongSize() {
    #expect(error { _ = try CholeskyLDL([1, 0, 0], n: 2) }
      == .shapeMismatch(argument: "matrix", shape: "n × n", expected: 4, actual: 3))
    #expect(error { _ = try CholeskyLDL([1, 0, 0, 1], n: 2, poll: {}) } == nil)
  }

  /// 2³¹ rows cannot be allocated in a test; the check every sorting entry
  /// calls (`SurvivalSample`, the competing-risks sort, Cox, concordance) is
  /// tested at its bound.
  @Test func rowCountBeyondThirtyOneBitIndices() {
    let limit = SurvivalInputError.rowLimit
    #expect(error { try SurvivalInputError.checkRowCount(limit) } == nil)
    #expect(error { try SurvivalInputError.checkRowCount(limit + 1) }
      == .tooManyRows(count: limit + 1, limit: limit))
    #expect("\(SurvivalInputError.tooManyRows(count: limit + 1, limit: limit))"
      == "2147483647 rows: at most 2147483646 rows can be analysed at once")
  }

  @Test func messagesNameTheArgumentAndIndex() {
    #expect("\(SurvivalInputError.invalidStatus(index: 1, value: 7, causeCount: 2))"
      == "'status' at index 1 is 7; status codes must be in 0...2 (0 censored, c an event of cause c)")
    #expect("\(SurvivalInputError.negativeCode(argument: "strata", index: 0, value: -1))"
      == "'strata' at index 0 is -1; codes must be 0 or more")
    let shape = SurvivalInputError.shapeMismatch(
      argument: "covariates", shape: "n × p, column-major", expected: 8, actual: 4)
    #expect("\(shape)" == "'covariates' has 4 values; as n × p, column-major it needs 8")
  }
}
