/// One file (or directory) of a ZIP archive, as its central directory
/// describes it, with the offset of its data checked to lie in the file.
///
/// The central directory is the archive's authority (PKWARE APPNOTE 6.3,
/// 4.3.12): sizes and CRC-32 come from it, not from the local header, which
/// may hold zeros when a data descriptor (flag bit 3) follows the data.
public struct ZIPEntryRecord: Sendable, Equatable {
  public enum Kind: Sendable, Equatable { case file, directory, symlink }

  public let name: String
  /// 0 stored, 8 deflated; other methods are refused when expanded.
  public let method: Int
  public let flags: Int
  public let crc32: UInt32
  public let compressedSize: UInt64
  public let uncompressedSize: UInt64
  /// Where the entry's stored bytes start (after its local header).
  public let dataOffset: Int
  let versionMadeBy: Int
  let externalAttributes: UInt32

  public init(
    name: String, method: Int, flags: Int = 0, crc32: UInt32, compressedSize: UInt64, uncompressedSize: UInt64,
    dataOffset: Int, versionMadeBy: Int = 0, externalAttributes: UInt32 = 0
  ) {
    self.name = name
    self.method = method
    self.flags = flags
    self.crc32 = crc32
    self.compressedSize = compressedSize
    self.uncompressedSize = uncompressedSize
    self.dataOffset = dataOffset
    self.versionMadeBy = versionMadeBy
    self.externalAttributes = externalAttributes
  }

  /// A directory ends in '/'; an archive made on Unix (version-made-by's
  /// high byte 3, or 19 for macOS) carries the file mode in the high half of
  /// the external attributes, which can also say directory or symbolic link;
  /// MS-DOS archives set bit 4 for a directory.
  public var kind: Kind {
    let slash = name.hasSuffix("/")
    switch versionMadeBy >> 8 {
    case 3, 19:
      switch (externalAttributes >> 16) & 0o170000 {
      case 0o040000: return .directory
      case 0o120000: return .symlink
      case 0o100000: return .file
      default: return slash ? .directory : .file
      }
    case 0: return slash || externalAttributes & 0x10 != 0 ? .directory : .file
    default: return slash ? .directory : .file
    }
  }
}

/// Reads the central directory of a ZIP archive held in memory, checking
/// that every offset and size it gives lies inside the bytes (PKWARE
/// APPNOTE 6.3: end of central directory record, central directory file
/// headers, local file headers).
///
/// Why our own: workbooks and study bundles come from others, and
/// ZIPFoundation's reader trapped on offsets past the end (`fuzz-xlsx`) and
/// looped for ever on a deflate stream cut short or a local header whose
/// method disagreed with the central directory (`fuzz-bundle`). Entries are
/// expanded by `ZIPBoundedExpansion`; ZIPFoundation only writes archives.
/// ZIP64 archives are refused (an .xlsx file needs them only past 4 GB); a
/// local header must be there and name the central directory's method; a
/// stored entry must declare as many bytes stored as expanded; an entry's
/// data must lie inside the file. Errors are `XLSXError.notZip("a damaged
/// ZIP archive: ...")`, which callers word as their own.
public enum ZIPCentralDirectory {
  public static func read(_ b: [UInt8]) throws -> [ZIPEntryRecord] {
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
    var records: [ZIPEntryRecord] = []
    records.reserveCapacity(count)
    var p = offset
    for _ in 0..<count {
      guard p + 46 <= offset + size, u32(p) == 0x0201_4B50 else { throw damaged("a bad central directory entry") }
      let flags = u16(p + 8), method = u16(p + 10)
      let crc = UInt32(u32(p + 16)), compressed = u32(p + 20), uncompressed = u32(p + 24)
      let nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32)
      let local = u32(p + 42)
      guard compressed != 0xFFFF_FFFF, uncompressed != 0xFFFF_FFFF, local != 0xFFFF_FFFF else {
        throw damaged("ZIP64 archives are not supported")
      }
      guard p + 46 + nameLength <= offset + size else { throw damaged("a bad central directory entry") }
      let name = try entryName(b[(p + 46)..<(p + 46 + nameLength)], utf8: flags & 0x800 != 0)
      guard local + 30 <= n, u32(local) == 0x0403_4B50 else {
        throw damaged("the local header of entry '\(name)' is missing")
      }
      // A reader that follows the local header would expand by its method: it must be the central
      // directory's (a `fuzz-bundle` hang had them differ).
      guard u16(local + 8) == method else {
        throw damaged("the local header of entry '\(name)' disagrees with its central directory entry")
      }
      let data = local + 30 + u16(local + 26) + u16(local + 28)
      guard data + compressed <= n else { throw damaged("the data of entry '\(name)' lies past the end of the file") }
      if method == 0 && compressed != uncompressed {
        throw damaged("the stored entry '\(name)' declares \(compressed) bytes stored but \(uncompressed) expanded")
      }
      records.append(
        ZIPEntryRecord(
          name: name, method: method, flags: flags, crc32: crc, compressedSize: UInt64(compressed),
          uncompressedSize: UInt64(uncompressed), dataOffset: data, versionMadeBy: u16(p + 4),
          externalAttributes: UInt32(u32(p + 38))))
      p += 46 + nameLength + extraLength + commentLength
    }
    return records
  }

  /// A name is UTF-8 when flag bit 11 says so (and must then be valid),
  /// otherwise IBM code page 437, the format's original encoding (APPNOTE
  /// appendix D), of which ASCII is the lower half.
  static func entryName(_ bytes: ArraySlice<UInt8>, utf8: Bool) throws -> String {
    if utf8 || bytes.allSatisfy({ $0 < 0x80 }) {
      guard let s = String(validating: bytes, as: UTF8.self) else {
        throw XLSXError.notZip("a damaged ZIP archive: an entry's name is not valid UTF-8")
      }
      return s
    }
    var s = ""
    s.unicodeScalars.reserveCapacity(bytes.count)
    for byte in bytes {
      s.unicodeScalars.append(byte < 0x80 ? Unicode.Scalar(byte) : codePage437High[Int(byte) - 0x80])
    }
    return s
  }

  /// Code page 437's characters 0x80...0xFF.
  static let codePage437High: [Unicode.Scalar] = Array(
    ("ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀"
      + "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{00A0}").unicodeScalars)
}
