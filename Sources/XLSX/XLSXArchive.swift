import RunControl

/// The ZIP container of a workbook (ECMA-376 Part 2, Open Packaging
/// Conventions), read from bytes already in memory by our own reader: the
/// central directory by `ZIPCentralDirectory`, each part by
/// `ZIPBoundedExpansion` (its declared size asked of the run's memory budget
/// first, the expansion stopped as soon as it passes that size, its CRC-32
/// checked, cancellation polled between chunks). No part may declare more
/// than `maximumPartBytes`.
final class XLSXArchive {
  /// No part of a real workbook comes near this (Excel's own limit of
  /// 1,048,576 rows of 16,384 columns is reached long before).
  static let maximumPartBytes: UInt64 = 1 << 31

  private let bytes: [UInt8]
  /// Entries by normalised path (no leading '/'), and by lowercased path,
  /// since part names are compared case-insensitively (OPC 9.1.1).
  private let entries: [String: ZIPEntryRecord]
  private let lowercased: [String: ZIPEntryRecord]

  init(bytes: [UInt8]) throws {
    guard bytes.count >= 22 else { throw XLSXError.notZip("the file is \(bytes.count) bytes long") }
    guard bytes[0] == 0x50, bytes[1] == 0x4B else { throw XLSXError.notZip("no ZIP signature") }
    let records = try ZIPCentralDirectory.read(bytes)
    self.bytes = bytes
    var entries: [String: ZIPEntryRecord] = [:]
    var lowercased: [String: ZIPEntryRecord] = [:]
    for entry in records where entry.kind == .file {
      let path = Self.normalise(entry.name)
      entries[path] = entry
      lowercased[path.lowercased()] = entry
    }
    self.entries = entries
    self.lowercased = lowercased
  }

  static func normalise(_ path: String) -> String {
    var parts: [Substring] = []
    for piece in path.split(separator: "/", omittingEmptySubsequences: true) {
      if piece == "." { continue }
      if piece == ".." {
        if !parts.isEmpty { parts.removeLast() }
        continue
      }
      parts.append(piece)
    }
    return parts.joined(separator: "/")
  }

  func contains(_ path: String) -> Bool { entry(path) != nil }

  private func entry(_ path: String) -> ZIPEntryRecord? {
    let p = Self.normalise(path)
    return entries[p] ?? lowercased[p.lowercased()]
  }

  /// The expanded bytes of part `path`; `XLSXError.missingPart` when absent.
  func part(_ path: String) throws -> [UInt8] {
    guard let bytes = try optionalPart(path) else { throw XLSXError.missingPart(Self.normalise(path)) }
    return bytes
  }

  func optionalPart(_ path: String) throws -> [UInt8]? {
    guard let entry = entry(path) else { return nil }
    let name = Self.normalise(path)
    let declared = entry.uncompressedSize
    guard declared <= Self.maximumPartBytes else {
      throw XLSXError.tooLarge(part: name, bytes: declared, limit: Self.maximumPartBytes)
    }
    do {
      return try ZIPBoundedExpansion.expand(entry, in: bytes, what: "the part '\(name)' (\(declared) bytes expanded)")
    } catch let failure as ZIPBoundedExpansion.Failure {
      throw XLSXError.malformed(part: name, message: "the entry \(failure.reason)")
    }
  }
}
