/// Cooperative cancellation of long computations (DESIGN.md, safety rule 5).
///
/// Lua's count hook cannot stop Swift code, so iterative kernels (the
/// Newton–Raphson loops of Cox and Fine–Gray fits) call `check()` once per
/// iteration. The host binds `isRequested` for the duration of a script
/// (`Cancellation.$isRequested.withValue(...)`) to its Ctrl-C flag and time
/// limit; elsewhere nothing is ever cancelled. A task-local value, so tests
/// and concurrent hosts do not see each other's requests.
public enum Cancellation {
  @TaskLocal public static var isRequested: @Sendable () -> Bool = { false }

  /// Throws `ComputationCancelled` when a stop has been requested.
  public static func check() throws {
    if isRequested() { throw ComputationCancelled() }
  }
}

/// A computation stopped by Ctrl-C or the time limit.
public struct ComputationCancelled: Error, CustomStringConvertible {
  public init() {}
  public var description: String { "computation stopped (interrupted, or the time limit was reached)" }
}
