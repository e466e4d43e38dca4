import Datasets
import Foundation
import Testing

@Suite("CSV reader: well-formed input")
struct CSVReaderTests {
  @Test func quotedDelimitersNewlinesAndDoubledQuotes() throws {
    let d = try CSVReader.read(path: fixturePath("quoted.csv"))
    #expect(d.names == ["id", "name", "note"])
    #expect(d["id"] == .int([1, 2, 3]))
    // "" (quoted empty) is missing; levels sorted by UTF-8 bytes.
    #expect(d["name"] == .factor(codes: [0, 1, -1], levels: ["Smith, John", "multi\nline"]))
    #expect(d["note"] == .factor(codes: [1, 0, 2], levels: ["plain", "said \"hi\"", "x"]))
  }

  @Test func byteOrderMarkIsSkipped() throws {
    let d = try CSVReader.read(path: fixturePath("bom.csv"))
    #expect(d.names == ["a", "b"])
    #expect(d["a"] == .int([1, 2]))
  }

  @Test func crlfLineEnds() throws {
    let d = try CSVReader.read(path: fixturePath("crlf.csv"))
    #expect(d.names == ["a", "b"])
    #expect(d["a"] == .int([1, 3]))
    #expect(d["b"] == .double([2.5, 4]))
  }

  @Test func headerOnlyGivesZeroRowsOfDouble() throws {
    let d = try CSVReader.read(path: fixturePath("header_only.csv"))
    #expect(d.names == ["a", "b", "c"])
    #expect(d.rowCount == 0)
    #expect(d.kinds == [.double, .double, .double])
  }

  @Test func trailingNewlineOptionalAndBlankLastLineSkipped() throws {
    let expected = try Dataset(names: ["a", "b"], columns: [.int([1, 3]), .int([2, 4])])
    #expect(try CSVReader.read(path: fixturePath("no_trailing_newline.csv")) == expected)
    #expect(try CSVReader.read(path: fixturePath("blank_last_line.csv")) == expected)
    #expect(try CSVReader.read(text: "a,b\n1,2\n\n\n3,4\n") == expected)
  }

  @Test func missingTokensInEveryType() throws {
    let d = try CSVReader.read(path: fixturePath("missing.csv"))
    #expect(d["x"] == .int([1, Column.naInt, Column.naInt, 4]))
    #expect(d["y"] == .factor(codes: [0, 1, -1, -1], levels: ["a", "b"]))
    #expect(doubles(d["z"]).map { $0.isNaN } == [true, true, true, false])
    #expect(doubles(d["z"])[3] == 2.5)
    #expect(d["w"] == .bool([1, 0, Column.naBool, 1]))
  }

  @Test func configurableMissingTokens() throws {
    let options = CSVOptions(missing: ["-99"])
    let d = try CSVReader.read(text: "v,s\n1,NA\n-99,b\n", options: options)
    #expect(d["v"] == .int([1, Column.naInt]))
    #expect(d["s"] == .factor(codes: [0, 1], levels: ["NA", "b"]))
  }

  @Test func quotedMissingTokenIsText() throws {
    let d = try CSVReader.read(text: "s\n\"NA\"\nNA\nx\n")
    #expect(d["s"] == .factor(codes: [0, -1, 1], levels: ["NA", "x"]))
  }

  @Test func mixedIntAndDoublePromote() throws {
    let d = try CSVReader.read(path: fixturePath("mixed.csv"))
    #expect(d["i"] == .int([1, 2, -3]))
    #expect(d["d"] == .double([1, 2.5, 1000]))
    #expect(d["big"] == .double([1, 1e20, 3]))
  }

  @Test func promotionAfterLeadingMissingValues() throws {
    let d = try CSVReader.read(text: "x,y,z\nNA,NA,NA\n1.5,1,\n,2.5,\n")
    #expect(identical(d["x"]!, .double([.nan, 1.5, .nan])))
    #expect(identical(d["y"]!, .double([.nan, 1, 2.5])))
    #expect(identical(d["z"]!, .double([.nan, .nan, .nan])))
  }

  @Test func dataInputAndMissingMask() throws {
    let d = try CSVReader.read(data: Data("a\n1\nNA\n".utf8))
    #expect(d["a"]?.missingMask() == .bool([0, 1]))
  }

  @Test func isoDatesInferred() throws {
    let d = try CSVReader.read(path: fixturePath("dates_iso.csv"))
    #expect(d["start"] == .date([12478, 11016]))
    #expect(d["end"] == .date([14974, Column.naDate]))
  }

  @Test func declaredDateFormatInferred() throws {
    let options = CSVOptions(dateFormat: try DateFormat("%d/%m/%Y"))
    let d = try CSVReader.read(path: fixturePath("dates_dmy.csv"), options: options)
    #expect(d["visit"] == .date([12478, 14974]))
    // Without the format the column stays text.
    #expect(try CSVReader.read(path: fixturePath("dates_dmy.csv"))["visit"]?.kind == .string)
  }

  @Test func boolsInferred() throws {
    let d = try CSVReader.read(text: "b,c\ntrue,TRUE\nfalse,False\nNA,true\n")
    #expect(d["b"] == .bool([1, 0, Column.naBool]))
    #expect(d["c"] == .bool([1, 0, 1]))
  }

  @Test func typeOverrides() throws {
    let options = CSVOptions(columnTypes: ["code": .string, "n": .double], levels: ["arm": ["B", "A"]])
    let d = try CSVReader.read(text: "code,n,arm\n10,1,A\n2,2,B\n", options: options)
    #expect(d["code"] == .factor(codes: [0, 1], levels: ["10", "2"]))
    #expect(d["n"] == .double([1, 2]))
    #expect(d["arm"] == .factor(codes: [1, 0], levels: ["B", "A"]))
  }

  @Test func tsvDelimiterFromExtension() throws {
    let d = try CSVReader.read(path: fixturePath("tabs.tsv"))
    #expect(d["a"] == .int([1, 2]))
    #expect(d["b"] == .factor(codes: [1, 0], levels: ["q\tr", "x y"]))
  }

  @Test func delimiterOption() throws {
    let d = try CSVReader.read(text: "a;b\n1,5;x\n", options: CSVOptions(delimiter: ";"))
    #expect(d["a"] == .factor(codes: [0], levels: ["1,5"]))
  }

  @Test func skipAndCommentLines() throws {
    let options = CSVOptions(skip: 2, comment: "#")
    let d = try CSVReader.read(path: fixturePath("skip_comment.csv"), options: options)
    #expect(d.names == ["id", "v"])
    #expect(d["v"] == .int([2]))
  }

  @Test func emptyLastFieldAndUnicode() throws {
    let d = try CSVReader.read(text: "a,b,c\n1,é,\n2,ü,3")
    #expect(d["c"] == .int([Column.naInt, 3]))
    #expect(d["b"] == .factor(codes: [0, 1], levels: ["é", "ü"]))
  }

  @Test func doublesMatchStrtodExactly() throws {
    let texts = [
      "0.1", "1e-300", "4.9e-324", "1.7976931348623157e308", "123456789012345678901234",
      "0.30000000000000004", "9007199254740993", "2.2250738585072014e-308", "-0.0", "1E5",
      ".5", "5.", "+3.25", "Inf", "-inf", "1234.5678e-2",
    ]
    let d = try CSVReader.read(text: "x\n" + texts.joined(separator: "\n") + "\n")
    let expected: [Double] = [
      0.1, 1e-300, 4.9e-324, 1.7976931348623157e308, 123456789012345678901234,
      0.30000000000000004, 9007199254740993, 2.2250738585072014e-308, -0.0, 1e5,
      0.5, 5, 3.25, .infinity, -.infinity, 12.345678,
    ]
    let got = doubles(d["x"])
    #expect(got.map(\.bitPattern) == expected.map(\.bitPattern))
  }
}
