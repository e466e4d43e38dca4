// `rl_getc_function` is a C global, set once on the main thread (see
// ReplCommand.swift).
@preconcurrency import CEdit
import Foundation
import RunControl
import Scripting

/// A line read by the REPL: its text, or `refused` when it was not UTF-8
/// (the reason is already on stderr).
enum ReplLine {
  case text(String)
  case refused
}

/// Reads one line of piped standard input as bytes (`getline`), so that
/// bytes which are not UTF-8 are seen and refused, not replaced by U+FFFD
/// as `Swift.readLine` does. Strips "\n" or "\r\n" as `Swift.readLine`.
func readPlainLine() -> ReplLine? {
  var buffer: UnsafeMutablePointer<CChar>?
  var capacity = 0
  defer { free(buffer) }
  let count = getline(&buffer, &capacity, StandardStreams.input)
  guard count >= 0, let buffer else { return nil }
  var bytes = [UInt8](UnsafeRawBufferPointer(start: buffer, count: count))
  if bytes.last == 0x0A {
    bytes.removeLast()
    if bytes.last == 0x0D { bytes.removeLast() }
  }
  switch ReplInputText.decode(bytes) {
  case .success(let text): return .text(text)
  case .failure(let refusal):
    printError(refusal.description)
    return .refused
  }
}

/// The terminal side: libedit reads through `rl_getc_function`, which
/// decodes UTF-8 itself. libedit's own reader decodes with the C library's
/// multibyte functions in the current locale and drops what it cannot
/// decode (and Kaplan never set a locale, so every non-ASCII byte was
/// dropped). Here every character typed reaches the line; a byte that is
/// not UTF-8 shows as U+FFFD and marks the line, which is then refused.
enum TerminalInput {
  // The decoder's state between libedit's calls of `rl_getc_function`, a C
  // function pointer that cannot capture it. libedit reads only inside
  // `readline`, on the main thread, where `beginLine`/`finishLine` run too.
  nonisolated(unsafe) private static var decoder = UTF8StreamDecoder()
  nonisolated(unsafe) private static var queued: [UInt32] = []
  nonisolated(unsafe) private static var lineHadInvalidBytes = false

  /// Installs the reader; call before libedit initialises (`using_history`),
  /// which installs `rl_getc_function` only if it is set by then. Selects a
  /// UTF-8 character type so that libedit can display and return what it read.
  static func install() {
    useUTF8CharacterType()
    rl_getc_function = { _ in TerminalInput.nextCharacter() }
  }

  static func beginLine() {
    lineHadInvalidBytes = false
  }

  /// The line libedit returned, or `refused` (said on stderr) if any byte
  /// typed for it was not UTF-8.
  static func finishLine(_ raw: UnsafeMutablePointer<CChar>) -> ReplLine {
    if lineHadInvalidBytes {
      printError(ReplInputText.terminalRefusal)
      return .refused
    }
    return .text(String(cString: raw))
  }

  /// One character for libedit, or -1 at the end of input or on an error
  /// (as libedit's own reader, an interrupted read included).
  private static func nextCharacter() -> Int32 {
    while queued.isEmpty {
      var byte: UInt8 = 0
      let n = read(STDIN_FILENO, &byte, 1)
      guard n == 1 else {
        if decoder.pendingLead != nil {
          // Input ended inside a sequence.
          decoder = UTF8StreamDecoder()
          lineHadInvalidBytes = true
          return 0xFFFD
        }
        return -1
      }
      for output in decoder.feed(byte) {
        switch output {
        case .scalar(let scalar): queued.append(scalar)
        case .invalid:
          lineHadInvalidBytes = true
          queued.append(0xFFFD)
        }
      }
    }
    return Int32(bitPattern: queued.removeFirst())
  }

  /// The user's character type if it is UTF-8, else C.UTF-8 (Kaplan reads
  /// UTF-8 whatever the locale; only LC_CTYPE changes, so number formatting
  /// is untouched).
  private static func useUTF8CharacterType() {
    if setlocale(LC_CTYPE, "") != nil, let codeset = nl_langinfo(nl_item(CODESET)),
      String(cString: codeset) == "UTF-8"
    {
      return
    }
    _ = setlocale(LC_CTYPE, "C.UTF-8")
  }
}
