import Foundation

/// Aborts the fuzzer when one input runs longer than `limit` seconds, so that
/// a hang is saved and reported like a crash instead of stalling CI.
///
/// libFuzzer's own `-timeout` is not enough here: its SIGALRM handler acts
/// only when the signal lands on the fuzzing thread (compiler-rt
/// FuzzerLoop.cpp, `Fuzzer::AlarmCallback` returns early on any other
/// thread), and the Swift runtime, Dispatch and the kernels' workers start
/// threads that can take the process-directed signal. An input that never
/// ends then runs until CI's own limit. This watch runs on a thread of its
/// own, sees that no new input started for `limit` seconds and calls
/// `abort()`; libFuzzer's SIGABRT handler then writes the current input as a
/// `crash-` artifact and exits with its error status.
///
/// The limit is `FUZZ_HANG_SECONDS` (default 25 s, below the Makefile's
/// `-timeout=30`); 0 turns the watch off.
final class FuzzHangWatch: @unchecked Sendable {
  static let shared = FuzzHangWatch(limit: FuzzHangWatch.configuredLimit())

  private let lock = NSLock()
  private let limit: Double
  private var started = 0
  private var startedAt = 0.0
  private var watching = false

  init(limit: Double) { self.limit = limit }

  static func configuredLimit() -> Double {
    guard let text = ProcessInfo.processInfo.environment["FUZZ_HANG_SECONDS"] else { return 25 }
    return Double(text).map { $0.isFinite && $0 > 0 ? $0 : 0 } ?? 25
  }

  /// Records the start of an input; starts the watch thread on the first.
  func inputStarted() {
    guard limit > 0 else { return }
    lock.lock()
    started &+= 1
    startedAt = Self.now()
    let startThread = !watching
    watching = true
    lock.unlock()
    if startThread {
      let thread = Thread { [self] in watch() }
      thread.name = "fuzz-hang-watch"
      thread.start()
    }
  }

  private func watch() {
    let poll = min(1.0, limit / 4)
    while true {
      Thread.sleep(forTimeInterval: poll)
      lock.lock()
      let running = Self.now() - startedAt
      let input = started
      lock.unlock()
      if running > limit {
        FileHandle.standardError.write(
          Data("fuzz: input #\(input) has run for \(Int(running)) s (limit \(Int(limit)) s): a hang\n".utf8))
        abort()
      }
    }
  }

  private static func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
  }
}
