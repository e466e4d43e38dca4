import Datasets
import Foundation
import StatFiles
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
    try StatFileFixtureTests.compare(file, with: expected)
  }
}
