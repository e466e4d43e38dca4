import Foundation
import LuaHost
import Survival

/// How a runtime is set up: the sandbox, limits and script context of
/// `kaplan run` / `kaplan repl`.
public struct RuntimeOptions {
  public var trusted = false
  /// Extra readable paths (`--data` files).
  public var readRoots: [String] = []
  public var outputDirectory: String
  public var workingDirectory: String
  /// The script's directory: readable, and searched by `require`.
  public var scriptDirectory: String?
  public var timeout: Double?
  /// Bytes Lua may allocate (0 = unlimited).
  public var maxMemory = 4 << 30
  public var seed = 20_021_004
  public var scriptName = "kaplan"
  public var arguments: [String] = []
  public var stdlibPath: String?
  /// Print a fit's warnings to stderr when it returns (`--quiet`: false).
  public var printWarnings = true
  /// Whether plot previews use ANSI colours unless a script says (`TerminalColor`;
  /// the CLI's `--color`). Off by default: output that is not a terminal gets no codes.
  public var terminalColor = false
  /// Notes the files the run reads and writes (`kaplan run --record`).
  public var recorder: FileAccessRecorder?

  public init(workingDirectory: String = FileManager.default.currentDirectoryPath) {
    self.workingDirectory = workingDirectory
    self.outputDirectory = workingDirectory
  }
}

/// A Lua state with Kaplan's libraries, stdlib and sandbox: everything a
/// script or REPL line runs in.
public final class KaplanRuntime {
  public static let version = "0.1.0"
  public let lua: LuaState
  public let options: RuntimeOptions
  public let policy: SandboxPolicy
  public let stdlibPath: String
  /// The one memory budget of Lua and the host (`--max-memory`).
  public let memory: RunMemoryAccount
  /// The methods of the userdata kinds (dataset, column, date), both halves.
  public let userdata = UserdataMethods()
  /// The `tidy()` forms of the result kinds, for the global `tidy(x)`.
  public let tidiers = TidyRegistry()
  /// The full text (message and traceback) of the REPL's last error, for
  /// `debug_traceback()`: the REPL prints errors without the stdlib's frames.
  public internal(set) var lastError: String?

  public init(options: RuntimeOptions) throws {
    self.options = options
    guard let stdlib = options.stdlibPath ?? StdlibLocator.locate() else {
      throw LuaError.runtime(
        "cannot find Kaplan's stdlib (set KAPLAN_STDLIB to the stdlib directory, or reinstall)")
    }
    stdlibPath = stdlib
    var roots = [options.workingDirectory, stdlib] + options.readRoots
    if let dir = options.scriptDirectory { roots.append(dir) }
    policy = SandboxPolicy(
      trusted: options.trusted, readRoots: roots,
      outputDirectory: options.outputDirectory, workingDirectory: options.workingDirectory,
      recorder: options.recorder)
    lua = try LuaState()
    memory = RunMemoryAccount(lua: lua)
    lua.setLibrarySource(prefix: "@" + (stdlib.hasSuffix("/") ? stdlib : stdlib + "/"))
    try setUp()
    // The budget counts what the stdlib took, so scripts get `maxMemory` on top.
    memory.start(budget: options.maxMemory)
  }

  private func setUp() throws {
    let policy = self.policy
    let checkRead = lua.function("check_read") { call in [.string(try policy.checkLuaRead(try call.string(1)))] }
    let checkWrite = lua.function("check_write") { call in [.string(try policy.checkWrite(try call.string(1)))] }

    // package.path: the script's directory first, then the stdlib.
    var paths: [String] = []
    if let dir = options.scriptDirectory { paths += ["\(dir)/?.lua", "\(dir)/?/init.lua"] }
    paths += ["\(stdlibPath)/?.lua", "\(stdlibPath)/?/init.lua"]
    let setPath = try lua.load("package.path = ...; math.randomseed(select(2, ...))", chunkName: "=setup")
    _ = try lua.call(setPath, [.string(paths.joined(separator: ";")), .integer(options.seed)])

    if !options.trusted {
      let sandbox = try loadStdlibFile("kaplan/sandbox.lua")
      // raise(message): the sandbox's own errors, positioned as every Swift
      // error is, at the first line outside the stdlib.
      let raise = lua.function("raise") { call in throw LuaError.runtime(try call.string(1)) }
      _ = try lua.call(sandbox, [checkRead, checkWrite, try lua.finalPathOpener(), raise])
    }

    var core: [(String, LuaValue)] = [("check_read", checkRead), ("check_write", checkWrite)]
    var registry: [LuaValue] = []
    var kinds: [LuaValue] = []
    for library in makeKaplanLibraries() {
      let binding = try library.install(in: self)
      core.append((library.name, .table(LuaTable(fields: binding.internals))))
      for declaration in binding.functions {
        let callback = try BindingRegistry.callback(declaration, in: lua)
        registry.append(BindingRegistry.entry(declaration, library: library.name, callback: callback))
      }
      kinds += binding.kinds.map(BindingRegistry.kindEntry)
      tidiers.register(binding.kinds)
    }
    core.append(("registry", .array(registry)))
    core.append(("kinds", .array(kinds)))
    let settings: LuaValue = .record([
      "version": .string(KaplanRuntime.version),
      "trusted": .boolean(options.trusted),
      "output_directory": .string(policy.outputDirectory),
      "stdlib": .string(stdlibPath),
      "interactive": .boolean(false),
    ])
    let initChunk = try loadStdlibFile("kaplan/init.lua")
    _ = try lua.call(initChunk, [.table(LuaTable(fields: core)), settings])

    // `arg` as lua.c: arg[0] the script, arg[1...] its arguments.
    let argTable = LuaTable(array: options.arguments.map { .string($0) })
    try lua.setGlobal("arg", .table(argTable))
    _ = try lua.call(try lua.load("arg[0] = ...", chunkName: "=setup"), [.string(options.scriptName)])
    lua.setTimeLimit(options.timeout)
  }

  private func loadStdlibFile(_ relative: String) throws -> LuaValue {
    let path = (stdlibPath as NSString).appendingPathComponent(relative)
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw LuaError.runtime("cannot read stdlib file '\(path)'")
    }
    return try lua.load(text, chunkName: "@" + path)
  }

  /// Binds each `--data NAME=PATH` as a global dataset (through the stdlib's
  /// `read_csv`).
  public func bindData(_ bindings: [(name: String, path: String)]) throws {
    try stoppable { try bindDataNow(bindings) }
  }

  private func bindDataNow(_ bindings: [(name: String, path: String)]) throws {
    for (name, path) in bindings {
      let reader = try lua.global("read_csv")
      guard reader != .nil else {
        throw LuaError.runtime("--data \(name)=\(path): datasets are not available in this build")
      }
      let results = try lua.call(reader, [.string(path)])
      guard let dataset = results.first, dataset != .nil else {
        let message = results.count > 1 ? (try? lua.tostring(results[1])) ?? "" : ""
        throw LuaError.runtime("--data \(name)=\(path): \(message)")
      }
      try lua.setGlobal(name, dataset)
    }
  }

  /// Runs a script file's text. Errors come back as `LuaError` (syntax or
  /// runtime with traceback).
  public func runScript(source: String, chunkName: String) throws {
    let chunk = try lua.load(source, chunkName: "@" + chunkName)
    _ = try stoppable { try lua.call(chunk, options.arguments.map { .string($0) }) }
  }

  /// Runs `body` with the kernels' cancellation bound to this state's
  /// Ctrl-C flag and time limit (docs/ARCHITECTURE.md, safety rule 5), and the run's
  /// memory budget installed for the host's allocations. The stop is
  /// sticky: once it happened every later poll throws, until the state's
  /// `clearStop()`.
  public func stoppable<R>(_ body: () throws -> R) rethrows -> R {
    let lua = self.lua
    return try MemoryBudget.withAccount(memory) {
      try Cancellation.withCheck({ lua.stopRequested }, body)
    }
  }
}
