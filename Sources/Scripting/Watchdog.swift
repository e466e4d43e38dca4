import CProcess
import Foundation
import LuaHost

/// The backstop of `--timeout` and Ctrl-C: ends the process when the
/// cooperative stop has not happened.
///
/// The count hook, the kernels' cancellation polls and the Swift entry
/// points stop a run cooperatively (LuaLimits). Some work is out of their
/// reach: a pattern match in C (`string.rep("a", 4e4):find(".-.-.-.-b")`),
/// a `__gc` finalizer (finalizers run with hooks off), a long C or Swift
/// call that does not poll, a blocking `open`. The watchdog thread ends the
/// run with a clean message and exit status 1 when the run is still going
/// `grace` seconds after the deadline, and with status 130 on a second
/// Ctrl-C within a second of a first that did not stop it. Either way it
/// kills the `rsvg-convert` children first (CProcess). It never touches the
/// Lua state: it reads the deadline once, and the interrupt flags are
/// process-global atomics.
public enum Watchdog {
  /// Seconds past the deadline before the watchdog ends the run: the
  /// cooperative stop normally takes milliseconds (a hook every 1000
  /// instructions, kernels poll several times a second).
  public static let grace: Double = 2
  /// How often the watchdog looks.
  static let tickMicroseconds: UInt32 = 50_000

  /// Starts watching the run of `lua` (`kaplan run`): its deadline as set
  /// now, and the second Ctrl-C. The thread lives until the process ends,
  /// so it also covers finalizers run when the state is closed.
  public static func watch(_ lua: LuaState, grace: Double = Watchdog.grace) {
    let deadline = lua.deadline
    let timeLimit = lua.timeLimit ?? 0
    let thread = Thread {
      while true {
        usleep(tickMicroseconds)
        if LuaState.abandonRequested {
          endProcess(
            message: "kaplan: interrupted: the script did not stop at the first Ctrl-C, so a second one ended the run",
            status: 130)
        }
        if let deadline, LuaState.monotonicSeconds > deadline + grace {
          endProcess(message: timeoutMessage(limit: timeLimit, grace: grace), status: 1)
        }
      }
    }
    thread.stackSize = 1 << 18
    thread.start()
  }

  /// The message when the watchdog ends a run that passed its time limit.
  public static func timeoutMessage(limit: Double, grace: Double) -> String {
    "kaplan: time limit of \(formatSeconds(limit)) s exceeded (raise it with --timeout); the script did not stop "
      + "within \(formatSeconds(grace)) s of the limit (a long pattern match, a finalizer or a long library "
      + "call), so the run was ended"
  }

  /// "5", "0.5", "1.25" (as CLuaShim writes the limit in its messages).
  public static func formatSeconds(_ s: Double) -> String {
    if s >= 1, s < 1e15, s.rounded() == s { return String(Int64(s)) }
    return String(format: "%.3g", s)
  }

  /// Ends the process from any thread: flushes stdout when no other thread
  /// holds it, prints `message`, kills the children and exits with `status`.
  public static func endProcess(message: String, status: Int32) -> Never {
    kp_end_process(message + "\n", status)
  }

  /// Kills the process groups of the live `rsvg-convert` children.
  public static func killChildren() { kp_kill_children() }

  /// SIGTERM and SIGHUP kill the children first, then end Kaplan by the same
  /// signal (`timeout` sends SIGTERM; SIGKILL is covered by PDEATHSIG).
  public static func installTerminationHandlers() { _ = kp_install_termination_handlers() }
}
