import Foundation
import Testing
import TestSupport

/// write_xpt (versions 5 and 8) and write_dta round trips through R haven
/// (issue 17): `scripts/fixtures/stat_files_kaplan.lua` wrote
/// `kaplan_v5.xpt`, `kaplan_v8.xpt` and `kaplan.dta` from `haven.dta`, and
/// `scripts/fixtures/stat_files.R` recorded what haven reads from each (the
/// `.json` beside it). `StatFileFixtureTests` checks that Kaplan reads those
/// files as haven does; this suite checks that haven reads back the data
/// Kaplan started from, value by value: the source is haven's own reading of
/// `haven.dta`. The differences allowed are the ones Kaplan decided on, each
/// named below: date-times are written as their day (Kaplan has no date-time
/// type), a value-labelled column read as numbers goes to XPT as its codes
/// (SAS keeps value labels in catalogs, not in the file), and a labelled
/// column whose codes are not whole numbers goes to Stata as its labels'
/// text, where Stata has no special missing values.
@Suite struct HavenRoundTripTests {
  typealias JSONColumn = [String: Any]

  static func columns(_ file: String) throws
    -> (label: String?, rows: Int?, columns: [String: JSONColumn], names: [String])
  {
    let json = try #require(try loadFixture("stat_files/\(file).json") as? [String: Any])
    let list = try #require(json["columns"] as? [JSONColumn])
    var byName: [String: JSONColumn] = [:]
    for c in list { if let n = c["name"] as? String { byName[n] = c } }
    return (json["label"] as? String, json["rows"] as? Int, byName, list.compactMap { $0["name"] as? String })
  }

  /// A column's values as text for comparison: numbers as %.17g, NA as "NA".
  static func texts(_ c: JSONColumn) -> [String] {
    (c["values"] as? [Any] ?? []).map { v in
      if let s = v as? String { return s }
      if let x = (v as? NSNumber)?.doubleValue { return String(format: "%.17g", x) }
      return "NA"
    }
  }

  /// The special missing code of each row, lower case ("" for none).
  static func codes(_ c: JSONColumn) -> [String] {
    (c["missing"] as? [Any] ?? []).map { ($0 as? String)?.lowercased() ?? "" }
  }

  /// A value-labelled column (haven's as_factor text) as its numeric codes:
  /// each label back to its code, other text as the number it prints.
  static func numericCodes(_ c: JSONColumn) -> [String] {
    var codeOf: [String: Double] = [:]
    for l in c["value_labels"] as? [[String: Any]] ?? [] {
      if let label = l["label"] as? String, let code = (l["code"] as? NSNumber)?.doubleValue { codeOf[label] = code }
    }
    return texts(c).map { t in
      if let x = codeOf[t] ?? Double(t) { return String(format: "%.17g", x) }
      return t
    }
  }

  /// Date-times as the day haven reads from a written date (ISO text).
  static func days(_ c: JSONColumn) -> [String] {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    return (c["values"] as? [Any] ?? []).map { v in
      guard let seconds = (v as? NSNumber)?.doubleValue else { return "NA" }
      return formatter.string(from: Date(timeIntervalSince1970: (seconds / 86_400).rounded(.down) * 86_400))
    }
  }

  @Test(arguments: [
    ("kaplan_v5.xpt", "Written by Kaplan", ["SCORE": "SCORE"]),
    ("kaplan_v8.xpt", "Written by Kaplan", ["QUALITY_OF_LIFE_SCORE": "SCORE"]),
    ("kaplan.dta", "A trial, in Stata", [:]),
  ])
  func havenReadsBackWhatKaplanWrote(file: String, datasetLabel: String, renamed: [String: String]) throws {
    let source = try Self.columns("haven.dta")
    let written = try Self.columns(file)
    let isXPT = file.hasSuffix(".xpt")
    #expect(written.rows == source.rows)
    #expect(written.label == datasetLabel)
    // The script drops NOTE for XPT (version 5 holds ASCII names and 200-byte text; the point is the rest).
    let expectedNames = source.names.filter { !(isXPT && $0 == "NOTE") }.map { name in
      renamed.first { $0.value == name }?.key ?? name
    }
    #expect(written.names == expectedNames)
    for name in written.names {
      let got = try #require(written.columns[name])
      let want = try #require(source.columns[renamed[name] ?? name])
      // The script labels ARM; every other label is the source's.
      #expect(got["label"] as? String == (name == "ARM" ? "Planned arm" : want["label"] as? String), "\(file) \(name)")
      let (gotType, wantType) = (got["type"] as? String, want["type"] as? String)
      let labelled = !((want["value_labels"] as? [Any]) ?? []).isEmpty
      if wantType == "datetime" {
        // Kaplan reads a date-time as its day and writes that date.
        #expect(gotType == "date", "\(file) \(name)")
        #expect(Self.texts(got) == Self.days(want), "\(file) \(name)")
      } else if isXPT && labelled {
        // Read with value_labels = false: the codes, without labels (XPT has none).
        #expect(gotType == "double", "\(file) \(name)")
        #expect(Self.texts(got) == Self.numericCodes(want), "\(file) \(name)")
        #expect(Self.codes(got) == Self.codes(want), "\(file) \(name) missing codes")
      } else {
        #expect(gotType == wantType, "\(file) \(name)")
        #expect(Self.texts(got) == Self.texts(want), "\(file) \(name)")
        if file == "kaplan.dta" && name == "SCORE" {
          // Codes 1.5 and 1e10 cannot carry Stata value labels: written as the labels' text, where the
          // special missing values .a and .b become empty text (NA).
          #expect(Self.codes(got).allSatisfy { $0.isEmpty })
          #expect(((got["value_labels"] as? [Any]) ?? []).isEmpty)
        } else {
          #expect(Self.codes(got) == Self.codes(want), "\(file) \(name) missing codes")
          let labels = { (c: JSONColumn) in
            (c["value_labels"] as? [[String: Any]] ?? []).map { "\($0["code"] ?? "")=\($0["label"] ?? "")" }
          }
          #expect(labels(got) == labels(want), "\(file) \(name) value labels")
        }
      }
    }
  }
}
