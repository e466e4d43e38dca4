import Foundation

/// A progress bar on stderr for long simulations (power_sim), drawn only
/// when stderr is a terminal and the environment is not CI (`CI` set and
/// not "false" or "0", as GitHub Actions, GitLab and most CI services set
/// it); otherwise nothing is written, so piped, redirected and test output
/// never contains it. Redrawn in place with a carriage return when the
/// whole percentage changes; `finish` clears the line.
final class ProgressBar: @unchecked Sendable {
  private let total: Int
  private let label: String
  private let lock = NSLock()
  private var shown = -1

  private init(total: Int, label: String) {
    self.total = max(1, total)
    self.label = label
  }

  /// A bar when `shouldShow` says so, else nil.
  static func forTerminal(total: Int, label: String) -> ProgressBar? {
    shouldShow(stderrIsTerminal: isatty(STDERR_FILENO) != 0, environment: ProcessInfo.processInfo.environment)
      ? ProgressBar(total: total, label: label) : nil
  }

  /// Whether to draw: a terminal, and not under CI.
  static func shouldShow(stderrIsTerminal: Bool, environment: [String: String]) -> Bool {
    guard stderrIsTerminal else { return false }
    if let ci = environment["CI"], !ci.isEmpty, ci != "false", ci != "0" { return false }
    return true
  }

  /// "power_sim [#########...........]  45% 4500/10000" at `width` bar cells.
  static func line(label: String, done: Int, total: Int, width: Int = 30) -> String {
    let t = max(1, total)
    let d = min(max(0, done), t)
    let filled = d * width / t
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let percent = d * 100 / t
    return "\(label) [\(bar)] \(String(repeating: " ", count: 3 - String(percent).count))\(percent)% \(d)/\(t)"
  }

  func update(_ done: Int) {
    let percent = min(100, max(0, done) * 100 / total)
    lock.lock()
    defer { lock.unlock() }
    guard percent != shown else { return }
    shown = percent
    FileHandle.standardError.write(Data(("\r" + Self.line(label: label, done: done, total: total)).utf8))
  }

  func finish() {
    lock.lock()
    defer { lock.unlock() }
    guard shown >= 0 else { return }
    shown = -1
    let blank = String(repeating: " ", count: Self.line(label: label, done: total, total: total).count)
    FileHandle.standardError.write(Data(("\r" + blank + "\r").utf8))
  }
}
