import Foundation

/// An error as the REPL and `kaplan run` print it: the message and the
/// script's own frames, without the frames inside `stdlib/kaplan/*.lua`,
/// the C functions and the REPL's wrapper chunk, which say nothing to the
/// person who wrote the script (`--traceback` and `debug_traceback()` show
/// the full one).
///
/// The traceback is `luaL_traceback`'s text: a `stack traceback:` line,
/// then one frame per line, `\t<source>:<line>: in ...`. Lua shortens a
/// long source to `...<its last characters>` (LUA_IDSIZE), so a stdlib
/// frame is recognised by its full path or by the end of one.
public struct ScriptTraceback {
  /// The stdlib directory, with a trailing "/".
  private let stdlibPrefix: String

  public init(stdlibPath: String) {
    let standard = (stdlibPath as NSString).standardizingPath
    stdlibPrefix = standard.hasSuffix("/") ? standard : standard + "/"
  }

  /// `text` without the frames that are not the script's; without the
  /// traceback at all when only the frame the message already names is left.
  public func userText(_ text: String) -> String {
    let lines = text.components(separatedBy: "\n")
    guard let start = lines.firstIndex(of: "stack traceback:") else { return text }
    let message = lines[..<start].joined(separator: "\n")
    let frames = lines[(start + 1)...].filter { isUserFrame($0) }
    if frames.isEmpty { return message }
    if frames.count == 1, let only = frames.first, let end = only.range(of: ": in ") {
      let position = only[..<end.lowerBound].trimmingCharacters(in: .whitespaces)
      if message.hasPrefix(position + ":") { return message }
    }
    return ([message, "stack traceback:"] + frames).joined(separator: "\n")
  }

  private func isUserFrame(_ line: String) -> Bool {
    let frame = line.trimmingCharacters(in: .whitespaces)
    if frame.isEmpty || frame.hasPrefix("[C]") || frame.hasPrefix("(...tail calls...)") { return false }
    if frame.hasPrefix("...\t(skipping") || frame.hasPrefix("...\t") { return true }
    // The REPL's own chunks ("=repl", "=complete") and the runtime's setup.
    if frame.hasPrefix("repl:") || frame.hasPrefix("complete:") || frame.hasPrefix("setup:") { return false }
    return !isStdlib(source(of: frame))
  }

  /// The source of a frame: the text before ":<line>:" (or before ": in").
  private func source(of frame: String) -> String {
    if let match = frame.range(of: #":[0-9]+: in "#, options: .regularExpression) {
      return String(frame[..<match.lowerBound])
    }
    if let match = frame.range(of: ": in ") { return String(frame[..<match.lowerBound]) }
    return frame
  }

  private func isStdlib(_ source: String) -> Bool {
    let path = source.replacingOccurrences(of: "//", with: "/")
    if path.hasPrefix(stdlibPrefix) { return true }
    // Shortened by Lua: "...dlib/kaplan/bind.lua" is the end of a stdlib path
    // when it is the end of the prefix followed by the stdlib's own files.
    guard path.hasPrefix("...") else { return false }
    let tail = String(path.dropFirst(3))
    guard let kaplan = tail.range(of: "kaplan/", options: .backwards) else { return false }
    let head = String(tail[..<kaplan.lowerBound])
    return stdlibPrefix.hasSuffix(head) && !tail[kaplan.upperBound...].contains("/")
  }
}

extension KaplanRuntime {
  /// The text of an error of a script or REPL line: without the stdlib's
  /// frames, unless `fullTraceback` (`--traceback`).
  public func errorText(_ error: Error, fullTraceback: Bool = false) -> String {
    let text = String(describing: error)
    return fullTraceback ? text : ScriptTraceback(stdlibPath: stdlibPath).userText(text)
  }
}
