import Foundation
import Testing
import TestSupport

/// The kernel layer (issue 12, "Kernel-enforced file access"): a child
/// `kaplan sandbox-probe` sets up exactly as `kaplan run` does, enforces
/// Landlock, and then tries files with open(2) and posix_spawn directly,
/// past every Lua path check. Skipped where the kernel has no Landlock
/// (the path-layer tests still run there).
struct KernelSandboxTests {
  static let landlock: Bool = {
    guard let r = try? runKaplan(["run", "--sandbox-info"]) else { return false }
    return r.stdout.contains("Landlock (kernel ABI")
  }()

  static let converter: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/rsvg-convert" }
      .first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  /// A project folder with a script and `out/`, and an outside folder.
  struct Layout {
    let root: URL
    var project: URL { root.appendingPathComponent("project") }
    var outside: URL { root.appendingPathComponent("outside") }
    init() throws {
      root = try temporaryDirectory()
      for dir in [project.appendingPathComponent("out"), outside] {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      }
      try "print(1)".write(to: project.appendingPathComponent("s.lua"), atomically: true, encoding: .utf8)
      try "secret".write(to: outside.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
    }

    /// Each operation's result ("ok" or an errno name), by operation.
    func probe(_ operations: [String], extra: [String] = []) throws -> [String: String] {
      let r = try runKaplan(["sandbox-probe", "s.lua", "--out", "out"] + extra + ["--"] + operations,
                            stdin: "", directory: project)
      #expect(r.status == 0, "\(r.stderr)")
      #expect(r.stdout.hasPrefix("landlock: ABI "), "\(r.stdout)")
      var results: [String: String] = [:]
      for line in r.stdout.split(separator: "\n").dropFirst() {
        guard let colon = line.range(of: ": ", options: .backwards) else { continue }
        results[String(line[..<colon.lowerBound])] = String(line[colon.upperBound...])
      }
      return results
    }
  }

  @Test(.enabled(if: landlock))
  func outsideFilesAreRefusedByTheKernel() throws {
    let l = try Layout()
    let secret = l.outside.appendingPathComponent("secret.txt").path
    let newOutside = l.outside.appendingPathComponent("new.txt").path
    try FileManager.default.createSymbolicLink(
      atPath: l.project.appendingPathComponent("out/results.txt").path,
      withDestinationPath: l.outside.appendingPathComponent("target").path)
    let ops = [
      "read:\(secret)", "list:\(l.outside.path)", "write:\(newOutside)", "write:\(secret)",
      "write:out/results.txt", "write:s.lua", "read:/etc/passwd", "list:/", "exec:/bin/sh",
      "read:s.lua", "list:.", "write:out/figure.svg", "read:out/figure.svg",
    ]
    let r = try l.probe(ops)
    for op in ops.prefix(9) { #expect(r[op] == "EACCES", "\(op): \(r[op] ?? "missing")") }
    for op in ops.suffix(4) { #expect(r[op] == "ok", "\(op): \(r[op] ?? "missing")") }
    #expect(try FileManager.default.contentsOfDirectory(atPath: l.outside.path) == ["secret.txt"])
    #expect(try String(contentsOfFile: secret, encoding: .utf8) == "secret")
  }

  /// libdispatch's worker-pool monitor opens /proc/<tid>/stat of each worker
  /// and aborts the process (SIGILL) when it cannot: under load about one
  /// sandboxed run in seven died so before /proc was granted for reading.
  @Test(.enabled(if: landlock))
  func anotherThreadsStateIsReadableAsLibdispatchNeeds() throws {
    let l = try Layout()
    let r = try l.probe(["thread-stat:", "read:/proc/self/status"])
    #expect(r["thread-stat:"] == "ok", "\(r)")
    #expect(r["read:/proc/self/status"] == "ok", "\(r)")
  }

  @Test(.enabled(if: landlock))
  func dataPathsAreReadableAndOnlyRsvgConvertRuns() throws {
    let l = try Layout()
    let data = l.outside.appendingPathComponent("trial.csv")
    try "time,status\n1,1\n".write(to: data, atomically: true, encoding: .utf8)
    var ops = ["read:\(data.path)", "write:\(data.path)", "exec:/usr/bin/env"]
    if let converter = Self.converter { ops.append("exec:\(converter)") }
    let r = try l.probe(ops, extra: ["--data", "trial=\(data.path)"])
    #expect(r["read:\(data.path)"] == "ok")
    #expect(r["write:\(data.path)"] == "EACCES")
    #expect(r["exec:/usr/bin/env"] == "EACCES")
    if let converter = Self.converter { #expect(r["exec:\(converter)"] == "ok") }
  }

  /// rsvg-convert runs under the restriction: PNG and PDF plots are written,
  /// and the private temporary directory is gone afterwards.
  @Test(.enabled(if: landlock && converter != nil))
  func pngAndPdfPlotsWorkUnderLandlock() throws {
    let l = try Layout()
    let tmp = l.root.appendingPathComponent("tmp")
    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    try """
      local fit = km(dataset("aml"), "Surv(time, status) ~ x")
      plot(fit, {file = "os.png", title = "Überleben"})
      plot(fit, {file = "os.pdf"})
      print(os.date("%Y") ~= nil)
      """.write(to: l.project.appendingPathComponent("s.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "s.lua", "--out", "out"], directory: l.project, environment: ["TMPDIR": tmp.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.isEmpty, "\(r.stderr)")
    let png = try Data(contentsOf: l.project.appendingPathComponent("out/os.png"))
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    let pdf = try Data(contentsOf: l.project.appendingPathComponent("out/os.pdf"))
    #expect(pdf.starts(with: Array("%PDF".utf8)))
    #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
  }

  @Test func sandboxInfoSaysWhatIsEnforced() throws {
    let r = try runKaplan(["run", "--sandbox-info"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("1. Path checks"))
    if Self.landlock {
      #expect(r.stdout.contains("network: TCP bind and connect refused"))
      #expect(r.stdout.contains("stdlib: read_file,read_dir -- the stdlib"))
      #expect(r.stdout.contains(": write_file,read_file,read_dir,remove_file,make_reg,truncate -- --out"))
    } else {
      #expect(r.stdout.contains("2. Landlock: not enforced"))
    }
    let t = try runKaplan(["run", "--sandbox-info", "--trust"])
    #expect(t.stdout.contains("no sandbox"))
    let missing = try runKaplan(["run"])
    #expect(missing.status == 64)
    #expect(missing.stderr.contains("Missing expected argument '<script>'"))
  }
}
