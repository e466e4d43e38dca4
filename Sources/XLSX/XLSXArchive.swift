import Foundation
import RunControl
import ZIPFoundation

/// The ZIP container of a workbook (ECMA-376 Part 2, Open Packaging
/// Conventions), read with ZIPFoundation from bytes already in memory.
///
/// A part is expanded only after its declared size has been asked of the
/// run's memory budget (`--max-memory`), and the expansion stops as soon as
/// it passes that size or `maximumPartBytes`, so a ZIP bomb (a few kilobytes
/// that inflate to gigabytes) is refused before it is expanded, whatever its
/// header claims. Cancellation (Ctrl-C, `--timeout`) is polled between
/// chunks.
final class XLSXArchive {
  /// No part of a real workbook comes near this (Excel's own limit of
  /// 1,048,576 rows of 16,384 columns is reached long before).
  static let maximumPartBytes: UInt64 = 1 << 31

  private let archive: Archive
  /// Entries by normalised path (no leading '/'), and by lowercased path,
  /// since part names are compared case-insensitively (OPC 9.1.1).
  private let entries: [String: Entry]
  private let lowercased: [String: Entry]

  init(bytes: [UInt8]) throws {
    guard bytes.count >= 22 else { throw XLSXError.notZip("the file is \(bytes.count) bytes long") }
    guard bytes[0] == 0x50, bytes[1] == 0x4B else { throw XLSXError.notZip("no ZIP signature") }
    try ZIPLayoutCheck.check(bytes)
    let archive: Archive
    do {
      archive = try Archive(data: Data(bytes), accessMode: .read)
    } catch {
      throw XLSXError.notZip("a damaged ZIP archive: \(error)")
    }
    self.archive = archive
    var entries: [String: Entry] = [:]
    var lowercased: [String: Entry] = [:]
    for entry in archive where entry.type == .file {
      let path = Self.normalise(entry.path)
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

  private func entry(_ path: String) -> Entry? {
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
    try MemoryBudget.require(Int(declared), for: "the part '\(name)' (\(declared) bytes expanded)")
    var out: [UInt8] = []
    out.reserveCapacity(Int(declared))
    do {
      _ = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: false) { chunk in
        try Cancellation.check()
        guard UInt64(out.count + chunk.count) <= declared else {
          throw XLSXError.malformed(
            part: name, message: "it expands past the \(declared) bytes its header declares")
        }
        out.append(contentsOf: chunk)
      }
    } catch let error as XLSXError {
      throw error
    } catch let error as MemoryLimitExceeded {
      throw error
    } catch let error as ComputationCancelled {
      throw error
    } catch {
      throw XLSXError.malformed(part: name, message: "cannot expand it: \(error)")
    }
    guard UInt64(out.count) == declared else {
      throw XLSXError.malformed(part: name, message: "it expands to \(out.count) bytes, not the \(declared) declared")
    }
    return out
  }
}
