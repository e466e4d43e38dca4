import Datasets
import Foundation
import StatFiles
import TestSupport
import RunControl
import Testing

/// Empty, truncated, damaged and mislabelled files: a `DatasetError`
/// naming the file and what is wrong, never a crash.
@Suite struct StatFileErrorTests {
  static let directory = StatFileFixtureTests.directory

  /// A file of its own per call: tests run in parallel, and one test
  /// rewriting a file another has mapped made that one fault (SIGBUS under
  /// AddressSanitizer in CI, two tests writing "large.xpt").
  func scratch(_ name: String, _ bytes: [UInt8]) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kaplan-statfile-errors-\(getpid())/\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  func message(_ body: () throws -> Dataset) -> String? {
    do {
      _ = try body()
      return nil
    } catch {
      return String(describing: error)
    }
  }

  func fixture(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(name)))
  }

  @Test(arguments: StatFileFormat.allCases) func emptyFile(format: StatFileFormat) throws {
    let path = try scratch("empty.\(format.rawValue)", [])
    let m = message { try StatFileReader.read(path: path, format: format) }
    #expect(m == "'\(path)' is empty (0 bytes), not a \(format.displayName) file")
  }

  @Test func missingFileAndDirectory() throws {
    let m = message { try StatFileReader.read(path: "/nonexistent/x.xpt", format: .xpt) }
    #expect(m == "cannot open '/nonexistent/x.xpt': No such file or directory")
    let d = message { try StatFileReader.read(path: Self.directory.path, format: .dta) }
    #expect(d?.hasSuffix("Is a directory") == true)
  }

  @Test func wrongFormat() throws {
    let path = Self.directory.appendingPathComponent("haven.dta").path
    let m = message { try StatFileReader.read(path: path, format: .sas7bdat) }
    #expect(m?.hasPrefix("cannot read '\(path)' as a SAS (sas7bdat) file: ") == true, "\(m ?? "read")")
    let text = try scratch("notes.sav", Array("USUBJID,AGE\n01,63\n".utf8))
    let t = message { try StatFileReader.read(path: text, format: .sav) }
    #expect(t?.hasPrefix("cannot read '\(text)' as a SPSS (sav) file: ") == true, "\(t ?? "read")")
  }

  /// Every fixture cut at many lengths: an error or fewer rows, never a crash.
  @Test func truncatedFiles() throws {
    for file in StatFileFixtureTests.files {
      let format = try #require(StatFileFixtureTests.format(of: file))
      let bytes = try fixture(file)
      var errors = 0
      for cut in stride(from: 1, to: bytes.count, by: max(1, bytes.count / 61)) {
        let path = try scratch("cut.\(format.rawValue)", Array(bytes[..<cut]))
        if let m = message({ try StatFileReader.read(path: path, format: format) }) {
          #expect(m.contains("'\(path)'"), "\(file) cut at \(cut): \(m)")
          errors += 1
        }
      }
      #expect(errors > 0, "\(file): no cut was an error")
    }
  }

  /// Bytes overwritten through the header and data: never a crash, and an
  /// error names the file. (A damaged value can read as another value:
  /// these formats have no checksums.)
  @Test func damagedFiles() throws {
    var state: UInt64 = 17
    for file in StatFileFixtureTests.files {
      let format = try #require(StatFileFixtureTests.format(of: file))
      let bytes = try fixture(file)
      for _ in 0..<40 {
        var damaged = bytes
        for _ in 0..<4 {
          state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
          let at = Int((state >> 33) % UInt64(damaged.count))
          damaged[at] = UInt8(truncatingIfNeeded: state >> 13)
        }
        let path = try scratch("damaged.\(format.rawValue)", damaged)
        if let m = message({ try StatFileReader.read(path: path, format: format) }) {
          #expect(m.contains("'\(path)'"), "\(file): \(m)")
        }
      }
    }
  }

  @Test func selectAndRowLimit() throws {
    let path = Self.directory.appendingPathComponent("haven.sav").path
    var o = StatReadOptions()
    o.select = ["SCORE", "ID"]
    o.maxRows = 3
    let d = try StatFileReader.read(path: path, format: .sav, options: o)
    #expect(d.names == ["SCORE", "ID"])
    #expect(d.rowCount == 3)
    #expect(d.attributes(of: "SCORE").label == "Score")
    o.maxRows = 0
    #expect(try StatFileReader.read(path: path, format: .sav, options: o).rowCount == 0)
    o.select = ["NOPE"]
    let m = message { try StatFileReader.read(path: path, format: .sav, options: o) }
    // The list names every variable of the file, not the (empty) selection.
    #expect(m?.hasPrefix("select: no column 'NOPE' in '\(path)' (columns: ID, ") == true, "\(m ?? "")")
  }

  @Test func typesAndLevels() throws {
    let path = Self.directory.appendingPathComponent("haven_v5.xpt").path
    var o = StatReadOptions()
    o.columnTypes = ["ID": .int, "SEX": .string]
    o.levels = ["ARM": ["Placebo", "Drug"]]
    let d = try StatFileReader.read(path: path, format: .xpt, options: o)
    #expect(d["ID"] == .int([1, 2, 3, 4, 5, 6, 7, 8]))
    #expect(d["SEX"]?.kind == .string)
    #expect(d["ARM"]?.levels == ["Placebo", "Drug"])
    #expect(d.attributes(of: "SEX").label == "Sex")
    o.columnTypes = ["AGE": .int]
    let m = message { try StatFileReader.read(path: path, format: .xpt, options: o) }
    #expect(m == "types: column 'AGE' cannot be read as int: row 1 is 34.5, not a whole number")
    // No hint of as_number's {strict = false}: the readers have no such option.
    o.columnTypes = ["ARM": .double]
    let text = message { try StatFileReader.read(path: path, format: .xpt, options: o) }
    #expect(text?.hasPrefix("types: column 'ARM' cannot be read as double: row 1: ") == true, "\(text ?? "")")
    #expect(text?.contains("strict") == false, "\(text ?? "")")
  }

  /// A file of 100,000 rows and 3 columns, written by the XPT writer.
  func largeFile() throws -> String {
    let n = 100_000
    let d = try Dataset(
      names: ["A", "B", "C"],
      columns: [.double((0..<n).map { Double($0) }), .int(Array(0..<n)), .date((0..<n).map { Int32($0 % 1000) })])
    let path = try scratch("large.xpt", [])
    try StatFileWriter.writeXPT(d, path: path)
    return path
  }

  @Test func stopsWhenCancelled() throws {
    let path = try largeFile()
    #expect(try StatFileReader.read(path: path, format: .xpt).rowCount == 100_000)
    #expect(throws: ComputationCancelled.self) {
      try Cancellation.withCheck({ true }) { _ = try StatFileReader.read(path: path, format: .xpt) }
    }
  }

  @Test func asksTheMemoryBudgetForColumns() throws {
    let path = try largeFile()
    let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    // The file fits; its three columns of 8-byte values (2.4 MB) do not.
    let m = message {
      try MemoryBudget.withAccount(FixedMemoryAccount(size + 100_000)) {
        try StatFileReader.read(path: path, format: .xpt)
      }
    }
    #expect(m?.contains("reading '\(path)'") == true, "\(m ?? "read")")
  }
}
