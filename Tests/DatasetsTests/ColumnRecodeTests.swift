import Datasets
import Testing

/// `Column.recoded` with dplyr's `recode` semantics written out by hand
/// (dplyr is not installed): matched values replaced, others kept or given
/// the default, NA kept; plus Kaplan's rules for types and level order.
@Suite struct ColumnRecodeTests {
  typealias Recoding = Column.Recoding

  static let sex = ColumnStringTests.strings(["M", "F", nil, "M", "X"])

  @Test func stringKeysKeepUnmatchedValuesAndNA() throws {
    // dplyr::recode(c("M","F",NA,"M","X"), M = "male", F = "female")
    //   -> "male" "female" NA "male" "X"
    let r = try Self.sex.recoded(Recoding(pairs: [(.string("F"), .string("female")), (.string("M"), .string("male"))],
                                          ordered: false))
    #expect(ColumnStringTests.texts(r) == ["male", "female", nil, "male", "X"])
    // A mapping given as a table has no order: levels follow the column's.
    #expect(r.levels == ["male", "female", "X"])
  }

  @Test func pairsGiveTheLevelOrder() throws {
    let r = try Self.sex.recoded(Recoding(pairs: [(.string("F"), .string("female")), (.string("M"), .string("male"))],
                                          ordered: true))
    #expect(r.levels == ["female", "male", "X"])
    #expect(ColumnStringTests.texts(r) == ["male", "female", nil, "male", "X"])
  }

  @Test func defaultReplacesEverythingUnmatchedButNotNA() throws {
    // dplyr::recode(x, M = "male", .default = "other") -> "male" "other" NA "male" "other"
    let r = try Self.sex.recoded(Recoding(pairs: [(.string("M"), .string("male"))], ordered: false),
                                 defaultValue: .string("other"))
    #expect(ColumnStringTests.texts(r) == ["male", "other", nil, "male", "other"])
    #expect(r.levels == ["male", "other"])
  }

  @Test func equalNewValuesMerge() throws {
    let r = try Self.sex.recoded(Recoding(pairs: [(.string("F"), .string("known")), (.string("M"), .string("known"))],
                                          ordered: false))
    #expect(r == .factor(codes: [0, 0, -1, 0, 1], levels: ["known", "X"]))
  }

  @Test func numberKeysAndNumberResults() throws {
    let status = Column.int([0, 1, 2, Column.naInt])
    // Ints to ints stay int; unmatched 2 is kept.
    #expect(try status.recoded(Recoding(pairs: [(.int(0), .int(10)), (.int(1), .int(11))], ordered: false))
      == .int([10, 11, 2, Column.naInt]))
    // A double among the new values makes the column double; kept ints become doubles.
    let r = try status.recoded(Recoding(pairs: [(.double(1), .double(0.5))], ordered: false))
    #expect(r.asDoubles().prefix(3) == [0, 0.5, 2])
    #expect(r.kind == .double)
    // 1.0 matches the int 1.
    #expect(try status.recoded(Recoding(pairs: [(.double(1.0), .string("one"))], ordered: false),
                               defaultValue: .string("other")).levels == ["other", "one"])
    // To strings: ascending values give the level order.
    let words = try status.recoded(
      Recoding(pairs: [(.int(2), .string("two")), (.int(0), .string("zero")), (.int(1), .string("one"))],
               ordered: false))
    #expect(words == .factor(codes: [0, 1, 2, -1], levels: ["zero", "one", "two"]))
    // Bools to strings.
    let yes = try Column.bool([1, 0]).recoded(Recoding(pairs: [(.bool(true), .string("yes"))], ordered: false),
                                              defaultValue: .string("no"))
    #expect(yes == .factor(codes: [1, 0], levels: ["no", "yes"]))
  }

  @Test func stringsToNumbersAndBools() throws {
    let r = try Self.sex.recoded(Recoding(pairs: [(.string("M"), .int(1)), (.string("F"), .int(0))], ordered: false),
                                 defaultValue: .int(9))
    #expect(r == .int([1, 0, Column.naInt, 1, 9]))
    let b = try Self.sex.recoded(Recoding(pairs: [(.string("M"), .bool(true))], ordered: false),
                                 defaultValue: .bool(false))
    #expect(b == .bool([1, 0, Column.naBool, 1, 0]))
  }

  @Test func mistakesNameTheKeyOrRow() {
    let e = { (pairs: [(old: Scalar, new: Scalar)], ordered: Bool, d: Scalar?) in
      try Self.sex.recoded(Recoding(pairs: pairs, ordered: ordered), defaultValue: d)
    }
    #expect(throws: ColumnArgumentError("map", "key 1 is a number, but the column is string")) {
      try e([(.int(1), .string("a"))], false, nil)
    }
    #expect(throws: ColumnArgumentError("map", "pair 2: old value \"M\" is given twice")) {
      try e([(.string("M"), .string("a")), (.string("M"), .string("b"))], true, nil)
    }
    #expect(throws: ColumnArgumentError(
      "map", "row 2: \"F\" has no new value and cannot be kept among int values; map it or give a default")) {
      try e([(.string("M"), .int(1))], false, nil)
    }
    #expect(throws: ColumnArgumentError(
      "default", "the default is a string \"x\", but the new value of \"M\" is a number; the new values must be of "
        + "one type")) { try e([(.string("M"), .int(1))], false, .string("x")) }
    #expect(throws: ColumnArgumentError("map", "the mapping is empty")) { try e([], false, nil) }
    #expect(throws: ColumnArgumentError(
      "map", "key \"a\" is a string, but the column is int (write number keys as [1] = ...)")) {
      try Column.int([1]).recoded(Recoding(pairs: [(.string("a"), .int(2))], ordered: false))
    }
  }

  @Test func unusedLevelsThatCannotBeKeptAreNoError() throws {
    // "X" is a level no row has: nothing is lost by not keeping it.
    let c = Column.factor(codes: [0, 1], levels: ["M", "F", "X"])
    let r = try c.recoded(Recoding(pairs: [(.string("M"), .int(1)), (.string("F"), .int(0))], ordered: false))
    #expect(r == .int([1, 0]))
  }
}
