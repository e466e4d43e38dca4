import ArgumentParser
import Foundation
import LuaHost
import RunControl
import Scripting

@main
struct Kaplan: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kaplan",
    abstract: "Survival analysis for clinical trials: Kaplan–Meier, log-rank, Cox, competing risks, in Lua scripts.",
    version: KaplanRuntime.version,
    subcommands: [Run.self, Repl.self, Verify.self, BundleCommand.self, SandboxProbe.self],
    defaultSubcommand: Repl.self)

  /// `kaplan help NAME` of a function goes to its help (FunctionHelpCommand); all else to ArgumentParser.
  static func main() {
    if let name = FunctionHelpCommand.requestedName(CommandLine.arguments) {
      Foundation.exit(FunctionHelpCommand.run(name))
    }
    main(nil)
  }
}

/// Options shared by `run` and `repl`: the sandbox and its limits.
struct SandboxOptions: ParsableArguments {
  @Option(
    name: .customLong("data"),
    help: ArgumentHelp("Bind a dataset read from PATH as global NAME (repeatable).", valueName: "NAME=PATH"))
  var data: [String] = []

  @Option(
    name: .customLong("out"),
    help: ArgumentHelp("Directory scripts may write to (default: the working directory).", valueName: "DIR"))
  var out: String?

  @Flag(name: .customLong("trust"), help: "Lift the sandbox (all libraries, any file) for your own scripts.")
  var trust = false

  @Option(name: .customLong("timeout"), help: ArgumentHelp("Stop the script after S seconds.", valueName: "S"))
  var timeout: Double?

  @Option(
    name: .customLong("max-memory"),
    help: ArgumentHelp(
      """
      Memory the script may use, e.g. 512M or 1.5G (K/M/G/T are powers of 1024; default 4G; \
      0 or unlimited for no limit).
      """,
      valueName: "SIZE"))
  var maxMemory: String?

  @Option(
    name: .customLong("seed"),
    help: ArgumentHelp("Seed of math.random (default fixed, so runs reproduce).", valueName: "N"))
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
      try prepareOutputDirectory(out)
      o.outputDirectory = out
    }
    if let maxMemory { o.maxMemory = try parseSize(maxMemory) }
    if let seed { o.seed = seed }
    o.readRoots = try dataBindings().map { $0.path }
    return o
  }
}

/// Parses a `--max-memory` size: a decimal number of bytes with an optional
/// unit K, M, G or T (powers of 1024, an optional trailing B): "512M",
/// "1.5G", "1048576". "0" and "unlimited" mean no limit, explicitly.
///
/// A fractional size rounds up to a whole byte ("0.5K" is 512 bytes); a
/// size below one byte ("0.5", most likely meant as 0.5G) is an error, as
/// is anything that is not plain decimal (inf, nan, 0x10, 1e30G, -1) or
/// more than `maxMemorySize`. Returns bytes, 0 for no limit.
func parseSize(_ text: String) throws -> Int {
  let units: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
  var digits = text.uppercased().trimmingCharacters(in: .whitespaces)
  if digits == "UNLIMITED" { return 0 }
  var scale = 1.0
  if digits.hasSuffix("B") { digits.removeLast() }
  if let last = digits.last, let u = units[last] { scale = u; digits.removeLast() }
  let plainDecimal = digits.range(of: "^[0-9]+(\\.[0-9]*)?$|^\\.[0-9]+$", options: .regularExpression) != nil
  guard plainDecimal, let n = Double(digits), n.isFinite else {
    throw ValidationError("--max-memory: '\(text)' is not a size (e.g. 512M, 2G; 0 or unlimited for no limit)")
  }
  if n == 0 { return 0 }
  let bytes = (n * scale).rounded(.up)
  guard n * scale >= 1 else {
    throw ValidationError(
      "--max-memory: '\(text)' is less than one byte (did you mean \(text)G? 0 or unlimited for no limit)")
  }
  guard bytes <= Double(maxMemorySize) else {
    throw ValidationError("--max-memory: '\(text)' is more than \(maxMemorySize >> 40)T (0 or unlimited for no limit)")
  }
  return Int(bytes)
}

/// The largest `--max-memory` (1 PiB): beyond any machine, and far enough
/// from `Int.max` that adding the stdlib's own use cannot overflow.
let maxMemorySize = 1 << 50

/// Writes to stderr (diagnostics never go to stdout).
func printError(_ message: String) {
  StandardStreams.flushOutput()
  FileHandle.standardError.write((message + "\n").data(using: .utf8) ?? Data())
}
