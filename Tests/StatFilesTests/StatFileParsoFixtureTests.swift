import Datasets
import Foundation
@testable import StatFiles
import TestSupport
import Testing

/// SAS-written `.sas7bdat` files from the test suite of parso (EPAM Systems,
/// Apache License 2.0; Tests/Fixtures/stat_files/sas7bdat_parso, see its
/// README and NOTICE), read by Kaplan and compared value by value with what
/// R's haven read (`scripts/fixtures/stat_files.R` wrote the `.json`): RLE
/// compression, deleted rows, date, date-time and time formats, labels, long
/// text, charsets (GBK, Greek, Cyrillic, Hebrew, UTF-8) and missing values.
/// A separate list from `StatFileFixtureTests.files`, so the truncation and
/// damage tests (61 cuts and 40 damages a file) stay fast.
@Suite struct StatFileParsoFixtureTests {
  static let folder = "sas7bdat_parso"

  static var files: [String] {
    let dir = StatFileFixtureTests.directory.appendingPathComponent(folder)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { $0.hasSuffix(".sas7bdat") }.sorted().map { "\(folder)/\($0)" }
  }

  @Test func fixturesArePresent() {
    #expect(Self.files.count >= 20)
  }

  @Test(arguments: files) func readsAsHavenDoes(file: String) throws {
    let expected = try #require(try loadFixture("stat_files/\(file).json") as? [String: Any])
    let path = StatFileFixtureTests.directory.appendingPathComponent(file).path
    if let refused = expected["haven_error"] as? String {
      // haven (ReadStat) refuses the file; Kaplan reads with the same
      // library and must refuse it too, naming the file. The one such file,
      // comp_deleted, is RLE-compressed with a row marked deleted (subheader
      // compression 5), which ReadStat 1.1.8 does not know; parso reads its
      // 3 remaining rows (its csv/comp_deleted.csv). A deliberate, stated
      // difference from parso, not from haven.
      do {
        let d = try StatFileReader.read(path: path, format: .sas7bdat)
        Issue.record("\(file): read \(d.rowCount) rows where haven refused it (\(refused))")
      } catch {
        let m = String(describing: error)
        #expect(m.contains("'\(path)'"), "\(file): \(m)")
        #expect(m.contains("its compression is not supported"), "\(file): \(m) (haven: \(refused))")
      }
      return
    }
    try StatFileFixtureTests.compare(file, with: Self.kaplansFormats(expected))
  }

  /// Days and seconds from SAS's epoch (1960-01-01) to 1970-01-01.
  static let epochDays = 3653.0
  static let epochSeconds = epochDays * 86_400

  /// The deliberate difference from haven 2.5.1: Kaplan knows more of SAS's
  /// date and date-time formats (`TemporalFormat`, from SAS's format
  /// reference). haven reads `DAY`, `WEEKDATX`, `YYMM`, `MONYY`, `JULIAN`, ...
  /// (dates) and `DTDATE`, `E8601DZ`, `MDYAMPM`, ... (date-times) as plain
  /// numbers; here its number becomes the date or the seconds since 1970 it
  /// means (days − 3653, seconds − 3653 × 86400). haven reads `DATEAMPM`, a
  /// date-time format, as days (year 4944224 in `date_formats`); Kaplan reads
  /// it as the date-time, which `dateAmPmIsADateTime` checks.
  static func kaplansFormats(_ expected: [String: Any]) -> [String: Any] {
    var out = expected
    guard let columns = expected["columns"] as? [[String: Any]] else { return out }
    out["columns"] = columns.map { c -> [String: Any] in
      var c = c
      guard let format = c["format"] as? String, let kind = TemporalFormat.of(format, in: .sas7bdat) else { return c }
      let numbers = (c["values"] as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue }
      switch (kind, c["type"] as? String) {
      case (.date, "double"?):
        c["type"] = "date"
        c["values"] = numbers.map { x -> Any in
          guard let x else { return NSNull() }
          return Scalar.date(Int32(x - epochDays)).description
        }
      case (.dateTime, "double"?):
        c["type"] = "datetime"
        c["values"] = numbers.map { x -> Any in x.map { NSNumber(value: $0 - epochSeconds) } ?? NSNull() }
      case (.dateTime, "date"?):
        // haven's days are no values to compare; `dateAmPmIsADateTime` checks them.
        c["values"] = [Any]()
      default: break
      }
      return c
    }
    return out
  }

  @Test func dateAmPmIsADateTime() throws {
    let path = StatFileFixtureTests.directory.appendingPathComponent("\(Self.folder)/date_formats.sas7bdat").path
    var o = StatReadOptions()
    o.dateTimesAsSeconds = true
    let d = try StatFileReader.read(path: path, format: .sas7bdat, options: o)
    // 2017-03-14 15:36:56.546 UTC, as the file's other date-time columns (E8601DZ) hold.
    #expect(try d.column(named: "dateampm").asDoubles() == [1_489_505_816.546])
    #expect(try d.column(named: "dateampm").asDoubles() == d.column(named: "e8601dz").asDoubles())
  }
}
