import Foundation
import Testing

@testable import Scripting

/// power_sim's progress bar (issue 21): drawn only on a terminal outside CI.
struct ProgressBarTests {
  @Test func shownOnlyOnATerminalOutsideCI() {
    #expect(ProgressBar.shouldShow(stderrIsTerminal: true, environment: [:]))
    #expect(!ProgressBar.shouldShow(stderrIsTerminal: false, environment: [:]))
    #expect(!ProgressBar.shouldShow(stderrIsTerminal: true, environment: ["CI": "true"]))
    #expect(!ProgressBar.shouldShow(stderrIsTerminal: true, environment: ["CI": "1"]))
    #expect(ProgressBar.shouldShow(stderrIsTerminal: true, environment: ["CI": "false"]))
    // The test process's stderr is a pipe or a file, so no bar is made here.
    if isatty(STDERR_FILENO) == 0 { #expect(ProgressBar.forTerminal(total: 10, label: "x") == nil) }
  }

  @Test func lineShowsShareDone() {
    #expect(ProgressBar.line(label: "power_sim", done: 4500, total: 10000, width: 20)
      == "power_sim [#########...........]  45% 4500/10000")
    #expect(ProgressBar.line(label: "p", done: 10, total: 10, width: 4) == "p [####] 100% 10/10")
    #expect(ProgressBar.line(label: "p", done: 0, total: 3, width: 3) == "p [...]   0% 0/3")
  }
}
