import Datasets
import Survival
import TestSupport
import Testing

@testable import Analysis

/// Issue 14, Fine–Gray from a script: without a censoring group the fit
/// reads the model frame's times and codes and the design matrix's values
/// as they are (no row list, no gathered copies), and gives the fit of the
/// gathered arrays bit for bit; a covariate that is not finite is still
/// reported with its row and name.
@Suite struct FineGrayInputsTests {
  /// 40 rows: time, cause codes 0/1/2, a numeric covariate and a factor.
  static func data(badX: Double? = nil) throws -> Dataset {
    var time = [Double](), status = [Int](), x = [Double](), arm = [Int32]()
    var state: UInt64 = 12_345
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
    for i in 0..<40 {
      time.append((next() * 50).rounded() / 2 + 0.5)
      status.append(Int(next() * 3))
      x.append(i == 17 ? (badX ?? next()) : next() * 4 - 2)
      arm.append(Int32(i % 3))
    }
    return try Dataset(
      names: ["time", "status", "x", "arm"],
      columns: [.double(time), .int(status), .double(x), .factor(codes: arm, levels: ["A", "B", "C"])])
  }

  @Test func inputsAreTheFramesArraysAndTheFitIsUnchanged() throws {
    let formula = try Formula(parsing: "Surv(time, status) ~ x + arm")
    let d = try Self.data()
    let frame = try ModelFrame(
      dataset: d, formula: formula, options: ModelFrameOptions(eventCoding: .competingRisks(censor: nil)))
    let design = try DesignMatrix(frame: frame)
    let inputs = try FineGrayAnalysis.inputs(frame: frame, design: design)
    // Shared, not copied: the same storage as the frame's and the design's.
    func address<T>(_ a: [T]) -> UnsafeRawPointer? { a.withUnsafeBytes { $0.baseAddress } }
    #expect(address(inputs.time) == address(frame.time))
    #expect(address(inputs.status) == address(frame.event))
    #expect(address(inputs.covariates) == address(design.values))
    #expect(inputs.censoringGroup == nil)
    // The fit through the analysis equals the fit of gathered copies (the former path).
    let p = design.columnCount
    let rows = Array(0..<frame.count)
    var gathered = [Double](repeating: 0, count: rows.count * p)
    for j in 0..<p {
      let column = design.column(j)
      for (i, r) in rows.enumerated() { gathered[j * rows.count + i] = column[column.startIndex + r] }
    }
    let reference = try FineGray.fit(
      time: rows.map { frame.time[$0] }, status: rows.map { frame.event[$0] }, covariates: gathered, p: p)
    let m = try FineGrayAnalysis(dataset: d, formula: formula)
    #expect(m.fit.coefficients == reference.coefficients)
    #expect(m.fit.standardErrors == reference.standardErrors)
    #expect(m.fit.variance == reference.variance)
    #expect(m.fit.baselineJumps == reference.baselineJumps)
    #expect(m.fit.logLikelihood == reference.logLikelihood)
    #expect((m.n, m.events + m.competingEvents + m.censored) == (40, 40))
  }

  @Test func nonFiniteCovariateNamesRowAndColumn() throws {
    let formula = try Formula(parsing: "Surv(time, status) ~ arm + x")
    for (bad, text) in [(Double.infinity, "Inf"), (-Double.infinity, "-Inf")] {
      let d = try Self.data(badX: bad)
      #expect {
        _ = try FineGrayAnalysis(dataset: d, formula: formula)
      } throws: { error in
        "\(error)".contains("row 18: covariate 'x' is \(text); covariates must be finite")
      }
    }
  }

  /// With a censoring group the rows are gathered as before; a group of
  /// one level estimates the one censoring distribution of the plain fit.
  @Test func censoringGroupPathStillGathers() throws {
    let formula = try Formula(parsing: "Surv(time, status) ~ x")
    let base = try Self.data()
    let one = Column.factor(codes: [Int32](repeating: 0, count: 40), levels: ["all"])
    let d = try Dataset(names: base.names + ["site"], columns: base.columns + [one])
    var options = FineGrayOptions()
    options.censoringGroup = "site"
    let grouped = try FineGrayAnalysis(dataset: d, formula: formula, options: options)
    let plain = try FineGrayAnalysis(dataset: d, formula: formula)
    #expect(grouped.censoringGroups == ["site=all"])
    #expect(approxEqual(grouped.fit.coefficients[0], plain.fit.coefficients[0], relative: Tolerance.closedForm))
  }
}
