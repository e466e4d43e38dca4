import ArgumentParser
import Foundation
import Scripting

/// `kaplan verify RUN.json | study.kaplan` (issue 19): reruns a recorded
/// analysis in a fresh temporary output directory with the recorded
/// options and compares it with the record.
/// Exit status: 0 identical, 1 different (an input changed, or the output),
/// 2 the rerun cannot be made (no readable record, a `--trust` run, the
/// script or an input missing, the rerun stopped).
struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Rerun a recorded run (RUN.json or a .kaplan bundle) and compare it byte for byte.",
    discussion: """
      Checks the script and every input against their recorded SHA-256 first, then reruns in a temporary \
      output directory and compares standard output and every written file. Exit status: 0 identical, \
      1 different, 2 cannot rerun (no readable record, a --trust run, the script or an input missing).
      """)

  @Argument(help: "The run record (RUN.json, written by `kaplan run --record`) or a bundle (.kaplan).")
  var record: String

  func run() throws {
    let status: Int32
    if StudyBundle.isBundlePath(record) {
      status = verifyBundle(record)
    } else {
      do {
        status = Verification(target: try VerificationTarget(recordPath: record)).run()
      } catch {
        printError("kaplan verify: \(error)")
        status = 2
      }
    }
    if status != 0 { throw ExitCode(status) }
  }
}

/// What a verification reruns and where the originals are.
struct VerificationTarget {
  var record: RunRecord
  /// The directory the rerun starts in (inputs as written are relative to it).
  var workingDirectory: String
  /// The original standard output (nil: only its hash is known).
  var originalStdout: String?
  /// The directory of the original outputs.
  var originalOutputs: String
  /// How the original is named in messages.
  var label: String
  /// Whether a missing original output is a difference (a bundle carries
  /// its outputs; a record's output directory may have been cleaned, and
  /// the rerun is then compared with the recorded hashes alone).
  var originalsRequired = false

  /// A record written by `kaplan run --record`: the run happens where it
  /// was recorded; the originals are the recorded output directory and the
  /// `.stdout` file beside the record.
  init(recordPath: String) throws {
    guard let data = FileManager.default.contents(atPath: recordPath) else {
      throw RecordError("cannot read '\(recordPath)'")
    }
    record = try RunRecord.decode(data, path: recordPath)
    workingDirectory = record.workingDirectory
    let directory = URL(fileURLWithPath: recordPath).deletingLastPathComponent()
    originalStdout = directory.appendingPathComponent(record.stdout.file).path
    originalOutputs = record.outputDirectory
    label = recordPath
  }

  init(record: RunRecord, workingDirectory: String, originalStdout: String?, originalOutputs: String, label: String) {
    self.record = record
    self.workingDirectory = workingDirectory
    self.originalStdout = originalStdout
    self.originalOutputs = originalOutputs
    self.label = label
  }
}

/// One verification: inputs, rerun, comparison; prints its findings to
/// standard output and returns the exit status.
struct Verification {
  let target: VerificationTarget

  private var record: RunRecord { target.record }

  func run() -> Int32 {
    if record.kaplanVersion != KaplanRuntime.version {
      print("note: recorded with Kaplan \(record.kaplanVersion); this is Kaplan \(KaplanRuntime.version)")
    }
    guard record.options.sandbox == "sandboxed" else {
      printError(
        "kaplan verify: '\(target.label)' records a --trust run, whose writes are not confined to an output "
          + "directory; it cannot be rerun in a temporary one")
      return 2
    }
    let inputs = checkInputs()
    (inputs.missing + inputs.changed).forEach { print($0) }
    if !inputs.missing.isEmpty {
      // Without the script or an input there is nothing to rerun: "cannot verify" (2), as README says, not a
      // difference (1), which is kept for files that are there with other bytes.
      printError(
        "kaplan verify: cannot rerun '\(target.label)': \(inputs.missing.count) recorded file(s) missing "
          + "(the script or an input)")
      return 2
    }
    if !inputs.changed.isEmpty {
      print("verify: DIFFERENT: \(inputs.changed.count) input(s) changed since the run was recorded")
      return 1
    }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kaplan-verify-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let rerun: RunRecord
    do {
      rerun = try self.rerun(in: scratch)
    } catch {
      printError("kaplan verify: \(error)")
      return 2
    }
    return compare(rerun, rerunOutputs: scratch.appendingPathComponent("out").path,
                   rerunStdout: scratch.appendingPathComponent("run.stdout").path)
  }

  /// Where a recorded input is now: Kaplan's own files in this Kaplan's
  /// stdlib, others at their absolute path or relative to the working
  /// directory.
  func location(of entry: RunRecord.FileEntry) -> String? {
    if entry.stdlib == true {
      guard let stdlib = StdlibLocator.locate() else { return nil }
      return (stdlib as NSString).appendingPathComponent(entry.path)
    }
    let path = entry.resolved ?? entry.path
    return path.hasPrefix("/") ? path : (target.workingDirectory as NSString).appendingPathComponent(path)
  }

  /// One line per input (the script first) that is missing, and one per
  /// input whose bytes are not the recorded ones.
  func checkInputs() -> (missing: [String], changed: [String]) {
    var missing: [String] = []
    var changed: [String] = []
    for (entry, what) in [(record.script, "script")] + record.inputs.map({ ($0, "input") }) {
      let name = entry.stdlib == true ? "Kaplan's own file '\(entry.path)'" : "\(what) '\(entry.path)'"
      guard let path = location(of: entry), let now = SHA256.file(path) else {
        missing.append("\(name) is missing (recorded sha256 \(entry.sha256))")
        continue
      }
      if now.hex != entry.sha256 {
        changed.append("\(name) changed: recorded sha256 \(entry.sha256) (\(entry.size) bytes), "
          + "now \(now.hex) (\(now.size) bytes)")
      }
    }
    return (missing, changed)
  }

  /// Runs the recorded command again with this executable, in the recorded
  /// working directory, writing into `scratch`.
  func rerun(in scratch: URL) throws -> RunRecord {
    let out = scratch.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let recordPath = scratch.appendingPathComponent("run.json").path
    var arguments = ["run", record.script.path, "--out", out.path, "--record", recordPath,
                     "--seed", String(record.options.seed), "--max-memory", String(record.options.maxMemory)]
    if let timeout = record.options.timeout { arguments += ["--timeout", String(timeout)] }
    for binding in record.options.data { arguments += ["--data", "\(binding.name)=\(binding.path)"] }
    if record.options.quiet { arguments.append("--quiet") }
    if record.options.color == true { arguments += ["--color", "always"] }
    if !record.options.arguments.isEmpty { arguments += ["--"] + record.options.arguments }
    guard FileManager.default.fileExists(atPath: target.workingDirectory) else {
      throw RecordError("the recorded working directory '\(target.workingDirectory)' does not exist")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: selfExecutable())
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: target.workingDirectory)
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard let data = FileManager.default.contents(atPath: recordPath), !data.isEmpty else {
      throw RecordError("the rerun stopped before it could be compared (exit status \(process.terminationStatus))")
    }
    return try RunRecord.decode(data, path: recordPath)
  }

  /// Compares the rerun with the record; prints the differences and the
  /// unified diff of the first text difference.
  func compare(_ rerun: RunRecord, rerunOutputs: String, rerunStdout: String) -> Int32 {
    var problems: [String] = []
    var firstDiff: TextDifference?
    if rerun.exitStatus != record.exitStatus {
      problems.append("exit status: recorded \(record.exitStatus), rerun \(rerun.exitStatus)")
    }
    compareFile(
      name: "standard output", file: "stdout", recorded: record.stdout.sha256, original: target.originalStdout,
      rerunHash: rerun.stdout.sha256, rerunPath: rerunStdout, problems: &problems, firstDiff: &firstDiff)
    let recorded = Dictionary(record.outputs.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    let made = Dictionary(rerun.outputs.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    for path in Set(recorded.keys).union(made.keys).sorted() {
      switch (recorded[path], made[path]) {
      case (let old?, let new?):
        compareFile(
          name: "output '\(path)'", file: path, recorded: old.sha256,
          original: (target.originalOutputs as NSString).appendingPathComponent(path), rerunHash: new.sha256,
          rerunPath: (rerunOutputs as NSString).appendingPathComponent(path), problems: &problems,
          firstDiff: &firstDiff)
      case (_?, nil): problems.append("output '\(path)': written by the recorded run, not by the rerun")
      case (nil, _?): problems.append("output '\(path)': written by the rerun, not by the recorded run")
      case (nil, nil): break
      }
    }
    if problems.isEmpty {
      print("verify: IDENTICAL: standard output and \(record.outputs.count) output file(s) match '\(target.label)' "
        + "byte for byte (\(record.inputs.count + 1) input(s) checked)")
      return 0
    }
    problems.forEach { print($0) }
    if let firstDiff, let diff = firstDiff.diff {
      print("first difference:")
      print(diff, terminator: "")
      if !firstDiff.lastDigitOnly.isEmpty {
        let pairs = firstDiff.lastDigitOnly.map { "\($0.0) -> \($0.1)" }.joined(separator: ", ")
        print("numbers differ only in the last printed digit: \(pairs)")
      }
    }
    print("verify: DIFFERENT: \(problems.count) difference(s)")
    return 1
  }

  /// Compares one file; adds a problem line when it differs, and the text
  /// diff when it is the first text difference.
  @discardableResult
  func compareFile(
    name: String, file: String, recorded: String, original: String?, rerunHash: String, rerunPath: String,
    problems: inout [String], firstDiff: inout TextDifference?
  ) -> Bool {
    // The original bytes when they are still the recorded ones.
    let old = original.flatMap { FileManager.default.contents(atPath: $0) }
    let oldBytes = old.flatMap { SHA256.hex($0) == recorded ? $0 : nil }
    // Originals that are not what the run wrote are a difference: whoever
    // reads them would be told they reproduce (found by the session-5 review).
    if let old, oldBytes == nil {
      problems.append("the original \(name) has changed since the run was recorded: recorded sha256 \(recorded), "
        + "now \(SHA256.hex(old))")
    } else if old == nil, original != nil, target.originalsRequired {
      problems.append("the original \(name) is missing")
    }
    let new = FileManager.default.contents(atPath: rerunPath)
    if let oldBytes, let new {
      if oldBytes == new { return true }
    } else if rerunHash == recorded {
      return true
    }
    problems.append("\(name) differs: recorded sha256 \(recorded), rerun \(rerunHash)")
    if firstDiff == nil, let oldBytes, let new,
      let oldText = String(data: oldBytes, encoding: .utf8), let newText = String(data: new, encoding: .utf8)
    {
      firstDiff = TextDifference(old: oldText, new: newText, oldName: "recorded/\(file)", newName: "rerun/\(file)")
    }
    return false
  }
}

/// The path of the running executable, to rerun a record with the same Kaplan.
func selfExecutable() -> String {
  #if os(Linux)
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
  #endif
  return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
}
