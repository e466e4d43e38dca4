import Datasets
import Testing
import TestSupport

/// `Landmark` against R's `subset(d, time > t0)` with `time - t0`
/// (scripts/fixtures/survdata.R), and its rule at ties.
@Suite struct LandmarkTests {
  @Test func lungAtHalfAYearMatchesRsSubset() throws {
    let lung = try BundledDatasets.load("lung", stdlib: stdlibPath)
    let l = try Landmark(time: 182.5).apply(to: lung)
    #expect(SurvivalDataFixtures.difference(l, try SurvivalDataFixtures.read("landmark_lung")) == nil)
  }

  @Test func startStopIntervalsAreClippedAtTheLandmark() throws {
    let edge = try SurvivalDataFixtures.read("edge_input", levels: SurvivalSplitTests.edgeLevels)
    var l = Landmark(time: 4)
    l.stop = "t1"
    l.start = "t0"
    l.event = "ev"
    let out = try l.apply(to: edge)
    let expected = try SurvivalDataFixtures.read("landmark_edge", levels: SurvivalSplitTests.edgeLevels)
    #expect(SurvivalDataFixtures.difference(out, expected) == nil)
  }

  @Test func anEventExactlyAtTheLandmarkIsLeftOut() throws {
    let d = try Dataset(names: ["time", "status"], columns: [.double([5, 6, 4, .nan]), .int([1, 1, 0, 1])])
    let l = try Landmark(time: 5).apply(to: d)
    #expect(doubles(l["time"]) == [1])
    #expect(l["status"] == .int([1]))
  }

  @Test func unknownColumnsAreErrorsNamingTheOption() throws {
    let d = try Dataset(names: ["time", "status"], columns: [.double([5]), .int([1])])
    var l = Landmark(time: 1)
    l.event = "dead"
    #expect(throws: SurvivalDataError.option("event", "no column 'dead' (columns: time, status)")) {
      try l.apply(to: d)
    }
    #expect(throws: SurvivalDataError.argument(2, "landmark time must be a finite number, got NA")) {
      try Landmark(time: .nan).apply(to: d)
    }
  }
}
