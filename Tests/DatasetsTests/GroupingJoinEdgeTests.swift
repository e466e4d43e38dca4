import Datasets
import Foundation
import RunControl
import Testing
import TestSupport

/// The corners of grouping and joining worked by hand: key ranges too wide
/// for the direct array (hashed, then sorted), doubles with -0.0 and NaN,
/// bools, empty datasets, integer overflow, empty groups after `na_rm`.
@Suite struct GroupingJoinEdgeTests {
  @Test func wideIntKeysSortAsNumbersWithMissingLast() throws {
    let d = try Dataset(names: ["k"], columns: [.int([5, 1 << 40, 5, -3, Column.naInt])])
    let g = try d.grouping(by: ["k"])
    #expect(g.codes == [1, 2, 1, 0, 3] && g.count == 4 && g.firstRows == [3, 0, 1, 4])
  }

  @Test func doubleKeysGroupMinusZeroWithZeroAndNaNLast() throws {
    let d = try Dataset(names: ["k"], columns: [.double([0.0, -0.0, .nan, 2.5, -1])])
    let g = try d.grouping(by: ["k"])
    #expect(g.codes == [1, 1, 3, 2, 0] && g.count == 4)
  }

  @Test func boolAndTwoKeysSortFirstKeyFirst() throws {
    let d = try Dataset(names: ["b", "k"], columns: [
      .bool([1, 0, Column.naBool, 1, 0]), .int([2, 9, 1, 1, 9]),
    ])
    // (T,2) (F,9) (NA,1) (T,1) (F,9) → F9=0, T1=1, T2=2, NA1=3.
    #expect(try d.grouping(by: ["b", "k"]).codes == [2, 0, 3, 1, 0])
  }

  @Test func emptyDatasetsSummariseAsDplyr() throws {
    let d = try Dataset(names: ["g", "x"], columns: [.int([]), .double([])])
    // Ungrouped: one row (n = 0, mean NaN); grouped: no rows.
    let whole = try d.summarise(by: [], [("n", Summary(.count)), ("m", Summary(.mean, column: "x"))])
    #expect(whole.rowCount == 1 && whole["n"] == .int([0]) && whole["m"]?.asDoubles().first?.isNaN == true)
    #expect(try d.summarise(by: ["g"], [("n", Summary(.count))]).rowCount == 0)
  }

  @Test func integerOverflowGivesNAWithAWarning() throws {
    let d = try Dataset(names: ["g", "x"], columns: [.int([1, 1, 2]), .int([Int.max, 1, 4])])
    var warnings: [String] = []
    let s = try RunWarnings.withSink({ warnings.append($0) }) {
      try d.summarise(by: ["g"], [("s", Summary(.sum, column: "x"))])
    }
    #expect(s["s"] == .int([Column.naInt, 4]))
    #expect(warnings == ["sum(\"x\"): integer overflow in a group gives NA (sum a double column)"])
  }

  @Test func pivotWiderNamesWholeDoublesAsR() throws {
    let d = try Dataset(names: ["id", "t", "v"], columns: [.int([1, 1]), .double([306, 2.5]), .int([7, 8])])
    #expect(try d.pivotWider(namesFrom: "t", valuesFrom: "v").names == ["id", "306", "2.5"])
  }

  @Test func extremesOfAGroupWithoutValuesAreInfiniteForDoubles() throws {
    let d = try Dataset(names: ["g", "x"], columns: [.int([1, 2]), .double([.nan, 3])])
    var warnings: [String] = []
    let s = try RunWarnings.withSink({ warnings.append($0) }) {
      try d.summarise(by: ["g"], [("lo", Summary(.min, column: "x", naRm: true)),
                                  ("hi", Summary(.max, column: "x"))])
    }
    #expect(s["lo"] == .double([.infinity, 3]))
    #expect(s["hi"]?.asDoubles().first?.isNaN == true && s["hi"]?.asDoubles().last == 3)
    #expect(warnings.count == 1)
  }

  @Test func joinsWithAnEmptySideAndSignedZeroKeys() throws {
    let x = try Dataset(names: ["k", "a"], columns: [.double([0.0, 1]), .int([1, 2])])
    let y = try Dataset(names: ["k", "b"], columns: [.double([-0.0]), .int([7])])
    let left = try x.join(y, .init(kind: .left, leftKeys: ["k"], rightKeys: ["k"]))
    #expect(left["b"] == .int([7, Column.naInt]))
    let none = try Dataset(names: ["k", "b"], columns: [.double([]), .int([])])
    #expect(try x.join(none, .init(kind: .inner, leftKeys: ["k"], rightKeys: ["k"])).rowCount == 0)
    #expect(try x.join(none, .init(kind: .left, leftKeys: ["k"], rightKeys: ["k"]))["b"]
      == .int([Column.naInt, Column.naInt]))
    #expect(try none.join(x, .init(kind: .full, leftKeys: ["k"], rightKeys: ["k"]))["k"] == .double([0, 1]))
  }

  @Test func joinErrorsNameKeysAndTypes() throws {
    let x = try Dataset(names: ["k"], columns: [.int([1])])
    let y = try Dataset(names: ["k"], columns: [.date([1])])
    #expect(throws: Dataset.JoinError.keys("key 'k' is int in x but key 'k' is date in y")) {
      try x.join(y, .init(kind: .left, leftKeys: ["k"], rightKeys: ["k"]))
    }
    #expect(throws: Dataset.JoinError.keys("key 'k' of x is given twice")) {
      try x.join(x, .init(kind: .left, leftKeys: ["k", "k"], rightKeys: ["k", "k"]))
    }
  }

  @Test func bindRowsUnitesLevelsInOrderOfAppearance() throws {
    let a = try Dataset(names: ["s"], columns: [.factor(codes: [0, 1], levels: ["b", "a"])])
    let b = try Dataset(names: ["s", "t"], columns: [.factor(codes: [0, -1], levels: ["c", "a"]), .bool([1, 0])])
    let r = try Dataset.bindRows([a, b])
    #expect(r["s"] == .factor(codes: [0, 1, 2, -1], levels: ["b", "a", "c"]))
    #expect(r["t"] == .bool([Column.naBool, Column.naBool, 1, 0]))
  }

  @Test func selectedQuantilesEqualSortedOnes() throws {
    // Medians and quantiles by selection against Column.quantile/median
    // (a full sort), per group, with ties (values rounded) and NaN.
    var rng = SplitMix64(seed: 15)
    let n = 5000
    let g = (0..<n).map { _ in Int.random(in: 0..<7, using: &rng) }
    let x = (0..<n).map { i -> Double in i % 97 == 0 ? .nan : (Double.random(in: 0..<50, using: &rng)).rounded() }
    let d = try Dataset(names: ["g", "x"], columns: [.int(g), .double(x)])
    let probs = [0.0, 0.1, 0.25, 0.5, 0.9, 1.0]
    let s = try d.summarise(by: ["g"], [("med", Summary(.median, column: "x", naRm: true))]
      + probs.enumerated().map { ("q\($0.offset)", Summary(.quantile($0.element), column: "x", naRm: true)) })
    for group in 0..<7 {
      let part = Column.double(zip(g, x).filter { $0.0 == group }.map(\.1))
      #expect(s["med"]?.asDoubles()[group] == (try part.median()))
      for (k, p) in probs.enumerated() {
        #expect(s["q\(k)"]?.asDoubles()[group] == (try part.quantile(p)), "group \(group) p \(p)")
      }
    }
  }

  @Test func sampleGeneratorIsXoshiroSeededBySplitMix() {
    // Reference: Vigna's C code of xoshiro256** and splitmix64, run (as a
    // Python transcription) with the state from splitmix64(seed 0):
    // s = e220a8397b1dcdaf 6e789e6aa1b965f4 06c45d188009454f f88bb8a8724c81ec.
    var g = SampleGenerator(seed: 0)
    #expect([g.next(), g.next(), g.next()] == [0x99ec_5f36_cb75_f2b4, 0xbf6e_1f78_4956_452a, 0x1a5f_849d_4933_e6e0])
  }
}
