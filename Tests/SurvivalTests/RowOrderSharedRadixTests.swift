import Testing
@_spi(Benchmark) @testable import Survival

/// The two-worker radix sort of one large block (`RowOrder.sharedRadixSort`)
/// against the one-worker sort of the same items: the same order, item for
/// item, for keys with many ties, negative and positive values, a key range
/// that leaves whole passes of one digit, and odd lengths.
struct RowOrderSharedRadixTests {
  static func items(_ keys: [Double]) -> [RowOrder.Item] {
    keys.enumerated().map { RowOrder.Item(key: RowOrder.sortableBits($1), row: $0) }
  }

  static func sortedBoth(_ keys: [Double]) -> (shared: [RowOrder.Item], one: [RowOrder.Item]) {
    var shared = items(keys), one = items(keys)
    var spareShared = shared, spareOne = one
    shared.withUnsafeMutableBufferPointer { it in
      spareShared.withUnsafeMutableBufferPointer { sp in RowOrder.sharedRadixSort(it, scratch: sp) }
    }
    one.withUnsafeMutableBufferPointer { it in
      spareOne.withUnsafeMutableBufferPointer { sp in RowOrder.sortItems(it, scratch: sp) }
    }
    return (shared, one)
  }

  @Test(arguments: [2, 3, 257, 4_097, 20_001])
  func sameOrderAsOneWorker(n: Int) {
    var state: UInt64 = UInt64(n)
    func draw() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 11
    }
    // Rounded times (ties), signed values over many binades, and keys that
    // differ only in their top bits (passes of one digit in between).
    let tied = (0..<n).map { _ in Double(draw() % 200) / 8 }
    let spread = (0..<n).map { _ in (Double(draw() % 2_000_000) - 1_000_000) * 1e-3 * Double(1 << (draw() % 20)) }
    let sparse = (0..<n).map { _ in Double(1 << (draw() % 4)) * (1 + Double(draw() % 3) * 0x1p-52) }
    for keys in [tied, spread, sparse] {
      let (shared, one) = Self.sortedBoth(keys)
      #expect(shared.map { $0.row } == one.map { $0.row })
      #expect(shared.map { $0.key } == one.map { $0.key })
    }
  }

  /// The row order of one stratum of `sharedRadixThreshold` rows (sorted
  /// by both workers, after the tasks alongside) equals the two-stratum
  /// order's first stratum, where one worker sorts each stratum: times
  /// rounded to 1/1000 (ties) in a stratum of the threshold's size, and a
  /// second stratum of one row after it.
  @Test func oneLargeStratumKeepsTheOneWorkerOrder() {
    let n = RowOrder.sharedRadixThreshold
    var state: UInt64 = 5
    let time = (0..<n).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 40) / 1_000
    }
    let shared = RowOrder.sorted(strata: nil, key: time, descending: false, rowsAs: Int32.self)
    let twoStrata = RowOrder.sorted(
      strata: [Int](repeating: 0, count: n) + [1], key: time + [0], descending: false, rowsAs: Int32.self)
    #expect(shared.blockStart == [0, n])
    #expect(Array(twoStrata.rows[0..<n]) == shared.rows)
    #expect(Array(twoStrata.keys[0..<n]) == shared.keys)
  }

  /// All keys equal: nothing moves; rows stay in entry order.
  @Test func equalKeysKeepRowOrder() {
    let (shared, one) = Self.sortedBoth([Double](repeating: 2.5, count: 1_000))
    let rows: [Int] = shared.map { $0.row }
    #expect(rows == Array(0..<1_000))
    #expect(one.map { $0.row } == rows)
  }
}
