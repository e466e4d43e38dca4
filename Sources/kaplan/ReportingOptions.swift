import ArgumentParser
import Foundation
import Scripting

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension TerminalColor.Mode: ExpressibleByArgument {}

/// Options shared by `run` and `repl` on what is reported: errors' full
/// tracebacks, a fit's warnings and colours in the terminal.
struct ReportingOptions: ParsableArguments {
  @Flag(name: .customLong("traceback"),
        help: "Print errors with their full traceback (Kaplan's stdlib frames included).")
  var traceback = false

  @Flag(name: .customLong("quiet"), help: "Do not print a fit's warnings (they stay in its warnings field).")
  var quiet = false

  @Option(
    name: .customLong("color"),
    help: ArgumentHelp(
      "Colours in plot previews: auto (when standard output is a terminal and NO_COLOR is unset; off with "
        + "--record), always or never.",
      valueName: "auto|always|never"))
  var color: TerminalColor.Mode = .auto

  func apply(to options: inout RuntimeOptions, recording: Bool = false) {
    options.printWarnings = !quiet
    options.terminalColor = TerminalColor.enabled(
      color, standardOutputIsTerminal: isatty(STDOUT_FILENO) != 0,
      environment: ProcessInfo.processInfo.environment, recording: recording)
  }
}
