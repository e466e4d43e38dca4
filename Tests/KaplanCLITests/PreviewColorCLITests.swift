import Foundation
import Testing
import TestSupport

/// Plot previews colour their curves only for a terminal (session-5
/// review): colour is on when standard output is a terminal and NO_COLOR is
/// unset or empty (https://no-color.org); `--color always|never` and a
/// script's `{color = true/false}` say otherwise.
struct PreviewColorCLITests {
  /// The xterm 256-colour escape that the preview paints curves with.
  static let colourCode = "\u{1b}[38;5;"
  static let preview = "plot(km(dataset('aml'), 'Surv(time, status) ~ x'))"

  func run(_ code: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws
    -> ProcessResult
  {
    let dir = try temporaryDirectory()
    try code.write(to: dir.appendingPathComponent("p.lua"), atomically: true, encoding: .utf8)
    return try runKaplan(["run", "p.lua"] + arguments, directory: dir, environment: environment)
  }

  @Test func noColourIntoAPipeByDefault() throws {
    let r = try run(Self.preview)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.unicodeScalars.contains { (0x2800...0x28FF).contains($0.value) })
    #expect(!r.stdout.contains("\u{1b}["), "\(r.stdout)")
  }

  @Test func colourFlagAndOptionForceIt() throws {
    let always = try run(Self.preview, ["--color", "always"])
    #expect(always.status == 0, "\(always.stderr)")
    #expect(always.stdout.contains(Self.colourCode))
    // An explicit flag overrides NO_COLOR, as no-color.org asks of command-line arguments.
    let flagged = try run(Self.preview, ["--color", "always"], environment: ["NO_COLOR": "1"])
    #expect(flagged.stdout.contains(Self.colourCode))
    let option = try run("plot(km(dataset('aml'), 'Surv(time, status) ~ x'), {color = true})")
    #expect(option.stdout.contains(Self.colourCode))
    let never = try run("plot(km(dataset('aml'), 'Surv(time, status) ~ x'), {color = true})", ["--color", "never"])
    #expect(never.stdout.contains(Self.colourCode), "the script's own option wins over the default")
    let bad = try run(Self.preview, ["--color", "sometimes"])
    #expect(bad.status != 0)
  }

  /// At a terminal the preview is coloured, unless NO_COLOR is set (and not empty).
  @Test func terminalColourUnlessNoColor() throws {
    let home = try temporaryDirectory()
    let coloured = try runKaplanInTerminal(typing: [Self.preview], environment: ["HOME": home.path, "NO_COLOR": ""])
    #expect(coloured.status == 0, "\(coloured.stderr)")
    #expect(coloured.screen.contains(Self.colourCode), "\(coloured.screen)")
    let plain = try runKaplanInTerminal(typing: [Self.preview], environment: ["HOME": home.path, "NO_COLOR": "1"])
    #expect(plain.status == 0, "\(plain.stderr)")
    #expect(plain.screen.unicodeScalars.contains { (0x2800...0x28FF).contains($0.value) })
    #expect(!plain.screen.contains(Self.colourCode))
  }

  /// A recorded run does not depend on where its output goes: `auto` is off
  /// with --record, and `--color always` is recorded, so verify reruns it alike.
  @Test func recordedColourIsVerified() throws {
    let dir = try temporaryDirectory()
    try Self.preview.write(to: dir.appendingPathComponent("p.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "p.lua", "--color", "always", "--record", "run.json"], directory: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains(Self.colourCode))
    let record = try String(contentsOf: dir.appendingPathComponent("run.json"), encoding: .utf8)
    #expect(record.contains("\"color\" : true"), "\(record)")
    let v = try runKaplan(["verify", "run.json"], directory: dir)
    #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
  }
}
