import Foundation

/// Warnings of a run: a result was computed, but not in the form the
/// script may expect (an integer column stored as double because it holds
/// `math.mininteger`). Kaplan never changes a value silently; where it has
/// to change a representation it says so here.
///
/// Without a sink a warning goes to stderr as `kaplan: warning: ...`
/// (after flushing stdout, so it appears next to the output it concerns).
/// Tests and hosts that collect warnings install a sink with `withSink`;
/// like `Cancellation`, the sink is per thread.
public enum RunWarnings {
  private static let key = "kaplan.run-warnings"

  private final class Sink {
    let receive: (String) -> Void
    init(_ receive: @escaping (String) -> Void) { self.receive = receive }
  }

  /// Runs `body` with `sink` receiving this thread's warnings.
  public static func withSink<R>(_ sink: @escaping (String) -> Void, _ body: () throws -> R) rethrows -> R {
    let storage = Thread.current.threadDictionary
    let previous = storage[key]
    storage[key] = Sink(sink)
    defer { storage[key] = previous }
    return try body()
  }

  /// Runs `body` with its warnings passed through `transform` to the sink
  /// in place before (such as a resolved path shown as the script gave it).
  public static func rewriting<R>(_ transform: @escaping (String) -> String, _ body: () throws -> R) rethrows -> R {
    let previous = Thread.current.threadDictionary[key] as? Sink
    return try withSink({ message in deliver(transform(message), to: previous) }, body)
  }

  /// Reports `message` (one line, without the "warning:" prefix).
  public static func emit(_ message: String) {
    deliver(message, to: Thread.current.threadDictionary[key] as? Sink)
  }

  /// Reports a warning worded in full by the caller (`Warning in cox():
  /// ...`, a fit's own warnings, as R's warning() prints them).
  public static func emit(line: String) {
    deliver(line, to: Thread.current.threadDictionary[key] as? Sink, prefix: "")
  }

  private static func deliver(_ message: String, to sink: Sink?, prefix: String = "kaplan: warning: ") {
    if let sink {
      sink.receive(message)
      return
    }
    StandardStreams.flushOutput()
    FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
  }
}
