import Foundation
import RunControl
import Scripting

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Copies everything written to the process's standard output (Lua's
/// `print` and `io.write`, Kaplan's printers) to a file as well, and hashes
/// it, for `kaplan run --record` (issue 19): descriptor 1 becomes a pipe,
/// and a thread passes what arrives to the real standard output and to the
/// file. Working at the descriptor catches every writer, C's stdio included.
final class StdoutTee: @unchecked Sendable {
  private let original: Int32
  private let readEnd: Int32
  private let file: Int32
  private let done = DispatchSemaphore(value: 0)
  // Written by the copying thread only; read after `done`.
  private var hasher = SHA256()
  private var size = 0

  /// Starts copying; `file` is an open descriptor the tee writes and closes.
  init(file: Int32) throws {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else {
      throw RecordError("cannot capture standard output: \(String(cString: strerror(errno)))")
    }
    StandardStreams.flushOutput()
    original = dup(1)
    readEnd = ends[0]
    self.file = file
    _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
    _ = fcntl(original, F_SETFD, FD_CLOEXEC)
    dup2(ends[1], 1)
    close(ends[1])
    let thread = Thread { [self] in copy() }
    thread.start()
  }

  private func copy() {
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let n = read(readEnd, &buffer, buffer.count)
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { break }
      buffer.withUnsafeBytes { raw in
        let piece = UnsafeRawBufferPointer(rebasing: raw[0..<n])
        hasher.update(buffer: piece)
        writeAll(original, piece)
        writeAll(file, piece)
      }
      size += n
    }
    close(readEnd)
    close(file)
    done.signal()
  }

  /// Ends the copy (standard output is the real one again) and returns the
  /// hash and size of everything that was written.
  func finish() -> (sha256: String, size: Int) {
    StandardStreams.flushOutput()
    dup2(original, 1)  // closes the pipe's last write end: the thread sees its end
    done.wait()
    close(original)
    return (hasher.hexDigest(), size)
  }
}

/// Writes all of `bytes` to `fd`, retrying short writes and EINTR.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
  var offset = 0
  while offset < bytes.count, let base = bytes.baseAddress {
    let n = write(fd, base + offset, bytes.count - offset)
    if n < 0 && errno == EINTR { continue }
    guard n > 0 else { return }
    offset += n
  }
}
