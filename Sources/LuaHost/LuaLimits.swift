import CLua
import CLuaShim

/// Time limits and cancellation.
///
/// Lua code is stopped by a count hook (every 1000 VM instructions) that
/// raises when the deadline passes or an interrupt was requested (Ctrl-C).
/// Swift computations cannot be reached by the hook, so long kernels poll
/// `LuaState.shouldStop` and throw (DESIGN.md, safety rule 5).
extension LuaState {
  /// Limits the run time of everything executed from now on to `seconds`
  /// (nil or ≤ 0: no limit; the hook still serves interrupts).
  public func setTimeLimit(_ seconds: Double?) {
    if let seconds, seconds > 0 {
      kh_set_limits(L, kh_monotonic_seconds() + seconds, seconds)
    } else {
      kh_set_limits(L, 0, 0)
    }
  }

  /// Asks the running chunk to stop at its next hook. Async-signal-safe
  /// (called from the SIGINT handler).
  public static func requestInterrupt() { kh_request_interrupt() }

  /// Clears a pending interrupt (the REPL does this before each line).
  public static func clearInterrupt() { kh_clear_interrupt() }

  /// Whether an interrupt is pending: long Swift computations poll this.
  public static var interruptRequested: Bool { kh_interrupt_requested() != 0 }

  /// Whether running code should stop: an interrupt is pending or the time
  /// limit has passed. Long Swift computations poll this.
  public static var stopRequested: Bool { kh_stop_requested() != 0 }
}
