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

  @Test func readingStopsWhenCancellationIsRequested() {
    var calls = 0
    #expect(throws: ComputationCancelled.self) {
      try Cancellation.withCheck({ calls += 1; return calls > 2 }) {
        _ = try CSVReader.read(text: Self.text, file: "big.csv")
      }
    }
    // Stopped at the third poll: within the first 200,000 lines.
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
