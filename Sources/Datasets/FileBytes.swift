#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whole-file reads and writes with the system's own error text
/// (`cannot open 'x.csv': No such file or directory`). The only place in
/// Datasets that calls the C file API.
enum FileBytes {
  static func read(path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw DatasetError.io("cannot open '\(path)': \(lastError())") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw DatasetError.io("cannot read '\(path)': \(lastError())") }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      throw DatasetError.io("cannot read '\(path)': Is a directory")
    }
    // Read straight into an array of the file's size (plus one byte, so
    // that end of file is seen without a reallocation); grow for pipes.
    var capacity = max(Int(info.st_size), 0) + 1
    var used = 0
    var bytes = [UInt8](repeating: 0, count: capacity)
    while true {
      if used == capacity {
        capacity *= 2
        bytes += [UInt8](repeating: 0, count: capacity - bytes.count)
      }
      let n = bytes.withUnsafeMutableBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        return Glibc_read(fd, base + used, capacity - used)
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw DatasetError.io("cannot read '\(path)': \(lastError())")
      }
      if n == 0 { break }
      used += n
    }
    bytes.removeSubrange(used...)
    return bytes
  }

  /// Writes `bytes` to `path`, whose last component is not followed if it
  /// is a symbolic link (O_NOFOLLOW: ELOOP), so a write that the sandbox
  /// checked against the resolved path cannot be redirected afterwards.
  static func write(path: String, bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw DatasetError.io("cannot open '\(path)' for writing: \(lastError())") }
    defer { close(fd) }
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        return Glibc_write(fd, base + written, bytes.count - written)
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw DatasetError.io("cannot write '\(path)': \(lastError())")
      }
      written += n
    }
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
