import ArgumentParser
// libedit's configuration is C globals (`rl_completion_entry_function`, …):
// set here on the main thread before the first `readline`, and libedit calls
// back only from inside `readline`, on that thread.
@preconcurrency import CEdit
import Foundation
import LuaHost
import RunControl
import Scripting

/// `kaplan repl`: the interactive read–eval–print loop. With a terminal it
/// uses libedit (line editing, history in ~/.kaplan_history, tab
/// completion); without one it reads standard input line by line. Lines
/// that are not UTF-8 are refused (ReplLineInput.swift).
struct Repl: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Start the interactive REPL (the default).")

  @OptionGroup var sandbox: SandboxOptions

  @OptionGroup var reporting: ReportingOptions

  func run() throws {
    fixConverterDates()
    let session: ReplSession
    do {
      var options = try sandbox.runtimeOptions(scriptDirectory: nil, scriptName: "repl", arguments: [])
      reporting.apply(to: &options)
      let runtime = try KaplanRuntime(options: options)
      try runtime.bindData(try sandbox.dataBindings())
      session = try ReplSession(runtime: runtime)
      session.fullTraceback = reporting.traceback
    } catch let error as ValidationError {
      throw error
    } catch {
      printError("kaplan: \(error)")
      throw ExitCode(1)
    }
    installInterruptHandler(session.runtime.lua)
    let interactive = isatty(STDIN_FILENO) != 0
    let reader: LineReader = interactive ? EditLineReader(session: session) : PlainLineReader()
    if interactive {
      print("Kaplan \(KaplanRuntime.version) (Lua 5.4). help() lists functions; Ctrl-D quits.")
      StandardStreams.flushOutput()
    }
    var failed = false
    var buffer = ""
    let lua = session.runtime.lua
    while true {
      guard let read = reader.readLine(prompt: buffer.isEmpty ? "> " : ">> ") else {
        // Ctrl-C at the prompt ends libedit's line, not the session: the
        // line (and an unfinished chunk) is dropped, as in a shell.
        if interactive && lua.interruptRequested {
          lua.clearStop()
          LuaState.clearAbandonRequest()
          print("")
          buffer = ""
          continue
        }
        break
      }
      guard case .text(let line) = read else {
        // Not UTF-8: refused on stderr; the pending chunk is dropped whole, never run altered.
        buffer = ""
        failed = true
        continue
      }
      buffer = buffer.isEmpty ? line : buffer + "\n" + line
      let outcome = ChunkRunner.run(session.runtime.lua) { session.evaluate(buffer) }
      guard case .finished(let result) = outcome else {
        reader.remember(buffer)
        abandon(outcome, interactive: interactive, reader: reader)
      }
      switch result {
      case .incomplete:
        continue
      case .done:
        reader.remember(buffer)
      case .error(let message):
        reader.remember(buffer)
        printError(message)
        failed = true
      }
      buffer = ""
    }
    if !buffer.isEmpty {
      let outcome = ChunkRunner.run(session.runtime.lua) { session.finish(buffer + "\n") }
      guard case .finished(let result) = outcome else {
        abandon(outcome, interactive: false, reader: reader)
      }
      if case .error(let message) = result {
        printError(message)
        failed = true
      }
    }
    reader.close()
    if interactive { print("") }
    // Piped input that failed exits 1, so scripts and tests see it.
    if failed && !interactive { throw ExitCode(1) }
  }
}

protocol LineReader {
  /// The next line, `.refused` (after saying why on stderr) when it was not
  /// UTF-8 text, or nil at the end of the input.
  func readLine(prompt: String) -> ReplLine?
  func remember(_ entry: String)
  func close()
}

struct PlainLineReader: LineReader {
  func readLine(prompt: String) -> ReplLine? { readPlainLine() }
  func remember(_ entry: String) {}
  func close() {}
}

/// libedit's readline interface: editing, history file and completion.
final class EditLineReader: LineReader {
  var history = ReplHistory()
  // libedit's completion callback is a C function pointer and cannot capture
  // the session; it runs on the main thread inside `readline`, as does all
  // other use of these two.
  nonisolated(unsafe) static var session: ReplSession?
  nonisolated(unsafe) static var candidates: [String] = []

  init(session: ReplSession) {
    EditLineReader.session = session
    TerminalInput.install()
    using_history()
    history.load()
    rl_completion_entry_function = { text, state in
      guard let text else { return nil }
      if state == 0 {
        // '.' and ':' are not break characters, so `text` is the whole
        // chain ("fit.str", "d:he") and candidates replace it whole.
        // The line up to the cursor: option names and file names depend on it.
        let line = rl_line_buffer.map { String(decoding: UnsafeRawBufferPointer(
          start: $0, count: max(0, min(Int(rl_point), strlen($0)))), as: UTF8.self) }
        EditLineReader.candidates = EditLineReader.session?.completions(
          for: String(cString: text), line: line) ?? []
      }
      let i = Int(state)
      guard i < EditLineReader.candidates.count else { return nil }
      return strdup(EditLineReader.candidates[i])
    }
    // Break words at anything but identifier characters, '.' and ':'.
    rl_basic_word_break_characters = EditLineReader.breakCharacters
    // No space after a completion: "math" is usually followed by "." .
    rl_completion_append_character = 0
  }

  // Never written after it is made, nor freed (libedit keeps the pointer).
  nonisolated(unsafe) static let breakCharacters: UnsafePointer<CChar> = {
    let s = " \t\n\"'`@$><=;|&{(,)[]+-*/%^#~"
    return UnsafePointer(strdup(s)!)
  }()

  func readLine(prompt: String) -> ReplLine? {
    StandardStreams.flushOutput()
    TerminalInput.beginLine()
    guard let raw = readline(prompt) else { return nil }
    defer { free(raw) }
    return TerminalInput.finishLine(raw)
  }

  func remember(_ entry: String) {
    guard !entry.trimmingCharacters(in: .whitespaces).isEmpty else { return }
    add_history(entry)
  }

  func close() {
    history.save()
  }
}
