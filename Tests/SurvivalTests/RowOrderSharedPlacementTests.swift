import Testing
@_spi(Benchmark) @testable import Survival

/// The placement of the sort's items by one and by two workers
/// (`RowOrder.countingPlace`, `RowOrder.placeInRowOrder`) against the
/// placement worked out row by row: strata in ascending value, rows
/// ascending within a stratum (worker 0's half first, then worker 1's), the
/// stratum offsets, and each item's key.
struct RowOrderSharedPlacementTests {
  static func draws(_ count: Int, seed: UInt64) -> [UInt64] {
    var state = seed
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 11
    }
  }

  /// The expected placement: for each stratum value ascending, its rows in order.
  static func expected(_ strata: [Int]) -> (rows: [Int], start: [Int]) {
    var rows: [Int] = [], start = [0]
    for value in Set(strata).sorted() {
      rows += strata.indices.filter { strata[$0] == value }
      start.append(rows.count)
    }
    return (rows, start)
  }

  static func placed(
    _ strata: [Int], keys: [Double], descending: Bool, workers: Int
  ) -> (items: [RowOrder.Item], start: [Int]) {
    let low = strata.min() ?? 0, span = (strata.max() ?? 0) - low
    var items = [RowOrder.Item](repeating: RowOrder.Item(key: 0, row: -1), count: keys.count)
    let start = items.withUnsafeMutableBufferPointer { out in
      strata.withUnsafeBufferPointer { s in
        keys.withUnsafeBufferPointer { k in
          RowOrder.countingPlace(
            strata: s, low: low, span: span, keys: k, descending: descending, into: out, workers: workers)
        }
      }
    }
    return (items, start)
  }

  /// Odd and tiny lengths (a half of no rows), negative stratum values,
  /// values absent from the range, a stratum found in only one half.
  @Test(arguments: [1, 2, 3, 17, 1_001, 40_000])
  func groupsByStratumKeepingRowOrder(n: Int) {
    let draw = Self.draws(2 * n, seed: UInt64(n))
    // Values −3, 0, 5 (never 1...4); the last row alone has 9.
    var strata = (0..<n).map { [-3, 0, 5][Int(draw[$0] % 3)] }
    strata[n - 1] = 9
    let keys = (0..<n).map { Double(draw[n + $0] % 1_000) / 8 - 60 }
    for descending in [false, true] {
      for workers in [1, 2] {
        let (items, start) = Self.placed(strata, keys: keys, descending: descending, workers: workers)
        let want = Self.expected(strata)
        #expect(items.map { $0.row } == want.rows)
        #expect(start == want.start)
        for item in items {
          let bits = RowOrder.sortableBits(keys[item.row])
          #expect(item.key == (descending ? ~bits : bits))
        }
      }
    }
  }

  /// Through `RowOrder.sorted` from the threshold: the order by stratum,
  /// then time, then row, equals the order worked out by a comparison
  /// sort; and the strata of a wide range (placed by one worker) give the
  /// same order as their ranks.
  @Test func sortedFromTheThresholdMatchesAComparisonSort() {
    let n = RowOrder.sharedPlacementThreshold + 3
    let draw = Self.draws(2 * n, seed: 11)
    let strata = (0..<n).map { Int(draw[$0] % 4) * 2 }
    let time = (0..<n).map { Double(draw[n + $0] % 5_000) / 100 }
    let result = RowOrder.sorted(strata: strata, key: time, descending: false, rowsAs: Int32.self)
    let want = (0..<n).sorted { (a: Int, b: Int) -> Bool in
      if strata[a] != strata[b] { return strata[a] < strata[b] }
      if time[a] != time[b] { return time[a] < time[b] }
      return a < b
    }
    #expect(result.rows.map { Int($0) } == want)
    #expect(result.blockStart == Self.expected(strata).start)
    // The same strata spread beyond the two-worker table (one worker).
    let wide = strata.map { $0 * RowOrder.sharedPlacementSpan }
    let wideResult = RowOrder.sorted(strata: wide, key: time, descending: false, rowsAs: Int32.self)
    #expect(wideResult.rows == result.rows)
    #expect(wideResult.blockStart == result.blockStart)
  }

  /// Without strata: item i at slot i (both halves with two workers).
  @Test(arguments: [1, 2])
  func withoutStrataEveryRowInPlace(workers: Int) {
    let n = 1_001
    let keys = (0..<n).map { Double($0 % 7) - 3 }
    var items = [RowOrder.Item](repeating: RowOrder.Item(key: 0, row: -1), count: n)
    items.withUnsafeMutableBufferPointer { out in
      keys.withUnsafeBufferPointer {
        RowOrder.placeInRowOrder(keys: $0, descending: true, into: out, workers: workers)
      }
    }
    #expect(items.map { $0.row } == Array(0..<n))
    #expect(items.map { $0.key } == keys.map { ~RowOrder.sortableBits($0) })
  }
}
