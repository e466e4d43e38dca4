@testable import Datasets
import RunControl
import Testing
import TestSupport

/// The string functions, conversions and date parts of columns against R
/// (paste, as.character, as.numeric, as.Date, format; fixtures from
/// scripts/fixtures/column_text.R, compared exactly), and the level rules
/// written out by hand.
@Suite struct ColumnStringTests {
  /// A string column from texts (nil is NA), levels in first-appearance order.
  static func strings(_ values: [String?]) -> Column {
    var levels: [String] = []
    let codes = values.map { v -> Int32 in
      guard let v else { return -1 }
      if let i = levels.firstIndex(of: v) { return Int32(i) }
      levels.append(v)
      return Int32(levels.count - 1)
    }
    return .factor(codes: codes, levels: levels)
  }

  /// The values of a string column as texts (nil for NA).
  static func texts(_ c: Column) -> [String?] {
    guard case .factor(let codes, let levels) = c else { return [] }
    return codes.map { $0 < 0 ? nil : levels[Int($0)] }
  }

  // MARK: against R

  @Test func pasteMatchesR() throws {
    let cases = ColumnTextFixture.section("paste")
    #expect(cases.count == 5)
    func column(_ values: Any?, _ type: String?) -> Column {
      switch type {
      case "character": return Self.strings(ColumnTextFixture.strings(values))
      case "integer":
        return .int(ColumnTextFixture.numbers(values).map { $0.isNaN ? Column.naInt : Int($0) })
      case "logical":
        // num() wrote TRUE/FALSE as "%.17g" text: 1 and 0.
        return .bool(ColumnTextFixture.numbers(values).map { $0.isNaN ? Column.naBool : UInt8($0) })
      default: return .double(ColumnTextFixture.numbers(values))
      }
    }
    for (n, c) in cases.enumerated() {
      let a = column(c["a"], c["a_type"] as? String), b = column(c["b"], c["b_type"] as? String)
      let result = try Column.paste([.column(a), .column(b)], sep: c["sep"] as? String ?? "")
      #expect(Self.texts(result) == ColumnTextFixture.strings(c["expected"]), "case \(n + 1)")
    }
  }

  @Test func asStringOfNumbersMatchesAsCharacter() throws {
    let c = ColumnTextFixture.cases["as_character"] as? [String: Any]
    let x = ColumnTextFixture.numbers(c?["x"])
    let expected = ColumnTextFixture.strings(c?["expected"])
    #expect(x.count == 16)
    #expect(Self.texts(try Column.double(x).asString()) == expected)
    #expect(x.map(RNumberText.asCharacter) == expected.map { $0 ?? "NA" })
  }

  @Test func asNumberMatchesAsNumeric() throws {
    let c = ColumnTextFixture.cases["as_numeric"] as? [String: Any]
    let text = ColumnTextFixture.strings(c?["text"])
    let expected = ColumnTextFixture.numbers(c?["expected"])
    #expect(text.count == 17)
    guard case .double(let got) = try Self.strings(text).asNumber() else {
      Issue.record("as_number did not give a double column")
      return
    }
    for (i, (g, e)) in zip(got, expected).enumerated() {
      #expect(g.isNaN ? e.isNaN : g.bitPattern == e.bitPattern, "\(text[i] ?? "NA"): \(g) vs R \(e)")
    }
  }

  @Test func asDateMatchesAsDate() throws {
    let cases = ColumnTextFixture.section("as_date")
    #expect(cases.count == 5)
    for c in cases {
      let format = try DateFormat(c["format"] as? String ?? "")
      let text = ColumnTextFixture.strings(c["text"])
      let expected = ColumnTextFixture.integers(c["expected"])
      // R gives NA for a text that is not a date; Kaplan's strict default is an error.
      let loose = try RunWarnings.withSink({ _ in }) { try Self.strings(text).asDate(format: format, strict: false) }
      guard case .date(let days) = loose else {
        Issue.record("as_date did not give a date column")
        continue
      }
      #expect(days.map { $0 == Column.naDate ? nil : Int($0) } == expected, "format \(format)")
      let fails = zip(text, expected).contains { $0.0 != nil && $0.1 == nil }
      if fails {
        #expect(throws: ColumnArgumentError.self) { try Self.strings(text).asDate(format: format) }
      } else {
        #expect(try Self.strings(text).asDate(format: format) == loose)
      }
    }
  }

  @Test func formattedDatesMatchFormat() throws {
    let cases = ColumnTextFixture.section("format_date")
    #expect(cases.count == 5)
    for c in cases {
      let format = try DateFormat(c["format"] as? String ?? "")
      let days = Column.date(ColumnTextFixture.integers(c["days"]).map { $0.map(Int32.init) ?? Column.naDate })
      let text = Set(Self.texts(try days.asString(dateFormat: format)).map { $0 ?? "NA" })
      #expect(text == Set(ColumnTextFixture.strings(c["expected"]).map { $0 ?? "NA" }), "format \(format)")
      // Row by row as well (the set above ignores the order).
      let rows = Self.texts(try days.asString(dateFormat: format))
      #expect(rows == ColumnTextFixture.strings(c["expected"]), "format \(format)")
    }
  }

  @Test func datePartsAndAddedDaysMatchR() throws {
    let c = ColumnTextFixture.cases["date_parts"] as? [String: Any]
    let days = Column.date(ColumnTextFixture.integers(c?["days"]).map { $0.map(Int32.init) ?? Column.naDate })
    func ints(_ key: String) -> Column {
      .int(ColumnTextFixture.integers(c?[key]).map { $0 ?? Column.naInt })
    }
    #expect(try days.datePart(.year) == ints("year"))
    #expect(try days.datePart(.month) == ints("month"))
    #expect(try days.datePart(.day) == ints("day"))
    let added = try days.addingDays(.column(ints("add")))
    #expect(added == .date(ColumnTextFixture.integers(c?["added"]).map { $0.map(Int32.init) ?? Column.naDate }))
    #expect(try days.addingDays(.scalar(.int(1))).datePart(.day).value(at: 0) == .int(1))  // 2020-02-29 + 1
  }

  // MARK: levels and rules written out (dplyr/stringr semantics by hand)

  @Test func levelFunctionsKeepLevelOrderAndMergeEqualResults() throws {
    let c = Self.strings(["b", "A", nil, "a", " b "])
    #expect(try c.uppercased() == .factor(codes: [0, 1, -1, 1, 2], levels: ["B", "A", " B "]))
    #expect(try c.lowercased() == .factor(codes: [0, 1, -1, 1, 2], levels: ["b", "a", " b "]))
    #expect(try c.trimmed() == .factor(codes: [0, 1, -1, 2, 0], levels: ["b", "A", "a"]))
    #expect(try Self.strings(["\t x\n", "y "]).trimmed(.left) == Self.strings(["x\n", "y "]))
    #expect(try Self.strings(["\t x\n", "y "]).trimmed(.right) == Self.strings(["\t x", "y"]))
  }

  @Test func textTestsArePlainAndKeepNA() throws {
    let c = Self.strings(["Lev+5FU", "Lev", nil, "Obs", "a.b"])
    #expect(try c.startsWith("Lev") == .bool([1, 1, Column.naBool, 0, 0]))
    #expect(try c.endsWith("5FU") == .bool([1, 0, Column.naBool, 0, 0]))
    #expect(try c.containsText("+") == .bool([1, 0, Column.naBool, 0, 0]))
    #expect(try c.containsText(".") == .bool([0, 0, Column.naBool, 0, 1]))  // not a pattern
    #expect(try c.containsText("") == .bool([1, 1, Column.naBool, 1, 1]))
    #expect(try Self.strings(["é", "ab", nil, ""]).stringLengths() == .int([1, 2, Column.naInt, 0]))
  }

  @Test func stringFunctionsRefuseOtherColumns() {
    let error = ColumnArgumentError("x", "a string column expected, got a double column")
    #expect(throws: error) { try Column.double([1]).uppercased() }
    #expect(throws: error) { try Column.double([1]).startsWith("a") }
    #expect(throws: ColumnArgumentError("x", "a string column expected, got an int column")) {
      try Column.int([1]).stringLengths()
    }
    #expect(throws: ColumnArgumentError("x", "a date column expected, got a string column")) {
      try Self.strings(["2020-01-01"]).datePart(.year)
    }
  }

  @Test func pasteWithConstantsNAAndSortedLevels() throws {
    let arm = Self.strings(["b", nil, "a", "b"])
    let dose = Column.int([10, 20, Column.naInt, 10])
    let p = try Column.paste([.scalar(.string("arm")), .column(arm), .column(dose), .scalar(.double(0.5))], sep: "-")
    #expect(Self.texts(p) == ["arm-b-10-0.5", "arm-NA-20-0.5", "arm-a-NA-0.5", "arm-b-10-0.5"])
    // Levels sorted, each once.
    #expect(p.levels == ["arm-NA-20-0.5", "arm-a-NA-0.5", "arm-b-10-0.5"])
    // "NA" text and NA are the same text, merged.
    #expect(try Column.paste([.column(Self.strings(["NA", nil]))], sep: "").levels == ["NA"])
    #expect(throws: DatasetError.self) { try Column.paste([.scalar(.string("a"))], sep: "") }
    #expect(throws: ColumnArgumentError("#2", "columns must have the same length: 1 rows before, 2 here")) {
      try Column.paste([.column(.int([1])), .column(.int([1, 2]))], sep: "")
    }
  }

  @Test func pasteOfManyDistinctCombinationsUsesTheDictionaryPath() throws {
    // 3000 × 3000 combinations exceed the dense table (4 × rows): the
    // dictionary path must give the same texts.
    let n = 3000
    let a = Column.int(Array(0..<n)), b = Column.int(Array((0..<n).reversed()))
    let p = try Column.paste([.column(a), .column(b)], sep: ":")
    #expect(Self.texts(p)[0] == "0:2999")
    #expect(Self.texts(p)[n - 1] == "2999:0")
    #expect(p.levels?.count == n)
  }

  @Test func asNumberStrictNamesTheFirstRowAndLooseWarnsOnce() throws {
    let c = Self.strings(["1", "x", "2", "x", "0x1A"])
    #expect(throws: ColumnArgumentError(
      "x", "row 2: \"x\" is not a number (use {strict = false} to make such values NA)")) { try c.asNumber() }
    var warnings: [String] = []
    let loose = try RunWarnings.withSink({ warnings.append($0) }) { try c.asNumber(strict: false) }
    #expect(loose.asDoubles().map { $0.isNaN ? -1 : $0 } == [1, -1, 2, -1, -1])
    #expect(warnings == ["as_number: 3 values became NA (the first: row 2, \"x\", is not a number)"])
    // Unused levels that are not numbers are no failure.
    #expect(try Column.factor(codes: [0], levels: ["3", "junk"]).asNumber() == .double([3]))
    #expect(try Column.bool([1, 0, Column.naBool]).asNumber().asDoubles().prefix(2) == [1, 0])
  }

  @Test func asDateStrictNamesTheFirstRow() {
    #expect(throws: ColumnArgumentError(
      "x", "row 2: \"2021-02-29\" is not a date in format %Y-%m-%d (use {strict = false} to make such values NA)")) {
      try Self.strings(["2020-02-29", "2021-02-29"]).asDate()
    }
    #expect(throws: ColumnArgumentError.self) { try Column.double([0.5]).asDate() }
    #expect(throws: ColumnArgumentError.self) { try Column.bool([1]).asDate() }
  }

  @Test func asStringLevelsFollowTheValues() throws {
    #expect(try Column.double([10, 2, .nan, -0.0, 0]).asString()
      == .factor(codes: [2, 1, -1, 0, 0], levels: ["0", "2", "10"]))
    #expect(try Column.int([10, 2]).asString() == .factor(codes: [1, 0], levels: ["2", "10"]))
    // Distinct doubles written alike (15 digits) are one level.
    #expect(try Column.double([1e15 + 0.125, 1e15, 2]).asString()
      == .factor(codes: [1, 1, 0], levels: ["2", "1e+15"]))
    #expect(try Column.bool([1, Column.naBool]).asString() == .factor(codes: [1, -1], levels: ["FALSE", "TRUE"]))
    #expect(throws: ColumnArgumentError.self) { try Column.int([1]).asString(dateFormat: .iso) }
  }

  @Test func addDaysErrorsNameTheRow() throws {
    let d = Column.date([0, 1])
    #expect(throws: ColumnArgumentError("days", "row 2: a date moves by whole days, got 0.5")) {
      try d.addingDays(.column(.double([1, 0.5])))
    }
    #expect(throws: ColumnArgumentError.self) { try Column.date([Int32.max - 1]).addingDays(.scalar(.int(5))) }
    #expect(try d.addingDays(.scalar(.missing)) == .date([Column.naDate, Column.naDate]))
  }
}

/// R's `as.character` of doubles has a fast path (the shortest round-trip
/// digits when there are at most 15) beside the reference (C's "%.14e"):
/// they must agree on every value.
@Suite struct RNumberTextTests {
  @Test func theFastPathAgreesWithSnprintf() {
    var rng = SplitMix64(seed: 15)
    var values: [Double] = [0.1, 0.3, 1e5, 123456, 1e15, 1e16, 2e15, 999999999999999, 1e-300, 5e-324, 1.5, 13.436424,
                            0.000123, 1e22, 1e21, 123456789012345, 1234567890123456]
    for _ in 0..<200_000 {
      let bits = rng.next()
      switch bits % 4 {
      case 0: values.append(Double(bitPattern: rng.next()))  // any double
      case 1: values.append(Double(Int64(bitPattern: rng.next()) >> 20) / 1e6)  // "%.6f"-like data
      case 2: values.append(Double(rng.next() % 100_000) / Double(1 + rng.next() % 1000))  // ratios
      default: values.append(Double(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 60)))  // whole numbers
      }
    }
    var mismatches: [String] = []
    for x in values where x.isFinite {
      let fast = RNumberText.asCharacter(x), reference = RNumberText.asCharacterBySnprintf(x)
      if fast != reference, mismatches.count < 10 { mismatches.append("\(x): \(fast) vs \(reference)") }
    }
    #expect(mismatches.isEmpty, "\(mismatches)")
  }
}
