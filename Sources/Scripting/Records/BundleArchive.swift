import Datasets
import Foundation
import XLSX
import ZIPFoundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The ZIP archive of a study bundle (`kaplan bundle`, issue 19), read by
/// our own reader (`ZIPCentralDirectory` and `ZIPBoundedExpansion`, in the
/// XLSX module: ZIPFoundation's looped for ever on damaged entries that
/// `fuzz-bundle` made) and written with ZIPFoundation.
///
/// A bundle comes from someone else, so it is read as hostile input: before
/// anything is expanded, every entry is checked (`BundleArchive.checkName`):
/// names that are absolute, contain `..`, `.` or empty components,
/// backslashes or control characters, symbolic links and other special
/// entries, duplicate names and a file that is also a directory are all
/// refused with a message naming the entry. Against ZIP bombs, the number
/// of entries and the expanded sizes are bounded (`Limits`), the sizes are
/// asked of the memory budget, and an expansion stops as soon as it passes
/// the size its header declared, and its CRC-32 is checked. Extraction writes only into a directory it
/// is given empty, creating each file with `O_CREAT | O_EXCL | O_NOFOLLOW`.
public final class BundleArchive {
  public struct Limits: Sendable {
    public var maxEntries = 10_000
    public var maxEntryBytes: UInt64 = 1 << 31
    public var maxTotalBytes: UInt64 = 1 << 32
    public init() {}
  }

  /// One file of the archive.
  public struct Item: Sendable, Equatable {
    public let name: String
    public let size: UInt64
  }

  /// The files, sorted by name (directory entries are not listed).
  public let items: [Item]
  private let bytes: [UInt8]
  private let entries: [String: ZIPEntryRecord]
  private let label: String

  /// Opens and checks an archive held in memory; `label` names it in errors.
  public init(bytes: [UInt8], label: String, limits: Limits = Limits()) throws {
    self.label = label
    func refused(_ why: String) -> BundleError { BundleError("bundle '\(label)': \(why)") }
    guard bytes.count >= 22, bytes[0] == 0x50, bytes[1] == 0x4B else { throw refused("not a ZIP archive") }
    let records: [ZIPEntryRecord]
    do {
      records = try ZIPCentralDirectory.read(bytes)
    } catch {
      throw refused("a damaged archive (\(error))")
    }
    self.bytes = bytes
    var entries: [String: ZIPEntryRecord] = [:]
    var directories: Set<String> = []
    var count = 0
    var total: UInt64 = 0
    for entry in records {
      count += 1
      guard count <= limits.maxEntries else { throw refused("more than \(limits.maxEntries) entries") }
      let name = entry.name
      switch entry.kind {
      case .symlink: throw refused("entry '\(name)' is a symbolic link; bundles hold plain files only")
      case .directory:
        let trimmed = name.hasSuffix("/") ? String(name.dropLast()) : name
        try BundleArchive.checkName(trimmed, label: label)
        directories.insert(trimmed)
        continue
      case .file: break
      }
      try BundleArchive.checkName(name, label: label)
      guard entries[name] == nil else { throw refused("entry '\(name)' appears twice") }
      guard entry.uncompressedSize <= limits.maxEntryBytes else {
        throw refused("entry '\(name)' expands to \(entry.uncompressedSize) bytes (limit \(limits.maxEntryBytes))")
      }
      total += entry.uncompressedSize
      guard total <= limits.maxTotalBytes else {
        throw refused("the entries expand to more than \(limits.maxTotalBytes) bytes")
      }
      entries[name] = entry
    }
    // A name that is a file and also the directory of another entry.
    for name in entries.keys {
      var parts = name.split(separator: "/").dropLast()
      while !parts.isEmpty {
        let parent = parts.joined(separator: "/")
        if entries[parent] != nil { throw refused("entry '\(parent)' is both a file and a directory") }
        parts = parts.dropLast()
      }
    }
    if let clash = directories.first(where: { entries[$0] != nil }) {
      throw refused("entry '\(clash)' is both a file and a directory")
    }
    self.entries = entries
    items = entries.map { Item(name: $0.key, size: $0.value.uncompressedSize) }.sorted { $0.name < $1.name }
  }

  /// Refuses a name that could lead outside the directory it is extracted
  /// to, or that names the same file two ways.
  public static func checkName(_ name: String, label: String) throws {
    func refused(_ why: String) -> BundleError {
      let shown = name.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? "?" : String($0) }.joined()
      return BundleError("bundle '\(label)': entry '\(shown)' \(why)")
    }
    guard !name.isEmpty else { throw refused("has an empty name") }
    guard name.utf8.count <= 1024 else { throw refused("has a name longer than 1024 bytes") }
    guard !name.hasPrefix("/") else { throw refused("is an absolute path") }
    guard !name.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 }) else {
      throw refused("has a control character in its name")
    }
    guard !name.contains("\\") else { throw refused("has a backslash in its name") }
    if let first = name.unicodeScalars.first, name.count >= 2, name.dropFirst().first == ":",
      CharacterSet.letters.contains(first)
    {
      throw refused("is an absolute path (a drive letter)")
    }
    for part in name.split(separator: "/", omittingEmptySubsequences: false) {
      if part == ".." { throw refused("contains '..'") }
      if part == "." || part.isEmpty { throw refused("has an empty or '.' path component") }
    }
  }

  /// The expanded bytes of file `name`.
  public func contents(of name: String) throws -> [UInt8] {
    guard let entry = entries[name] else { throw BundleError("bundle '\(label)': no entry '\(name)'") }
    let declared = entry.uncompressedSize
    func refused(_ why: String) -> BundleError { BundleError("bundle '\(label)': entry '\(name)' \(why)") }
    do {
      return try ZIPBoundedExpansion.expand(
        entry, in: bytes, what: "the bundle entry '\(name)' (\(declared) bytes expanded)")
    } catch let failure as ZIPBoundedExpansion.Failure {
      throw refused(failure.reason)
    }
  }

  /// Writes every file under `directory`, which must exist and be empty.
  /// Directories are made as needed; files are created exclusively and
  /// never through a link.
  public func extract(into directory: String) throws {
    let present = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? ["?"]
    guard present.isEmpty else { throw BundleError("bundle '\(label)': '\(directory)' is not an empty directory") }
    for item in items {
      let bytes = try contents(of: item.name)
      let parts = item.name.split(separator: "/").map(String.init)
      var path = directory
      for part in parts.dropLast() {
        path += "/" + part
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
          throw BundleError("bundle '\(label)': cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
          throw BundleError("bundle '\(label)': '\(path)' is not a directory")
        }
      }
      path += "/" + (parts.last ?? "")
      let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
      guard fd >= 0 else {
        throw BundleError("bundle '\(label)': cannot create '\(path)': \(String(cString: strerror(errno)))")
      }
      defer { close(fd) }
      if let failure = FileBytes.writeAll(fd, bytes) {
        throw BundleError("bundle '\(label)': cannot write '\(path)': \(String(cString: strerror(failure)))")
      }
    }
  }

  /// The fixed time of every entry (1980-01-01 00:00:00 UTC, the first the
  /// ZIP format can hold), so the same files give the same archive bytes.
  public static let entryDate = Date(timeIntervalSince1970: 315_532_800)

  /// An archive of `files` (name and bytes), in name order, deflated, each
  /// entry with `entryDate` and mode 0644: the same files give the same
  /// bytes.
  public static func archive(_ files: [(name: String, bytes: Data)]) throws -> Data {
    let archive = try Archive(data: Data(), accessMode: .create)
    for file in files.sorted(by: { $0.name < $1.name }) {
      try checkName(file.name, label: "new")
      let bytes = file.bytes
      try archive.addEntry(
        with: file.name, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: entryDate,
        permissions: 0o644, compressionMethod: .deflate
      ) { position, size in
        bytes.subdata(in: Int(position)..<Int(position) + size)
      }
    }
    guard let data = archive.data else { throw BundleError("cannot build the bundle's archive") }
    return data
  }
}

/// A bundle that cannot be read, made or used; the message says why.
public struct BundleError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
