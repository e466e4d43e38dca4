import CLua
import CLuaShim

/// Time limits and cancellation, per state.
///
/// Lua code is stopped by a count hook (every 1000 VM instructions) that
/// raises when the deadline passes or an interrupt was requested (Ctrl-C).
/// Swift computations cannot be reached by the hook, so long kernels poll
/// `stopRequested` and throw (docs/ARCHITECTURE.md, safety rule 5).
///
/// The stop is sticky and cannot be caught: once it happened, every later
/// hook call, every Swift function called from Lua (before and after it
/// runs), every poll of `stopRequested`, and the return of `pcall`, `xpcall`,
/// `coroutine.resume`, `coroutine.close` and `load` raise it again, until
/// `clearStop()` or `setTimeLimit` starts a new run. Each state keeps its
/// own deadline, limit and interrupt flag (CLuaShim's host record), so
/// concurrent states never see each other's limits.
extension LuaState {
  /// Limits the run time of everything executed from now on to `seconds`
  /// (nil or ≤ 0: no limit; the hook still serves interrupts). Clears a
  /// time-limit stop, so a REPL re-arms the limit before each chunk.
  public func setTimeLimit(_ seconds: Double?) {
    kh_set_deadline(host, seconds ?? 0)
  }

  /// The time limit in seconds, if one is set.
  public var timeLimit: Double? {
    let limit = kh_time_limit(host)
    return limit > 0 ? limit : nil
  }

  /// The deadline on the `LuaState.monotonicSeconds` clock, if a limit is set.
  public var deadline: Double? {
    let deadline = kh_deadline(host)
    return deadline > 0 ? deadline : nil
  }

  /// Asks the running chunk to stop. Thread-safe.
  public func requestInterrupt() { kh_request_interrupt(host) }

  /// Whether an interrupt is pending.
  public var interruptRequested: Bool { kh_interrupt_requested(host) != 0 }

  /// Clears a pending interrupt and the sticky stop (the REPL does this
  /// around each chunk).
  public func clearStop() { kh_clear_stop(host) }

  /// Whether running code should stop: an interrupt is pending or the time
  /// limit has passed. Once true it stays true until `clearStop()`. Long
  /// Swift computations poll this (thread-safe).
  public var stopRequested: Bool { kh_stop_reason(host) != KH_RUNNING }

  /// Why the run stopped ("interrupted", "time limit of 5 s exceeded (raise
  /// it with --timeout)"), or nil while it runs.
  public var stopMessage: String? {
    var buffer = [CChar](repeating: 0, count: 160)
    let length = kh_stop_message(host, &buffer, buffer.count)
    guard length > 0 else { return nil }
    return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Chunks named with this prefix (the stdlib's "@/path/stdlib/") are
  /// library code: a stop met inside them is reported at the first line
  /// outside, the script's.
  public func setLibrarySource(prefix: String?) {
    kh_set_internal_source(host, prefix)
  }

  /// Makes Ctrl-C (SIGINT) interrupt this state, and installs the handler.
  /// The handler is async-signal-safe: it only sets this state's flag (and,
  /// for a second Ctrl-C within a second, `abandonRequested`).
  public func receiveInterrupts() {
    kh_set_interrupt_target(host)
    _ = kh_install_sigint_handler()
  }

  /// A second Ctrl-C came within a second of a first that has not stopped
  /// the chunk: the REPL abandons the chunk, `kaplan run` ends.
  public static var abandonRequested: Bool { kh_abandon_requested() != 0 }

  /// Forgets an abandon request (served, or came too late).
  public static func clearAbandonRequest() { kh_clear_abandon_request() }

  /// Seconds on the monotonic clock the deadlines use.
  public static var monotonicSeconds: Double { kh_monotonic_seconds() }
}
