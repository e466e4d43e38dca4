import ArgumentParser
import Foundation
import LuaHost
import Scripting

@main
struct Kaplan: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kaplan",
    abstract: "Survival analysis for clinical trials: Kaplan–Meier, log-rank, Cox, competing risks, in Lua scripts.",
    version: KaplanRuntime.version,
    subcommands: [Run.self, Repl.self],
    defaultSubcommand: Repl.self)
}

/// Options shared by `run` and `repl`: the sandbox and its limits.
struct SandboxOptions: ParsableArguments {
  @Option(name: .customLong("data"), help: ArgumentHelp("Bind a dataset read from PATH as global NAME (repeatable).", valueName: "NAME=PATH"))
  var data: [String] = []

  @Option(name: .customLong("out"), help: ArgumentHelp("Directory scripts may write to (default: the working directory).", valueName: "DIR"))
  var out: String?

  @Flag(name: .customLong("trust"), help: "Lift the sandbox (all libraries, any file) for your own scripts.")
  var trust = false

  @Option(name: .customLong("timeout"), help: ArgumentHelp("Stop the script after S seconds.", valueName: "S"))
  var timeout: Double?

  @Option(name: .customLong("max-memory"), help: ArgumentHelp("Memory Lua may use, e.g. 512M or 2G (default 4G).", valueName: "SIZE"))
  var maxMemory: String?

  @Option(name: .customLong("seed"), help: ArgumentHelp("Seed of math.random (default fixed, so runs reproduce).", valueName: "N"))
  var seed: Int?

  func dataBindings() throws -> [(name: String, path: String)] {
    try data.map { spec in
      guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex, spec.index(after: eq) != spec.endIndex else {
        throw ValidationError("--data expects NAME=PATH, got '\(spec)'")
      }
      let name = String(spec[..<eq])
      guard name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
        throw ValidationError("--data: '\(name)' is not a valid Lua name")
      }
      return (name, String(spec[spec.index(after: eq)...]))
    }
  }

  func runtimeOptions(scriptDirectory: String?, scriptName: String, arguments: [String]) throws -> RuntimeOptions {
    var o = RuntimeOptions()
    o.trusted = trust
    o.scriptDirectory = scriptDirectory
    o.scriptName = scriptName
    o.arguments = arguments
    if let timeout {
      // NaN, 0 and negative limits are mistakes, not "no limit" (inf is).
      guard timeout > 0 else {
        throw ValidationError("--timeout: expects a positive number of seconds, got '\(timeout)'")
      }
      o.timeout = timeout.isInfinite ? nil : timeout
    }
    if let out {
      try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
      o.outputDirectory = out
    }
    if let maxMemory { o.maxMemory = try parseSize(maxMemory) }
    if let seed { o.seed = seed }
    o.readRoots = try dataBindings().map { $0.path }
    return o
  }
}

/// Parses "512M", "2G", "1048576" (bytes; K, M, G are powers of 1024).
func parseSize(_ text: String) throws -> Int {
  let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
  var digits = text.uppercased()
  var scale = 1
  if digits.hasSuffix("B") { digits.removeLast() }
  if let last = digits.last, let u = units[last] { scale = u; digits.removeLast() }
  guard let n = Double(digits), n > 0 else {
    throw ValidationError("--max-memory: '\(text)' is not a size (e.g. 512M, 2G)")
  }
  return Int(n * Double(scale))
}

/// Writes to stderr (diagnostics never go to stdout).
func printError(_ message: String) {
  fflush(stdout)
  FileHandle.standardError.write((message + "\n").data(using: .utf8) ?? Data())
}
