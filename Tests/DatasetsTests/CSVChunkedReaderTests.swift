import Foundation
import RunControl
import TestSupport
import Testing
@testable import Datasets

/// Issue 14: the parallel chunked reader gives the sequential reader's
/// dataset or error on every input, and does run (it is not always the
/// fallback).
struct CSVChunkedReaderTests {
  /// The dataset as text with its column types, for exact comparison
  /// (NaN == NaN here, unlike `Column`'s `==`).
  static func render(_ d: Dataset) throws -> String {
    d.columns.map { $0.kind.rawValue }.joined(separator: ",") + "\n" + (try CSVWriter.string(d))
  }

  /// Reads `text` both ways (tiny chunks and a tiny sample force the
  /// parallel path) and expects the same outcome.
  static func expectSame(_ text: String, options: CSVOptions = CSVOptions(), chunkBytes: Int = 7,
                         sampleRows: Int = 2, sourceLocation: SourceLocation = #_sourceLocation) {
    let sequential = Result { try render(CSVReader.read(text: text, file: "t.csv", options: options)) }
    let chunked = Result {
      try render(CSVReader.read(
        bytes: Array(text.utf8), file: "t.csv", options: options, chunkBytes: chunkBytes, sampleRows: sampleRows))
    }
    switch (sequential, chunked) {
    case (.success(let a), .success(let b)): #expect(a == b, sourceLocation: sourceLocation)
    case (.failure(let a), .failure(let b)):
      #expect("\(a)" == "\(b)", sourceLocation: sourceLocation)
    default: Issue.record("outcomes differ: \(sequential) vs \(chunked)", sourceLocation: sourceLocation)
    }
  }

  @Test func numericDateAndBoolColumnsMatchTheSequentialReader() {
    Self.expectSame("a,b,c,d\n1,2.5,2020-01-02,true\n3,NA,2021-12-31,FALSE\n,4e3,NA,True\n5,-0.0,,false\n")
  }

  @Test func lineEndingsBlankAndCommentLinesMatch() {
    var o = CSVOptions()
    o.comment = "#"
    Self.expectSame("a,b\r\n1,2\r\n\r\n#x\r\n3,4\r\n5,6", options: o)
    Self.expectSame("a,b\r1,2\r\r3,4\r5,6\r", options: o)
    Self.expectSame("a,b\n1,2\n\n\n3,4\n#c,d\n5,6\n\n", options: o)
  }

  @Test func quotedFieldsAndQuotedLineBreaksMatch() {
    Self.expectSame("a,b\n\"1\",2\n3,\"4\"\n5,6\n7,8\n")
    // A line break inside quotes across a chunk boundary breaks the chain:
    // the sequential reader reads the file (here: a string column).
    Self.expectSame("a,b\n1,2\n3,4\n5,\"x\ny\"\n7,8\n9,10\n")
    Self.expectSame("a,b\n1,2\n3,4\n5,\"6\n\"\n7,8\n")
  }

  @Test func aLaterValueThatDisagreesWithTheSampleFallsBack() {
    // Ints in the sample, a double later: the column is double.
    Self.expectSame("x,y\n1,1\n2,2\n3,3\n4.5,4\n5,5\n")
    // Numbers in the sample, a word later: a string column.
    Self.expectSame("x,y\n1,1\n2,2\n3,3\nabc,4\n5,5\n")
    // Int.min after ints: double with the warning.
    Self.expectSame("x\n1\n2\n3\n-9223372036854775808\n")
    // All missing in the sample.
    Self.expectSame("x,y\nNA,1\n,2\n3,3\n4,4\n")
  }

  @Test func errorsAreTheSequentialReadersWithLineAndColumn() {
    Self.expectSame("a,b\n1,2\n3,4\n5,6,7\n8,9\n")
    Self.expectSame("a,b\n1,2\n3,4\n5\n8,9\n")
    Self.expectSame("a,b\n1,2\n3,4\n5,\"6\n")
    var o = CSVOptions()
    o.columnTypes = ["a": .int]
    Self.expectSame("a,b\n1,2\n3,4\n5.5,6\n8,9\n", options: o)
    o.columnTypes = ["a": .double, "b": .bool]
    Self.expectSame("a,b\n1,true\n3,false\n5.5,maybe\n", options: o)
  }

  /// Found by the fuzzer: the sequential reader tokenizes the whole file
  /// before it checks the header, so a wrong field count later comes first.
  @Test func aFieldCountErrorPrecedesABadHeader() {
    Self.expectSame("a,a\n1,2\n3,4\n5,6\n7,8,9\n")
    var o = CSVOptions()
    o.columnTypes = ["nope": .int]
    Self.expectSame("x\n1\n2\n3\n4,5\n", options: o)
  }

  @Test func optionsMatch() {
    var o = CSVOptions()
    o.delimiter = ";"
    o.missing = ["-999", "NA"]
    o.skip = 2
    Self.expectSame("junk\nmore junk\na;b\n1;-999\n-999;2\n3;4\n5;NA\n", options: o)
    var d = CSVOptions()
    d.dateFormat = try? DateFormat("%d/%m/%Y")
    Self.expectSame("when,x\n01/02/2020,1\n31/12/2021,2\n15/06/1999,3\n", options: d)
    d.columnTypes = ["when": .date]
    Self.expectSame("when,x\n01/02/2020,1\n31/12/2021,2\n15/06/1999,3\n", options: d)
    d.levels = ["x": ["1", "2", "3"]]
    Self.expectSame("when,x\n01/02/2020,1\n31/12/2021,2\n15/06/1999,3\n", options: d)
  }

  @Test func randomNumericFilesMatch() {
    var rng = SplitMix64(seed: 14)
    for _ in 0..<200 {
      let columns = Int.random(in: 1...4, using: &rng)
      var text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
      for _ in 0..<Int.random(in: 1...30, using: &rng) {
        let fields = (0..<columns).map { _ -> String in
          switch Int.random(in: 0..<10, using: &rng) {
          case 0: return "NA"
          case 1: return ""
          case 2: return "\(Double.random(in: -1e6...1e6, using: &rng))"
          case 3: return "\"\(Int.random(in: -99...99, using: &rng))\""
          case 4: return "1e\(Int.random(in: -330...310, using: &rng))"
          default: return "\(Int.random(in: -1000...1000, using: &rng))"
          }
        }
        text += fields.joined(separator: ",") + (Int.random(in: 0..<8, using: &rng) == 0 ? "\r\n" : "\n")
        if Int.random(in: 0..<20, using: &rng) == 0 { text += "\n" }
      }
      Self.expectSame(
        text, chunkBytes: Int.random(in: 1...40, using: &rng), sampleRows: Int.random(in: 1...5, using: &rng))
    }
  }

  /// The parallel path itself reads a plain numeric file (no fallback),
  /// in many chunks, with rows in order.
  @Test func theParallelPathReadsAPlainFile() throws {
    var text = "i,x\n"
    for k in 0..<5000 { text += "\(k),\(Double(k) / 4)\n" }
    let bytes = Array(text.utf8)
    let d = try bytes.withUnsafeBufferPointer { b -> Dataset? in
      try CSVChunkedReader.read(
        b, dataStart: 4, names: ["i", "x"], kinds: [.int, .double], file: "t.csv", delimiter: 44, comment: [],
        missing: MissingTokens(["", "NA"]), chunkBytes: 1000, mapping: nil)
    }
    let dataset = try #require(d)
    #expect(dataset.columns[0] == .int(Array(0..<5000)))
    #expect(dataset.columns[1] == .double((0..<5000).map { Double($0) / 4 }))
  }

  @Test func aMappedFileReadsAsItsBytes() throws {
    var text = "i,x,when\n"
    for k in 0..<60_000 { text += "\(k),\(Double(k) * 0.37),2020-01-\(k % 28 + 1 < 10 ? "0" : "")\(k % 28 + 1)\n" }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("chunked-\(getpid()).csv").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let mapped = try CSVReader.read(path: path)
    let copied = try CSVReader.read(bytes: Array(text.utf8), file: path)
    #expect(try Self.render(mapped) == Self.render(copied))
    #expect(mapped.rowCount == 60_000)
  }

  @Test func theParallelPathAsksTheMemoryBudget() {
    var text = "i,x\n"
    for k in 0..<2000 { text += "\(k),\(k)\n" }
    #expect(throws: MemoryLimitExceeded.self) {
      try MemoryBudget.withAccount(FixedMemoryAccount(20_000)) {
        _ = try CSVReader.read(bytes: Array(text.utf8), file: "t.csv", chunkBytes: 100)
      }
    }
  }

  @Test func theParallelPathStopsWhenCancelled() {
    var text = "i,x\n"
    for k in 0..<2000 { text += "\(k),\(k)\n" }
    #expect(throws: ComputationCancelled.self) {
      try Cancellation.withCheck({ true }) {
        _ = try CSVReader.read(bytes: Array(text.utf8), file: "t.csv", chunkBytes: 100)
      }
    }
  }

  /// The vector count of line ends equals a byte-by-byte count, at every
  /// offset and length around the 32-byte vectors and the 255-vector flush
  /// (8,160 bytes), with CR, CRLF and a last line without an end.
  @Test func lineEndCountsEqualAByteByByteCount() {
    var generator = SplitMix64(seed: 14)
    let alphabet: [UInt8] = [10, 10, 13, 44, 48, 49, 97]
    let bytes = (0..<20_000).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
    // Only line feeds, so every lane reaches 255 before the flush.
    let feeds = [UInt8](repeating: 10, count: 9_000)
    func plain(_ b: [UInt8], _ from: Int, _ to: Int, isLast: Bool) -> Int {
      var count = 0
      for i in from..<to {
        if b[i] == 10 { count += 1 }
        if b[i] == 13, i + 1 >= b.count || b[i + 1] != 10 { count += 1 }
      }
      if isLast, to > from, b[to - 1] != 10, b[to - 1] != 13 { count += 1 }
      return count
    }
    for b in [bytes, feeds] {
      b.withUnsafeBufferPointer { buffer in
        let shared = SharedBytes(base: buffer.baseAddress.unsafelyUnwrapped, count: buffer.count)
        for (from, to) in [(0, b.count), (1, 8_161), (3, 8_195), (31, 64), (5, 36), (7, 7), (0, 31), (100, 8_260)] {
          for isLast in [false, true] {
            #expect(
              CSVChunkedReader.countLineEnds(shared, from: from, to: to, isLast: isLast)
                == plain(b, from, to, isLast: isLast), "from \(from) to \(to)")
          }
        }
      }
    }
  }
}
