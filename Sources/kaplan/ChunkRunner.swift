import Foundation
import LuaHost
import RunControl
import Scripting

/// Gives up a chunk that did not stop (a second Ctrl-C, or the time limit
/// passed by more than the watchdog's grace): its Lua state is never touched
/// again. The children are killed; an interactive session starts afresh by
/// re-executing Kaplan (which also ends the abandoned thread, still busy in
/// a pattern match or a finalizer), and piped input ends the process.
func abandon(_ outcome: ChunkRunner.Outcome, interactive: Bool, reader: LineReader) -> Never {
  Watchdog.killChildren()
  let reason: String
  let status: Int32
  switch outcome {
  case .timedOut(let limit):
    reason = "time limit of \(Watchdog.formatSeconds(limit)) s exceeded (raise it with --timeout), and the chunk "
      + "did not stop within \(Watchdog.formatSeconds(Watchdog.grace)) s of the limit"
    status = 1
  default:
    reason = "interrupted twice: the chunk did not stop at the first Ctrl-C"
    status = 130
  }
  guard interactive else {
    Watchdog.endProcess(message: "kaplan: \(reason), so the session was ended", status: status)
  }
  printError("kaplan: \(reason); it was abandoned. Starting a fresh session (globals are lost).")
  reader.close()
  StandardStreams.flushOutput()
  let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
  #if os(Linux)
  execv("/proc/self/exe", arguments)
  #endif
  execvp(CommandLine.arguments.first ?? "kaplan", arguments)
  Watchdog.endProcess(message: "kaplan: cannot restart the session: "
    + "\(String(cString: strerror(errno)))", status: status)
}

/// Runs a REPL chunk on a worker thread while the main thread watches for
/// the second Ctrl-C and the time limit's grace period: a chunk stuck where
/// no hook or poll reaches (a pattern match, a finalizer) can then be
/// abandoned instead of hanging the session.
enum ChunkRunner {
  enum Outcome {
    case finished(ReplSession.Outcome)
    case interrupted
    case timedOut(limit: Double)
  }

  /// The worker's stack: as large as the main thread's, for deep Lua-to-Swift nesting.
  static let stackSize = 16 << 20

  /// What the worker thread is handed. Unchecked `Sendable`: `body` (which
  /// holds the session) is called only on the worker, and `outcome` is
  /// written there before `done` is signalled and read here only after it.
  private final class Slot: @unchecked Sendable {
    let body: () -> ReplSession.Outcome
    var outcome: ReplSession.Outcome?
    let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping () -> ReplSession.Outcome) { self.body = body }
  }

  /// Runs `body` (a chunk of `lua`'s session) to its end, or until it must be abandoned.
  static func run(_ lua: LuaState, _ body: @escaping () -> ReplSession.Outcome) -> Outcome {
    let slot = Slot(body)
    LuaState.clearAbandonRequest()
    let worker = Thread {
      slot.outcome = slot.body()
      slot.done.signal()
    }
    worker.stackSize = stackSize
    worker.start()
    while slot.done.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
      if LuaState.abandonRequested { return .interrupted }
      if let deadline = lua.deadline,
        LuaState.monotonicSeconds > deadline + Watchdog.grace
      {
        return .timedOut(limit: lua.timeLimit ?? 0)
      }
    }
    LuaState.clearAbandonRequest()
    return .finished(slot.outcome ?? .done)
  }
}
