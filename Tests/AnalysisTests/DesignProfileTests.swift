import Datasets
import Testing
import TestSupport

@testable import Analysis

/// Profiles (variable → value) encode to exactly the design row the data
/// row with those values has: checked on every formula of the design-matrix
/// fixture (factors, booleans, factor(x), interactions with and without main
/// effects), which R's model.matrix wrote.
@Suite struct DesignProfileTests {
  static let fixture = Result { try AnalysisFixture.load() }

  static var formulas: [String] {
    ((try? fixture.get())?.designs ?? []).compactMap { $0["formula"] as? String }
  }

  static func profileValue(_ s: Scalar) -> ProfileValue? {
    switch s {
    case .missing: return nil
    case .double(let x): return .number(x)
    case .int(let x): return .number(Double(x))
    case .string(let t): return .text(t)
    case .bool(let b): return .boolean(b)
    case .date(let d): return .number(Double(d))
    }
  }

  @Test(arguments: formulas)
  func profileRowsEqualDesignRows(formulaText: String) throws {
    let fixture = try Self.fixture.get()
    let case_ = try #require(fixture.designs.first { $0["formula"] as? String == formulaText })
    let dataset = try fixture.dataset(try #require(case_["dataset"] as? String))
    let frame = try ModelFrame(dataset: dataset, formula: try Formula(parsing: formulaText))
    let design = try DesignMatrix(frame: frame)
    let profile = DesignProfile(frame: frame, design: design)
    #expect(profile.columnNames == design.columnNames)
    for i in stride(from: 0, to: frame.count, by: max(frame.count / 25, 1)) {
      var values: [String: ProfileValue] = [:]
      for name in profile.variables {
        values[name] = Self.profileValue(try #require(dataset[name]).value(at: frame.rows[i]))
      }
      let row = try profile.row(values)
      let expected = (0..<design.columnCount).map { design.values[$0 * design.rowCount + i] }
      #expect(row == expected, "\(formulaText) row \(i)")
    }
  }

  @Test func profilesAreChecked() throws {
    let data = try Dataset(
      names: ["t", "e", "arm", "dose", "on"],
      columns: [
        .double([1, 2, 3, 4]), .int([1, 0, 1, 1]),
        .factor(codes: [0, 1, 2, 1], levels: ["ctl", "low", "high"]),
        .double([0.5, 1, 2, 4]), .bool([1, 0, 1, 1]),
      ])
    let frame = try ModelFrame(dataset: data, formula: try Formula(parsing: "Surv(t, e) ~ arm * dose + on"))
    let profile = DesignProfile(frame: frame, design: try DesignMatrix(frame: frame))
    #expect(profile.columnNames == ["armlow", "armhigh", "dose", "onTRUE", "armlow:dose", "armhigh:dose"])
    #expect(try profile.row(["arm": .text("high"), "dose": .number(2), "on": .boolean(true)]) == [0, 1, 2, 1, 0, 2])
    #expect(throws: ModelFrameError.self) {
      try profile.row(["arm": .text("mid"), "dose": .number(2), "on": .boolean(true)])
    }
    #expect(throws: ModelFrameError.self) { try profile.row(["arm": .text("ctl"), "on": .boolean(true)]) }
    #expect(throws: ModelFrameError.self) {
      try profile.row(["arm": .text("ctl"), "dose": .text("2"), "on": .boolean(true)])
    }
    #expect(throws: ModelFrameError.self) {
      try profile.row(["arm": .text("ctl"), "dose": .number(1), "on": .boolean(true), "age": .number(3)])
    }
  }
}
