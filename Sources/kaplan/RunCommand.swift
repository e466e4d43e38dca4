import ArgumentParser
import Foundation
import LuaHost
import RunControl
import Scripting

/// `kaplan run SCRIPT`: runs a script in the sandbox.
/// Exit status: 0 success, 1 script error (syntax or runtime), 2 usage or
/// a script that cannot be read.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Run an analysis script.")

  @Argument(help: "The Lua script to run.")
  var script: String?

  @Flag(
    name: .customLong("sandbox-info"),
    help: "Print what the sandbox enforces and how (path checks, Landlock), then exit.")
  var sandboxInfo = false

  @OptionGroup var sandbox: SandboxOptions

  @OptionGroup var reporting: ReportingOptions

  @Option(
    name: .customLong("record"),
    help: ArgumentHelp(
      "Write a record of the run (versions, options, files read and written with SHA-256) to RUN.json, "
        + "and its standard output beside it (RUN.stdout); `kaplan verify RUN.json` reruns and compares.",
      valueName: "RUN.json"))
  var record: String?

  @Argument(parsing: .postTerminator, help: "Arguments for the script (after --), as arg[1], arg[2], ...")
  var scriptArguments: [String] = []

  func validate() throws {
    if script == nil && !sandboxInfo { throw ValidationError("Missing expected argument '<script>'") }
  }

  func run() throws {
    if sandboxInfo { return try printSandboxInfo(sandbox: sandbox, script: script) }
    fixConverterDates()
    let script = self.script ?? ""
    if StudyBundle.isBundlePath(script) { return try runBundle(script) }
    let directory = (URL(fileURLWithPath: script).standardizedFileURL.deletingLastPathComponent().path)
    var options = try sandbox.runtimeOptions(
      scriptDirectory: directory, scriptName: script, arguments: scriptArguments)
    reporting.apply(to: &options, recording: record != nil)
    guard let data = FileManager.default.contents(atPath: script) else {
      let reason = FileManager.default.fileExists(atPath: script) ? "permission denied" : "No such file or directory"
      printError("kaplan: cannot open script '\(script)': \(reason)")
      throw ExitCode(2)
    }
    guard let source = String(data: data, encoding: .utf8) else {
      printError("kaplan: script '\(script)' is not valid UTF-8 text")
      throw ExitCode(2)
    }
    let recording: RunRecorder?
    do {
      recording = try record.map { try RunRecorder(recordPath: $0) }
    } catch {
      printError("kaplan: \(error)")
      throw ExitCode(2)
    }
    options.recorder = recording?.recorder
    let runtime: KaplanRuntime
    do {
      runtime = try KaplanRuntime(options: options)
      restrictWithKernelSandbox(runtime)
      installInterruptHandler(runtime.lua)
      // The backstop of --timeout and Ctrl-C (pattern bombs, finalizers).
      Watchdog.watch(runtime.lua)
      try recording?.start()
    } catch let error as ValidationError {
      throw error
    } catch {
      printError("kaplan: \(error)")
      throw ExitCode(1)
    }
    var status: Int32 = 0
    do {
      try runtime.bindData(try sandbox.dataBindings())
      try runtime.runScript(source: source, chunkName: script)
      StandardStreams.flushOutput()
    } catch let error as ValidationError {
      throw error
    } catch {
      printError("kaplan: \(runtime.errorText(error, fullTraceback: reporting.traceback))")
      status = 1
    }
    if let recording {
      do {
        let entry = RunRecord.FileEntry(
          path: script, resolved: URL(fileURLWithPath: script).standardizedFileURL.path, size: data.count,
          sha256: SHA256.hex(data))
        try recording.finish(
          runtime: runtime, script: entry, options: try recordedOptions(runtime.options), exitStatus: Int(status))
      } catch {
        printError("kaplan: --record: \(error)")
        throw ExitCode(2)
      }
    }
    if status != 0 { throw ExitCode(status) }
  }

  /// `kaplan run study.kaplan`: only --out, --record, --quiet and
  /// --traceback apply; the rest was recorded with the bundle.
  private func runBundle(_ path: String) throws {
    if sandbox.trust || !sandbox.data.isEmpty || sandbox.seed != nil || sandbox.timeout != nil
      || sandbox.maxMemory != nil || !scriptArguments.isEmpty
    {
      throw ValidationError(
        "a bundle runs with the options it was recorded with (only --out, --record, --quiet and --traceback apply)")
    }
    let status: Int32
    do {
      status = try StudyBundle.run(path, out: sandbox.out, record: record, reporting: reporting)
    } catch {
      printError("kaplan: \(error)")
      throw ExitCode(2)
    }
    if status != 0 { throw ExitCode(status) }
  }

  /// The options a record keeps: what `kaplan verify` passes to the rerun.
  private func recordedOptions(_ options: RuntimeOptions) throws -> RunRecord.Options {
    RunRecord.Options(
      seed: options.seed, timeout: options.timeout, maxMemory: options.maxMemory,
      sandbox: options.trusted ? "trusted" : "sandboxed",
      data: try sandbox.dataBindings().map { RunRecord.DataBinding(name: $0.name, path: $0.path) },
      arguments: scriptArguments, quiet: reporting.quiet, color: options.terminalColor ? true : nil)
  }
}

/// Ctrl-C asks `lua`'s running chunk to stop (async-signal-safe; the stop
/// is sticky); SIGTERM and SIGHUP kill the `rsvg-convert` children first.
func installInterruptHandler(_ lua: LuaState) {
  lua.receiveInterrupts()
  Watchdog.installTerminationHandlers()
}
