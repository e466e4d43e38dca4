import Foundation

/// A ZIP archive written byte by byte (PKWARE APPNOTE 6.3), so the tests can
/// craft what no honest writer makes: `../` names, absolute paths, symbolic
/// links, duplicate names, headers that lie about sizes.
struct CraftedZip {
  struct Entry {
    var name: String
    var data: [UInt8]
    /// 0 stored, 8 deflate (data is then the raw deflate stream).
    var method: UInt16 = 0
    /// The expanded size the headers declare (default: data's length when stored).
    var declaredSize: UInt32?
    /// Unix mode in the external attributes (0o100644 a file, 0o120777 a link).
    var mode: UInt32 = 0o100644
    var crc: UInt32?
  }

  var entries: [Entry] = []

  func bytes() -> [UInt8] {
    var out: [UInt8] = []
    var central: [UInt8] = []
    func u16(_ v: UInt16, _ b: inout [UInt8]) { b += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    func u32(_ v: UInt32, _ b: inout [UInt8]) { u16(UInt16(v & 0xFFFF), &b); u16(UInt16(v >> 16), &b) }
    for e in entries {
      let offset = UInt32(out.count)
      let name = Array(e.name.utf8)
      let size = e.declaredSize ?? UInt32(e.data.count)
      let crc = e.crc ?? CraftedZip.crc32(e.data)
      u32(0x0403_4B50, &out); u16(20, &out); u16(0x0800, &out); u16(e.method, &out); u16(0, &out); u16(0x21, &out)
      u32(crc, &out); u32(UInt32(e.data.count), &out); u32(size, &out); u16(UInt16(name.count), &out); u16(0, &out)
      out += name
      out += e.data
      u32(0x0201_4B50, &central); u16(0x0314, &central); u16(20, &central); u16(0x0800, &central)
      u16(e.method, &central); u16(0, &central); u16(0x21, &central); u32(crc, &central)
      u32(UInt32(e.data.count), &central); u32(size, &central); u16(UInt16(name.count), &central)
      u16(0, &central); u16(0, &central); u16(0, &central); u16(0, &central); u32(e.mode << 16, &central)
      u32(offset, &central)
      central += name
    }
    let centralOffset = UInt32(out.count)
    out += central
    u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(UInt16(entries.count), &out)
    u16(UInt16(entries.count), &out); u32(UInt32(central.count), &out); u32(centralOffset, &out); u16(0, &out)
    return out
  }

  static func crc32(_ data: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }

  /// A deflate stream (RFC 1951, one block of fixed Huffman codes) that
  /// expands to 1 + 258 × `repeats` zero bytes: a literal 0, then copies of
  /// length 258 at distance 1. 13 bits give 258 bytes: a ZIP bomb.
  static func zeroBomb(repeats: Int) -> [UInt8] {
    var out: [UInt8] = []
    var bits: UInt32 = 0
    var count = 0
    func put(_ value: UInt32, _ n: Int) {  // least significant bit first
      bits |= value << count
      count += n
      while count >= 8 {
        out.append(UInt8(bits & 0xFF))
        bits >>= 8
        count -= 8
      }
    }
    func code(_ value: UInt32, _ n: Int) {  // Huffman codes go most significant bit first
      var reversed: UInt32 = 0
      for i in 0..<n where value & (1 << i) != 0 { reversed |= 1 << (n - 1 - i) }
      put(reversed, n)
    }
    put(1, 1)  // final block
    put(1, 2)  // fixed Huffman codes
    code(0x30, 8)  // literal 0
    for _ in 0..<repeats {
      code(0xC5, 8)  // length code 285: 258
      code(0, 5)  // distance code 0: 1
    }
    code(0, 7)  // end of block
    if count > 0 { out.append(UInt8(bits & 0xFF)) }
    return out
  }
}
