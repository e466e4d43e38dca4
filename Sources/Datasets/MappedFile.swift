#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

import RunControl

/// A regular file's bytes: read into memory below `readLimit` bytes,
/// mapped read-only (`mmap`) above it; released with the object.
///
/// The CSV reader parses the bytes in place: no second copy of the file is
/// made, and of a mapping the pages already parsed are given back
/// (`release`), so a 500 MB file does not stay resident beside the columns
/// read from it. The same checks as `FileBytes.read` come first: only a
/// regular file is read (a pipe or device is refused by name, opened
/// without blocking), and its size is asked of the memory budget before
/// anything is read or mapped.
///
/// A mapped file that another process truncates while it is parsed ends
/// the process with SIGBUS (a page past the new end has nothing behind
/// it); a signal handler cannot turn that into an error without jumping
/// out of a Swift frame, which the Lua safety rules forbid. So files below
/// `readLimit` — nearly every analysis file — are read with read(2) into a
/// buffer instead, where a truncation only shortens what is read (session-5
/// review). Above it the mapping is kept for its memory (the parsed pages
/// go back to the system), and the risk stays, stated in ARCHITECTURE.md.
public final class MappedFile: @unchecked Sendable {
  /// Files of fewer bytes are read into a buffer, not mapped.
  public static let readLimit = 32 << 20

  /// The file's bytes; empty (no base address) for an empty file.
  public let bytes: UnsafeBufferPointer<UInt8>
  /// Whether `bytes` is a mapping (else a buffer of our own).
  let isMapped: Bool
  private let mapping: UnsafeMutableRawPointer?
  private let length: Int
  private let pageSize: Int

  /// Opens the regular file at `path`, and reads or maps it.
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
    guard size > 0 else {
      mapping = nil
      length = 0
      isMapped = false
      bytes = UnsafeBufferPointer(start: nil, count: 0)
      return
    }
    if size < Self.readLimit {
      let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
      var count = 0
      while count < size {
        let n = read(fd, buffer + count, size - count)
        if n < 0 && errno == EINTR { continue }
        if n < 0 {
          let reason = FileBytes.lastError()
          buffer.deallocate()
          throw DatasetError.io("cannot read '\(path)': \(reason)")
        }
        if n == 0 { break }  // truncated since fstat: what is there is the file
        count += n
      }
      mapping = buffer
      length = count
      isMapped = false
      bytes = UnsafeBufferPointer(start: buffer.assumingMemoryBound(to: UInt8.self), count: count)
      return
    }
    let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
    guard let p, p != MAP_FAILED else {
      throw DatasetError.io("cannot read '\(path)': \(FileBytes.lastError())")
    }
    _ = madvise(p, size, MADV_SEQUENTIAL)
    mapping = p
    length = size
    isMapped = true
    bytes = UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: size)
  }

  /// Drops the whole pages inside bytes `from..<to` from this process's
  /// memory (they stay in the page cache and are read again if touched).
  func release(from: Int, to: Int) {
    guard isMapped, let mapping else { return }
    let start = (from + pageSize - 1) / pageSize * pageSize
    let end = min(to, length) / pageSize * pageSize
    guard end > start else { return }
    _ = madvise(mapping + start, end - start, MADV_DONTNEED)
  }

  deinit {
    guard let mapping else { return }
    if isMapped {
      munmap(mapping, length)
    } else {
      mapping.deallocate()
    }
  }
}
