import Datasets
import Foundation
import StatFiles
import TestSupport
import Testing

/// The dataset's label against the format's limit: XPT's member header holds
/// 40 bytes (versions 5 and 8), Stata 80 characters. ReadStat cut a longer
/// label to 40 bytes without a word (found in the issue 17 audit: a 300-byte
/// label came back as 40), so it is refused before anything is written.
@Suite struct StatWriteDatasetLabelTests {
  static func dataset(label: String) throws -> Dataset {
    try Dataset(names: ["ID"], columns: [.int([1, 2])], attributes: DatasetAttributes(label: label))
  }

  func message(_ body: () throws -> Void) -> String {
    do {
      try body()
      return "(no error)"
    } catch { return String(describing: error) }
  }

  @Test func xptRefusesALabelPast40Bytes() throws {
    let dir = try temporaryDirectory()
    for version in [5, 8] {
      var o = StatFileWriter.XPTOptions()
      o.version = version
      let path = dir.appendingPathComponent("v\(version).xpt").path
      let long = try Self.dataset(label: String(repeating: "L", count: 41))
      #expect(message { try StatFileWriter.writeXPT(long, path: path, options: o) }
        == "the dataset label has 41 bytes, XPT version \(version) allows 40 (shorten it with d:set_label)")
      #expect(!FileManager.default.fileExists(atPath: path))
      // 40 bytes (here 20 two-byte letters) are written and read back whole.
      let fits = String(repeating: "é", count: 20)
      try StatFileWriter.writeXPT(try Self.dataset(label: fits), path: path, options: o)
      #expect(try StatFileReader.read(path: path, format: .xpt).attributes.label == fits)
    }
  }

  @Test func stataCountsCharacters() throws {
    let path = try temporaryDirectory().appendingPathComponent("d.dta").path
    let long = try Self.dataset(label: String(repeating: "é", count: 81))
    #expect(message { try StatFileWriter.writeDTA(long, path: path) }
      == "the dataset label has 81 characters, Stata allows 80 (shorten it with d:set_label)")
    let fits = String(repeating: "é", count: 80)
    try StatFileWriter.writeDTA(try Self.dataset(label: fits), path: path)
    #expect(try StatFileReader.read(path: path, format: .dta).attributes.label == fits)
  }
}
