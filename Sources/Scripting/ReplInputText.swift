/// Lines typed in the REPL reach Lua as UTF-8 text or not at all.
///
/// Kaplan reads UTF-8 source (`kaplan run` refuses a script that is not), so
/// a REPL line holding bytes that are not UTF-8 is refused whole, with the
/// byte and its column, and never run altered: libedit used to drop the
/// bytes it could not decode, so `\xE9t\xE9 = 5` ran as `t = 5`, and the
/// piped reader replaced them with U+FFFD. Lua strings stay 8-bit clean
/// through escapes (`"\xE9"`), which the message suggests.
public enum ReplInputText {
  /// Why a line was refused: its first byte that does not begin or continue
  /// a UTF-8 sequence (a sequence cut short counts from its first byte).
  public struct Refusal: Error, Equatable, CustomStringConvertible {
    public let byte: UInt8
    /// 1-based byte position in the line.
    public let column: Int

    public init(byte: UInt8, column: Int) {
      self.byte = byte
      self.column = column
    }

    public var description: String {
      let hex = "0x" + String(byte, radix: 16, uppercase: true)
      return "stdin: line not run: byte \(hex) at column \(column) is not valid UTF-8 "
        + "(Kaplan reads UTF-8 text; write other bytes in strings as escapes, e.g. \"\\x"
        + String(byte, radix: 16, uppercase: true) + "\")"
    }
  }

  /// The message for a line typed at the terminal that had invalid bytes
  /// (libedit shows them as U+FFFD, so there is no column to give).
  public static let terminalRefusal =
    "stdin: line not run: it held bytes that are not valid UTF-8 (shown as \u{FFFD}); "
    + "Kaplan reads UTF-8 text; write other bytes in strings as escapes, e.g. \"\\xE9\""

  /// The text of one line of bytes (without its newline), or why it is refused.
  public static func decode(_ bytes: [UInt8]) -> Result<String, Refusal> {
    var decoder = UTF8StreamDecoder()
    var start = 0  // index of the first byte of the sequence being decoded
    for (i, byte) in bytes.enumerated() {
      let wasIdle = decoder.isIdle
      if wasIdle { start = i }
      // The first output is the culprit: this byte when it began nothing,
      // else the lead of the sequence it cut short (at `start`).
      if case .invalid(let bad)? = decoder.feed(byte).first {
        return .failure(Refusal(byte: bad, column: (wasIdle ? i : start) + 1))
      }
    }
    if let bad = decoder.pendingLead { return .failure(Refusal(byte: bad, column: start + 1)) }
    return .success(String(decoding: bytes, as: UTF8.self))
  }
}

/// A UTF-8 decoder fed one byte at a time, for a terminal read byte by byte
/// (libedit's `rl_getc_function`). Validity is Unicode's (Table 3-7): no
/// overlong forms, no surrogates, nothing above U+10FFFF.
public struct UTF8StreamDecoder: Sendable {
  public enum Output: Equatable, Sendable {
    case scalar(UInt32)
    /// A byte that cannot begin a sequence, or the lead of a sequence cut short.
    case invalid(UInt8)
  }

  private var pending: [UInt8] = []
  private var expected = 0

  public init() {}

  /// No sequence is under way.
  public var isIdle: Bool { pending.isEmpty }

  /// The lead byte of a sequence not yet complete.
  public var pendingLead: UInt8? { pending.first }

  /// Decodes `byte`: nothing while a sequence is incomplete, one scalar when
  /// it completes, or `invalid` (then the byte is decoded afresh when it was
  /// not the culprit, so a valid character after a cut sequence is kept).
  public mutating func feed(_ byte: UInt8) -> [Output] {
    if pending.isEmpty { return start(byte) }
    guard Self.continues(pending, with: byte) else {
      let lead = pending[0]
      pending = []
      return [.invalid(lead)] + start(byte)
    }
    pending.append(byte)
    guard pending.count == expected else { return [] }
    var scalar = UInt32(pending[0]) & (0x7F >> expected)
    for b in pending.dropFirst() { scalar = scalar << 6 | UInt32(b & 0x3F) }
    pending = []
    return [.scalar(scalar)]
  }

  private mutating func start(_ byte: UInt8) -> [Output] {
    switch byte {
    case 0x00...0x7F: return [.scalar(UInt32(byte))]
    case 0xC2...0xDF: expected = 2
    case 0xE0...0xEF: expected = 3
    case 0xF0...0xF4: expected = 4
    default: return [.invalid(byte)]
    }
    pending = [byte]
    return []
  }

  /// Whether `byte` may follow `sequence`: a continuation byte, in the
  /// narrower range that some leads demand for their second byte.
  private static func continues(_ sequence: [UInt8], with byte: UInt8) -> Bool {
    guard sequence.count == 1 else { return (0x80...0xBF).contains(byte) }
    switch sequence[0] {
    case 0xE0: return (0xA0...0xBF).contains(byte)
    case 0xED: return (0x80...0x9F).contains(byte)
    case 0xF0: return (0x90...0xBF).contains(byte)
    case 0xF4: return (0x80...0x8F).contains(byte)
    default: return (0x80...0xBF).contains(byte)
    }
  }
}
