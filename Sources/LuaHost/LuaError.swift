/// Errors crossing the Lua ↔ Swift boundary.
///
/// Thrown by Swift callbacks (and turned into Lua errors by the C
/// trampoline, after the Swift frame has returned) and by calls into Lua
/// (a failed protected call becomes a Swift throw).
public enum LuaError: Error, Equatable, CustomStringConvertible {
  /// Misuse of a function's arguments; rendered as Lua does:
  /// `bad argument #2 to 'km' (string expected, got nil)`.
  case badArgument(function: String, index: Int, message: String)
  /// A plain runtime error raised by a Swift callback: the message is
  /// prefixed with the calling script's position, as `luaL_error` does.
  case runtime(String)
  /// A Lua error caught by a protected call (message includes position and,
  /// at the top level, a traceback).
  case lua(message: String, status: Int32)
  /// A chunk that does not compile; `incomplete` when it ends early (`<eof>`),
  /// which the REPL uses to continue reading lines.
  case syntax(message: String, incomplete: Bool)
  /// The memory limit was reached.
  case memory(String)

  public var description: String {
    switch self {
    case .badArgument(let f, let i, let m): return "bad argument #\(i) to '\(f)' (\(m))"
    case .runtime(let m): return m
    case .lua(let m, _): return m
    case .syntax(let m, _): return m
    case .memory(let m): return m
    }
  }
}

/// Passes the UTF-8 bytes of `s` to `body` as C characters (not
/// NUL-terminated; a valid pointer even for the empty string).
func withCChars<R>(_ s: String, _ body: (UnsafePointer<CChar>, Int) -> R) -> R {
  var s = s
  return s.withUTF8 { buf in
    buf.withMemoryRebound(to: CChar.self) { chars in
      if let base = chars.baseAddress { return body(base, chars.count) }
      return "".withCString { body($0, 0) }
    }
  }
}
