import Testing
@testable import Datasets

/// `/` of integer columns is R's: the result is double, 1/0 is Inf, −1/0 is
/// −Inf, and 0/0 (NaN) is missing, as every NaN of a double column is in
/// Kaplan (R: is.na(NaN) is TRUE); the same as for double columns.
struct IntegerDivisionTests {
  func doubles(_ c: Column) -> [Double]? {
    guard case .double(let v) = c else { return nil }
    return v
  }

  @Test func integerByZeroIsInfinite() throws {
    // No NA among the ints: how an integer NA is stored is changing (issue 12).
    let ints = Column.int([1, -2, 0])
    let dbls = Column.double([1, -2, 0])
    for zero: Operand in [.scalar(.int(0)), .scalar(.double(0)), .column(.int([0, 0, 0]))] {
      let fromInts = try #require(doubles(try Column.apply(.divide, .column(ints), zero)))
      let fromDoubles = try #require(doubles(try Column.apply(.divide, .column(dbls), zero)))
      #expect(fromInts[0] == .infinity && fromInts[1] == -.infinity)
      #expect(fromInts[2].isNaN)
      #expect(fromDoubles[0] == .infinity && fromDoubles[1] == -.infinity)
      #expect(fromDoubles[2].isNaN)
      #expect(try Column.apply(.divide, .column(ints), zero).missingCount == 1)
    }
    // A bool column counts as 0/1.
    #expect(doubles(try Column.apply(.divide, .column(.bool([1, 0])), .scalar(.int(0))))?.first == .infinity)
  }
}
