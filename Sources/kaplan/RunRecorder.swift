import Foundation
import Scripting

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One recorded run (`kaplan run --record RUN.json`, issue 19): owns the
/// run's `FileAccessRecorder` (given to the sandbox policy), the copy of
/// standard output, and the record file. The record and the `.stdout` file
/// are opened before the kernel sandbox closes the file system, so they may
/// lie outside `--out`; they are written when the run ends, whatever its
/// status.
final class RunRecorder {
  let recorder = FileAccessRecorder()
  let recordPath: String
  let stdoutPath: String
  private let recordFile: Int32
  private let stdoutFile: Int32
  private var tee: StdoutTee?

  /// The `.stdout` file beside a record: RUN.json gives RUN.stdout.
  static func stdoutPath(forRecord path: String) -> String {
    let url = URL(fileURLWithPath: path)
    let base = url.pathExtension.lowercased() == "json" ? url.deletingPathExtension() : url
    return base.path + ".stdout"
  }

  init(recordPath: String) throws {
    self.recordPath = recordPath
    stdoutPath = RunRecorder.stdoutPath(forRecord: recordPath)
    recordFile = try RunRecorder.create(recordPath)
    do {
      stdoutFile = try RunRecorder.create(stdoutPath)
    } catch {
      close(recordFile)
      throw error
    }
  }

  private static func create(_ path: String) throws -> Int32 {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw RecordError("--record: cannot write '\(path)': \(String(cString: strerror(errno)))")
    }
    return fd
  }

  /// Starts noting files and copying standard output (after the runtime
  /// has loaded its stdlib, before `--data` is read).
  func start() throws {
    recorder.start()
    tee = try StdoutTee(file: stdoutFile)
  }

  /// Writes the record of the finished run.
  func finish(
    runtime: KaplanRuntime, script: RunRecord.FileEntry, options: RunRecord.Options, exitStatus: Int
  ) throws {
    let output = tee?.finish() ?? (sha256: SHA256().hexDigest(), size: 0)
    tee = nil
    let files = RunRecord.files(
      of: recorder, outputDirectory: runtime.policy.outputDirectory, stdlib: runtime.stdlibPath)
    let record = RunRecord(
      kaplanVersion: KaplanRuntime.version, luaVersion: SessionInfo.luaVersion, platform: SessionInfo.platform,
      commandLine: CommandLine.arguments, workingDirectory: runtime.policy.workingDirectory,
      outputDirectory: runtime.policy.outputDirectory, options: options, script: script,
      inputs: files.inputs, outputs: files.outputs,
      stdout: RunRecord.Output(
        file: URL(fileURLWithPath: stdoutPath).lastPathComponent, size: output.size, sha256: output.sha256),
      exitStatus: exitStatus)
    let data = try record.encoded()
    data.withUnsafeBytes { writeAll(recordFile, $0) }
    close(recordFile)
  }
}
