/// Whether terminal output (the plot preview) uses ANSI colours: only when
/// standard output is a terminal and `NO_COLOR` is unset or empty
/// (https://no-color.org), unless `--color always` or `--color never`
/// says otherwise. A script's `plot(fit, {color = true})` forces it for one
/// preview. Colour codes in a file or a pipe are noise (session-5 review).
public enum TerminalColor {
  /// `kaplan run/repl --color`.
  public enum Mode: String, CaseIterable, Sendable {
    case auto, always, never
  }

  /// The default colour of previews. `recording`: a run with `--record`
  /// does not depend on where its output goes (its rerun by `kaplan verify`
  /// writes to a pipe), so `auto` is off there; `always` is recorded and
  /// passed to the rerun.
  public static func enabled(
    _ mode: Mode, standardOutputIsTerminal: Bool, environment: [String: String], recording: Bool = false
  ) -> Bool {
    switch mode {
    case .always: return true
    case .never: return false
    case .auto:
      // no-color.org: "when present and not an empty string", regardless of its value.
      if let value = environment["NO_COLOR"], !value.isEmpty { return false }
      return standardOutputIsTerminal && !recording
    }
  }
}
