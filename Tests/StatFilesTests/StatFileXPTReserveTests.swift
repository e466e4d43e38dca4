import Datasets
import Foundation
import RunControl
import StatFiles
import TestSupport
import Testing

/// An XPT header gives no row count (ReadStat reports -1), so the reader
/// reserves the most fixed-length records the file can hold at the first
/// value (`ReadState.rowsToReserve`) instead of growing the columns as
/// rows arrive (issue 17: read_xpt was slower than haven). What shows it:
/// the memory budget is asked for all the rows at once, a count a few
/// header records above the true one, not for twice the rows read so far.
@Suite struct StatFileXPTReserveTests {
  /// Header records (library, member, descriptor, NAMESTR, OBS: a few
  /// 80-byte records) over 24-byte records: under 100 rows' worth.
  static let headerRows = 100

  @Test func asksTheBudgetForEveryRowAtTheFirstValue() throws {
    let n = 100_000
    let d = try Dataset(
      names: ["A", "B", "C"],
      columns: [.double((0..<n).map { Double($0) }), .int(Array(0..<n)), .date((0..<n).map { Int32($0 % 1000) })])
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kaplan-xpt-reserve-\(getpid())/\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("reserve.xpt").path
    try StatFileWriter.writeXPT(d, path: path)
    let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    var message = ""
    do {
      _ = try MemoryBudget.withAccount(FixedMemoryAccount(size + 100_000)) {
        try StatFileReader.read(path: path, format: .xpt)
      }
    } catch {
      message = String(describing: error)
    }
    // "... (100012 rows of 3 columns)": the whole file's rows, asked before any column grows.
    let before = message.range(of: " rows of 3 columns)").map { message[..<$0.lowerBound] }
    let rows = before.flatMap { Int(String($0.reversed().prefix(while: \.isNumber).reversed())) }
    #expect(rows.map { $0 >= n && $0 < n + Self.headerRows } == true, "\(message)")
    #expect(try StatFileReader.read(path: path, format: .xpt).rowCount == n)
  }
}
