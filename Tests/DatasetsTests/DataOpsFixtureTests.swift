import Datasets
import Foundation
import Testing
import TestSupport

/// Joins, group summaries, reshaping and `distinct` against R
/// (`scripts/fixtures/data_ops.R`: merge, data.table, dcast/melt, unique,
/// with dplyr's row order written out there). Keys, counts and row order
/// are exact; means, standard deviations and quantiles agree to
/// `Tolerance.closedForm` (R's `mean` adds a second pass that the group
/// kernel does not).
@Suite struct DataOpsFixtureTests {
  static func fixture(_ name: String) throws -> Dataset {
    try CSVReader.read(path: projectRoot.appendingPathComponent("Tests/Fixtures/data_ops/\(name)").path)
  }

  /// Every column of `expected` equals the column of that name in `actual`
  /// (as doubles; strings by text), row by row.
  static func expectSame(_ actual: Dataset, _ expected: Dataset, relative: Double = 0,
                         sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.rowCount == expected.rowCount, sourceLocation: sourceLocation)
    #expect(actual.names == expected.names, sourceLocation: sourceLocation)
    guard actual.rowCount == expected.rowCount else { return }
    for (name, e) in zip(expected.names, expected.columns) {
      guard let a = actual[name] else {
        Issue.record("no column \(name)", sourceLocation: sourceLocation)
        continue
      }
      if case .factor = e {
        let at = (0..<a.count).map { a.value(at: $0).description }
        let et = (0..<e.count).map { e.value(at: $0).description }
        #expect(at == et, "\(name)", sourceLocation: sourceLocation)
        continue
      }
      let x = a.asDoubles(), y = e.asDoubles()
      let bad = zip(x, y).enumerated().first { !approxEqual($0.element.0, $0.element.1, relative: relative) }
      #expect(bad == nil, "\(name): row \((bad?.offset ?? 0) + 1): \(String(describing: bad?.element))",
              sourceLocation: sourceLocation)
    }
  }

  // MARK: joins

  @Test(arguments: ["inner", "left", "full"])
  func joinOnOneKeyAsDplyr(how: String) throws {
    let x = try Self.fixture("join_x.csv"), y = try Self.fixture("join_y.csv")
    var o = Dataset.JoinOptions(kind: try #require(Dataset.JoinKind(rawValue: how)), leftKeys: ["id"],
                                rightKeys: ["id"])
    o.relationship = .manyToMany
    let j = try x.join(y, o)
    let expected = try Self.fixture("join_\(how)_id.csv")
    Self.expectSame(try j.select(expected.names), expected)
    #expect(j.names == ["xrow", "id", "visit.x", "age", "yrow", "visit.y", "dose"])
  }

  @Test(arguments: ["inner", "left", "full"])
  func joinOnTwoKeysAsDplyr(how: String) throws {
    let x = try Self.fixture("join_x.csv"), y = try Self.fixture("join_y.csv")
    let o = Dataset.JoinOptions(kind: try #require(Dataset.JoinKind(rawValue: how)), leftKeys: ["id", "visit"],
                                rightKeys: ["id", "visit"])
    let j = try x.join(y, o)
    Self.expectSame(j, try Self.fixture("join_\(how)_id_visit.csv"))
  }

  @Test(arguments: ["semi", "anti"])
  func filteringJoinsKeepRowsOfX(how: String) throws {
    let x = try Self.fixture("join_x.csv"), y = try Self.fixture("join_y.csv")
    let o = Dataset.JoinOptions(kind: try #require(Dataset.JoinKind(rawValue: how)), leftKeys: ["id"],
                                rightKeys: ["id"])
    Self.expectSame(try x.join(y, o), try Self.fixture("join_\(how)_id.csv"))
  }

  @Test func stringKeysJoinAsTheirValuesAsIntKeysDo() throws {
    // The same join with the id as text, levels in different orders on the
    // two sides: the rows must be those of the int join.
    let x = try Self.fixture("join_x.csv"), y = try Self.fixture("join_y.csv")
    func asText(_ d: Dataset) throws -> Dataset {
      let id = try d.column(named: "id")
      return try d.with("id", try Column(values: (0..<id.count).map {
        id.isMissing($0) ? .missing : .string("s\(id.value(at: $0))")
      }))
    }
    let o = Dataset.JoinOptions(kind: .full, leftKeys: ["id"], rightKeys: ["id"])
    let byInt = try x.join(y, o), byText = try asText(x).join(try asText(y).relevel("id", reference: "s9"), o)
    #expect(try byText.column(named: "yrow") == byInt.column(named: "yrow"))
    #expect(try byText.column(named: "xrow") == byInt.column(named: "xrow"))
  }

  @Test func wideIntKeysAreHashedWithTheSameRows() throws {
    // Ids spread over 2^40 take the hash table, not the direct array.
    let x = try Self.fixture("join_x.csv"), y = try Self.fixture("join_y.csv")
    func spread(_ d: Dataset) throws -> Dataset {
      guard case .int(let v) = try d.column(named: "id") else { throw DatasetError.invalid("id not int") }
      return try d.with("id", .int(v.map { $0 == Column.naInt ? $0 : $0 << 40 }))
    }
    let o = Dataset.JoinOptions(kind: .left, leftKeys: ["id"], rightKeys: ["id"])
    #expect(try spread(x).join(try spread(y), o).column(named: "yrow") == x.join(y, o).column(named: "yrow"))
  }

  // MARK: group summaries

  @Test func colonSummariesByArmAndSexMatchR() throws {
    let colon = try BundledDatasets.load("colon", stdlib: stdlibPath)
    let s = try colon.summarise(by: ["rx", "sex"], [
      ("n", Summary(.count)), ("mean_age", Summary(.mean, column: "age")),
      ("events", Summary(.sum, column: "status")), ("sd_age", Summary(.sd, column: "age")),
      ("med_nodes", Summary(.median, column: "nodes", naRm: true)),
      ("q90_age", Summary(.quantile(0.9), column: "age")),
      ("min_nodes", Summary(.min, column: "nodes", naRm: true)),
      ("max_nodes", Summary(.max, column: "nodes", naRm: true)),
      ("nd_nodes", Summary(.nDistinct, column: "nodes")), ("first_id", Summary(.first, column: "id")),
      ("last_time", Summary(.last, column: "time")), ("mean_nodes", Summary(.mean, column: "nodes")),
    ])
    Self.expectSame(s, try Self.fixture("colon_by_rx_sex.csv"), relative: Tolerance.closedForm)
  }

  @Test func lungSummariesPutTheMissingGroupLast() throws {
    let lung = try BundledDatasets.load("lung", stdlib: stdlibPath)
    let s = try lung.summarise(by: ["sex", "ph.ecog"], [
      ("n", Summary(.count)), ("mean_wt", Summary(.mean, column: "wt.loss", naRm: true)),
      ("sd_wt", Summary(.sd, column: "wt.loss", naRm: true)),
      ("q25_age", Summary(.quantile(0.25), column: "age")), ("med_time", Summary(.median, column: "time")),
      ("nd_inst", Summary(.nDistinct, column: "inst")),
    ])
    Self.expectSame(s, try Self.fixture("lung_by_sex_ecog.csv"), relative: Tolerance.closedForm)
  }

  // MARK: reshaping and distinct

  @Test func pivotWiderAndBackMatchDcastAndMelt() throws {
    let long = try Self.fixture("pivot_long.csv")
    let wide = try long.pivotWider(namesFrom: "visit", valuesFrom: "ldl")
    Self.expectSame(wide, try Self.fixture("pivot_wide.csv"))
    let back = try wide.pivotLonger(["week1", "week2", "week3"], namesTo: "visit", valuesTo: "ldl")
    Self.expectSame(back, try Self.fixture("pivot_back.csv"))
  }

  @Test func distinctKeepsFirstRowsInOrderAsUnique() throws {
    let colon = try BundledDatasets.load("colon", stdlib: stdlibPath)
    Self.expectSame(try colon.distinct(["rx", "sex", "etype"]), try Self.fixture("colon_distinct.csv"))
  }
}
