import Datasets
import Testing

@Suite("CSV reader: malformed input is an exact error")
struct CSVMalformedTests {
  @Test func raggedRow() {
    let path = fixturePath("ragged.csv")
    #expect(throws: DatasetError.parse(file: path, line: 7, column: 5, message: "expected 5 fields, found 4")) {
      try CSVReader.read(path: path)
    }
    #expect(
      throws: DatasetError.parse(file: "<text>", line: 3, column: 3, message: "expected 2 fields, found 3")
    ) { try CSVReader.read(text: "a,b\n1,2\n3,4,5\n") }
  }

  @Test func raggedRowAfterQuotedNewlineNamesPhysicalLine() {
    #expect(
      throws: DatasetError.parse(file: "<text>", line: 4, column: 2, message: "expected 2 fields, found 1")
    ) { try CSVReader.read(text: "a,b\n1,\"two\nlines\"\n3\n") }
  }

  @Test func unterminatedQuote() {
    let path = fixturePath("unterminated.csv")
    let message = "unterminated quoted field: no closing quote before the end of the file"
    #expect(throws: DatasetError.parse(file: path, line: 2, column: 2, message: message)) {
      try CSVReader.read(path: path)
    }
  }

  @Test func invalidUTF8() {
    let path = fixturePath("invalid_utf8.csv")
    #expect(throws: DatasetError.parse(file: path, line: 3, column: 2, message: "column 'b': invalid UTF-8")) {
      try CSVReader.read(path: path)
    }
    #expect(throws: DatasetError.parse(file: "<data>", line: 1, column: 1, message: "invalid UTF-8 in the header")) {
      try CSVReader.read(bytes: [0xC3, 0x28, 0x0A, 0x31, 0x0A])
    }
  }

  @Test func characterAfterClosingQuote() {
    let path = fixturePath("after_quote.csv")
    let message = "unexpected character after a closing quote (expected the delimiter or the end of the line)"
    #expect(throws: DatasetError.parse(file: path, line: 2, column: 2, message: message)) {
      try CSVReader.read(path: path)
    }
  }

  @Test func valueNotOfDeclaredType() {
    let path = fixturePath("bad_int.csv")
    #expect(
      throws: DatasetError.parse(file: path, line: 3, column: 1, message: "column 'age': expected int, found '6O'")
    ) { try CSVReader.read(path: path, options: CSVOptions(columnTypes: ["age": .int])) }
    #expect(
      throws: DatasetError.parse(file: "<text>", line: 2, column: 1,
        message: "column 'x': expected double, found 'abc'")
    ) { try CSVReader.read(text: "x\nabc\n", options: CSVOptions(columnTypes: ["x": .double])) }
    #expect(
      throws: DatasetError.parse(
        file: "<text>", line: 3, column: 1, message: "column 'd': expected date (YYYY-MM-DD), found '2004-13-01'")
    ) { try CSVReader.read(text: "d\n2004-12-01\n2004-13-01\n", options: CSVOptions(columnTypes: ["d": .date])) }
    #expect(
      throws: DatasetError.parse(
        file: "<text>", line: 2, column: 1, message: "column 'd': expected date (%d/%m/%Y), found '29/02/2001'")
    ) {
      try CSVReader.read(
        text: "d\n29/02/2001\n", options: CSVOptions(columnTypes: ["d": .date], dateFormat: try DateFormat("%d/%m/%Y")))
    }
    #expect(
      throws: DatasetError.parse(
        file: "<text>", line: 2, column: 1, message: "column 'b': expected bool (true/false, TRUE/FALSE), found 'yes'")
    ) { try CSVReader.read(text: "b\nyes\n", options: CSVOptions(columnTypes: ["b": .bool])) }
    #expect(
      throws: DatasetError.parse(
        file: "<text>", line: 3, column: 1,
          message: "column 'arm': expected one of the declared levels (A, B), found 'C'")
    ) { try CSVReader.read(text: "arm\nA\nC\n", options: CSVOptions(levels: ["arm": ["A", "B"]])) }
  }

  @Test func emptyFileIsNoHeader() {
    let path = fixturePath("empty.csv")
    #expect(throws: DatasetError.parse(file: path, line: 1, column: 1, message: "no header: the file is empty")) {
      try CSVReader.read(path: path)
    }
    #expect(
      throws: DatasetError.parse(
        file: "<text>", line: 3, column: 1, message: "no header: the file has only blank or comment lines")
    ) { try CSVReader.read(text: "\n# c\n", options: CSVOptions(comment: "#")) }
  }

  @Test func badHeaders() {
    #expect(
      throws: DatasetError.parse(file: "<text>", line: 1, column: 3,
        message: "duplicate column name 'a' (fields 1 and 3)")
    ) { try CSVReader.read(text: "a,b,a\n1,2,3\n") }
    #expect(
      throws: DatasetError.parse(
        file: "<text>", line: 1, column: 1, message: "header field 1 is empty: every column needs a name")
    ) { try CSVReader.read(text: ",b\n1,2\n") }
  }

  @Test func declarationForUnknownColumn() {
    #expect(throws: DatasetError.invalid("<text>: no column 'zz' for the declared type or levels")) {
      try CSVReader.read(text: "a\n1\n", options: CSVOptions(columnTypes: ["zz": .int]))
    }
  }

  @Test func missingFileIsIOError() {
    #expect(throws: DatasetError.io("cannot open '/nonexistent/x.csv': No such file or directory")) {
      try CSVReader.read(path: "/nonexistent/x.csv")
    }
    #expect(throws: DatasetError.io("cannot read '/tmp': Is a directory")) {
      try CSVReader.read(path: "/tmp")
    }
  }

  @Test func errorDescriptionNamesFileLineAndColumn() {
    let e = DatasetError.parse(file: "x.csv", line: 7, column: 5, message: "expected 5 fields, found 4")
    #expect(e.description == "x.csv:7:5: expected 5 fields, found 4")
  }
}
