import Datasets
import Foundation
import RunControl
import Testing
import TestSupport

@testable import XLSX

/// Path of a fixture under Tests/Fixtures/xlsx/ (scripts/fixtures/xlsx_fixtures.py).
func xlsxFixture(_ name: String) -> String {
  projectRoot.appendingPathComponent("Tests/Fixtures/xlsx").appendingPathComponent(name).path
}

/// Reads `path` with `options`, collecting the warnings.
func readCollecting(_ path: String, _ options: XLSXOptions = XLSXOptions()) throws -> (Dataset, [String]) {
  var warnings: [String] = []
  let d = try RunWarnings.withSink({ warnings.append($0) }) { try XLSXReader.read(path: path, options: options) }
  return (d, warnings)
}

/// Every case of expected.json: names, types and values cell by cell.
@Suite struct XLSXFixtureTests {
  struct Case {
    let name: String
    let file: String
    let options: XLSXOptions
    let columns: [(name: String, type: String, values: [Any])]
    let warningCells: [String]
  }

  static func cases() throws -> [Case] {
    let data = try Data(contentsOf: URL(fileURLWithPath: xlsxFixture("expected.json")))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
    return try json.keys.sorted().map { key in
      let entry = try #require(json[key])
      let o = try #require(entry["options"] as? [String: Any])
      var options = XLSXOptions()
      if let s = o["sheet"] as? String { options.sheet = .name(s) }
      if let k = o["sheet"] as? Int { options.sheet = .index(k) }
      options.range = o["range"] as? String
      options.skip = o["skip"] as? Int ?? 0
      options.columnNames = o["col_names"] as? Bool ?? true
      options.maxRows = o["n_max"] as? Int
      let columns = try #require(entry["columns"] as? [[Any]]).map { c in
        (name: c[0] as? String ?? "", type: c[1] as? String ?? "", values: c[2] as? [Any] ?? [])
      }
      return Case(
        name: key, file: entry["file"] as? String ?? "", options: options, columns: columns,
        warningCells: entry["warning_cells"] as? [String] ?? [])
    }
  }

  @Test func everyCaseReadsAsExpected() throws {
    for c in try Self.cases() {
      let (d, warnings) = try readCollecting(xlsxFixture(c.file), c.options)
      #expect(d.names == c.columns.map(\.name), "\(c.name)")
      #expect(d.kinds.map(\.rawValue) == c.columns.map(\.type), "\(c.name)")
      for (j, expected) in c.columns.enumerated() where j < d.columns.count {
        let column = d.columns[j]
        #expect(column.count == expected.values.count, "\(c.name).\(expected.name)")
        for (i, v) in expected.values.enumerated() where i < column.count {
          let got = column.value(at: i)
          switch v {
          case is NSNull: #expect(got == .missing, "\(c.name).\(expected.name)[\(i)]")
          case let s as String where expected.type == "date":
            #expect(got == .date(try #require(CalendarDate.parseISO(s))), "\(c.name).\(expected.name)[\(i)]")
          case let s as String: #expect(got == .string(s), "\(c.name).\(expected.name)[\(i)]")
          case let n as NSNumber where expected.type == "bool":
            #expect(got == .bool(n.boolValue), "\(c.name).\(expected.name)[\(i)]")
          case let n as NSNumber where expected.type == "int":
            #expect(got == .int(n.intValue), "\(c.name).\(expected.name)[\(i)]")
          case let n as NSNumber:
            #expect(got == .double(n.doubleValue), "\(c.name).\(expected.name)[\(i)]")
          default: Issue.record("\(c.name): unexpected JSON value \(v)")
          }
        }
      }
      // One warning per kind of NA cell, naming the sheet and the first cell.
      #expect(warnings.count == c.warningCells.count, "\(c.name): \(warnings)")
      for cell in c.warningCells {
        #expect(
          warnings.contains { $0.contains("(first: \(cell)") && $0.contains("sheet '") }, "\(c.name): \(warnings)")
      }
    }
  }

  @Test func errorWarningCountsTheCells() throws {
    let (_, warnings) = try readCollecting(xlsxFixture("trial.xlsx"))
    #expect(warnings == [xlsxFixture("trial.xlsx") + ": sheet 'Trial': 2 error cells read as NA (first: G3 #N/A)"])
  }

  @Test func sheetNamesInOrder() throws {
    #expect(try XLSXReader.sheets(path: xlsxFixture("trial.xlsx")) == ["Trial", "Offset", "Empty"])
    #expect(try XLSXReader.sheets(path: xlsxFixture("inline.xlsx")) == ["Data & notes"])
  }
}
