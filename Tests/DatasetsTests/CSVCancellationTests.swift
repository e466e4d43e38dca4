import Foundation
import RunControl
import Testing
@testable import Datasets

/// Issue 12, item 3: reading a large file stops at the time limit (the
/// tokenizer polls every 65,536 lines and fields, the reader per column).
struct CSVCancellationTests {
  /// 300,000 rows of three columns.
  static let text: String = {
    var s = "time,status,arm\n"
    for i in 0..<300_000 { s += "\(i % 997 + 1),\(i % 2),a\(i % 3)\n" }
    return s
  }()

  /// 300,000 rows whose last column is an identifier (mostly distinct
  /// strings), which the parallel reader leaves to the sequential one.
  static let identifiers: String = {
    var s = "time,status,id\n"
    for i in 0..<300_000 { s += "\(i % 997 + 1),\(i % 2),p\(i)\n" }
    return s
  }()

  /// The sequential tokenizer polls every 65,536 lines: stopped at the third
  /// poll, within the first 200,000 lines.
  @Test func readingStopsWhenCancellationIsRequested() {
    var calls = 0
    #expect(throws: ComputationCancelled.self) {
      try Cancellation.withCheck({ calls += 1; return calls > 2 }) {
        _ = try CSVReader.read(text: Self.identifiers, file: "big.csv")
      }
    }
    #expect(calls == 3)
  }

  /// The parallel reader asks the host's check from the calling thread, once
  /// per chunk that thread parses (the other worker's chunks see the stop it
  /// remembers): in chunks of 16 KB (hundreds per pass, so the calling thread
  /// takes many whatever the scheduling; with 1 MB chunks a 3 MB file gave it
  /// as few as two, and the count depended on the threads) the third poll
  /// stops the read.
  @Test func theParallelReaderStopsWhenCancellationIsRequested() {
    var calls = 0
    #expect(throws: ComputationCancelled.self) {
      try Cancellation.withCheck({ calls += 1; return calls > 2 }) {
        _ = try CSVReader.read(bytes: Array(Self.text.utf8), file: "big.csv", chunkBytes: 16_384)
      }
    }
    #expect(calls == 3)
  }

  @Test func oneLongLineIsPolledByFields() {
    let line = String(repeating: "1,", count: 200_000) + "1\n"
    var calls = 0
    #expect(throws: ComputationCancelled.self) {
      try Cancellation.withCheck({ calls += 1; return true }) {
        _ = try CSVReader.read(text: line, file: "wide.csv")
      }
    }
    #expect(calls == 1)
  }

  @Test func readingCompletesWithoutARequest() throws {
    let d = try Cancellation.withCheck({ false }) { try CSVReader.read(text: Self.text, file: "big.csv") }
    #expect(d.rowCount == 300_000)
  }
}
