import Foundation
import LuaHost
import RunControl

/// The read–eval–print logic of `kaplan repl`, independent of the terminal
/// (libedit lives in the executable), so tests can drive it.
///
/// As `lua.c`: a line that compiles as `return <line>;` is an expression
/// and prints its value (it runs as `return (...)(<line>)`, so that its calls
/// are not tail calls and their errors point at the line); otherwise it runs
/// as a statement; a chunk whose syntax error ends at `<eof>` is incomplete
/// and more lines are read. Errors print without the stdlib's frames
/// (`ScriptTraceback`).
public final class ReplSession {
  public let runtime: KaplanRuntime
  /// Print errors with their full traceback (`--traceback`); by default
  /// without the stdlib's frames (`ScriptTraceback`).
  public var fullTraceback = false

  public enum Outcome: Equatable {
    /// The chunk so far is incomplete: read another line and call again with both.
    case incomplete
    /// Ran; any values were printed.
    case done
    /// A syntax or runtime error, with its message (and traceback).
    case error(String)
  }

  private let showResults: LuaValue
  private let complete: LuaValue

  public init(runtime: KaplanRuntime) throws {
    self.runtime = runtime
    // The chunk gets the identity function as its vararg: an expression
    // line runs as `return (...)(<line>)` (see `evaluate`).
    showResults = try runtime.lua.load("""
      local chunk = ...
      local results = table.pack(chunk(function(...) return ... end))
      if results.n > 0 then show(table.unpack(results, 1, results.n)) end
      """, chunkName: "=repl")
    complete = try runtime.lua.load(
      "return require('kaplan.complete').complete(...)", chunkName: "=complete")
  }

  /// Evaluates `source` (one or more lines). Values of an expression are
  /// printed with `show` (result objects print their summary).
  ///
  /// Each chunk is a run of its own: `--timeout` limits each chunk, and a
  /// Ctrl-C or time limit that stopped one chunk (the stop is sticky while
  /// the chunk runs) is cleared before and after it, so that the session,
  /// and completion at the prompt, go on.
  public func evaluate(_ source: String) -> Outcome {
    let lua = runtime.lua
    lua.setTimeLimit(runtime.options.timeout)
    lua.clearStop()
    defer {
      lua.setTimeLimit(nil)
      lua.clearStop()
    }
    let chunk: LuaValue
    if (try? lua.load("return " + source + ";", chunkName: "=stdin")) != nil,
      // `return km(...)` would be a tail call: the line's frame would be gone
      // before km raised, and the error would point inside the REPL. Passed
      // through the identity, the line's calls run in the line's own frame.
      let asExpression = try? lua.load("return (...)(" + source + "\n)", chunkName: "=stdin")
    {
      chunk = asExpression
    } else {
      do {
        chunk = try lua.load(source, chunkName: "=stdin")
      } catch LuaError.syntax(let message, let incomplete) {
        return incomplete ? .incomplete : .error(message)
      } catch {
        return .error(failure(error))
      }
    }
    do {
      // Run and show in Lua, so results keep their metatables (a value
      // decoded into Swift and pushed back would lose them).
      _ = try runtime.stoppable { try lua.call(showResults, [chunk]) }
      StandardStreams.flushOutput()
      return .done
    } catch {
      StandardStreams.flushOutput()
      return .error(failure(error))
    }
  }

  /// The text of an error as the REPL prints it; the full text is kept for
  /// `debug_traceback()`.
  private func failure(_ error: Error) -> String {
    runtime.lastError = String(describing: error)
    return runtime.errorText(error, fullTraceback: fullTraceback)
  }

  /// Evaluates what is left when the input ends: a chunk that is still
  /// incomplete is a syntax error (as `lua.c` reports it), not dropped.
  public func finish(_ source: String) -> Outcome {
    let outcome = evaluate(source)
    guard outcome == .incomplete else { return outcome }
    do {
      _ = try runtime.lua.load(source, chunkName: "=stdin")
      return .error("stdin: incomplete input at the end")
    } catch {
      return .error(String(describing: error))
    }
  }

  /// Candidate completions of `word`, the text libedit replaces (globals,
  /// fields after `.`, methods after `:`); `line` is the line up to the
  /// cursor, which tells option tables and file names apart
  /// (`stdlib/kaplan/complete.lua`).
  public func completions(for word: String, line: String? = nil) -> [String] {
    guard let out = try? runtime.lua.call(complete, [.string(word), .string(line ?? word)]),
      case .table(let t)? = out.first
    else { return [] }
    return t.array.compactMap { $0.stringValue }
  }
}
