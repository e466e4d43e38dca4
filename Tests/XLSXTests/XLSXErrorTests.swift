import Datasets
import Foundation
import RunControl
import Testing
import TestSupport

@testable import XLSX
import ZIPFoundation

/// Bad files and bad options: each a clear error that names the file and
/// what is wrong, never a crash.
@Suite struct XLSXErrorTests {
  func message(_ body: () throws -> Dataset) -> String {
    do {
      _ = try body()
      return "(no error)"
    } catch { return String(describing: error) }
  }

  func read(_ bytes: [UInt8], _ options: XLSXOptions = XLSXOptions()) -> String {
    message { try XLSXReader.read(bytes: bytes, file: "w.xlsx", options: options) }
  }

  func fixtureBytes(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: xlsxFixture(name))))
  }

  /// A ZIP archive of `parts` (stored or deflated by ZIPFoundation).
  func zip(_ parts: [(String, String)]) throws -> [UInt8] {
    let archive = try Archive(data: Data(), accessMode: .create)
    for (name, text) in parts {
      let data = Data(text.utf8)
      try archive.addEntry(
        with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
      ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
    }
    return Array(try #require(archive.data))
  }

  static let rels = """
    <Relationships><Relationship Id="r1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>
    """
  static let workbook = "<workbook><sheets><sheet name=\"S\" r:id=\"r1\"/></sheets></workbook>"

  func workbook(sheet: String) throws -> [UInt8] {
    try zip([
      ("xl/workbook.xml", Self.workbook), ("xl/_rels/workbook.xml.rels", Self.rels),
      ("xl/worksheets/sheet1.xml", sheet),
    ])
  }

  @Test func notAZipFile() {
    #expect(read(Array("id,age\n1,2\n".utf8)) == "w.xlsx: not an .xlsx workbook (the file is 11 bytes long)")
    #expect(read(Array(repeating: 0x41, count: 100)) == "w.xlsx: not an .xlsx workbook (no ZIP signature)")
    #expect(read([]) == "w.xlsx: not an .xlsx workbook (the file is 0 bytes long)")
  }

  @Test func truncatedWorkbook() throws {
    let bytes = try fixtureBytes("trial.xlsx")
    for cut in [30, bytes.count / 2, bytes.count - 10] {
      let m = read(Array(bytes[..<cut]))
      #expect(m.hasPrefix("w.xlsx: "), "\(cut): \(m)")
      #expect(m.contains("not an .xlsx workbook") || m.contains("malformed"), "\(cut): \(m)")
    }
  }

  /// fuzz-xlsx's finding: an entry whose offset points past the end of the
  /// file trapped inside ZIPFoundation's in-memory archive; ZIPCentralDirectory
  /// refuses it first.
  @Test func entryPastTheEndIsAnError() throws {
    let path = projectRoot.appendingPathComponent("Tests/FuzzCorpus/xlsx/crash-zipfoundation-offset-past-end").path
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)).dropFirst())
    #expect(read(bytes).hasPrefix("w.xlsx: not an .xlsx workbook (a damaged ZIP archive: "), "\(read(bytes))")
    var cut = try fixtureBytes("trial.xlsx")
    cut.removeSubrange(100..<200)
    #expect(read(cut).contains("a damaged ZIP archive"), "\(read(cut))")
  }

  /// fuzz-bundle's finding, which crashed `read_xlsx` as well: a stored
  /// entry with a data descriptor whose declared size puts the descriptor
  /// past the end of the file trapped inside ZIPFoundation.
  @Test func dataDescriptorPastTheEndIsAnError() throws {
    let crash = "UEsDBBQAAAAAAMh8hl1Dv6ajAgAAAAIAAAALAAAAcmVjb3JkLmpzb257fVBLAwQUAAAAAADIfIZdCKeQ7QgAAAAI"
      + "AAAACwAAAC4uL2V2aWwubHVhcHJpbnQoMSlQSwECFAP///9tAADIfIZdQ7+mowIAAAACAAAICwAAAAAAAAAAAAAAgAEAAAAA"
      + "cmVjb3JkLp2Mb25QSwECFAMUAAAAAADIfIZdCKeQ7QgAAAAIAAAACwAAAAAAAAAAAAAAgAErAAAALi4pZXZpbC5sdWFQSwUG"
      + "AAAAAAIAAgByAAAAXAAAAAAA"
    let bytes = Array(try #require(Data(base64Encoded: crash)))
    // Our reader refuses it at its first damaged entry, whose name is not UTF-8 though flag bit 11 says so.
    #expect(read(bytes) == "w.xlsx: not an .xlsx workbook (a damaged ZIP archive: "
      + "an entry's name is not valid UTF-8)", "\(read(bytes))")
  }

  @Test func missingParts() throws {
    #expect(read(try zip([("a.txt", "x")])) == "w.xlsx: not an .xlsx workbook: the part 'xl/workbook.xml' is missing")
    let noRels = try zip([("xl/workbook.xml", Self.workbook)])
    #expect(read(noRels) == "w.xlsx: not an .xlsx workbook: the part 'xl/_rels/workbook.xml.rels' is missing")
    let noSheet = try zip([("xl/workbook.xml", Self.workbook), ("xl/_rels/workbook.xml.rels", Self.rels)])
    #expect(read(noSheet) == "w.xlsx: not an .xlsx workbook: the part 'xl/worksheets/sheet1.xml' is missing")
  }

  @Test func malformedXML() throws {
    let m = read(try workbook(sheet: "<worksheet><sheetData><row><c><v>1</v></row></sheetData></worksheet>"))
    #expect(m.hasPrefix("w.xlsx: malformed part 'xl/worksheets/sheet1.xml': "), "\(m)")
    let dtd = read(try workbook(sheet: "<!DOCTYPE x [<!ENTITY a \"b\">]><worksheet/>"))
    #expect(dtd.contains("document type declaration"), "\(dtd)")
    let ref = read(try workbook(sheet: "<worksheet><sheetData><row r=\"1\"><c r=\"1A\"><v>1</v></c></row>"
      + "</sheetData></worksheet>"))
    #expect(ref.contains("bad cell reference '1A'"), "\(ref)")
    let shared = read(try workbook(sheet: "<worksheet><sheetData><row><c t=\"s\"><v>3</v></c></row>"
      + "</sheetData></worksheet>"))
    #expect(shared.contains("cell A1: shared string index '3' out of range"), "\(shared)")
  }

  @Test func unknownSheetListsTheSheets() {
    var o = XLSXOptions()
    o.sheet = .name("Patients")
    let path = xlsxFixture("trial.xlsx")
    #expect(message { try XLSXReader.read(path: path, options: o) }
      == "\(path): no sheet 'Patients' (sheets: 'Trial', 'Offset', 'Empty')")
    o.sheet = .index(4)
    #expect(message { try XLSXReader.read(path: path, options: o) }
      == "\(path): no sheet 4 (the workbook has 3) (sheets: 'Trial', 'Offset', 'Empty')")
    o.sheet = .name("offset")
    #expect(message { try XLSXReader.read(path: path, options: o) }.hasPrefix("(no error)"))
  }

  @Test func badRanges() throws {
    let bytes = try fixtureBytes("trial.xlsx")
    for (range, why) in [
      ("A1:", "'' is not a cell"), ("A0:B2", "'A0' is not a cell"), ("B2:A1", "above and left"),
      ("A1:B2:C3", "more than one ':'"), ("XFE1:XFE2", "'XFE1' is not a cell"), ("!A1", "the sheet name is empty"),
    ] {
      var o = XLSXOptions()
      o.range = range
      let m = read(bytes, o)
      #expect(m.hasPrefix("w.xlsx: range must be like \"A1:D100\""), "\(range): \(m)")
      #expect(m.contains(why), "\(range): \(m)")
    }
    var o = XLSXOptions()
    o.range = "Nope!A1:B2"
    #expect(read(bytes, o) == "w.xlsx: no sheet 'Nope' (sheets: 'Trial', 'Offset', 'Empty')")
    o.range = "A1:B2"
    o.skip = 2
    #expect(read(bytes, o).contains("give range or skip, not both"))
  }

  /// A part that inflates to 24 MB is refused under a 4 MB budget before
  /// it is expanded (ZIP bomb).
  @Test func zipBombRefusedUnderTheBudget() throws {
    let big = "<worksheet><sheetData>" + String(repeating: " ", count: 24 << 20) + "</sheetData></worksheet>"
    let bytes = try workbook(sheet: big)
    #expect(bytes.count < 1 << 20)
    let m = MemoryBudget.withAccount(FixedMemoryAccount(4 << 20)) { read(bytes) }
    #expect(m.contains("the part 'xl/worksheets/sheet1.xml'"), "\(m)")
    #expect(m.contains("memory"), "\(m)")
  }

  @Test func declaredTypesAndSelect() throws {
    var o = XLSXOptions()
    o.columnTypes = ["id": .double, "arm": .string]
    o.levels = ["arm": ["systemic", "combined"]]
    o.select = ["arm", "id"]
    o.maxRows = 3
    let d = try XLSXReader.read(path: xlsxFixture("trial.xlsx"), options: o)
    #expect(d.names == ["arm", "id"])
    #expect(d["id"] == .double([1, 2, 3]))
    #expect(d["arm"] == .factor(codes: [0, 1, 0], levels: ["systemic", "combined"]))
    o = XLSXOptions()
    o.columnTypes = ["arm": .int]
    #expect(read(try fixtureBytes("trial.xlsx"), o)
      == "w.xlsx: sheet 'Trial' cell B2: column 'arm': expected int, found 'systemic' (string)")
    o = XLSXOptions()
    o.select = ["age", "weight"]
    #expect(read(try fixtureBytes("trial.xlsx"), o).hasPrefix(
      "w.xlsx: select: no column 'weight' in sheet 'Trial' (columns: id, arm, age,"))
    o = XLSXOptions()
    o.columnTypes = ["weight": .double]
    #expect(read(try fixtureBytes("trial.xlsx"), o).hasPrefix(
      "w.xlsx: no column 'weight' for the declared type or levels"))
    // A number column declared date reads Excel serial days.
    o = XLSXOptions()
    o.select = ["id"]
    o.columnTypes = ["id": .date]
    let serials = try XLSXReader.read(path: xlsxFixture("trial.xlsx"), options: o)
    #expect(serials["id"]?.value(at: 0) == .date(try #require(CalendarDate.parseISO("1900-01-01"))))
  }

  @Test func excelSerialDays() {
    let iso = { (s: Double, mac: Bool) in XLSXDateFormat.days(serial: s, date1904: mac).map(CalendarDate.formatISO) }
    #expect(iso(1, false) == "1900-01-01")
    #expect(iso(59, false) == "1900-02-28")
    #expect(iso(60, false) == nil)
    #expect(iso(61, false) == "1900-03-01")
    #expect(iso(25569, false) == "1970-01-01")
    #expect(iso(45000.75, false) == "2023-03-15")
    #expect(iso(0, true) == "1904-01-01")
    #expect(iso(-1, false) == nil)
    #expect(iso(.nan, false) == nil)
  }

  @Test func dateFormatCodes() {
    for code in ["yyyy-mm-dd", "d-mmm-yy", "[$-409]mmmm d, yyyy;@", "mmm", "dd/mm/yyyy hh:mm", "[Red]yyyy"] {
      #expect(XLSXDateFormat.isDate(code), "\(code)")
    }
    for code in ["General", "0.00", "[h]:mm:ss", "mm:ss", "h:mm AM/PM", "#,##0 \"days\"", "0.00E+00", "[mm]:ss"] {
      #expect(!XLSXDateFormat.isDate(code), "\(code)")
    }
    #expect(XLSXDateFormat.isBuiltInDate(14) && XLSXDateFormat.isBuiltInDate(22) && XLSXDateFormat.isBuiltInDate(47))
    #expect(!XLSXDateFormat.isBuiltInDate(2) && !XLSXDateFormat.isBuiltInDate(23))
  }
}
