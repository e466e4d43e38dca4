#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

import RunControl

/// Whole-file reads and writes with the system's own error text
/// (`cannot open 'x.csv': No such file or directory`). The only place in
/// Datasets that calls the C file API.
public enum FileBytes {
  /// The bytes of the regular file at `path`.
  ///
  /// Only regular files are read: a named pipe, a device (`/dev/zero`,
  /// endless), a socket or a directory is an error naming the path. The
  /// file is opened with `O_NONBLOCK`, so that opening a FIFO without a
  /// writer returns at once instead of blocking past `--timeout`; `fstat`
  /// on the open descriptor then tells what it is. The size known up front
  /// is checked against the run's memory budget (`MemoryBudget`) before the
  /// buffer is allocated, and exactly that many bytes are read (a file that
  /// grows meanwhile is read as it was when opened; one that shrinks, up to
  /// its end).
  public static func read(path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { throw DatasetError.io("cannot open '\(path)': \(lastError())") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw DatasetError.io("cannot read '\(path)': \(lastError())") }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw DatasetError.io("cannot read '\(path)': Is a directory")
    default: throw DatasetError.io("cannot read '\(path)': \(kindName(info.st_mode)) is not a regular file")
    }
    guard let size = Int(exactly: info.st_size), size >= 0 else {
      throw DatasetError.io("cannot read '\(path)': the system reports a size of \(info.st_size) bytes")
    }
    try MemoryBudget.require(count: size, stride: 1, for: "reading '\(path)' (\(size) bytes)")
    var bytes = [UInt8](repeating: 0, count: size)
    var used = 0
    while used < size {
      let n = bytes.withUnsafeMutableBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        return Glibc_read(fd, base + used, size - used)
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw DatasetError.io("cannot read '\(path)': \(lastError())")
      }
      if n == 0 { break }
      used += n
    }
    if used < size { bytes.removeSubrange(used...) }
    return bytes
  }

  /// What a file that is not regular is, for messages: "a named pipe (FIFO)".
  static func kindName(_ mode: mode_t) -> String {
    specialFileKind(mode) ?? ((mode & S_IFMT) == S_IFLNK ? "a symbolic link" : "it")
  }

  /// Writes `bytes` to `path`, whose last component is not followed if it
  /// is a symbolic link (O_NOFOLLOW: ELOOP), so a write that the sandbox
  /// checked against the resolved path cannot be redirected afterwards.
  public static func write(path: String, bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw DatasetError.io("cannot open '\(path)' for writing: \(lastError())") }
    defer { close(fd) }
    if let failure = writeAll(fd, bytes) {
      throw DatasetError.io("cannot write '\(path)': \(String(cString: strerror(failure)))")
    }
  }

  /// Writes all of `bytes` to `fd`, again after a short write or EINTR;
  /// nil, or the errno of the failure (EIO when nothing could be written).
  public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        return Glibc_write(fd, base + written, bytes.count - written)
      }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return n < 0 ? errno : EIO }
      written += n
    }
    return nil
  }

  static func lastError() -> String {
    guard let text = strerror(errno) else { return "error \(errno)" }
    return String(cString: text)
  }
}

@inline(__always)
private func Glibc_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
  read(fd, buffer, count)
}

@inline(__always)
private func Glibc_write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  write(fd, buffer, count)
}

/// What a file of `mode` is when opening it could block or never end (a
/// named pipe, a device, a socket), for messages: "a named pipe (FIFO)";
/// nil for regular files, directories and links. The readers here and the
/// sandbox's checks before Lua's own `fopen` name them alike.
public func specialFileKind(_ mode: mode_t) -> String? {
  switch mode & S_IFMT {
  case S_IFIFO: return "a named pipe (FIFO)"
  case S_IFCHR: return "a character device"
  case S_IFBLK: return "a block device"
  case S_IFSOCK: return "a socket"
  default: return nil
  }
}
