import Datasets
import Testing
import TestSupport

/// Random datasets of every column type with missing values.
struct RandomDatasets {
  var rng: SplitMix64

  mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
  mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

  mutating func double() -> Double {
    switch int(0...5) {
    case 0: return Double(bitPattern: rng.next() & ~(0x7FF << 52)) * (chance(0.5) ? 1 : -1)  // subnormal or tiny
    case 1:
      let v = Double(bitPattern: rng.next())
      return v.isFinite ? v : 1.5
    case 2: return Double(int(-1000...1000))  // whole numbers stay Double
    case 3: return Double(int(-100_000...100_000)) / 1000
    case 4: return [Double.infinity, -.infinity, -0.0, 0.1, 1e300, 5e-324][int(0...5)]
    default: return Double.random(in: -1e6...1e6, using: &rng)
    }
  }

  /// Labels start with a letter and contain delimiters, quotes, line breaks
  /// and non-ASCII text, so they need quoting but never read as numbers.
  mutating func label() -> String {
    let pieces = ["a", "Z", ",", "\"", "\n", "\r\n", " ", "é", "ß", "水", "\t", "NA", ".", "x"]
    var s = "L"
    for _ in 0..<int(0...6) { s += pieces[int(0...(pieces.count - 1))] }
    return s
  }

  mutating func column(rows n: Int) -> Column {
    let naRate = [0.0, 0.15, 0.5][int(0...2)]
    func na(_ r: Int, _ me: inout RandomDatasets) -> Bool { r > 0 && me.chance(naRate) }  // row 0 always present
    switch int(0...4) {
    case 0:
      var v: [Double] = []
      for r in 0..<n { v.append(na(r, &self) ? .nan : double()) }
      return .double(v)
    case 1:
      var v: [Int] = []
      for r in 0..<n {
        let x = chance(0.2) ? Int.random(in: (Int.min + 1)...Int.max, using: &rng) : int(-50...50)
        v.append(na(r, &self) ? Column.naInt : x)
      }
      return .int(v)
    case 2:
      var pool: [String] = []
      for _ in 0..<int(1...5) { pool.append(label()) }
      var labels: [String?] = []
      for r in 0..<n { labels.append(na(r, &self) ? nil : pool[int(0...(pool.count - 1))]) }
      let levels = Set(labels.compactMap { $0 }).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      let codes = labels.map { l in l.flatMap { levels.firstIndex(of: $0) }.map(Int32.init) ?? -1 }
      return .factor(codes: codes, levels: levels)
    case 3:
      var v: [UInt8] = []
      for r in 0..<n { v.append(na(r, &self) ? Column.naBool : UInt8(int(0...1))) }
      return .bool(v)
    default:
      var v: [Int32] = []
      for r in 0..<n { v.append(na(r, &self) ? Column.naDate : Int32(int(-50_000...50_000))) }
      return .date(v)
    }
  }

  mutating func dataset() throws -> Dataset {
    let columns = int(1...6)
    let rows = int(1...30)
    var cols: [Column] = []
    for _ in 0..<columns { cols.append(column(rows: rows)) }
    let names = (0..<columns).map { k in k % 2 == 0 ? "c\(k)" : "col \"\(k)\", ü" }
    return try Dataset(names: names, columns: cols)
  }
}

@Suite("CSV round trip")
struct RoundTripTests {
  @Test func randomDatasetsSurviveWriteThenRead() throws {
    var gen = RandomDatasets(rng: SplitMix64(seed: 42))
    for trial in 0..<300 {
      let d = try gen.dataset()
      let text = try d.csvText()
      let back = try CSVReader.read(text: text)
      #expect(identical(d, back), "trial \(trial):\n\(text)")
      if !identical(d, back) { break }
    }
  }

  @Test func declaredTypesAndLevelsRoundTripAnything() throws {
    // Unused levels, levels in a non-sorted order, labels that look like
    // numbers, a string "NA", an all-missing int column.
    let d = try Dataset(
      names: ["arm", "code", "n"],
      columns: [
        .factor(codes: [1, 0, -1, 1], levels: ["Obs", "Lev", "Lev+5FU"]),
        .factor(codes: [0, 1, 2, -1], levels: ["10", "2", "NA"]),
        .int([Column.naInt, Column.naInt, Column.naInt, Column.naInt]),
      ])
    let options = CSVOptions(
      columnTypes: ["n": .int], levels: ["arm": ["Obs", "Lev", "Lev+5FU"], "code": ["10", "2", "NA"]])
    let back = try CSVReader.read(text: try d.csvText(), options: options)
    #expect(back == d)
  }

  @Test func writerFormats() throws {
    let d = try Dataset(
      names: ["x", "i", "s", "b", "d"],
      columns: [
        .double([1, .nan, 0.1]), .int([3, Column.naInt, -2]),
        .factor(codes: [0, 1, -1], levels: ["a,b", "say \"x\""]), .bool([1, 0, Column.naBool]),
        .date([12478, Column.naDate, 0]),
      ])
    let expected =
      "x,i,s,b,d\n1.0,3,\"a,b\",TRUE,2004-03-01\nNA,NA,\"say \"\"x\"\"\",FALSE,NA\n0.1,-2,NA,NA,1970-01-01\n"
    #expect(try d.csvText() == expected)
    let options = CSVWriteOptions(delimiter: "\t", dateFormat: try DateFormat("%d %b %Y"))
    #expect(try d.select(["d"]).csvText(options: options) == "d\n01 Mar 2004\nNA\n01 Jan 1970\n")
  }

  /// Found by fuzz-csv: after a blank line, a header cell holding only a byte
  /// order mark is a column name; written unquoted at the start of the file,
  /// the reader took it for the file's BOM and found no header.
  @Test func headerNameStartingWithAByteOrderMarkSurvives() throws {
    let d = try CSVReader.read(bytes: Array("\n\u{FEFF}\r\n\n".utf8), file: "bom.csv")
    #expect(d.names == ["\u{FEFF}"])
    let text = try d.csvText()
    #expect(text == "\"\u{FEFF}\"\n")
    #expect(try CSVReader.read(text: text).names == ["\u{FEFF}"])
  }

  @Test func writeFileAndReadBack() throws {
    let d = try Dataset(names: ["a", "b"], columns: [.int([1, 2]), .double([0.5, .nan])])
    let path = "/tmp/kaplan-datasets-test-\(UInt32.random(in: 0...UInt32.max)).csv"
    try d.writeCSV(path: path)
    #expect(identical(try CSVReader.read(path: path), d))
    #expect(throws: DatasetError.io("cannot open '/nonexistent/dir/x.csv' for writing: No such file or directory")) {
      try d.writeCSV(path: "/nonexistent/dir/x.csv")
    }
  }
}
