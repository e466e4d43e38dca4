import CProcess
import Foundation
import RunControl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of `rsvg-convert`, contained: it never outlives Kaplan, never
/// outlasts the run's time limit, and leaves no file behind.
///
/// - The SVG goes to the converter's standard input from a file with no name
///   (`O_TMPFILE`, or created and unlinked at once), so no temporary file is
///   left in the temporary directory however Kaplan ends (issue 12, item 3).
/// - The converter runs in its own process group with `PR_SET_PDEATHSIG`
///   (CProcess), so it dies with Kaplan even when Kaplan is killed by a
///   signal, and the watchdog or a SIGTERM can kill it (and anything it
///   started) at once.
/// - Waiting polls `Cancellation.check()` every 50 ms: Ctrl-C or the time
///   limit kills the converter and stops the plot.
struct ConverterProcess {
  let converter: String
  let arguments: [String]

  /// How often the wait looks at the converter and the cancellation flag.
  static let pollMilliseconds: Int32 = 50
  /// The converter's error output kept for the message (the rest is read
  /// and dropped, so the converter never blocks on a full pipe).
  static let maxErrorBytes = 16 * 1024

  /// Runs the converter on `svg`; returns its exit status (128 + the signal
  /// when a signal ended it) and what it wrote to stderr.
  func run(svg: String) throws -> (status: Int32, errors: String) {
    let tempDirectory = FileManager.default.temporaryDirectory.path
    let input = kp_anonymous_file(tempDirectory)
    guard input >= 0 else {
      throw PlotError.unwritablePath(path: tempDirectory, reason: String(cString: strerror(errno)))
    }
    defer { close(input) }
    try Self.writeAll(svg, to: input, directory: tempDirectory)
    guard lseek(input, 0, SEEK_SET) == 0 else {
      throw PlotError.unwritablePath(path: tempDirectory, reason: String(cString: strerror(errno)))
    }

    var pipeEnds: [Int32] = [-1, -1]
    guard pipe(&pipeEnds) == 0 else {
      throw PlotError.conversionFailed(path: converter, status: -1, message: String(cString: strerror(errno)))
    }
    let (errorRead, errorWrite) = (pipeEnds[0], pipeEnds[1])
    _ = fcntl(errorRead, F_SETFD, FD_CLOEXEC)
    _ = fcntl(errorWrite, F_SETFD, FD_CLOEXEC)
    defer { close(errorRead) }

    let argv = ([converter] + arguments).map { strdup($0) }
    defer { argv.forEach { free($0) } }
    var cArguments: [UnsafeMutablePointer<CChar>?] = argv + [nil]
    var pid: pid_t = 0
    let spawnError = kp_spawn(converter, &cArguments, input, errorWrite, &pid)
    close(errorWrite)
    guard spawnError == 0 else {
      throw PlotError.conversionFailed(path: converter, status: -1, message: String(cString: strerror(spawnError)))
    }
    return try wait(pid: pid, errors: errorRead)
  }

  private func wait(pid: pid_t, errors: Int32) throws -> (status: Int32, errors: String) {
    var message = Data()
    var errorsOpen = true
    var buffer = [UInt8](repeating: 0, count: 4096)
    var status: Int32 = 0
    while true {
      if errorsOpen {
        var fd = pollfd(fd: errors, events: Int16(POLLIN), revents: 0)
        if poll(&fd, 1, Self.pollMilliseconds) > 0 {
          let n = read(errors, &buffer, buffer.count)
          if n > 0 {
            if message.count < Self.maxErrorBytes { message.append(contentsOf: buffer[0..<n]) }
          } else if n == 0 || errno != EINTR {
            errorsOpen = false
          }
        }
      } else {
        usleep(UInt32(Self.pollMilliseconds) * 1000)
      }
      let reaped = waitpid(pid, &status, WNOHANG)
      if reaped == pid || (reaped < 0 && errno != EINTR) { break }
      do {
        try Cancellation.check()
      } catch {
        kill(-pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        kp_forget(pid)
        throw error
      }
    }
    kp_forget(pid)
    let signal = status & 0x7f
    let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
    let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return (code, text)
  }

  private static func writeAll(_ text: String, to fd: Int32, directory: String) throws {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        return write(fd, base + offset, raw.count - offset)
      }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else {
        throw PlotError.unwritablePath(path: directory, reason: String(cString: strerror(errno)))
      }
      offset += n
    }
  }
}
