import Datasets
import Foundation
import FuzzDriver
import ZIPFoundation

@testable import XLSX

/// Fuzzes the Excel reader (module XLSX).
///
/// The first byte picks the options (col_names, skip, a range, n_max) and
/// the mode. Archive mode (bit 5): the rest is the .xlsx file itself, for
/// our ZIP reader's handling of damaged archives and the reader's checks of
/// missing and oversized parts. XML mode: the rest is the worksheet of a
/// workbook built around it (stored, so the fuzzer's bytes reach the XML
/// parser as they are; shared strings and a date style provided), and is
/// also fed to the shared-string, style and relationship readers and, as
/// text, to the range and number-format parsers. Reading may fail with a
/// `DatasetError`; it must not trap. Property: a dataset that was read has
/// columns of one length, and reading the same bytes again gives the same
/// dataset (nothing depends on state left by a previous input).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXLSX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = fuzzBytes(data, size)
  guard let first = bytes.first else { return 0 }
  let body = Array(bytes.dropFirst())
  var options = XLSXOptions()
  options.columnNames = first & 1 == 0
  options.skip = Int((first >> 1) & 3)
  if first & 8 != 0 {
    options.range = ["A1:C5", "B2:B9", "A1", "Sheet1!A1:D4"][Int(first >> 6)]
    options.skip = 0
  }
  if first & 16 != 0 { options.maxRows = 2 }
  let file: [UInt8]
  if first & 32 != 0 {
    file = body
  } else {
    let text = String(decoding: body.prefix(64), as: UTF8.self)
    _ = try? XLSXRange.parse(text)
    _ = XLSXDateFormat.isDate(text)
    _ = try? XLSXWorkbook.sharedStrings(body, part: "fuzz")
    _ = try? XLSXWorkbook.dateStyles(body, part: "fuzz")
    _ = try? XLSXWorkbook.relationships(body, part: "fuzz", base: "xl")
    guard let built = workbook(sheet: body) else { return 0 }
    file = built
  }
  let once = Result { try XLSXReader.read(bytes: file, file: "fuzz.xlsx", options: options) }
  if case .success(let d) = once {
    if d.columns.contains(where: { $0.count != d.rowCount }) { fuzzFailure("columns of different lengths") }
    let again = Result { try XLSXReader.read(bytes: file, file: "fuzz.xlsx", options: options) }
    guard case .success(let e) = again, e.names == d.names, e.columns.count == d.columns.count else {
      fuzzFailure("a second read of the same bytes differs")
    }
  }
  return 0
}

let fixedParts: [(String, String)] = [
  ("xl/workbook.xml", "<workbook><workbookPr date1904=\"0\"/><sheets><sheet name=\"Sheet1\" r:id=\"r1\"/>"
    + "</sheets></workbook>"),
  ("xl/_rels/workbook.xml.rels", "<Relationships><Relationship Id=\"r1\" Type=\"x/worksheet\" "
    + "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"r2\" Type=\"x/sharedStrings\" "
    + "Target=\"sharedStrings.xml\"/><Relationship Id=\"r3\" Type=\"x/styles\" Target=\"styles.xml\"/>"
    + "</Relationships>"),
  ("xl/sharedStrings.xml", "<sst><si><t>id</t></si><si><t>NA</t></si><si><r><t>a</t></r><r><t>b</t></r></si>"
    + "</sst>"),
  ("xl/styles.xml", "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/></numFmts>"
    + "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/><xf numFmtId=\"46\"/></cellXfs>"
    + "</styleSheet>"),
]

/// A workbook whose first sheet is `sheet`, its parts stored uncompressed.
func workbook(sheet: [UInt8]) -> [UInt8]? {
  guard let archive = try? Archive(data: Data(), accessMode: .create) else { return nil }
  let parts = fixedParts.map { ($0.0, Data($0.1.utf8)) } + [("xl/worksheets/sheet1.xml", Data(sheet))]
  for (name, data) in parts {
    do {
      try archive.addEntry(
        with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .none
      ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
    } catch { return nil }
  }
  return archive.data.map { Array($0) }
}
