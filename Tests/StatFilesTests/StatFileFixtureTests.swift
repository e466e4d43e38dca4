import Datasets
import Foundation
import StatFiles
import TestSupport
import Testing

/// Every file in Tests/Fixtures/stat_files read by Kaplan and compared,
/// value by value, with what R's haven 2.5.1 read from it
/// (`scripts/fixtures/stat_files.R` wrote the `.json` beside each file).
@Suite struct StatFileFixtureTests {
  /// Numbers travel from the file through R's JSON writer (digits = NA:
  /// 15 significant digits); the file's double and ours are the same bits,
  /// so only the JSON text can differ, in the 15th digit.
  static let jsonDigits = 1e-14

  static let directory = projectRoot.appendingPathComponent("Tests/Fixtures/stat_files")

  static var files: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { name in
      StatFileFormat.allCases.contains { name.hasSuffix(".\($0.fileExtension)") }
    }.sorted()
  }

  static func format(of file: String) -> StatFileFormat? {
    StatFileFormat.allCases.first { file.hasSuffix(".\($0.fileExtension)") }
  }

  @Test func fixturesArePresent() {
    // haven's and Hmisc's files, haven's writes, and ReadStat's sas7bdat.
    #expect(Self.files.count >= 8)
  }

  @Test(arguments: files) func readsAsHavenDoes(file: String) throws {
    let expected = try #require(try loadFixture("stat_files/\(file).json") as? [String: Any])
    try Self.compare(file, with: expected)
  }

  /// Kaplan's reading of `file` (a path under `directory`) against haven's
  /// `expected` JSON, column by column and value by value.
  static func compare(_ file: String, with expected: [String: Any]) throws {
    let format = try #require(Self.format(of: file))
    let path = Self.directory.appendingPathComponent(file).path
    let d = try StatFileReader.read(path: path, format: format)
    var asSeconds = StatReadOptions()
    asSeconds.dateTimesAsSeconds = true
    asSeconds.valueLabelsAsFactors = false
    let raw = try StatFileReader.read(path: path, format: format, options: asSeconds)
    #expect(d.rowCount == expected["rows"] as? Int)
    #expect(d.attributes.label == expected["label"] as? String)
    let columns = try #require(expected["columns"] as? [[String: Any]])
    #expect(d.names == columns.compactMap { $0["name"] as? String })
    for c in columns {
      let name = try #require(c["name"] as? String)
      let column = try d.column(named: name)
      let a = d.attributes(of: name)
      #expect(a.label == c["label"] as? String, "label of \(name) in \(file)")
      let values = c["values"] as? [Any] ?? []
      switch c["type"] as? String {
      case "string":
        if let levels = c["levels"] as? [String] { #expect(column.levels == levels, "levels of \(name)") }
        for (i, v) in values.enumerated() {
          let got = column.value(at: i)
          if let s = v as? String {
            #expect(got == .string(s), "\(file) \(name)[\(i + 1)]")
          } else {
            #expect(got == .missing, "\(file) \(name)[\(i + 1)]")
          }
        }
      case "date":
        for (i, v) in values.enumerated() {
          let got = column.value(at: i)
          if let s = v as? String {
            #expect(got.description == s, "\(file) \(name)[\(i + 1)]")
          } else {
            #expect(got == .missing, "\(file) \(name)[\(i + 1)]")
          }
        }
      case "datetime":
        let seconds = try raw.column(named: name).asDoubles()
        for (i, v) in values.enumerated() {
          if let x = (v as? NSNumber)?.doubleValue {
            #expect(approxEqual(seconds[i], x, relative: Self.jsonDigits), "\(file) \(name)[\(i + 1)]")
            let day = Int32((x / 86_400).rounded(.down))
            #expect(column.value(at: i) == .date(day), "\(file) \(name)[\(i + 1)] as a date")
          } else {
            #expect(seconds[i].isNaN && column.isMissing(i), "\(file) \(name)[\(i + 1)]")
          }
        }
      default:
        let x = column.asDoubles()
        for (i, v) in values.enumerated() {
          if let e = (v as? NSNumber)?.doubleValue {
            #expect(approxEqual(x[i], e, relative: Self.jsonDigits), "\(file) \(name)[\(i + 1)]")
          } else {
            #expect(x[i].isNaN, "\(file) \(name)[\(i + 1)]")
          }
        }
      }
      // Special missing codes, on the numbers (value labels not applied).
      let codes = c["missing"] as? [Any] ?? []
      let rawColumn = try raw.column(named: name)
      let table = raw.attributes(of: name).missingCodes
      for (i, code) in codes.enumerated() {
        var got: String?
        if case .double(let v) = rawColumn, let k = Column.missingCode(of: v[i]) { got = table[k - 1] }
        // haven shows SAS's .A as "a"; the tag's letter is what both keep.
        #expect(got?.lowercased() == (code as? String)?.lowercased(), "\(file) \(name)[\(i + 1)] missing code")
      }
    }
  }
}

extension StatFileFormat {
  var fileExtension: String { rawValue }
}
