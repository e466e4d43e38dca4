import Foundation
import TestSupport
import Testing
@testable import Datasets

/// Issue 14 (CSV memory): string columns are read by the parallel chunked
/// reader too, each chunk coding its own levels, and the result is the
/// sequential reader's dataset exactly: the same codes and the same sorted
/// levels (which the CSV text alone would not show), or the same error.
struct CSVChunkedStringTests {
  /// The dataset as text with its column types, and every factor's levels.
  static func render(_ d: Dataset) throws -> String {
    var text = try CSVChunkedReaderTests.render(d)
    for column in d.columns {
      if case .factor(let codes, let levels) = column {
        text += "\nlevels: " + levels.joined(separator: "|")
        text += "\ncodes: " + codes.map(String.init).joined(separator: ",")
      }
    }
    return text
  }

  static func expectSame(
    _ text: String, options: CSVOptions = CSVOptions(), chunkBytes: Int = 7, sampleRows: Int = 2,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let sequential = Result { try render(CSVReader.read(text: text, file: "t.csv", options: options)) }
    let chunked = Result {
      try render(
        CSVReader.read(
          bytes: Array(text.utf8), file: "t.csv", options: options, chunkBytes: chunkBytes, sampleRows: sampleRows))
    }
    switch (sequential, chunked) {
    case (.success(let a), .success(let b)): #expect(a == b, sourceLocation: sourceLocation)
    case (.failure(let a), .failure(let b)): #expect("\(a)" == "\(b)", sourceLocation: sourceLocation)
    default: Issue.record("outcomes differ: \(sequential) vs \(chunked)", sourceLocation: sourceLocation)
    }
  }

  @Test func stringColumnsMatchTheSequentialReader() {
    // Levels first seen in another order in later chunks; missing, empty,
    // quoted and quoted "NA" values.
    Self.expectSame("g,x\nb,1\nb,2\na,3\nNA,4\n,5\n\"c\",6\n\"NA\",7\n\"\",8\nc,9\na,10\n")
    var o = CSVOptions()
    o.missing = ["NA"]
    Self.expectSame("g,x\nb,1\n,2\na,3\n\"\",4\nNA,5\n", options: o)
    o.columnTypes = ["x": .string]
    Self.expectSame("g,x\nb,1\n,2\na,3\n\"\",4\nNA,5\n", options: o)
  }

  @Test func doubledQuotesNonASCIIAndErrorsFallBack() {
    Self.expectSame("g,x\na,1\nb,2\n\"say \"\"hi\"\"\",3\na,4\n")
    Self.expectSame("g,x\na,1\nb,2\ncafé,3\ncafe\u{301},4\n")
    Self.expectSame("g,x\na,1\nb,2\nc\n")
    Self.expectSame("g,x\na,1\nb,2\nc,3,4\n")
    var bad = Array("g,x\na,1\nb,2\n".utf8)
    bad += [0xFF, 0x2C, 0x33, 0x0A]
    let sequential = Result { try CSVReader.read(bytes: bad, file: "t.csv") }
    let chunked = Result { try CSVReader.read(bytes: bad, file: "t.csv", chunkBytes: 5, sampleRows: 2) }
    #expect("\(sequential)" == "\(chunked)")
  }

  @Test func randomFilesWithStringColumnsMatch() {
    var rng = SplitMix64(seed: 1414)
    let words = ["a", "b", "arm", "B", "s1", "s10", "s2", "NA", "", "\"q\"", "\"\"", "z z", "Ab", "aB"]
    for _ in 0..<200 {
      let columns = Int.random(in: 1...4, using: &rng)
      let isString = (0..<columns).map { _ in Bool.random(using: &rng) }
      var text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
      for _ in 0..<Int.random(in: 1...40, using: &rng) {
        let fields = (0..<columns).map { j -> String in
          if isString[j] { return words[Int.random(in: 0..<words.count, using: &rng)] }
          return Int.random(in: 0..<8, using: &rng) == 0 ? "NA" : "\(Int.random(in: -50...50, using: &rng))"
        }
        text += fields.joined(separator: ",") + (Int.random(in: 0..<8, using: &rng) == 0 ? "\r\n" : "\n")
      }
      Self.expectSame(
        text, chunkBytes: Int.random(in: 1...40, using: &rng), sampleRows: Int.random(in: 1...5, using: &rng))
    }
  }

  /// The parallel path itself reads a string column (no fallback): codes
  /// renumbered to the levels sorted by their bytes.
  @Test func theParallelPathReadsAStringColumn() throws {
    var text = "g,i\n"
    let names = ["s3", "s1", "B", "s2", "a"]
    for k in 0..<5000 { text += "\(k % 7 == 0 ? "NA" : names[(k / 3) % names.count]),\(k)\n" }
    let bytes = Array(text.utf8)
    let d = try bytes.withUnsafeBufferPointer { b -> Dataset? in
      try CSVChunkedReader.read(
        b, dataStart: 4, names: ["g", "i"], kinds: [.string, .int], file: "t.csv", delimiter: 44, comment: [],
        missing: MissingTokens(["", "NA"]), chunkBytes: 1000, mapping: nil)
    }
    let dataset = try #require(d)
    let levels = ["B", "a", "s1", "s2", "s3"]
    let codes = (0..<5000).map { k -> Int32 in
      k % 7 == 0 ? -1 : Int32(levels.firstIndex(of: names[(k / 3) % names.count]) ?? -2)
    }
    #expect(dataset.columns[0] == .factor(codes: codes, levels: levels))
    #expect(dataset.columns[1] == .int(Array(0..<5000)))
  }

  /// A column of mostly distinct strings (an identifier) stays on the
  /// sequential path: the sample rules it out.
  @Test func anIdentifierColumnIsLeftToTheSequentialReader() throws {
    var text = "id,x\n"
    for k in 0..<400 { text += "p\(k),\(k)\n" }
    let bytes = Array(text.utf8)
    let kinds = try bytes.withUnsafeBufferPointer { b -> [CSVChunkedReader.Kind]? in
      guard let base = b.baseAddress else { return nil }
      let sample = try CSVTokenizer.tokenize(b, file: "t.csv", delimiter: 44, skip: 0, comment: [], maxRows: 300)
      return try CSVChunkedReader.kinds(
        sample: sample, base: base, names: ["id", "x"], file: "t.csv", missing: MissingTokens(["NA"]),
        options: CSVOptions())
    }
    #expect(kinds == nil)
    #expect(bytes.count > 0)
    Self.expectSame(text, chunkBytes: 50, sampleRows: 300)
  }
}
