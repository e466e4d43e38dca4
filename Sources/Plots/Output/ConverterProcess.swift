import CProcess
import Foundation
import RunControl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of `rsvg-convert`, contained: it never outlives Kaplan, never
/// outlasts the run's time limit, and leaves no file behind (issue 12,
/// item 3).
///
/// - The SVG goes to the converter's standard input through a socket, not a
///   temporary file: nothing is left in the temporary directory however
///   Kaplan ends, and no directory outside `--out` needs write access.
/// - The converter runs in its own process group with `PR_SET_PDEATHSIG`
///   (CProcess), so it dies with Kaplan even when Kaplan is killed by a
///   signal, and the watchdog or a SIGTERM can kill it (and anything it
///   started) at once.
/// - Waiting polls `Cancellation.check()` every 50 ms: Ctrl-C or the time
///   limit kills the converter and stops the plot.
/// - Its address space is limited (`ConverterMemory`), so `--max-memory`
///   bounds it too.
struct ConverterProcess {
  let converter: String
  let arguments: [String]
  /// The converter's standard output (a figure opened by Kaplan), or nil:
  /// then its standard output is read with its messages.
  var output: Int32? = nil
  /// The converter's address space in bytes (RLIMIT_AS; 0: unlimited),
  /// from `ConverterMemory.limit`.
  var addressSpaceLimit: UInt64 = 0

  /// How often the wait looks at the converter and the cancellation flag.
  static let pollMilliseconds: Int32 = 50
  /// The converter's error output kept for the message (the rest is read
  /// and dropped, so the converter never blocks on a full pipe).
  static let maxErrorBytes = 16 * 1024

  /// Runs the converter on `svg`; returns its exit status (128 + the signal
  /// when a signal ended it) and what it wrote to stderr (and to stdout
  /// when `output` is nil).
  func run(svg: String) throws -> (status: Int32, errors: String) {
    var channel: [Int32] = [-1, -1]
    guard kp_channel(&channel) == 0 else { throw failure(errno) }
    var input: Int32? = channel[0]
    defer { if let input { close(input) } }
    var pipeEnds: [Int32] = [-1, -1]
    guard pipe(&pipeEnds) == 0 else {
      close(channel[1])
      throw failure(errno)
    }
    let (errorRead, errorWrite) = (pipeEnds[0], pipeEnds[1])
    _ = fcntl(errorRead, F_SETFD, FD_CLOEXEC)
    _ = fcntl(errorWrite, F_SETFD, FD_CLOEXEC)
    defer { close(errorRead) }

    let argv = ([converter] + arguments).map { strdup($0) }
    defer { argv.forEach { free($0) } }
    var cArguments: [UnsafeMutablePointer<CChar>?] = argv + [nil]
    var pid: pid_t = 0
    let spawnError = kp_spawn_limited(
      converter, &cArguments, channel[1], output ?? -1, errorWrite, addressSpaceLimit, &pid)
    close(errorWrite)
    close(channel[1])
    guard spawnError == 0 else { throw failure(spawnError) }

    let svgBytes = Array(svg.utf8)
    var sent = 0
    var message = Data()
    var errorsOpen = true
    var buffer = [UInt8](repeating: 0, count: 4096)
    var status: Int32 = 0
    while true {
      if sent == svgBytes.count, let fd = input {
        close(fd)  // end of the SVG
        input = nil
      }
      var fds = [pollfd(fd: errorsOpen ? errorRead : -1, events: Int16(POLLIN), revents: 0),
                 pollfd(fd: input ?? -1, events: Int16(POLLOUT), revents: 0)]
      if errorsOpen || input != nil {
        _ = poll(&fds, 2, Self.pollMilliseconds)
      } else {
        usleep(UInt32(Self.pollMilliseconds) * 1000)
      }
      if errorsOpen && fds[0].revents != 0 {
        let n = read(errorRead, &buffer, buffer.count)
        if n > 0 {
          if message.count < Self.maxErrorBytes { message.append(contentsOf: buffer[0..<n]) }
        } else if n == 0 || errno != EINTR {
          errorsOpen = false
        }
      }
      if let fd = input, fds[1].revents != 0 {
        let n = svgBytes.withUnsafeBytes { raw -> Int in
          guard let base = raw.baseAddress else { return 0 }
          return kp_send(fd, base + sent, UInt(raw.count - sent))
        }
        if n > 0 {
          sent += n
        } else if n < 0 && errno != EAGAIN && errno != EINTR {
          // The converter stopped reading (it failed): its status says why.
          close(fd)
          input = nil
          sent = svgBytes.count
        }
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
    // What is left of the messages, without waiting for processes the
    // converter may have left holding the pipe.
    _ = fcntl(errorRead, F_SETFL, O_NONBLOCK)
    while errorsOpen && message.count < Self.maxErrorBytes {
      let n = read(errorRead, &buffer, buffer.count)
      guard n > 0 else { break }
      message.append(contentsOf: buffer[0..<n])
    }
    let signal = status & 0x7f
    let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
    let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return (code, text)
  }

  private func failure(_ code: Int32) -> PlotError {
    .converterNotStarted(program: converter, reason: String(cString: strerror(code)))
  }
}
