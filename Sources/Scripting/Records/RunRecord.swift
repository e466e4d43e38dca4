import Foundation

/// The record of one `kaplan run --record RUN.json` (issue 19): what ran,
/// with which options, what it read and wrote, and what it printed, each
/// file with its size and SHA-256. `kaplan verify` reruns it and compares.
///
/// The JSON has sorted keys and no timestamps, so the same run gives the
/// same record byte for byte (`RunRecord.encoded`). Paths of inputs are
/// kept as the script wrote them and as they resolved; outputs relative to
/// the output directory, so a rerun in another directory can be compared.
public struct RunRecord: Codable, Equatable, Sendable {
  /// The record's own format, for readers of later versions.
  public static let formatName = "kaplan-run-record/1"

  public struct FileEntry: Codable, Equatable, Sendable {
    /// As written by the script or on the command line (inputs), or
    /// relative to the output directory (outputs).
    public var path: String
    /// The absolute path it led to (inputs and the script).
    public var resolved: String?
    public var size: Int
    public var sha256: String
    /// Whether the file is one of Kaplan's own (the stdlib's datasets):
    /// part of the Kaplan version, never bundled.
    public var stdlib: Bool?

    public init(path: String, resolved: String? = nil, size: Int, sha256: String, stdlib: Bool? = nil) {
      self.path = path
      self.resolved = resolved
      self.size = size
      self.sha256 = sha256
      self.stdlib = stdlib
    }
  }

  public struct DataBinding: Codable, Equatable, Sendable {
    public var name: String
    public var path: String
    public init(name: String, path: String) {
      self.name = name
      self.path = path
    }
  }

  /// The options that change what a run computes or may do.
  public struct Options: Codable, Equatable, Sendable {
    public var seed: Int
    public var timeout: Double?
    /// Bytes (0: no limit).
    public var maxMemory: Int
    /// "sandboxed" or "trusted" (`--trust`).
    public var sandbox: String
    public var data: [DataBinding]
    public var arguments: [String]
    public var quiet: Bool
    /// true when previews were coloured (`--color always`): absent otherwise,
    /// so records of runs without colour are unchanged.
    public var color: Bool?

    enum CodingKeys: String, CodingKey {
      case seed, timeout, sandbox, data, arguments, quiet, color
      case maxMemory = "max_memory"
    }

    public init(
      seed: Int, timeout: Double?, maxMemory: Int, sandbox: String, data: [DataBinding], arguments: [String],
      quiet: Bool, color: Bool? = nil
    ) {
      self.color = color
      self.seed = seed
      self.timeout = timeout
      self.maxMemory = maxMemory
      self.sandbox = sandbox
      self.data = data
      self.arguments = arguments
      self.quiet = quiet
    }
  }

  public struct Output: Codable, Equatable, Sendable {
    /// The file beside the record holding the standard output.
    public var file: String
    public var size: Int
    public var sha256: String
    public init(file: String, size: Int, sha256: String) {
      self.file = file
      self.size = size
      self.sha256 = sha256
    }
  }

  public var format = RunRecord.formatName
  public var kaplanVersion: String
  public var luaVersion: String
  public var platform: String
  public var commandLine: [String]
  public var workingDirectory: String
  public var outputDirectory: String
  public var options: Options
  public var script: FileEntry
  public var inputs: [FileEntry]
  public var outputs: [FileEntry]
  public var stdout: Output
  public var exitStatus: Int

  enum CodingKeys: String, CodingKey {
    case format, platform, options, script, inputs, outputs, stdout
    case kaplanVersion = "kaplan_version"
    case luaVersion = "lua_version"
    case commandLine = "command_line"
    case workingDirectory = "working_directory"
    case outputDirectory = "output_directory"
    case exitStatus = "exit_status"
  }

  public init(
    kaplanVersion: String, luaVersion: String, platform: String, commandLine: [String], workingDirectory: String,
    outputDirectory: String, options: Options, script: FileEntry, inputs: [FileEntry], outputs: [FileEntry],
    stdout: Output, exitStatus: Int
  ) {
    self.kaplanVersion = kaplanVersion
    self.luaVersion = luaVersion
    self.platform = platform
    self.commandLine = commandLine
    self.workingDirectory = workingDirectory
    self.outputDirectory = outputDirectory
    self.options = options
    self.script = script
    self.inputs = inputs
    self.outputs = outputs
    self.stdout = stdout
    self.exitStatus = exitStatus
  }

  /// The record as JSON: sorted keys, two-space indentation, a final
  /// newline; the same record always gives the same bytes.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    var data = try encoder.encode(self)
    data.append(UInt8(ascii: "\n"))
    return data
  }

  /// Reads a record; an error says what is wrong with the file.
  public static func decode(_ data: Data, path: String) throws -> RunRecord {
    let record: RunRecord
    do {
      record = try JSONDecoder().decode(RunRecord.self, from: data)
    } catch {
      throw RecordError("'\(path)' is not a Kaplan run record (\(error.localizedDescription))")
    }
    guard record.format == formatName else {
      throw RecordError("'\(path)' is a record of format '\(record.format)', not '\(formatName)'")
    }
    return record
  }

  /// The inputs and outputs of a finished run from what `recorder` saw:
  /// each file that is a regular file now, hashed; inputs sorted by
  /// resolved path, outputs by their path relative to `outputDirectory`.
  public static func files(
    of recorder: FileAccessRecorder, outputDirectory: String, stdlib: String
  ) -> (inputs: [FileEntry], outputs: [FileEntry]) {
    let (reads, writes) = recorder.accesses()
    var inputs: [FileEntry] = []
    for access in reads where FileAccessRecorder.isRegularFile(access.resolved) {
      guard let (hex, size) = SHA256.file(access.resolved) else { continue }
      // Kaplan's own files (bundled datasets) by their place in the stdlib,
      // which `verify` finds again in the Kaplan that reruns.
      if SandboxPolicy.isInside(access.resolved, stdlib) {
        let inStdlib = relative(access.resolved, to: stdlib)
        inputs.append(FileEntry(path: inStdlib, resolved: access.resolved, size: size, sha256: hex, stdlib: true))
      } else {
        inputs.append(FileEntry(path: access.written, resolved: access.resolved, size: size, sha256: hex))
      }
    }
    var outputs: [FileEntry] = []
    for access in writes where FileAccessRecorder.isRegularFile(access.resolved) {
      guard let (hex, size) = SHA256.file(access.resolved) else { continue }
      outputs.append(FileEntry(path: relative(access.resolved, to: outputDirectory), size: size, sha256: hex))
    }
    return (inputs.sorted { $0.resolved ?? "" < $1.resolved ?? "" }, outputs.sorted { $0.path < $1.path })
  }

  /// `path` relative to `directory` when inside it, else as it is.
  public static func relative(_ path: String, to directory: String) -> String {
    let root = directory.hasSuffix("/") ? directory : directory + "/"
    return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
  }
}

/// A record or bundle that cannot be read or used; the message says why.
public struct RecordError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
