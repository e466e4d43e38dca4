import Datasets
import Foundation
import StatFiles
import TestSupport
import Testing

/// The malformed files of parso's `bugs/` folder (EPAM Systems, Apache
/// License 2.0): a page loop that made parso run for ever
/// (`sas_infinite_loop`), impossible column lengths (`invalid_lengths`), a
/// file that made it allocate without bound (`mixed_data_one.sas7bdat.oom`)
/// and an odd header cookie (`54-cookie`, which haven reads as 54 rows and 29
/// columns). Each must give a clean error naming the file, or a clean read,
/// within `limit` seconds: never a hang, a crash or unbounded memory. They are
/// also in the fuzz corpus (Tests/FuzzCorpus/stat-files/parso_*).
@Suite struct StatFileParsoBugsTests {
  /// haven reads or refuses each in under a second; 2 s leaves room on a
  /// loaded 2-core CI machine.
  static let limit = 2.0

  static func path(_ name: String) -> String {
    StatFileFixtureTests.directory.appendingPathComponent("sas7bdat_parso/bugs/\(name)").path
  }

  @Test(arguments: ["sas_infinite_loop.sas7bdat", "invalid_lengths.sas7bdat", "mixed_data_one.sas7bdat.oom"])
  func refusedQuicklyNamingTheFile(name: String) {
    let path = Self.path(name)
    let started = Date()
    do {
      let d = try StatFileReader.read(path: path, format: .sas7bdat)
      Issue.record("\(name): read \(d.rowCount) rows × \(d.names.count) columns where haven refuses it")
    } catch {
      let m = String(describing: error)
      #expect(m.hasPrefix("cannot read '\(path)' as a SAS (sas7bdat) file: "), "\(name): \(m)")
    }
    let elapsed = Date().timeIntervalSince(started)
    #expect(elapsed < Self.limit, "\(name): took \(elapsed) s (limit \(Self.limit) s)")
  }

  @Test func oddCookieReadsAsHavenReadsIt() throws {
    let started = Date()
    let d = try StatFileReader.read(path: Self.path("54-cookie.sas7bdat"), format: .sas7bdat)
    let elapsed = Date().timeIntervalSince(started)
    #expect(d.rowCount == 54 && d.names.count == 29, "\(d.rowCount) × \(d.names.count)")
    #expect(elapsed < Self.limit, "54-cookie: took \(elapsed) s (limit \(Self.limit) s)")
  }
}
