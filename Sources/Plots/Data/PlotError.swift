/// Errors from building or writing a plot. Messages name the offending
/// option (by its Lua name), path or program, so the binding can pass them
/// to the script's author unchanged.
public enum PlotError: Error, Equatable, Sendable, CustomStringConvertible {
  /// An option has a value it cannot take: `option` is the Lua key
  /// (`xlim`, `font_size`), `message` the whole sentence.
  case invalidOption(option: String, message: String)
  /// The data handed to the renderer is inconsistent (arrays of different
  /// lengths, unsorted times, ...).
  case invalidData(String)
  /// The figure's file could not be written.
  case unwritablePath(path: String, reason: String)
  /// The output file's extension is not one we write.
  case unsupportedFormat(path: String)
  /// PNG or PDF requested but `rsvg-convert` is not on PATH.
  case converterNotFound(format: String)
  /// `rsvg-convert` ran and failed.
  case conversionFailed(path: String, status: Int32, message: String)
  /// `rsvg-convert` could not be started (or its pipes made).
  case converterNotStarted(program: String, reason: String)
  /// `rsvg-convert` failed for memory under its address-space limit
  /// (`ConverterMemory`): `limit` in bytes.
  case converterOutOfMemory(path: String, limit: UInt64, message: String)

  public var description: String {
    switch self {
    case .invalidOption(_, let message):
      return message
    case .invalidData(let message):
      return "invalid plot data: \(message)"
    case .unwritablePath(let path, let reason):
      return "cannot write plot to '\(path)': \(reason)"
    case .unsupportedFormat(let path):
      return "cannot write plot to '\(path)': file name must end in .svg, .png or .pdf"
    case .converterNotFound(let format):
      return "writing \(format) needs the program 'rsvg-convert', which is not on PATH; "
        + "install the Debian/Ubuntu package librsvg2-bin (or Homebrew librsvg), or write .svg"
    case .conversionFailed(let path, let status, let message):
      let detail = message.isEmpty ? "" : ": \(message)"
      return "rsvg-convert failed writing '\(path)' (exit status \(status))\(detail)"
    case .converterNotStarted(let program, let reason):
      return "cannot run rsvg-convert ('\(program)'): \(reason)"
    case .converterOutOfMemory(let path, let limit, let message):
      let detail = message.isEmpty ? "" : " (it said: \(message.split(separator: "\n").first ?? ""))"
      return "rsvg-convert ran out of memory writing '\(path)': the run's memory limit (--max-memory) leaves it "
        + "\(limit >> 20) MB\(detail); use a lower dpi or scale, a smaller figure, or raise --max-memory"
    }
  }
}
