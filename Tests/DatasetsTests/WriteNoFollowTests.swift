import Foundation
import Testing
@testable import Datasets

/// `CSVWriter.write` opens the file with O_NOFOLLOW: the sandbox hands it a
/// resolved path, and a link put there afterwards is refused (issue 12).
struct WriteNoFollowTests {
  @Test func aLinkAtThePathIsNotFollowed() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kaplan-nofollow-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let target = dir.appendingPathComponent("target.csv").path
    let link = dir.appendingPathComponent("table.csv").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    let d = try CSVReader.read(text: "a,b\n1,2\n")
    #expect(throws: DatasetError.self) { try CSVWriter.write(d, path: link) }
    #expect(!FileManager.default.fileExists(atPath: target))
    let plain = dir.appendingPathComponent("plain.csv").path
    try CSVWriter.write(d, path: plain)
    #expect(try String(contentsOfFile: plain, encoding: .utf8) == "a,b\n1,2\n")
  }
}
