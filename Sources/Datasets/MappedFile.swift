#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

import RunControl

/// A regular file mapped read-only into memory (`mmap`), unmapped when the
/// object is released.
///
/// The CSV reader parses the mapping in place: no copy of the file is made,
/// and the pages already parsed are given back (`release`), so a 500 MB file
/// does not stay resident beside the columns read from it. The same checks
/// as `FileBytes.read` come first: only a regular file is mapped (a pipe or
/// device is refused by name, opened without blocking), and its size is asked
/// of the memory budget. A file truncated by another process while it is
/// read would fault (SIGBUS); files are read, not watched, as everywhere.
public final class MappedFile: @unchecked Sendable {
  /// The file's bytes; empty (no base address) for an empty file.
  public let bytes: UnsafeBufferPointer<UInt8>
  private let mapping: UnsafeMutableRawPointer?
  private let length: Int
  private let pageSize: Int

  /// Opens and maps the regular file at `path`.
  public init(path: String) throws {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { throw DatasetError.io("cannot open '\(path)': \(FileBytes.lastError())") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw DatasetError.io("cannot read '\(path)': \(FileBytes.lastError())")
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw DatasetError.io("cannot read '\(path)': Is a directory")
    default:
      throw DatasetError.io("cannot read '\(path)': \(FileBytes.kindName(info.st_mode)) is not a regular file")
    }
    guard let size = Int(exactly: info.st_size), size >= 0 else {
      throw DatasetError.io("cannot read '\(path)': the system reports a size of \(info.st_size) bytes")
    }
    try MemoryBudget.require(count: size, stride: 1, for: "reading '\(path)' (\(size) bytes)")
    pageSize = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)
    length = size
    guard size > 0 else {
      mapping = nil
      bytes = UnsafeBufferPointer(start: nil, count: 0)
      return
    }
    let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
    guard let p, p != MAP_FAILED else {
      throw DatasetError.io("cannot read '\(path)': \(FileBytes.lastError())")
    }
    _ = madvise(p, size, MADV_SEQUENTIAL)
    mapping = p
    bytes = UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: size)
  }

  /// Drops the whole pages inside bytes `from..<to` from this process's
  /// memory (they stay in the page cache and are read again if touched).
  func release(from: Int, to: Int) {
    guard let mapping else { return }
    let start = (from + pageSize - 1) / pageSize * pageSize
    let end = min(to, length) / pageSize * pageSize
    guard end > start else { return }
    _ = madvise(mapping + start, end - start, MADV_DONTNEED)
  }

  deinit {
    if let mapping { munmap(mapping, length) }
  }
}
