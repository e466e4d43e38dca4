import RunControl

/// An open-addressing hash table from 64-bit keys to dense ids `0..<count`,
/// numbered in order of first insertion: the one hash structure behind
/// joins, grouping and `distinct`.
///
/// Keys are the bit patterns of typed values (`RowKeys` encodes them), so a
/// lookup hashes one machine word, never a string. Linear probing in a
/// power-of-two table at most half full; the hash is MurmurHash3's 64-bit
/// finaliser (`fmix64`), which spreads consecutive integers (subject ids)
/// over the whole table. Storage is two contiguous buffers (keys and ids
/// side by side would not be faster: a probe reads one id, then its key).
final class KeyTable {
  private let slotKeys: UnsafeMutablePointer<UInt64>
  private let slotIds: UnsafeMutablePointer<Int32>
  private let mask: Int
  private let capacity: Int
  /// The distinct keys inserted so far.
  private(set) var count = 0

  /// A table for up to `expected` distinct keys; asks the memory budget first.
  init(expected: Int) throws {
    var size = 16
    while size < 2 * Swift.max(expected, 1) { size <<= 1 }
    try MemoryBudget.require(count: size, stride: 12, for: "a hash table of \(size) slots")
    capacity = size
    mask = size - 1
    slotKeys = .allocate(capacity: size)
    slotIds = .allocate(capacity: size)
    slotIds.initialize(repeating: -1, count: size)
    slotKeys.initialize(repeating: 0, count: size)
  }

  deinit {
    slotKeys.deallocate()
    slotIds.deallocate()
  }

  @inline(__always) static func hash(_ key: UInt64) -> Int {
    var h = key
    h ^= h >> 33
    h &*= 0xff51_afd7_ed55_8ccd
    h ^= h >> 33
    h &*= 0xc4ce_b9fe_1a85_ec53
    h ^= h >> 33
    return Int(truncatingIfNeeded: h)
  }

  /// The id of `key`, inserting it with the next id when new. The caller
  /// inserts at most the `expected` keys it declared (the table then stays
  /// at most half full, so a probe always ends).
  @inline(__always) func insert(_ key: UInt64) -> Int32 {
    var slot = Self.hash(key) & mask
    while true {
      let id = slotIds[slot]
      if id < 0 {
        slotKeys[slot] = key
        slotIds[slot] = Int32(truncatingIfNeeded: count)
        count += 1
        return slotIds[slot]
      }
      if slotKeys[slot] == key { return id }
      slot = (slot + 1) & mask
    }
  }

  /// The id of `key`, or -1 when it was never inserted.
  @inline(__always) func find(_ key: UInt64) -> Int32 {
    var slot = Self.hash(key) & mask
    while true {
      let id = slotIds[slot]
      if id < 0 { return -1 }
      if slotKeys[slot] == key { return id }
      slot = (slot + 1) & mask
    }
  }
}
