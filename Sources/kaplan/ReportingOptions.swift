import ArgumentParser
import Scripting

/// Options shared by `run` and `repl` on what is reported: errors' full
/// tracebacks and a fit's warnings.
struct ReportingOptions: ParsableArguments {
  @Flag(name: .customLong("traceback"),
        help: "Print errors with their full traceback (Kaplan's stdlib frames included).")
  var traceback = false

  @Flag(name: .customLong("quiet"), help: "Do not print a fit's warnings (they stay in its warnings field).")
  var quiet = false

  func apply(to options: inout RuntimeOptions) {
    options.printWarnings = !quiet
  }
}
