import Foundation
import RunControl
import Testing
@testable import Datasets

/// `Int.min` is the NA code of int columns, so −2^63 (Lua's
/// `math.mininteger`) read into one became NA (issue 12, item 6). Such a
/// column is now stored as double, where −2^63 is exact, with a warning;
/// integer arithmetic that overflows is computed as double, not NA.
@Suite struct IntegerNACodeTests {
  /// Runs `body`, returning its result and the warnings it emitted.
  func collectingWarnings<R>(_ body: () throws -> R) rethrows -> (R, [String]) {
    var warnings: [String] = []
    let r = try RunWarnings.withSink({ warnings.append($0) }, body)
    return (r, warnings)
  }

  @Test func mininteger_fromValues_isKeptAsADouble() throws {
    let (column, warnings) = try collectingWarnings {
      try Column(values: [.int(Int.min), .int(1), .missing], name: "x")
    }
    #expect(column.count == 3)
    guard case .double(let v) = column else { Issue.record("expected a double column"); return }
    #expect(v[0] == -0x1p63)
    #expect(v[1] == 1)
    #expect(v[2].isNaN)
    #expect(warnings.count == 1)
    #expect(warnings.first?.hasPrefix("column 'x': value 1 is -9223372036854775808 (math.mininteger)") == true)
  }

  @Test func otherIntegersStayInt() throws {
    let (column, warnings) = try collectingWarnings {
      try Column(values: [.int(Int.min + 1), .int(Int.max)], name: "x")
    }
    #expect(column == .int([Int.min + 1, Int.max]))
    #expect(warnings.isEmpty)
  }

  @Test func mininteger_inACSV_isADoubleWithAWarningNamingTheLine() throws {
    let (d, warnings) = try collectingWarnings {
      try CSVReader.read(text: "x,y\n3,1\n-9223372036854775808,2\n", file: "m.csv")
    }
    #expect(try d.column(named: "x") == .double([3, -0x1p63]))
    #expect(try d.column(named: "y") == .int([1, 2]))
    #expect(warnings == [
      "column 'x': m.csv:3: the value is -9223372036854775808 (math.mininteger), the NA code of int columns, so the "
        + "column is stored as double",
    ])
  }

  @Test func mininteger_inADeclaredIntColumn_isAnErrorSayingWhy() {
    var options = CSVOptions()
    options.columnTypes["x"] = .int
    #expect(throws: DatasetError.parse(
      file: "m.csv", line: 2, column: 1,
      message: "column 'x': expected int (-9223372036854775808 is the NA code of int columns; declare the column "
        + "double), found '-9223372036854775808'")) {
      try CSVReader.read(text: "x\n-9223372036854775808\n", file: "m.csv", options: options)
    }
  }

  @Test func integerOverflowGivesDoublesNotNA() throws {
    let (column, warnings) = try collectingWarnings {
      try Column.apply(.add, .column(.int([Int.max, 1])), .scalar(.int(1)))
    }
    #expect(column == .double([0x1p63, 2]))
    #expect(warnings.count == 1)
    // A difference landing exactly on Int.min is not NA either.
    let (difference, _) = try collectingWarnings {
      try Column.apply(.subtract, .column(.int([-Int.max])), .scalar(.int(1)))
    }
    #expect(difference == .double([-0x1p63]))
  }

  @Test func minintegerAsAScalarOperandIsAValue() throws {
    let sum = try Column.apply(.add, .column(.int([1, 2])), .scalar(.int(Int.min)))
    #expect(sum == .double([1 - 0x1p63, 2 - 0x1p63]))
    let equal = try Column.apply(.equal, .column(.int([1])), .scalar(.int(Int.min)))
    #expect(equal == .bool([0]))
  }

  @Test func parseIntStillRefusesTheNACode() {
    let text = Array("-9223372036854775808".utf8)
    text.withUnsafeBufferPointer { p in
      guard let base = p.baseAddress else { return }
      #expect(NumberParsing.parseInt(base, p.count) == nil)
      #expect(NumberParsing.isIntNACode(base, p.count))
    }
  }

  @Test func countOfTooManyLevelCombinationsIsAnError() throws {
    // Four keys of 1000 levels each: 10^12 cells, refused before allocating.
    let n = 1000
    let key = Column.factor(codes: (0..<n).map(Int32.init), levels: (0..<n).map { "l\($0)" })
    let d = try Dataset(names: ["a", "b", "c", "e"], columns: [key, key, key, key])
    #expect(throws: DatasetError.self) { try d.count(by: ["a", "b", "c", "e"]) }
  }
}
