import Datasets
import Foundation
@testable import StatFiles
import TestSupport
import Testing

/// A sas7bdat file whose subheader says a compression ReadStat does not
/// know (Tests/Fixtures/stat_files/damaged/compression_flag.sas7bdat, see
/// the README there): a clear error naming the file, with ReadStat's own
/// message once (its messages begin with "ReadStat:" themselves).
@Suite struct StatFileCompressionTests {
  @Test func unsupportedCompressionNamesTheFile() throws {
    let path = StatFileFixtureTests.directory.appendingPathComponent("damaged/compression_flag.sas7bdat").path
    var message: String?
    do { _ = try StatFileReader.read(path: path, format: .sas7bdat) } catch { message = String(describing: error) }
    #expect(
      message == "cannot read '\(path)' as a SAS (sas7bdat) file: its compression is not supported (SAS's "
        + "COMPRESS=CHAR and BINARY are, but not a compressed file with deleted rows; save it with COMPRESS=NO) "
        + "(ReadStat: Error parsing page 0, bytes 8192-12287)")
  }
}

/// Kaplan has no date-time type: SAS DATETIME20./E8601DT. and Stata %tc
/// become the calendar day (UTC) by default, or seconds since 1970 with
/// `dateTimesAsSeconds` (the decision in docs/ARCHITECTURE.md).
@Suite struct StatFileDateTimeTests {
  @Test func dateTimeFormatsAreRecognised() {
    #expect(TemporalFormat.of("E8601DT19.", in: .sas7bdat) == .dateTime(unitSeconds: 1))
    #expect(TemporalFormat.of("E8601DT", in: .xpt) == .dateTime(unitSeconds: 1))
    #expect(TemporalFormat.of("DATETIME20.", in: .sas7bdat) == .dateTime(unitSeconds: 1))
    #expect(TemporalFormat.of("%tc", in: .dta) == .dateTime(unitSeconds: 0.001))
  }

  /// readstat_written.sas7bdat's TRTSDTM (DATETIME20.) and haven.dta's ADTM
  /// (%tc, 2019-01-15 08:30:00 in row 1): a day by default, seconds on request.
  @Test func dateTimesAreDaysOrSeconds() throws {
    for (file, format, name) in [("haven.dta", StatFileFormat.dta, "ADTM")] {
      let path = StatFileFixtureTests.directory.appendingPathComponent(file).path
      let d = try StatFileReader.read(path: path, format: format)
      #expect(d[name]?.kind == .date)
      #expect(d[name]?.value(at: 0).description == "2019-01-15")
      var o = StatReadOptions()
      o.dateTimesAsSeconds = true
      let s = try StatFileReader.read(path: path, format: format, options: o)
      #expect(s[name]?.asDoubles().first == 1_547_541_000)
    }
    let sas = StatFileFixtureTests.directory.appendingPathComponent("readstat_written.sas7bdat").path
    let d = try StatFileReader.read(path: sas, format: .sas7bdat)
    #expect(d["TRTSDTM"]?.kind == .date)
    #expect(d.attributes(of: "TRTSDTM").format == "DATETIME20")
  }

  /// A column's `types` entry wins over the file-wide `datetimes` (session-5
  /// review: `types = {col = "date"}` with seconds converted the seconds as
  /// days, far past any calendar): "date" is the day, "double" the seconds.
  @Test func columnTypeWinsOverDateTimes() throws {
    let dta = StatFileFixtureTests.directory.appendingPathComponent("haven.dta").path
    var o = StatReadOptions()
    o.dateTimesAsSeconds = true
    o.columnTypes = ["ADTM": .date]
    let d = try StatFileReader.read(path: dta, format: .dta, options: o)
    #expect(d["ADTM"]?.kind == .date)
    #expect(d["ADTM"]?.value(at: 0).description == "2019-01-15")
    o.dateTimesAsSeconds = false
    o.columnTypes = ["ADTM": .double]
    let s = try StatFileReader.read(path: dta, format: .dta, options: o)
    #expect(s["ADTM"]?.kind == .double)
    #expect(s["ADTM"]?.asDoubles().first == 1_547_541_000)

    let sas = StatFileFixtureTests.directory.appendingPathComponent("readstat_written.sas7bdat").path
    var seconds = StatReadOptions()
    seconds.dateTimesAsSeconds = true
    let raw = try StatFileReader.read(path: sas, format: .sas7bdat, options: seconds)
    let days = try StatFileReader.read(path: sas, format: .sas7bdat)
    seconds.columnTypes = ["TRTSDTM": .date]
    let forced = try StatFileReader.read(path: sas, format: .sas7bdat, options: seconds)
    #expect(forced["TRTSDTM"]?.kind == .date)
    #expect(forced["TRTSDTM"]?.asDoubles() == days["TRTSDTM"]?.asDoubles())
    let secs = raw["TRTSDTM"]?.asDoubles() ?? []
    #expect(secs.contains { !$0.isNaN })
    for (x, day) in zip(secs, forced["TRTSDTM"]?.asDoubles() ?? []) where !x.isNaN {
      #expect(day == (x / 86_400).rounded(.down))
    }
  }
}
