import Foundation
import Testing
import TestSupport

/// Issue 12, item 3: `plot()` waiting on `rsvg-convert`. The converter kept
/// running for minutes after Kaplan was killed (as `timeout` does), a slow
/// conversion hung past `--timeout`, and the temporary SVG was left behind.
/// A fake `rsvg-convert`, first on PATH, records its pid and sleeps. The
/// runs are `--trust`ed: Landlock would (rightly) refuse the fake's `/bin/sh`
/// and `sleep`, and what is tested here, the process handling, is the same.
@Suite(.serialized)
struct ChildProcessCLITests {
  let dir: URL
  let tmp: URL
  let environment: [String: String]

  init() throws {
    dir = try temporaryDirectory()
    tmp = dir.appendingPathComponent("tmp")
    let bin = dir.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let fake = bin.appendingPathComponent("rsvg-convert")
    try "#!/bin/sh\necho $$ > '\(dir.path)/child.pid'\nexec sleep 60\n"
      .write(to: fake, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
    try ("print('go') io.stdout:flush() "
      + "plot(km(dataset('aml'), 'Surv(time, status) ~ x'), {file = 'os.png'}) print('after')")
      .write(to: dir.appendingPathComponent("plot.lua"), atomically: true, encoding: .utf8)
    environment = ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                   "TMPDIR": tmp.path]
  }

  func childPid(_ kaplan: LiveKaplan) -> Int32? {
    let file = dir.appendingPathComponent("child.pid").path
    kaplan.wait(upTo: 20) {
      ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").hasSuffix("\n")
    }
    return (try? String(contentsOfFile: file, encoding: .utf8)).flatMap {
      Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }

  func leftInTemporaryDirectory() -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []
  }

  @Test func slowConverterIsKilledAtTheTimeLimit() throws {
    let kaplan = try LiveKaplan(
      ["run", "plot.lua", "--trust", "--timeout", "1"], directory: dir, environment: environment)
    let pid = try #require(childPid(kaplan))
    #expect(kaplan.finish(within: 8) == 1)
    #expect(kaplan.elapsed < 8)
    #expect(kaplan.stderr.contains("time limit of 1 s exceeded (raise it with --timeout)"), "\(kaplan.stderr)")
    #expect(!kaplan.stdout.contains("after"))
    #expect(kaplan.wait(upTo: 2) { processIsGone(pid) }, "rsvg-convert \(pid) outlived the run")
    #expect(leftInTemporaryDirectory() == [])
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("os.png").path))
  }

  @Test(arguments: [SIGKILL, SIGTERM])
  func converterDiesWithKaplan(signal: Int32) throws {
    let kaplan = try LiveKaplan(["run", "plot.lua", "--trust"], directory: dir, environment: environment)
    let pid = try #require(childPid(kaplan))
    #expect(!processIsGone(pid))
    kaplan.signal(signal)
    _ = kaplan.finish(within: 5)
    #expect(kaplan.process.terminationReason == .uncaughtSignal)
    #expect(kaplan.process.terminationStatus == signal)
    #expect(kaplan.wait(upTo: 2) { processIsGone(pid) }, "rsvg-convert \(pid) outlived kaplan (signal \(signal))")
    #expect(leftInTemporaryDirectory() == [])
  }

  @Test func realConverterStillWritesPNG() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") else { return }
    let r = try runKaplan(["run", "plot.lua", "--timeout", "30"], directory: dir, environment: ["TMPDIR": tmp.path])
    #expect(r.status == 0, "\(r.stderr)")
    let png = try Data(contentsOf: dir.appendingPathComponent("os.png"))
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    #expect(leftInTemporaryDirectory() == [])
  }
}
