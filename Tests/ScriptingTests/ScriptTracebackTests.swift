import Scripting
import Testing

/// Errors without the stdlib's frames (ScriptTraceback): the frames Lua's
/// traceback gives, with full and shortened ("...") sources.
@Suite struct ScriptTracebackTests {
  let filter = ScriptTraceback(stdlibPath: "/opt/kaplan/share/stdlib")

  @Test func dropsStdlibCAndReplFramesKeepsTheScripts() {
    let text = """
      analysis.lua:2: km: column 'tme' not found
      stack traceback:
      \t[C]: in upvalue 'fn'
      \t/opt/kaplan/share/stdlib/kaplan/bind.lua:144: in function 'km'
      \t...kaplan/share/stdlib/kaplan/survival.lua:30: in function 'wrapped'
      \t(...tail calls...)
      \tanalysis.lua:2: in local 'analyse'
      \tanalysis.lua:5: in main chunk
      \t[C]: in ?
      """
    #expect(filter.userText(text) == """
      analysis.lua:2: km: column 'tme' not found
      stack traceback:
      \tanalysis.lua:2: in local 'analyse'
      \tanalysis.lua:5: in main chunk
      """)
  }

  @Test func aLoneFrameAtTheMessagesPositionIsDropped() {
    let text = "stdin:1: oops\nstack traceback:\n\t[C]: in function 'error'\n\tstdin:1: in local 'chunk'\n"
      + "\trepl:2: in main chunk"
    #expect(filter.userText(text) == "stdin:1: oops")
  }

  @Test func aScriptThatMerelyLooksLikeTheStdlibStays() {
    // A user's own kaplan/ folder elsewhere is not the stdlib.
    let text = "x.lua:1: boom\nstack traceback:\n\t/home/u/kaplan/bind.lua:3: in function 'f'\n\tx.lua:1: in main chunk"
    #expect(filter.userText(text).contains("/home/u/kaplan/bind.lua:3"))
    #expect(filter.userText("no traceback here") == "no traceback here")
  }
}
