import Foundation
import RunControl
import Testing
import TestSupport

@testable import XLSX
import ZIPFoundation

/// Our own ZIP reader (`ZIPCentralDirectory`, `ZIPBoundedExpansion`), which
/// replaced ZIPFoundation's for reading (issues 17 and 19): every way an
/// entry can be damaged is a `Failure` at once, never a hang or a trap, and
/// `read_xlsx` names the file and the part.
@Suite struct ZIPReaderTests {
  static let text = String(repeating: "<row r=\"1\"><c><v>12.5</v></c></row>", count: 400)

  /// An archive made by ZIPFoundation (the writer we keep): one deflated and one stored entry.
  func archive() throws -> [UInt8] {
    let archive = try Archive(data: Data(), accessMode: .create)
    for (name, method) in [("deflated.xml", CompressionMethod.deflate), ("stored.txt", .none)] {
      let data = Data(Self.text.utf8)
      try archive.addEntry(
        with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: method
      ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
    }
    return Array(try #require(archive.data))
  }

  func records(_ bytes: [UInt8]) throws -> [String: ZIPEntryRecord] {
    Dictionary(uniqueKeysWithValues: try ZIPCentralDirectory.read(bytes).map { ($0.name, $0) })
  }

  /// The record with some fields replaced.
  func edited(
    _ r: ZIPEntryRecord, method: Int? = nil, flags: Int? = nil, crc: UInt32? = nil, compressed: UInt64? = nil,
    uncompressed: UInt64? = nil
  ) -> ZIPEntryRecord {
    ZIPEntryRecord(
      name: r.name, method: method ?? r.method, flags: flags ?? r.flags, crc32: crc ?? r.crc32,
      compressedSize: compressed ?? r.compressedSize, uncompressedSize: uncompressed ?? r.uncompressedSize,
      dataOffset: r.dataOffset)
  }

  func failure(_ r: ZIPEntryRecord, _ bytes: [UInt8]) -> ZIPBoundedExpansion.Failure? {
    do {
      _ = try ZIPBoundedExpansion.expand(r, in: bytes, what: "test")
      return nil
    } catch let f as ZIPBoundedExpansion.Failure {
      return f
    } catch {
      Issue.record("unexpected \(error)")
      return nil
    }
  }

  @Test func bothMethodsExpand() throws {
    let bytes = try archive()
    let all = try records(bytes)
    #expect(all["deflated.xml"]?.method == 8)
    #expect(all["stored.txt"]?.method == 0)
    for name in ["deflated.xml", "stored.txt"] {
      let r = try #require(all[name])
      #expect(r.kind == .file)
      #expect(try ZIPBoundedExpansion.expand(r, in: bytes, what: name) == Array(Self.text.utf8))
    }
  }

  @Test func aTruncatedStreamIsRefused() throws {
    let bytes = try archive()
    let r = try #require(try records(bytes)["deflated.xml"])
    for stored in [0, 1, r.compressedSize / 2, r.compressedSize - 1] {
      let f = failure(edited(r, compressed: stored), bytes)
      #expect(f == .truncated(stored: stored), "\(stored)")
    }
    #expect(failure(edited(r, compressed: 3), bytes)?.reason.contains("deflate stream cut short") == true)
  }

  @Test func aCRCMismatchIsRefused() throws {
    let bytes = try archive()
    for name in ["deflated.xml", "stored.txt"] {
      let r = try #require(try records(bytes)[name])
      let f = failure(edited(r, crc: r.crc32 ^ 1), bytes)
      #expect(f == .crcMismatch(declared: r.crc32 ^ 1, actual: r.crc32), "\(name)")
      #expect(f?.reason.hasPrefix("fails its CRC-32 check (declared 0x") == true, "\(String(describing: f))")
    }
  }

  @Test func aStoredEntryWhoseSizesDisagreeIsRefused() throws {
    let bytes = try archive()
    let r = try #require(try records(bytes)["stored.txt"])
    #expect(failure(edited(r, compressed: r.compressedSize - 5), bytes)
      == .storedSizeMismatch(stored: r.compressedSize - 5, declared: r.uncompressedSize))
    #expect(failure(edited(r, uncompressed: r.uncompressedSize + 5), bytes)
      == .storedSizeMismatch(stored: r.compressedSize, declared: r.uncompressedSize + 5))
  }

  /// The output buffer holds the declared size plus one byte: an entry that
  /// expands further stops there (a ZIP bomb costs no more than it declares).
  @Test func anEntryThatExpandsPastItsBoundIsRefused() throws {
    let bytes = try archive()
    let r = try #require(try records(bytes)["deflated.xml"])
    for declared: UInt64 in [0, 1, 100, r.uncompressedSize - 1] {
      #expect(failure(edited(r, uncompressed: declared), bytes) == .pastDeclared(declared: declared))
    }
    #expect(failure(edited(r, uncompressed: r.uncompressedSize + 7), bytes)
      == .short(actual: Int(r.uncompressedSize), declared: r.uncompressedSize + 7))
    // The memory bound: the declared size is asked of the budget before anything is expanded.
    #expect(throws: MemoryLimitExceeded.self) {
      try MemoryBudget.withAccount(FixedMemoryAccount(1000)) {
        try ZIPBoundedExpansion.expand(r, in: bytes, what: "the entry 'deflated.xml'")
      }
    }
  }

  @Test func aBadMethodOrEncryptionIsRefused() throws {
    let bytes = try archive()
    let r = try #require(try records(bytes)["deflated.xml"])
    for method in [1, 9, 12, 14, 99] {
      #expect(failure(edited(r, method: method), bytes) == .unsupportedMethod(method))
    }
    #expect(failure(edited(r, flags: 1), bytes) == .encrypted)
    // Deflated bytes read as stored give the wrong sizes; stored bytes read as deflated are damaged data.
    let stored = try #require(try records(bytes)["stored.txt"])
    let f = failure(edited(stored, method: 8), bytes)
    #expect(f != nil)
  }

  @Test func dataOutsideTheFileIsRefused() throws {
    let bytes = try archive()
    let r = try #require(try records(bytes)["deflated.xml"])
    let moved = ZIPEntryRecord(
      name: r.name, method: 8, crc32: r.crc32, compressedSize: r.compressedSize,
      uncompressedSize: r.uncompressedSize, dataOffset: bytes.count - 2)
    #expect(failure(moved, bytes) == .truncated(stored: r.compressedSize))
  }

  /// Through `read_xlsx`'s reader: an error names the file and the part.
  @Test func readXLSXNamesTheFileAndThePart() throws {
    let parts = [
      ("xl/workbook.xml", "<workbook><sheets><sheet name=\"S\" r:id=\"r1\"/></sheets></workbook>"),
      ("xl/_rels/workbook.xml.rels",
       "<Relationships><Relationship Id=\"r1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
         + "</Relationships>"),
      ("xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>"),
    ]
    let archive = try Archive(data: Data(), accessMode: .create)
    for (name, text) in parts {
      let data = Data(text.utf8)
      try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate)
      { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
    }
    var bytes = Array(try #require(archive.data))
    #expect((try? XLSXReader.read(bytes: bytes, file: "w.xlsx", options: XLSXOptions())) != nil)
    // Flip the sheet's CRC-32 in its central directory entry.
    let name = Array("xl/worksheets/sheet1.xml".utf8)
    let cd = try #require(centralEntry(named: name, in: bytes))
    bytes[cd + 16] ^= 0xFF
    do {
      _ = try XLSXReader.read(bytes: bytes, file: "w.xlsx", options: XLSXOptions())
      Issue.record("read")
    } catch {
      #expect("\(error)".hasPrefix("w.xlsx: malformed part 'xl/worksheets/sheet1.xml': the entry fails its CRC-32"),
        "\(error)")
    }
  }

  /// The offset of the central directory entry of `name`.
  func centralEntry(named name: [UInt8], in bytes: [UInt8]) -> Int? {
    let signature: [UInt8] = [0x50, 0x4B, 1, 2]
    for k in 0..<(bytes.count - 46 - name.count) {
      let head = Array(bytes[k..<(k + 4)])
      let stored = Array(bytes[(k + 46)..<(k + 46 + name.count)])
      if head == signature && stored == name { return k }
    }
    return nil
  }

  @Test func namesAndKinds() throws {
    #expect(ZIPCentralDirectory.codePage437High.count == 128)
    #expect(try ZIPCentralDirectory.entryName([0x61, 0x82, 0xE1], utf8: false) == "aéß")
    #expect(try ZIPCentralDirectory.entryName(Array("é".utf8)[...], utf8: true) == "é")
    #expect(throws: XLSXError.self) { try ZIPCentralDirectory.entryName([0xFF, 0xFE], utf8: true) }
    func kind(_ name: String, madeBy: Int, attributes: UInt32) -> ZIPEntryRecord.Kind {
      ZIPEntryRecord(
        name: name, method: 0, crc32: 0, compressedSize: 0, uncompressedSize: 0, dataOffset: 0,
        versionMadeBy: madeBy, externalAttributes: attributes
      ).kind
    }
    #expect(kind("a/", madeBy: 0x314, attributes: 0o040755 << 16) == .directory)
    #expect(kind("a", madeBy: 0x314, attributes: 0o120777 << 16) == .symlink)
    #expect(kind("a/", madeBy: 0x314, attributes: 0o100644 << 16) == .file)
    #expect(kind("a/", madeBy: 0x314, attributes: 0) == .directory)
    #expect(kind("a", madeBy: 0x014, attributes: 0x10) == .directory)
    #expect(kind("a", madeBy: 0x014, attributes: 0o120777 << 16) == .file)
    #expect(kind("a/", madeBy: 0xA14, attributes: 0) == .directory)
  }
}
