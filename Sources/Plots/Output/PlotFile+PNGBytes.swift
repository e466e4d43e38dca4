import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension PlotFile {
  /// The most PNG bytes a figure may take (a 720 × 540 figure at zoom 2 is
  /// about 100 KB): past it the conversion is refused, not buffered.
  public static let maxPNGBytes = 64 << 20

  /// `svg` converted to PNG in memory, for documents that embed figures
  /// (DOCX, RTF): the same `rsvg-convert` run as `write(svg:to:)` (its own
  /// process group, killed on a stop), its standard output a pipe read by a
  /// worker thread while the converter runs, so no file is written.
  public func pngBytes(svg: String) throws -> [UInt8] {
    guard let converter = findConverter() else { throw PlotError.converterNotFound(format: "PNG") }
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else {
      throw PlotError.converterNotStarted(program: converter, reason: String(cString: strerror(errno)))
    }
    let (readEnd, writeEnd) = (ends[0], ends[1])
    _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
    _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
    let sink = PipeSink(fd: readEnd, limit: Self.maxPNGBytes)
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      sink.drain()
      done.signal()
    }
    var arguments = ["--format", "png"]
    if zoom != 1 { arguments += ["--zoom", String(zoom)] }
    let result: (status: Int32, errors: String)
    let limit = ConverterMemory.limit(explicit: memoryLimit)
    do {
      result = try ConverterProcess(
        converter: converter, arguments: arguments, output: writeEnd, addressSpaceLimit: limit
      ).run(svg: svg)
    } catch {
      close(writeEnd)
      done.wait()
      close(readEnd)
      throw error
    }
    close(writeEnd)
    done.wait()
    close(readEnd)
    try Self.check(result, path: "(figure)", limit: limit)
    guard !sink.overflowed else {
      throw PlotError.invalidData("the figure's PNG is larger than \(Self.maxPNGBytes >> 20) MB")
    }
    return sink.bytes
  }
}

/// The read end of the converter's output pipe, drained by one worker
/// thread; the caller reads `bytes` only after that thread signalled (the
/// semaphore orders the accesses), hence the unchecked sendability.
private final class PipeSink: @unchecked Sendable {
  let fd: Int32
  let limit: Int
  var bytes: [UInt8] = []
  var overflowed = false

  init(fd: Int32, limit: Int) {
    self.fd = fd
    self.limit = limit
  }

  func drain() {
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        return read(fd, base, raw.count)
      }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { return }
      if bytes.count + n > limit {
        overflowed = true
      } else {
        bytes.append(contentsOf: buffer[0..<n])
      }
    }
  }
}
