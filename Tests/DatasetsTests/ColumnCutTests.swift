import Datasets
import Testing

/// `Column.cut` and `Column.quantileGroups` against R's `cut` and
/// `cut(x, quantile(x, 0:k/k), include.lowest = TRUE)` (R 4.2.2, fixtures
/// from scripts/fixtures/column_text.R): levels and codes compare exactly.
@Suite struct ColumnCutTests {
  /// The factor (levels, 1-based codes with nil for NA) or int codes of a column.
  static func shape(_ c: Column) -> (levels: [String]?, codes: [Int?]) {
    switch c {
    case .factor(let codes, let levels): return (levels, codes.map { $0 < 0 ? nil : Int($0) + 1 })
    case .int(let v): return (nil, v.map { $0 == Column.naInt ? nil : $0 })
    default: return (nil, [])
    }
  }

  @Test func cutMatchesR() throws {
    let cases = ColumnTextFixture.section("cut")
    #expect(cases.count >= 30)
    for (n, c) in cases.enumerated() {
      let x = ColumnTextFixture.numbers(c["x"])
      let b = ColumnTextFixture.numbers(c["breaks"])
      let breaks: CutBreaks = (c["k"] as? Bool) == true ? .count(Int(b[0])) : .values(b)
      let labels: CutLabels
      if (c["codes_only"] as? Bool) == true {
        labels = .codes
      } else if let given = c["labels"] as? [String] {
        labels = .given(given)
      } else {
        labels = .intervals(digits: c["dig_lab"] as? Int ?? 3)
      }
      let right = c["right"] as? Bool ?? true, lowest = c["include_lowest"] as? Bool ?? false
      let result = try Column.double(x).cut(breaks, labels: labels, right: right, includeLowest: lowest)
      let got = Self.shape(result)
      let levels = c["levels"] as? [String]
      #expect(got.levels == levels, "case \(n + 1): breaks \(b)")
      #expect(got.codes == ColumnTextFixture.integers(c["codes"]), "case \(n + 1): breaks \(b)")
      // Whole numbers without NA cut the same as an int column.
      if x.allSatisfy({ $0.isFinite && $0 == $0.rounded() && abs($0) < 1e15 }) {
        let ints = try Column.int(x.map { Int($0) }).cut(breaks, labels: labels, right: right, includeLowest: lowest)
        #expect(ints == result, "case \(n + 1) as ints")
      }
    }
  }

  @Test func quantileGroupsMatchR() throws {
    let cases = ColumnTextFixture.section("quantile_groups")
    #expect(cases.count >= 6)
    for (n, c) in cases.enumerated() {
      let x = Column.double(ColumnTextFixture.numbers(c["x"]))
      let k = c["k"] as? Int ?? 0
      let labels: CutLabels = (c["labels"] as? [String]).map { .given($0) } ?? .intervals(digits: 3)
      if (c["error"] as? Bool) == true {
        #expect(throws: ColumnArgumentError.self, "case \(n + 1)") { try x.quantileGroups(k, labels: labels) }
        continue
      }
      let got = Self.shape(try x.quantileGroups(k, labels: labels))
      #expect(got.levels == c["levels"] as? [String], "case \(n + 1)")
      #expect(got.codes == ColumnTextFixture.integers(c["codes"]), "case \(n + 1)")
    }
  }

  @Test func tiedQuantilesNameTheValue() {
    let x = Column.double([1, 1, 1, 1, 2])
    #expect(throws: ColumnArgumentError("k", "the 0 and 0.25 quantiles are both 1: too many ties for 4 groups")) {
      try x.quantileGroups(4)
    }
  }

  @Test func levelsAreInBreakOrderNotAlphabetical() throws {
    // Hand-made groups used to come out {"45-59", "60+", "<45"}.
    let age = Column.double([70, 40, 50])
    let groups = try age.cut(.values([0, 45, 60, .infinity]), labels: .given(["<45", "45-59", "60+"]))
    #expect(groups == .factor(codes: [2, 0, 1], levels: ["<45", "45-59", "60+"]))
  }

  @Test func badBreaksAndLabelsAreErrorsNamingThem() {
    let x = Column.double([1, 2, 3])
    #expect(throws: ColumnArgumentError("breaks", "breaks must be increasing, got 5 after 10")) {
      try x.cut(.values([0, 10, 5]))
    }
    #expect(throws: ColumnArgumentError("breaks", "breaks must be increasing, got 10 after 10")) {
      try x.cut(.values([0, 10, 10]))
    }
    #expect(throws: ColumnArgumentError("breaks", "at least 2 breaks expected, got 1")) { try x.cut(.values([0])) }
    #expect(throws: ColumnArgumentError("breaks", "break 2 is NaN")) { try x.cut(.values([0, .nan])) }
    #expect(throws: ColumnArgumentError("labels", "2 labels expected (one per interval between 3 breaks), got 3")) {
      try x.cut(.values([0, 1, 2]), labels: .given(["a", "b", "c"]))
    }
    #expect(throws: ColumnArgumentError("breaks", "the number of intervals must be at least 2, got 1")) {
      try x.cut(.count(1))
    }
    #expect(throws: ColumnArgumentError("x", "a number column (double or int) expected, got a string column")) {
      try Column.factor(codes: [0], levels: ["a"]).cut(.count(2))
    }
    #expect(throws: DatasetError.self) { try Column.double([.nan, .nan]).cut(.count(2)) }
  }

  @Test func labelsFormatBreaksAsFormatC() {
    // formatC(c(-Inf, 0, 50, Inf), digits = 3, width = 1): specials share a width.
    #expect(Column.intervalLabels([-.infinity, 0, 50, .infinity], right: true, includeLowest: false, digits: 3)
      == ["(-Inf,0]", "(0,50]", "(50, Inf]"])
    #expect(Column.intervalLabels([0, 1e6], right: false, includeLowest: true, digits: 3) == ["[0,1e+06]"])
    // -0 is written 0 (R formats 0 + breaks).
    #expect(Column.intervalLabels([-0.0, 1], right: true, includeLowest: false, digits: 3) == ["(0,1]"])
  }
}
