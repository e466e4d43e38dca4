import Foundation
import Testing
import TestSupport

/// A ZIP bomb (Tests/Fixtures/xlsx/bomb.xlsx: a 160 MB worksheet deflated to
/// 160 KB) is refused under --max-memory before it is expanded, as a clean
/// error naming the part.
struct XLSXMemoryCLITests {
  @Test func zipBombIsRefusedUnderTheLimit() throws {
    let dir = try temporaryDirectory()
    let bomb = projectRoot.appendingPathComponent("Tests/Fixtures/xlsx/bomb.xlsx")
    try FileManager.default.copyItem(at: bomb, to: dir.appendingPathComponent("bomb.xlsx"))
    try "local d = read_xlsx('bomb.xlsx')\n".write(
      to: dir.appendingPathComponent("m.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "m.lua", "--max-memory", "100M", "--timeout", "60"], directory: dir)
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("kaplan: m.lua:1: read_xlsx: not enough memory for the part 'xl/worksheets/sheet1.xml'"),
            "\(r.stderr)")
  }
}
