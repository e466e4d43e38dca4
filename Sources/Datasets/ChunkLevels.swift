import Foundation

/// The distinct strings of one string column within one chunk of the
/// parallel CSV reader, coded 0, 1, … in order of first appearance; once
/// every chunk is parsed, `merged` gives the factor's levels (the distinct
/// values sorted by their UTF-8 bytes, as `ColumnConverter.factor`) and
/// each chunk's codes are renumbered to them.
///
/// Only ASCII text is taken: the sequential reader keys its levels by
/// `String`, under which canonically equivalent non-ASCII spellings are one
/// level, while bytes are compared here; a non-ASCII field, or more than
/// `maxLevels` distinct values in a chunk (an identifier column, better read
/// sequentially), makes the chunk give up and the file is read again by the
/// sequential reader.
struct ChunkLevels {
  /// Distinct values per chunk beyond which the chunk gives up.
  static let maxLevels = 4096
  /// Up to this many levels a lookup compares bytes with each in turn.
  static let linearLimit = 16

  /// The chunk's distinct values, in order of first appearance.
  private(set) var levels: [[UInt8]] = []
  /// Level codes by text, filled once there are more than `linearLimit` levels.
  private var index: [String: Int32] = [:]
  /// The code found last: runs of one value cost one comparison.
  private var last = -1

  @inline(__always)
  private static func equal(_ level: [UInt8], _ f: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    guard level.count == n else { return false }
    return level.withUnsafeBufferPointer { l in
      guard let base = l.baseAddress else { return true }
      return memcmp(base, f, n) == 0
    }
  }

  /// The code of the `n` bytes at `f`, adding them as a new level; nil when
  /// they are not ASCII or the chunk already holds `maxLevels` levels.
  @inline(__always)
  mutating func code(_ f: UnsafePointer<UInt8>, _ n: Int) -> Int32? {
    if last >= 0, Self.equal(levels[last], f, n) { return Int32(last) }
    let text: String?
    if levels.count <= Self.linearLimit {
      text = nil
      for k in 0..<levels.count where Self.equal(levels[k], f, n) {
        last = k
        return Int32(k)
      }
    } else {
      let key = String(decoding: UnsafeBufferPointer(start: f, count: n), as: UTF8.self)
      if let k = index[key] {
        last = Int(k)
        return k
      }
      text = key
    }
    guard levels.count < Self.maxLevels else { return nil }
    for k in 0..<n where f[k] >= 0x80 { return nil }
    let bytes = Array(UnsafeBufferPointer(start: f, count: n))
    let k = levels.count
    levels.append(bytes)
    if levels.count == Self.linearLimit + 1 {
      for (j, level) in levels.enumerated() { index[String(decoding: level, as: UTF8.self)] = Int32(j) }
    } else if let text {
      index[text] = Int32(k)
    }
    last = k
    return Int32(k)
  }

  /// The levels of a column over all chunks (`tables[i]` is chunk i's), and
  /// per chunk the new code of each of its codes.
  static func merged(_ tables: [ChunkLevels]) -> (levels: [String], remap: [[Int32]]) {
    var distinct = Set<[UInt8]>()
    for table in tables { distinct.formUnion(table.levels) }
    let sorted = distinct.sorted { $0.lexicographicallyPrecedes($1) }
    var code: [[UInt8]: Int32] = [:]
    code.reserveCapacity(sorted.count)
    for (k, level) in sorted.enumerated() { code[level] = Int32(k) }
    let remap = tables.map { table in table.levels.map { code[$0] ?? -1 } }
    return (sorted.map { String(decoding: $0, as: UTF8.self) }, remap)
  }
}
