import Datasets
import RunControl
import Testing

/// A small trial table used across the operation tests.
func trial() throws -> Dataset {
  try Dataset(
    names: ["id", "arm", "age", "days", "event", "start"],
    columns: [
      .int([1, 2, 3, 4, 5]),
      .factor(codes: [1, 0, 1, -1, 0], levels: ["control", "drug"]),
      .double([70, 54.5, .nan, 61, 54.5]),
      .int([300, 120, 45, Column.naInt, 800]),
      .bool([1, 0, 1, Column.naBool, 0]),
      .date([12478, 12500, Column.naDate, 12000, 12478]),
    ])
}

@Suite("Dataset operations")
struct OperationsTests {
  @Test func selectDropRename() throws {
    let d = try trial()
    #expect(try d.select(["age", "id"]).names == ["age", "id"])
    #expect(try d.drop(["arm", "start"]).names == ["id", "age", "days", "event"])
    #expect(try d.renamed("days", to: "os_days").names[3] == "os_days")
    #expect(throws: DatasetError.invalid("no column 'sex' (columns: id, arm, age, days, event, start)")) {
      try d.select(["sex"])
    }
    #expect(throws: DatasetError.invalid("a column 'id' already exists")) { try d.renamed("age", to: "id") }
  }

  @Test func filterDropsFalseAndMissing() throws {
    let d = try trial()
    let old = try Column.apply(.greaterEqual, .column(d["age"]!), .scalar(.int(60)))
    #expect(old == .bool([1, 0, Column.naBool, 1, 0]))
    let f = try d.filter(old)
    #expect(f["id"] == .int([1, 4]))
    #expect(try d.rows([4, 0, 0])["id"] == .int([5, 1, 1]))
    #expect(throws: DatasetError.invalid("row index 5 outside 0..<5")) { try d.rows([5]) }
    #expect(throws: DatasetError.invalid("filter needs a bool column, got int")) { try d.filter(.int([1, 1, 1, 1, 1])) }
  }

  @Test func headTail() throws {
    let d = try trial()
    #expect(d.head(2)["id"] == .int([1, 2]))
    #expect(d.tail(2)["id"] == .int([4, 5]))
    #expect(d.head(10).rowCount == 5)
    #expect(d.tail(0).rowCount == 0)
  }

  @Test func sortIsStableWithMissingLast() throws {
    let d = try trial()
    #expect(try d.sorted(by: ["age"])["id"] == .int([2, 5, 4, 1, 3]))
    #expect(try d.sorted(by: ["-age"])["id"] == .int([1, 4, 2, 5, 3]))
    // Factor by level order, NA last; ties keep row order; then descending days.
    #expect(try d.sorted(by: ["arm", "-days"])["id"] == .int([5, 2, 1, 3, 4]))
    #expect(try d.sorted(by: ["start", "id"])["id"] == .int([4, 1, 5, 2, 3]))
  }

  @Test func splitInLevelOrder() throws {
    let parts = try trial().split(by: "arm")
    #expect(parts.map(\.label) == ["control", "drug"])
    #expect(parts[0].dataset["id"] == .int([2, 5]))
    #expect(parts[1].dataset["id"] == .int([1, 3]))
    let byEvent = try trial().split(by: "event")
    #expect(byEvent.map(\.label) == ["FALSE", "TRUE"])
  }

  @Test func crossTabCounts() throws {
    let t = try trial().count(by: ["arm", "event"])
    #expect(t.names == ["arm", "event", "n"])
    #expect(t["arm"] == .factor(codes: [0, 0, 1, 1], levels: ["control", "drug"]))
    // Keys keep their type (a bool key is bool, as group_by's), every level combination a row.
    #expect(t["event"] == .bool([0, 1, 0, 1]))
    #expect(t["n"] == .int([2, 0, 0, 2]))
  }

  @Test func withAddsAndReplaces() throws {
    let d = try trial()
    let months = try d["days"]! / DateUnits.daysPerMonth
    let e = try d.with([("months", months), ("id", .int([9, 8, 7, 6, 5]))])
    #expect(e.names == d.names + ["months"])
    #expect(e["id"] == .int([9, 8, 7, 6, 5]))
    #expect(doubles(e["months"])[0] == 300 / 30.4375)
    #expect(throws: DatasetError.invalid("column 'x' has 2 rows, the dataset 5")) { try d.with("x", .int([1, 2])) }
    #expect(d["id"] == .int([1, 2, 3, 4, 5]))  // unchanged
  }

  @Test func relevelAndSetLevels() throws {
    let d = try trial()
    let r = try d.relevel("arm", reference: "drug")
    #expect(r["arm"] == .factor(codes: [0, 1, 0, -1, 1], levels: ["drug", "control"]))
    let s = try d.settingLevels("arm", ["drug", "placebo", "control"])
    #expect(s["arm"] == .factor(codes: [0, 2, 0, -1, 2], levels: ["drug", "placebo", "control"]))
    #expect(throws: DatasetError.invalid("level 'drug' is in use but missing from the new levels")) {
      try d.settingLevels("arm", ["control"])
    }
    #expect(throws: DatasetError.invalid("'x' is not a level (levels: control, drug)")) {
      try d.relevel("arm", reference: "x")
    }
  }

  @Test func describeSummaries() throws {
    let s = try trial().describe()
    #expect(s.map(\.missing) == [0, 1, 1, 1, 1, 1])
    #expect(s[2].min == .double(54.5))
    #expect(s[2].max == .double(70))
    #expect(s[2].median == 57.75)
    #expect(s[1].levelCounts == [LevelCount(level: "control", count: 2), LevelCount(level: "drug", count: 2)])
    #expect(s[5].min == .date(12000))
    let text = try trial().describeText()
    #expect(text.contains("arm <string> missing 1: control 2, drug 2"))
    #expect(text.contains("start <date> missing 1: min 2002-11-09, median 2004-03-01, max 2004-03-23"))
  }
}

@Suite("Column arithmetic, comparison, logic and summaries")
struct ColumnArithmeticTests {
  let ints = Column.int([1, Column.naInt, 3, Int.max])
  let reals = Column.double([0.5, 2, .nan, 1])

  @Test func arithmeticPromotesAndPropagatesNA() throws {
    // Int.max + 1 overflows: the result is double (with a warning), not NA.
    #expect(identical(
      try RunWarnings.withSink({ _ in }) { try Column.apply(.add, .column(ints), .scalar(.int(1))) },
      .double([2, .nan, 4, 0x1p63])))
    #expect(try Column.apply(.add, .column(.int([1, Column.naInt])), .scalar(.int(1))) == .int([2, Column.naInt]))
    #expect(identical(try ints + reals, .double([1.5, .nan, .nan, Double(Int.max) + 1])))
    #expect(identical(try Column.apply(.divide, .column(.int([1, 3])), .scalar(.int(2))), .double([0.5, 1.5])))
    #expect(identical(try Column.apply(.subtract, .scalar(.double(1)), .column(reals)), .double([0.5, -1, .nan, 0])))
    #expect(
      try Column.apply(.multiply, .column(.bool([1, 0, Column.naBool])), .scalar(.int(5)))
        == .int([5, 0, Column.naInt]))
    #expect(throws: DatasetError.invalid("'+' is not defined for string and int")) {
      try Column.apply(.add, .column(.factor(codes: [0], levels: ["a"])), .scalar(.int(1)))
    }
    #expect(throws: DatasetError.invalid("'+': columns have different lengths (4 and 2)")) {
      try ints + .int([1, 2])
    }
  }

  @Test func comparisons() throws {
    #expect(try Column.apply(.lessEqual, .column(ints), .scalar(.double(3))) == .bool([1, Column.naBool, 1, 0]))
    #expect(
      try Column.apply(.notEqual, .column(reals), .column(.double([0.5, 1, 1, 1])))
        == .bool([0, 1, Column.naBool, 0]))
    let arm = Column.factor(codes: [0, 1, -1], levels: ["A", "B"])
    #expect(try Column.apply(.equal, .column(arm), .scalar(.string("B"))) == .bool([0, 1, Column.naBool]))
    #expect(try Column.apply(.equal, .column(arm), .scalar(.string("C"))) == .bool([0, 0, Column.naBool]))
    #expect(throws: DatasetError.invalid("'<' is not defined for strings (only == and ~=)")) {
      try Column.apply(.less, .column(arm), .scalar(.string("B")))
    }
  }

  @Test func kleeneLogic() throws {
    let a = Column.bool([1, 1, 0, Column.naBool, Column.naBool])
    let b = Column.bool([1, Column.naBool, Column.naBool, 0, 1])
    #expect(try Column.apply(.and, .column(a), .column(b)) == .bool([1, Column.naBool, 0, 0, Column.naBool]))
    #expect(try Column.apply(.or, .column(a), .column(b)) == .bool([1, 1, Column.naBool, Column.naBool, 1]))
    #expect(try a.not() == .bool([0, 0, 1, Column.naBool, Column.naBool]))
  }

  @Test func dateArithmetic() throws {
    let start = Column.date([12478, 12000, Column.naDate])
    let end = Column.date([12500, 12365, 12000])
    #expect(try end - start == .int([22, 365, Column.naInt]))
    #expect(try Column.apply(.add, .column(start), .scalar(.int(30))) == .date([12508, 12030, Column.naDate]))
    #expect(try Column.apply(.add, .scalar(.double(1)), .column(start)) == .date([12479, 12001, Column.naDate]))
    #expect(
      try Column.apply(.greater, .column(start), .scalar(.string("2003-01-01"))) == .bool([1, 0, Column.naBool]))
    #expect(
      identical(try Column.monthsBetween(.column(start), .column(end)), .double([22 / 30.4375, 365 / 30.4375, .nan])))
    #expect(
      identical(try Column.yearsBetween(.column(start), .column(end)), .double([22 / 365.25, 365 / 365.25, .nan])))
    #expect(throws: DatasetError.invalid("'+': a date moves by whole days, got 0.5")) {
      try Column.apply(.add, .column(start), .scalar(.double(0.5)))
    }
    #expect(throws: DatasetError.invalid("'*' is not defined for date and int")) {
      try Column.apply(.multiply, .column(start), .scalar(.int(2)))
    }
  }

  @Test func summariesMatchR() throws {
    // R: x <- c(3, 1, NA, 4, 1, 5, 9, 2, 6); quantile(x, c(.1, .25, .9), na.rm=TRUE)
    //    10%: 1.0  25%: 1.75  90%: 6.9; median 3.5; mean 3.875; sum 31
    let x = Column.double([3, 1, .nan, 4, 1, 5, 9, 2, 6])
    #expect(try x.quantile(0.1) == 1.0)
    #expect(try x.quantile(0.25) == 1.75)
    #expect(try x.quantile(0.9) == 6.8999999999999995)
    #expect(try x.median() == 3.5)
    #expect(try x.mean() == 3.875)
    #expect(try x.sum() == 31)
    #expect(try x.min() == .double(1))
    #expect(try x.max() == .double(9))
    #expect(x.missingCount == 1)
    #expect(try Column.int([4, Column.naInt, 2]).max() == .int(4))
    #expect(try Column.double([.nan]).mean() == nil)
    let arm = Column.factor(codes: [1, 1, -1, 0], levels: ["A", "B", "C"])
    #expect(arm.levels == ["A", "B", "C"])
    #expect(arm.valueCounts().map(\.count) == [1, 2, 0])
    #expect(throws: DatasetError.invalid("mean is not defined for a string column")) { try arm.mean() }
  }

  @Test func columnsFromScalars() throws {
    #expect(identical(try Column(values: [.int(1), .missing, .double(2.5)]), .double([1, .nan, 2.5])))
    #expect(
      try Column(values: [.string("b"), .missing, .string("a")]) == .factor(codes: [1, -1, 0], levels: ["a", "b"]))
    #expect(throws: DatasetError.invalid("value 2 is string, but earlier values are int")) {
      try Column(values: [.int(1), .string("x")])
    }
    #expect(ints.value(at: 1) == .missing)
    #expect(ints.value(at: 2) == .int(3))
  }
}

