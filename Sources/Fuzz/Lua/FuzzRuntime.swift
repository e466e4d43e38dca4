import Foundation
import FuzzCoverage
@testable import LuaHost
import RunControl
import Scripting

/// A sandboxed `KaplanRuntime` for one fuzz input, as `kaplan run` makes it
/// without `--trust`: a 5 s time limit and 256 MB of Lua memory, a fresh
/// temporary working and output directory (the process changes into it once,
/// so that relative paths written by a script land there), stdout sent to
/// /dev/null (the API fuzzer calls `print`) and stdin from /dev/null.
public enum FuzzRuntime {
  /// The directory the fuzzer works in, made once per process.
  static let workDirectory: String? = {
    let base = (NSTemporaryDirectory() as NSString).appendingPathComponent("kaplan-fuzz-\(getpid())")
    guard (try? FileManager.default.createDirectory(
      atPath: base + "/out", withIntermediateDirectories: true)) != nil else { return nil }
    _ = freopen("/dev/null", "w", StandardStreams.output)
    _ = freopen("/dev/null", "r", StandardStreams.input)
    guard FileManager.default.changeCurrentDirectoryPath(base) else { return nil }
    return base
  }()

  /// A fresh runtime, or a property failure when none can be made (the
  /// stdlib is not found: set KAPLAN_STDLIB).
  public static func make() -> KaplanRuntime {
    guard let dir = workDirectory else { fuzzAbort("cannot create the fuzzer's working directory") }
    var options = RuntimeOptions(workingDirectory: dir)
    options.outputDirectory = dir + "/out"
    options.timeout = 5
    options.maxMemory = 256 << 20
    options.scriptName = "fuzz.lua"
    options.stdlibPath = ProcessInfo.processInfo.environment["KAPLAN_STDLIB"]
    do {
      return try KaplanRuntime(options: options)
    } catch {
      fuzzAbort("cannot create a KaplanRuntime: \(error)")
    }
  }

  /// Bytes as lower-case hex text.
  public static func hexText(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Hex text back to bytes (nil if it is not hex).
  public static func bytes(fromHex text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    func nibble(_ c: UInt8) -> UInt8? {
      switch c {
      case 48...57: return c - 48
      case 97...102: return c - 87
      default: return nil
      }
    }
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count / 2)
    var i = 0
    while i < utf8.count {
      guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
      out.append(hi << 4 | lo)
      i += 2
    }
    return out
  }

  static func fuzzAbort(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fuzz: \(message)\n".utf8))
    abort()
  }
}

/// A runtime with the value generator and a fuzz program loaded: `run`
/// feeds it one input. The API fuzzer makes a session per input (its calls
/// change the state); the JSON fuzzer reuses one for many inputs.
public final class FuzzSession {
  public let runtime: KaplanRuntime
  /// `runner(hex, trace)` of `fuzzValuesLua`.
  let runner: LuaValue

  /// `program` is Lua source that receives `G` (the generator, its input
  /// set) as `...`.
  public init(program source: String) {
    let runtime = FuzzRuntime.make()
    self.runtime = runtime
    do {
      let values = try runtime.lua.load(fuzzValuesLua, chunkName: "=fuzz-values")
      let program = try runtime.lua.load(source, chunkName: "=fuzz-program")
      runner = try runtime.stoppable { try runtime.lua.call(values, [program]) }.first ?? .nil
    } catch {
      FuzzRuntime.fuzzAbort("cannot load the fuzz program: \(error)")
    }
    // After the stdlib and the pool: their lines would be covered by every
    // input and tell libFuzzer nothing.
    fuzz_coverage_install(runtime.lua.L)
  }

  /// Runs the program on `input`; what it returned, or nil when it raised
  /// (a Lua error is a fine outcome).
  public func run(_ input: [UInt8]) -> [LuaValue]? {
    do {
      return try runtime.stoppable {
        try runtime.lua.call(runner, [
          .string(FuzzRuntime.hexText(input)), .boolean(FuzzSession.verbose), .boolean(FuzzSession.skipBorders),
        ])
      }
    } catch {
      if FuzzSession.verbose { FileHandle.standardError.write(Data("fuzz: \(error)\n".utf8)) }
      return nil
    }
  }

  /// KAPLAN_FUZZ_VERBOSE=1: print the Lua errors, and (API fuzzer) each call
  /// with its arguments, to see what an input does.
  static let verbose = ProcessInfo.processInfo.environment["KAPLAN_FUZZ_VERBOSE"] != nil

  /// KAPLAN_FUZZ_SKIP_BORDERS=1: no tables with a border of 2^k, so that a
  /// long run can look past that known class of crash (issue 12, item 5).
  static let skipBorders = ProcessInfo.processInfo.environment["KAPLAN_FUZZ_SKIP_BORDERS"] != nil
}
