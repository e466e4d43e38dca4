import Testing
@testable import Survival

/// The radix ordering equals a stable comparison sort by (group, time),
/// including zeros, ties and key ranges too wide to pack the group.
struct RadixOrderTests {
  func reference(_ key: [Double], _ group: [Int]) -> [Int] {
    key.indices.sorted { a, b in
      (group[a], key[a], a) < (group[b], key[b], b)
    }
  }

  func check(_ key: [Double], _ group: [Int], _ groupCount: Int) {
    let flag = key.indices.map { UInt8($0 % 2) }
    let sorted = RadixOrder.order(key: key, group: group, groupCount: groupCount, flag: flag)
    let expected = reference(key, group)
    #expect(sorted.order.map { Int($0) } == expected)
    #expect(sorted.sortedKey == expected.map { key[$0] })
    #expect(sorted.sortedFlag == expected.map { flag[$0] })
    var start = [0]
    for g in 0..<groupCount { start.append(start[g] + group.filter { $0 == g }.count) }
    #expect(sorted.groupStart == start)
  }

  @Test func matchesStableSort() {
    var state: UInt64 = 42
    func next() -> UInt64 {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return state >> 11
    }
    // Rounded times with zeros and many ties, 3 groups (the group packs above the time bits).
    let n = 5000
    let key = (0..<n).map { _ in (Double(next() % 4000) / 100).rounded() }
    let group = (0..<n).map { _ in Int(next() % 3) }
    check(key, group, 3)
    // Extreme magnitudes: 63 significant bits leave no room for 4 groups, so a separate pass runs.
    let wide = (0..<n).map { i -> Double in
      switch i % 4 {
      case 0: return 0
      case 1: return 5e-324
      case 2: return 1e300
      default: return Double(next() % 1000)
      }
    }
    check(wide, (0..<n).map { _ in Int(next() % 4) }, 4)
    // One group, all times equal; and a single row.
    check([Double](repeating: 7, count: 10), [Int](repeating: 0, count: 10), 1)
    check([3], [0], 1)
  }
}
