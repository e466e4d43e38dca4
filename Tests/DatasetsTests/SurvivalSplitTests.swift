import Datasets
import Testing
import TestSupport

/// `SurvivalSplit` against R's `survSplit` (scripts/fixtures/survdata.R):
/// row order, which pieces are censored, cuts at or outside follow-up, NA
/// times, and event columns of every type.
@Suite struct SurvivalSplitTests {
  func split(_ d: Dataset, _ cuts: [Double], start: String = "tstart", stop: String = "time",
             event: String = "status", episode: String? = nil, id: String? = nil) throws -> Dataset {
    var s = SurvivalSplit(cuts: cuts)
    s.start = start
    s.stop = stop
    s.event = event
    s.episode = episode
    s.id = id
    return try s.apply(to: d)
  }

  static let edgeLevels = ["cause": ["censored", "relapse", "death"]]

  @Test func lungMatchesR() throws {
    // lung's status is 1/2: R's Surv reads it as 0/1 and survSplit writes 0/1.
    let lung = try BundledDatasets.load("lung", stdlib: stdlibPath)
    let s = try split(lung, [90, 180, 365, 730], episode: "ep")
    #expect(SurvivalDataFixtures.difference(s, try SurvivalDataFixtures.read("split_lung")) == nil)
  }

  @Test func veteranMatchesR() throws {
    let veteran = try BundledDatasets.load("veteran", stdlib: stdlibPath)
    let s = try split(veteran, [30, 60, 90, 180])
    #expect(SurvivalDataFixtures.difference(s, try SurvivalDataFixtures.read("split_veteran")) == nil)
  }

  @Test func amlWithCutsAtEventTimesAndPastTheEndMatchesR() throws {
    let aml = try BundledDatasets.load("aml", stdlib: stdlibPath)
    let s = try split(aml, [5, 8, 12, 23, 200], episode: "ep", id: "subject")
    #expect(SurvivalDataFixtures.difference(s, try SurvivalDataFixtures.read("split_aml")) == nil)
  }

  @Test func countingDataWithEveryEventTypeMatchesR() throws {
    let edge = try SurvivalDataFixtures.read("edge_input", levels: Self.edgeLevels)
    let cuts: [Double] = [2, 3, 6, 12, 20]
    let ints = try split(edge, cuts, start: "t0", stop: "t1", event: "ev", episode: "ep")
    #expect(SurvivalDataFixtures.difference(ints, try SurvivalDataFixtures.read("split_edge")) == nil)
    #expect(ints["ev"]?.kind == .int)
    let bools = try split(edge, cuts, start: "t0", stop: "t1", event: "flag")
    #expect(SurvivalDataFixtures.difference(bools, try SurvivalDataFixtures.read("split_edge_bool")) == nil)
    #expect(bools["flag"]?.kind == .bool)
    let causes = try split(edge.drop(["ev", "flag"]).select(["id", "t0", "t1", "cause"]), cuts,
                           start: "t0", stop: "t1", event: "cause")
    let expected = try SurvivalDataFixtures.read("split_edge_factor", levels: Self.edgeLevels)
    #expect(SurvivalDataFixtures.difference(causes, try expected.drop(["ev", "flag"])) == nil)
    #expect(causes["cause"]?.levels == ["censored", "relapse", "death"])
  }

  @Test func naTimesAreKeptWholeWithEpisodeTwo() throws {
    let na = try SurvivalDataFixtures.read("na_input")
    let s = try split(na, [2, 4], episode: "ep")
    #expect(SurvivalDataFixtures.difference(s, try SurvivalDataFixtures.read("split_na")) == nil)
  }

  @Test func noCutsGivesCountingDataOfTheSameRows() throws {
    let aml = try BundledDatasets.load("aml", stdlib: stdlibPath)
    let s = try split(aml, [])
    #expect(s.rowCount == aml.rowCount)
    #expect(doubles(s["tstart"]).allSatisfy { $0 == 0 })
    #expect(doubles(s["time"]) == doubles(aml["time"]))
  }

  @Test func badInputsAreErrorsNamingTheOptionAndValue() throws {
    let aml = try BundledDatasets.load("aml", stdlib: stdlibPath)
    func message(_ body: () throws -> Dataset) -> String {
      do { _ = try body() } catch { return String(describing: error) }
      return "(no error)"
    }
    #expect(message { try split(aml, [10, 5]) } == "option 'cut': cut points must be increasing, got 5 after 10")
    #expect(message { try split(aml, [5, 5]) } == "option 'cut': cut points must be increasing, got 5 after 5")
    #expect(message { try split(aml, [-1, 5]) } == "option 'cut': cut points must not be negative, got -1")
    #expect(message { try split(aml, [.infinity]) } == "option 'cut': cut point 1 must be a finite number, got Inf")
    #expect(message { try split(aml, [5], stop: "tme") }
      == "option 'stop': no column 'tme' (columns: time, status, x)")
    #expect(message { try split(aml, [5], event: "time") }
      == "option 'event': the event and the stop are the same column 'time'")
    #expect(message { try split(aml, [5], episode: "x") } == "option 'episode': column 'x' exists already; choose "
      + "another name")
    let zeroTime = try Dataset(names: ["time", "status"], columns: [.double([3, 0]), .int([1, 1])])
    #expect(message { try split(zeroTime, [1]) }
      == "row 2: stop time 0 in column 'time' is not after zero = 0 (R: 'zero' must be less than any observed times)")
    let backwards = try Dataset(
      names: ["tstart", "time", "status"], columns: [.double([0, 5]), .double([3, 5]), .int([1, 0])])
    #expect(message { try split(backwards, [1]) }
      == "row 2: start time 5 in column 'tstart' is not before stop time 5 in column 'time'")
    let dates = try Dataset(names: ["time", "status"], columns: [.date([3]), .int([1])])
    #expect(message { try split(dates, [1]) }
      == "option 'stop': column 'time' must hold numbers (int or double), got a date column")
  }
}
