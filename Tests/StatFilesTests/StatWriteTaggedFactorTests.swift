import Datasets
import Foundation
import StatFiles
import TestSupport
import Testing

/// write_dta of a value-labelled column (a string column read through value
/// labels) that holds special missing values: each row's `.a`–`.z` and the
/// labels of those codes go back to Stata, so the file reads as it was
/// (before, such a row was written as plain `.` and the tagged label dropped).
@Suite struct StatWriteTaggedFactorTests {
  static func dataset() throws -> Dataset {
    // RESP: Yes, No, .a ("Not asked"), NA, .b; codes 1 = Yes, 2 = No.
    let codes: [Int32] = [0, 1, Column.factorCode(missing: 1), -1, Column.factorCode(missing: 2)]
    let attributes = ColumnAttributes(
      label: "Response",
      valueLabels: [ValueLabel(code: .number(1), label: "Yes"), ValueLabel(code: .number(2), label: "No"),
                    ValueLabel(code: .tagged("a"), label: "Not asked")],
      missingCodes: [".a", ".b"])
    return try Dataset(
      names: ["ID", "RESP"], columns: [.int([1, 2, 3, 4, 5]), .factor(codes: codes, levels: ["Yes", "No"])],
      attributes: DatasetAttributes(columns: ["RESP": attributes]))
  }

  @Test func specialMissingCodesOfALabelledColumnRoundTrip() throws {
    let path = try temporaryDirectory().appendingPathComponent("tagged.dta").path
    try StatFileWriter.writeDTA(Self.dataset(), path: path)
    let back = try StatFileReader.read(path: path, format: .dta)
    let a = back.attributes(of: "RESP")
    #expect(a.label == "Response")
    #expect(back["RESP"]?.levels == ["Yes", "No"])
    guard case .factor(let codes, _)? = back["RESP"] else {
      Issue.record("RESP is not a string column: \(String(describing: back["RESP"]))")
      return
    }
    let missing = codes.map { Column.missingCode(ofFactorCode: $0).map { a.missingCodes[$0 - 1] } }
    #expect(missing == [nil, nil, ".a", nil, ".b"])
    #expect(Array(codes.prefix(2)) == [0, 1] && codes[3] == -1)
    #expect(a.valueLabels.contains(ValueLabel(code: .tagged("a"), label: "Not asked")))
    // As numbers: the codes 1 and 2, and the tags on the missing rows.
    var raw = StatReadOptions()
    raw.valueLabelsAsFactors = false
    let numbers = try StatFileReader.read(path: path, format: .dta, options: raw)
    let table = numbers.attributes(of: "RESP").missingCodes
    let x = try #require(numbers["RESP"]?.asDoubles())
    #expect(Array(x.prefix(2)) == [1, 2])
    #expect(x.map { Column.missingCode(of: $0).map { table[$0 - 1] } } == [nil, nil, ".a", nil, ".b"])
  }
}
