import Scripting
import Testing

/// The default colour of previews (`TerminalColor`, https://no-color.org).
struct TerminalColorTests {
  @Test func autoFollowsTheTerminalAndNoColor() {
    #expect(TerminalColor.enabled(.auto, standardOutputIsTerminal: true, environment: [:]))
    #expect(!TerminalColor.enabled(.auto, standardOutputIsTerminal: false, environment: [:]))
    #expect(!TerminalColor.enabled(.auto, standardOutputIsTerminal: true, environment: ["NO_COLOR": "1"]))
    #expect(!TerminalColor.enabled(.auto, standardOutputIsTerminal: true, environment: ["NO_COLOR": "0"]))
    // An empty NO_COLOR is as if unset.
    #expect(TerminalColor.enabled(.auto, standardOutputIsTerminal: true, environment: ["NO_COLOR": ""]))
    #expect(!TerminalColor.enabled(.auto, standardOutputIsTerminal: true, environment: [:], recording: true))
  }

  @Test func explicitModesWin() {
    #expect(TerminalColor.enabled(.always, standardOutputIsTerminal: false, environment: ["NO_COLOR": "1"]))
    #expect(TerminalColor.enabled(.always, standardOutputIsTerminal: false, environment: [:], recording: true))
    #expect(!TerminalColor.enabled(.never, standardOutputIsTerminal: true, environment: [:]))
  }
}
