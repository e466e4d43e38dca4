/// Checks that every entry of a ZIP archive lies inside the bytes, before
/// ZIPFoundation reads them (PKWARE APPNOTE 6.3: end of central directory
/// record, central directory file headers, local file headers).
///
/// Why: ZIPFoundation's in-memory archive traps (a range past the end of its
/// `Data`) when an offset in a damaged archive points beyond the file, which
/// `fuzz-xlsx` found. Every offset and size it will follow is checked here:
/// the central directory, each local header and each entry's data. ZIP64
/// archives are refused (an .xlsx file needs them only past 4 GB). A stored
/// entry must declare as many bytes stored as expanded, and an entry with a
/// data descriptor (flag bit 3) must have its data, as ZIPFoundation will
/// measure it, inside the file: `fuzz-bundle` found that ZIPFoundation traps
/// on a stored entry whose descriptor lies past the end (it crashed
/// `read_xlsx` too). A deflated entry's stream must end inside its data and
/// within its declared size (`ZIPDeflateCheck`): ZIPFoundation loops for ever
/// on a stream cut short.
public enum ZIPLayoutCheck {
  public static func check(_ b: [UInt8]) throws {
    func u16(_ k: Int) -> Int { Int(b[k]) | Int(b[k + 1]) << 8 }
    func u32(_ k: Int) -> Int { u16(k) | u16(k + 2) << 16 }
    func damaged(_ why: String) -> XLSXError { .notZip("a damaged ZIP archive: \(why)") }
    let n = b.count
    guard n >= 22 else { throw damaged("too short") }
    // The end of central directory record: the last signature within the
    // final 22 + 65535 bytes, as readers search for it.
    var eocd = -1
    var k = n - 22
    while k >= max(0, n - 22 - 65_535) {
      if b[k] == 0x50, b[k + 1] == 0x4B, b[k + 2] == 0x05, b[k + 3] == 0x06 {
        eocd = k
        break
      }
      k -= 1
    }
    guard eocd >= 0 else { throw damaged("no end of central directory record") }
    let count = u16(eocd + 10), size = u32(eocd + 12), offset = u32(eocd + 16)
    guard count != 0xFFFF, size != 0xFFFF_FFFF, offset != 0xFFFF_FFFF else {
      throw damaged("ZIP64 archives are not supported")
    }
    guard offset + size <= eocd else { throw damaged("the central directory lies outside the file") }
    var p = offset
    for _ in 0..<count {
      guard p + 46 <= offset + size, u32(p) == 0x0201_4B50 else { throw damaged("a bad central directory entry") }
      let flags = u16(p + 8), method = u16(p + 10)
      let compressed = u32(p + 20), uncompressed = u32(p + 24)
      let nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32)
      let local = u32(p + 42)
      guard compressed != 0xFFFF_FFFF, uncompressed != 0xFFFF_FFFF, local != 0xFFFF_FFFF else {
        throw damaged("ZIP64 archives are not supported")
      }
      guard local + 30 <= n, u32(local) == 0x0403_4B50 else { throw damaged("an entry's local header is missing") }
      // ZIPFoundation expands by the local header's method: it must be the central directory's,
      // and only stored (0) and deflated (8) entries are read (a second bundle hang had them differ).
      guard u16(local + 8) == method else {
        throw damaged("an entry's local header disagrees with its central directory entry")
      }
      guard method == 0 || method == 8 else { throw damaged("an entry uses compression method \(method)") }
      let data = local + 30 + u16(local + 26) + u16(local + 28)
      guard data + compressed <= n else { throw damaged("an entry's data lies past the end of the file") }
      if method == 0 && compressed != uncompressed {
        throw damaged("a stored entry declares \(compressed) bytes stored but \(uncompressed) expanded")
      }
      if flags & 8 != 0 && data + (method == 0 ? uncompressed : compressed) > n {
        throw damaged("an entry's data descriptor lies past the end of the file")
      }
      if method == 8 {
        let outcome = b.withUnsafeBufferPointer { all in
          let stored = UnsafeBufferPointer(rebasing: all[data..<(data + compressed)])
          return ZIPDeflateCheck.check(stored, declared: UInt64(uncompressed))
        }
        switch outcome {
        case .complete: break
        case .truncated: throw damaged("an entry's compressed data ends before its stream does")
        case .pastDeclared: throw damaged("an entry expands past the \(uncompressed) bytes it declares")
        case .damaged: throw damaged("an entry's compressed data is damaged")
        }
      }
      p += 46 + nameLength + extraLength + commentLength
    }
  }
}
