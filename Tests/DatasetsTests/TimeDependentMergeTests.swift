import Datasets
import Testing
import TestSupport

/// `TimeDependentMerge` against R's `tmerge` (scripts/fixtures/survdata.R):
/// the pbc/pbcseq example of the timedep vignette and a hand case with
/// every kind of time, every term and R's tcount.
@Suite struct TimeDependentMergeTests {
  typealias Term = TimeDependentMerge.Term

  func tcount(_ state: TimeDependentMerge.State) -> [(String, [Int])] { state.tcount }

  func expectTcount(_ state: TimeDependentMerge.State, _ fixture: String) throws {
    let expected = try SurvivalDataFixtures.read(fixture)
    #expect(state.tcount.map(\.0) == (0..<expected.rowCount).map { "\(expected.columns[0].value(at: $0))" })
    for (k, name) in TimeDependentMerge.tcountNames.enumerated() {
      #expect(state.tcount.map { Double($0.1[k]) } == doubles(expected[name]), "\(name)")
    }
  }

  @Test func pbcExampleOfTheTimedepVignetteMatchesR() throws {
    let base = try SurvivalDataFixtures.read("pbc_base", levels: ["sex": ["m", "f"]])
    let seq = try SurvivalDataFixtures.read("pbcseq")
    let (first, s1) = try TimeDependentMerge(id: "id", terms: [Term(name: "death", kind: .event, time: "time",
                                                                     value: "status")])
      .apply(data1: base, state: nil, data2: base)
    let labs = ["ascites", "bili", "albumin", "protime", "alk.phos"].map {
      Term(name: $0, kind: .tdc, time: "day", value: $0)
    }
    let (pbc2, s2) = try TimeDependentMerge(id: "id", terms: labs).apply(data1: first, state: s1, data2: seq)
    let expected = try SurvivalDataFixtures.read("tmerge_pbc", levels: ["sex": ["m", "f"]])
    #expect(SurvivalDataFixtures.difference(pbc2, expected) == nil)
    try expectTcount(s2, "tmerge_pbc_tcount")
    #expect(s2.events.map(\.0) == ["death"])
    #expect(s2.tdcs == ["ascites", "bili", "albumin", "protime", "alk.phos"])
  }

  @Test func handCaseWithEveryTermAndKindOfTimeMatchesR() throws {
    let base = try SurvivalDataFixtures.read("hand_base")
    let add = try SurvivalDataFixtures.read("hand_add")
    let (first, s1) = try TimeDependentMerge(id: "id", terms: [Term(name: "death", kind: .event, time: "futime",
                                                                     value: "dead")])
      .apply(data1: base, state: nil, data2: base)
    let terms = [
      Term(name: "lab", kind: .tdc, time: "day", value: "lab"), Term(name: "any", kind: .tdc, time: "day"),
      Term(name: "infection", kind: .event, time: "day", value: "inf"),
      Term(name: "ninf", kind: .cumtdc, time: "day", value: "inf"), Term(name: "nvisit", kind: .cumevent, time: "day"),
    ]
    let (h, s2) = try TimeDependentMerge(id: "id", terms: terms).apply(data1: first, state: s1, data2: add)
    #expect(SurvivalDataFixtures.difference(h, try SurvivalDataFixtures.read("tmerge_hand")) == nil)
    try expectTcount(s2, "tmerge_hand_tcount")
  }

  @Test func tstopDelayNaValuesAndTdcstartMatchR() throws {
    // R: tmerge(base, base, id = id, tstop = futime), then lab = tdc(day, lab) with
    // options = list(delay = 2, na.rm = FALSE, tdcstart = -1).
    let base = try SurvivalDataFixtures.read("hand_base")
    let add = try SurvivalDataFixtures.read("hand_add")
    var first = TimeDependentMerge(id: "id", terms: [])
    first.tstop = "futime"
    let (d, s1) = try first.apply(data1: base, state: nil, data2: base)
    var labs = TimeDependentMerge(id: "id", terms: [Term(name: "lab", kind: .tdc, time: "day", value: "lab")])
    labs.delay = 2
    labs.naRm = false
    labs.tdcstart = -1
    let (o, _) = try labs.apply(data1: d, state: s1, data2: add)
    #expect(SurvivalDataFixtures.difference(o, try SurvivalDataFixtures.read("tmerge_options")) == nil)
  }

  @Test func idMismatchesAndMissingRangesAreErrorsNamingTheValue() throws {
    let base = try Dataset(names: ["id", "futime", "dead"], columns: [.int([1, 2]), .double([10, 20]), .int([1, 0])])
    let death = [Term(name: "death", kind: .event, time: "futime", value: "dead")]
    let other = try Dataset(names: ["id", "futime", "dead"], columns: [.int([1, 3]), .double([10, 20]), .int([1, 0])])
    #expect(throws: SurvivalDataError.argument(2, "setting the follow-up, data2 has id 3, which data1 does not")) {
      try TimeDependentMerge(id: "id", terms: death).apply(data1: base, state: nil, data2: other)
    }
    let twice = try Dataset(names: ["id", "futime", "dead"], columns: [.int([1, 1]), .double([10, 20]), .int([1, 0])])
    #expect(throws: SurvivalDataError.data("id 1 appears twice in data1; the first call (which sets the follow-up) "
      + "needs one row per subject")) {
      try TimeDependentMerge(id: "id", terms: death).apply(data1: twice, state: nil, data2: twice)
    }
    let tdcFirst = [Term(name: "x", kind: .tdc, time: "futime")]
    #expect(throws: SurvivalDataError.option("tstop", "the first call needs tstop = a column of data2, or an "
      + "event(...) term first that sets the end of follow-up")) {
      try TimeDependentMerge(id: "id", terms: tdcFirst).apply(data1: base, state: nil, data2: base)
    }
    #expect(throws: SurvivalDataError.option("id", "no column 'subject' in data2 (argument #2) (columns: id, "
      + "futime, dead)")) {
      try TimeDependentMerge(id: "subject", terms: death).apply(data1: base, state: nil, data2: base)
    }
    let zero = try Dataset(names: ["id", "futime", "dead"], columns: [.int([1, 2]), .double([10, 0]), .int([1, 0])])
    #expect(throws: SurvivalDataError.data("row 2 of data2: found an ending time of 0, the default starting time "
      + "of 0 is invalid")) {
      try TimeDependentMerge(id: "id", terms: death).apply(data1: zero, state: nil, data2: zero)
    }
  }

  @Test func laterCallsCountIdsThatAreNotInTheData() throws {
    let base = try Dataset(names: ["id", "futime", "dead"], columns: [.int([1, 2]), .double([10, 20]), .int([1, 0])])
    let (first, s1) = try TimeDependentMerge(id: "id", terms: [Term(name: "death", kind: .event, time: "futime",
                                                                     value: "dead")])
      .apply(data1: base, state: nil, data2: base)
    let visits = try Dataset(names: ["id", "day"], columns: [.int([1, 7, 2]), .double([5, 5, 30])])
    let (d, s2) = try TimeDependentMerge(id: "id", terms: [Term(name: "v", kind: .tdc, time: "day")])
      .apply(data1: first, state: s1, data2: visits)
    #expect(s2.tcount.last?.1 == [0, 1, 0, 1, 0, 0, 0, 0, 1])
    #expect(doubles(d["tstop"]) == [5, 10, 20])
    #expect(d["death"] == .int([0, 1, 0]))
    #expect(d["v"] == .int([0, 1, 0]))
    let unknown = try Dataset(names: ["id", "day"], columns: [.int([1, Column.naInt]), .double([5, 6])])
    #expect(throws: SurvivalDataError.argument(2, "row 2: id 'id' is NA (R: id variable cannot have missing values)")) {
      try TimeDependentMerge(id: "id", terms: [Term(name: "v", kind: .tdc, time: "day")])
        .apply(data1: first, state: s1, data2: unknown)
    }
  }
}
