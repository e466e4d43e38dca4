import Scripting
import Testing

/// REPL lines are UTF-8 text or refused whole (ReplInputText): `\xE9t\xE9 = 5`
/// used to run as `t = 5` at the terminal, and as U+FFFD text when piped.
struct ReplInputTextTests {
  @Test func validLinesPassUnchanged() {
    #expect(ReplInputText.decode(Array("x = \"été\" -- ∑ 𝄞".utf8)) == .success("x = \"été\" -- ∑ 𝄞"))
    #expect(ReplInputText.decode([]) == .success(""))
    #expect(ReplInputText.decode([0x61, 0x00, 0x62]) == .success("a\u{0}b"))
  }

  @Test func invalidBytesAreRefusedWithByteAndColumn() {
    #expect(ReplInputText.decode([0xE9, 0x74, 0xE9]) == .failure(.init(byte: 0xE9, column: 1)))
    // A sequence cut short counts from its lead byte.
    #expect(ReplInputText.decode(Array("ab".utf8) + [0xC3, 0x41]) == .failure(.init(byte: 0xC3, column: 3)))
    // ... also at the end of the line.
    #expect(ReplInputText.decode(Array("ab".utf8) + [0xE2, 0x88]) == .failure(.init(byte: 0xE2, column: 3)))
    // Overlong forms, surrogates, beyond U+10FFFF, stray continuation bytes.
    #expect(ReplInputText.decode([0xC0, 0xAF]) == .failure(.init(byte: 0xC0, column: 1)))
    #expect(ReplInputText.decode([0xE0, 0x80, 0xAF]) == .failure(.init(byte: 0xE0, column: 1)))
    #expect(ReplInputText.decode([0xED, 0xA0, 0x80]) == .failure(.init(byte: 0xED, column: 1)))
    #expect(ReplInputText.decode([0xF4, 0x90, 0x80, 0x80]) == .failure(.init(byte: 0xF4, column: 1)))
    #expect(ReplInputText.decode([0x61, 0x80]) == .failure(.init(byte: 0x80, column: 2)))
    let message = ReplInputText.Refusal(byte: 0xE9, column: 1).description
    #expect(message.contains("byte 0xE9 at column 1 is not valid UTF-8"))
    #expect(message.contains("\"\\xE9\""))
  }

  @Test func streamDecoderKeepsTheCharacterAfterACutSequence() {
    var d = UTF8StreamDecoder()
    var out: [UTF8StreamDecoder.Output] = []
    for b: UInt8 in [0xC3, 0xA9, 0xE2, 0x41, 0xF0, 0x9D, 0x84, 0x9E] { out += d.feed(b) }
    #expect(out == [.scalar(0xE9), .invalid(0xE2), .scalar(0x41), .scalar(0x1D11E)])
    #expect(d.isIdle)
  }
}
