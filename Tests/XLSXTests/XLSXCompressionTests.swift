import Foundation
import Testing

@testable import XLSX

/// A workbook whose parts use a compression Excel never writes (bzip2, ZIP
/// method 12; `Tests/Fixtures/xlsx/bzip2.xlsx`, made by
/// `scripts/fixtures/xlsx_fixtures.py` from trial.xlsx): issue 17 asks every
/// reader for a clear error on unsupported compression, naming the file and
/// what is wrong, never a crash or a misread.
@Suite struct XLSXCompressionTests {
  @Test func unsupportedCompressionNamesTheFileAndTheMethod() throws {
    let path = xlsxFixture("bzip2.xlsx")
    var message: String?
    do { _ = try XLSXReader.read(path: path) } catch { message = String(describing: error) }
    let text = try #require(message)
    #expect(text.hasPrefix(path + ": "), "\(text)")
    #expect(text.contains("compression method 12"), "\(text)")
  }
}
