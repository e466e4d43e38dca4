import Foundation

/// Cooperative cancellation of long computations (docs/ARCHITECTURE.md, safety rule 5).
///
/// Lua's count hook cannot stop Swift code, so iterative kernels (the
/// Newton–Raphson loops of Cox and Fine–Gray fits) call `check()` once per
/// iteration. The host installs a check for the duration of a script with
/// `withCheck` (its Lua state's Ctrl-C flag and time limit); elsewhere
/// nothing is ever cancelled. The host's stop is sticky (issue 12): once a
/// check returned true, every later check of that run does too, so a kernel
/// that swallowed one `ComputationCancelled` is stopped at its next poll.
/// The check is per thread, so tests and concurrent hosts do not see each
/// other's requests. (Not a `@TaskLocal`: with the statically
/// linked Swift runtime of release builds, pushing a task-local value
/// outside a task crashes.)
public enum Cancellation {
  private static let key = "kaplan.cancellation"

  private final class Check {
    let isRequested: () -> Bool
    init(_ isRequested: @escaping () -> Bool) { self.isRequested = isRequested }
  }

  /// Runs `body` with `isRequested` as this thread's stop check.
  public static func withCheck<R>(_ isRequested: @escaping () -> Bool, _ body: () throws -> R) rethrows -> R {
    let storage = Thread.current.threadDictionary
    let previous = storage[key]
    storage[key] = Check(isRequested)
    defer { storage[key] = previous }
    return try body()
  }

  /// Throws `ComputationCancelled` when a stop has been requested.
  public static func check() throws {
    if let check = Thread.current.threadDictionary[key] as? Check, check.isRequested() {
      throw ComputationCancelled()
    }
  }
}

/// A computation stopped by Ctrl-C or the time limit.
public struct ComputationCancelled: Error, CustomStringConvertible {
  public init() {}
  public var description: String { "computation stopped (interrupted, or the time limit was reached)" }
}
