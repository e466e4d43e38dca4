import Testing
@testable import Datasets

/// head/tail counts follow R's head(x, n)/tail(x, n): a negative n keeps all
/// but the last (head) or first (tail) |n| rows. d:head(-5) used to give 0
/// rows silently.
struct HeadTailTests {
  let d: Dataset
  init() throws { d = try Dataset(names: ["i"], columns: [.int(Array(1...10))]) }

  func values(_ x: Dataset) -> [Int] {
    guard case .int(let v)? = x.columns.first else { return [] }
    return v
  }

  @Test func positiveCounts() {
    #expect(values(d.head(3)) == [1, 2, 3])
    #expect(values(d.tail(3)) == [8, 9, 10])
    #expect(values(d.head(0)).isEmpty && values(d.tail(0)).isEmpty)
    #expect(values(d.head(99)) == Array(1...10))
  }

  @Test func negativeCountsDropFromTheOtherEnd() {
    #expect(values(d.head(-3)) == Array(1...7))
    #expect(values(d.tail(-3)) == Array(4...10))
    #expect(values(d.head(-10)).isEmpty && values(d.tail(-99)).isEmpty)
    #expect(values(d.head(Int.min)).isEmpty && values(d.tail(Int.min)).isEmpty)
    #expect(values(d.head(Int.max)) == Array(1...10))
  }
}
