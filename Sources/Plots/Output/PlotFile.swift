import Foundation

/// Writes a rendered SVG document to a file, as SVG or, through
/// `rsvg-convert` (librsvg), as PNG or PDF, chosen by the file extension.
public struct PlotFile: Sendable {
  public enum Format: String, Sendable {
    case svg, png, pdf
  }

  /// Directories searched for `rsvg-convert`; defaults to `$PATH`.
  public var searchPath: [String]
  /// PNG pixels per SVG unit (1 gives `width` × `height` pixels).
  public var zoom: Double
  /// Bytes the converter may take (`ConverterMemory.limit`); nil: what the
  /// run's memory budget has left when it runs.
  public var memoryLimit: Int? = nil

  public init(searchPath: [String]? = nil, zoom: Double = 1) {
    self.searchPath =
      searchPath
      ?? (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
      .split(separator: ":").map(String.init)
    self.zoom = zoom
  }

  /// The format a path asks for, from its extension (case-insensitive).
  public static func format(of path: String) throws -> Format {
    let ext = (path as NSString).pathExtension.lowercased()
    guard let format = Format(rawValue: ext) else { throw PlotError.unsupportedFormat(path: path) }
    return format
  }

  /// Writes `svg` to `path`. SVG is written directly (atomically); PNG and
  /// PDF are converted by `rsvg-convert`, which reads the SVG from its
  /// standard input (see `ConverterProcess`).
  public func write(svg: String, to path: String) throws {
    let format = try Self.format(of: path)
    let url = URL(fileURLWithPath: path)
    try Self.checkWritable(url, path: path)
    switch format {
    case .svg:
      do {
        try Data(svg.utf8).write(to: url, options: .atomic)
      } catch {
        throw PlotError.unwritablePath(path: path, reason: Self.reason(error))
      }
    case .png, .pdf:
      guard let converter = findConverter() else {
        throw PlotError.converterNotFound(format: format.rawValue.uppercased())
      }
      try convert(svg: svg, to: url, path: path, format: format, converter: converter)
    }
  }

  /// The first executable `rsvg-convert` on the search path.
  public func findConverter() -> String? {
    for dir in searchPath where !dir.isEmpty {
      let candidate = (dir as NSString).appendingPathComponent("rsvg-convert")
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  private func convert(svg: String, to url: URL, path: String, format: Format, converter: String) throws {
    // The SVG goes to the converter's standard input (ConverterProcess): no
    // temporary file is left behind, however the run ends. The figure is its
    // standard output, opened here (FinalFile: O_NOFOLLOW), and removed again
    // if the conversion fails or is stopped (Ctrl-C, the time limit).
    let output = try FinalFile.create(url.path, shown: path)
    var succeeded = false
    defer { output.finish(succeeded: succeeded) }
    var arguments = ["--format", format.rawValue]
    if format == .png && zoom != 1 { arguments += ["--zoom", String(zoom)] }
    let limit = ConverterMemory.limit(explicit: memoryLimit)
    let result = try ConverterProcess(
      converter: converter, arguments: arguments, output: output.handle.fileDescriptor, addressSpaceLimit: limit
    ).run(svg: svg)
    try Self.check(result, path: path, limit: limit)
    succeeded = true
  }

  /// Throws for a failed conversion: `converterOutOfMemory` when it failed
  /// under a memory limit for memory, else `conversionFailed`.
  static func check(_ result: (status: Int32, errors: String), path: String, limit: UInt64) throws {
    guard result.status != 0 else { return }
    if limit > 0 && ConverterMemory.isMemoryFailure(status: result.status, message: result.errors) {
      throw PlotError.converterOutOfMemory(path: path, limit: limit, message: result.errors)
    }
    throw PlotError.conversionFailed(path: path, status: result.status, message: result.errors)
  }

  /// Fails early, naming the path, when the directory is missing or not
  /// writable or the path is a directory, before any converter runs.
  static func checkWritable(_ url: URL, path: String) throws {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    if fm.fileExists(atPath: url.path, isDirectory: &isDirectory) {
      if isDirectory.boolValue { throw PlotError.unwritablePath(path: path, reason: "it is a directory") }
      if !fm.isWritableFile(atPath: url.path) {
        throw PlotError.unwritablePath(path: path, reason: "permission denied")
      }
      return
    }
    let dir = url.deletingLastPathComponent().path
    guard fm.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw PlotError.unwritablePath(path: path, reason: "directory '\(dir)' does not exist")
    }
    guard fm.isWritableFile(atPath: dir) else {
      throw PlotError.unwritablePath(path: path, reason: "directory '\(dir)' is not writable")
    }
  }

  private static func reason(_ error: Error) -> String {
    if let e = error as? CocoaError, let underlying = e.userInfo[NSUnderlyingErrorKey] as? NSError {
      return underlying.localizedDescription
    }
    return (error as NSError).localizedDescription
  }
}

extension SurvivalPlot {
  /// Renders and writes the figure; the extension picks SVG, PNG or PDF.
  public func write(to path: String, using file: PlotFile = PlotFile()) throws {
    try file.write(svg: svg(), to: path)
  }
}

extension ForestPlot {
  /// Renders and writes the figure; the extension picks SVG, PNG or PDF.
  public func write(to path: String, using file: PlotFile = PlotFile()) throws {
    try file.write(svg: svg(), to: path)
  }
}
