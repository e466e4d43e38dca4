import Testing
@testable import Survival

/// `CoxModel.fit(start:stop:inputs:...)`: covariates as column arrays give
/// the column-major fit bit for bit, and the inputs handed over are emptied.
struct CoxReleasableInputsTests {
  /// 300 rows with tied times, two strata, a 0/1 column (not centred) and two continuous ones.
  static func data() -> (time: [Double], status: [Double], columns: [[Double]], strata: [Int]) {
    var state: UInt64 = 12_345
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
    let n = 300
    var time: [Double] = [], status: [Double] = [], strata: [Int] = []
    var columns: [[Double]] = [[], [], []]
    for _ in 0..<n {
      let x0 = next() < 0.4 ? 1.0 : 0.0, x1 = next() * 4 - 2, x2 = (next() * 100).rounded() / 10
      columns[0].append(x0)
      columns[1].append(x1)
      columns[2].append(x2)
      time.append((next() * 30).rounded() + 1)
      status.append(next() < 0.7 ? 1 : 0)
      strata.append(next() < 0.5 ? 0 : 1)
    }
    return (time, status, columns, strata)
  }

  @Test(arguments: [false, true])
  func columnArraysGiveTheColumnMajorFit(stratified: Bool) throws {
    let d = Self.data()
    let strata = stratified ? d.strata : nil
    let flat = try CoxModel.fit(
      time: d.time, status: d.status, covariates: d.columns.flatMap { $0 }, columns: 3, strata: strata)
    var inputs = CoxReleasableInputs(status: d.status, covariates: .columns(d.columns), strata: strata)
    let fit = try CoxModel.fit(start: nil, stop: d.time, inputs: &inputs, columns: 3)
    #expect(fit.coefficients == flat.coefficients)
    #expect(fit.variance == flat.variance)
    #expect(fit.loglik == flat.loglik)
    #expect(fit.linearPredictor == flat.linearPredictor)
    #expect(fit.concordance == flat.concordance)
    #expect(fit.means == flat.means)
    // Handed over: nothing left for the caller to hold.
    #expect(inputs.status.isEmpty)
    #expect(inputs.covariates.count == 0)
    #expect(inputs.strata == nil)
  }

  @Test func countingProcessColumnArraysGiveTheColumnMajorFit() throws {
    let d = Self.data()
    let start = d.time.map { $0 / 2 }
    let flat = try CoxModel.fit(
      start: start, stop: d.time, status: d.status, covariates: d.columns.flatMap { $0 }, columns: 3)
    var inputs = CoxReleasableInputs(status: d.status, covariates: .columns(d.columns))
    let fit = try CoxModel.fit(start: start, stop: d.time, inputs: &inputs, columns: 3)
    #expect(fit.coefficients == flat.coefficients)
    #expect(fit.means == flat.means)
    #expect(fit.linearPredictor == flat.linearPredictor)
    #expect(fit.concordance == flat.concordance)
  }

  @Test func badColumnsAreNamed() throws {
    let d = Self.data()
    var short = CoxReleasableInputs(status: d.status, covariates: .columns([d.columns[0], [1, 2]]))
    #expect(throws: CoxInputError("covariates has 302 values, expected n × p = 300 × 2 (column-major)")) {
      try CoxModel.fit(start: nil, stop: d.time, inputs: &short, columns: 2)
    }
    var uneven = CoxReleasableInputs(
      status: d.status, covariates: .columns([d.columns[0] + [1], Array(d.columns[1].dropLast())]))
    #expect(throws: CoxInputError("covariates must be 2 columns of 300 values (time has 300)")) {
      try CoxModel.fit(start: nil, stop: d.time, inputs: &uneven, columns: 2)
    }
    var columns = d.columns
    columns[1][2] = .nan
    var bad = CoxReleasableInputs(status: d.status, covariates: .columns(columns))
    let message = "covariate column 2, row 3 is not a finite number"
    #expect(throws: CoxInputError(message)) {
      try CoxModel.fit(start: nil, stop: d.time, inputs: &bad, columns: 3)
    }
    #expect(throws: CoxInputError(message)) {
      try CoxModel.fit(time: d.time, status: d.status, covariates: columns.flatMap { $0 }, columns: 3)
    }
  }
}
