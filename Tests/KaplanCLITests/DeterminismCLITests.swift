import Foundation
import Testing
import TestSupport

/// Determinism (issue 19): the same script and data give the same bytes on
/// standard output and in every file, run after run.
struct DeterminismCLITests {
  /// Every file under `dir`, by relative path.
  func files(_ dir: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let names = try FileManager.default.subpathsOfDirectory(atPath: dir.path)
    for name in names {
      var isDirectory: ObjCBool = false
      let path = dir.appendingPathComponent(name).path
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
        result[name] = try Data(contentsOf: URL(fileURLWithPath: path))
      }
    }
    return result
  }

  /// Every bundled script, read from scripts/*.lua when the tests start, so
  /// a script added later is tested too (each runs without extra data; the
  /// generators write the bundled datasets into the output directory).
  static let bundledScripts: [String] = {
    let dir = projectRoot.appendingPathComponent("scripts").path
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return names.filter { $0.hasSuffix(".lua") }.map { String($0.dropLast(4)) }.sorted()
  }()

  @Test func everyBundledScriptIsListed() {
    // The five on main when this test was written; more may come, none may go unnoticed.
    #expect(Set(["example", "adam_example", "clocc", "make_adam", "make_clocc"]).isSubset(of: Self.bundledScripts))
  }

  @Test(arguments: bundledScripts)
  func bundledScriptGivesTheSameBytesTwice(_ name: String) throws {
    let first = try temporaryDirectory()
    let second = try temporaryDirectory()
    let a = try runKaplan(["run", "scripts/\(name).lua", "--out", first.path])
    let b = try runKaplan(["run", "scripts/\(name).lua", "--out", second.path])
    #expect(a.status == 0, "\(a.stderr)")
    #expect(b.status == 0, "\(b.stderr)")
    #expect(a.stdout == b.stdout)
    #expect(a.stderr == b.stderr)
    let filesA = try files(first)
    let filesB = try files(second)
    #expect(filesA.keys.sorted() == filesB.keys.sorted())
    for (file, bytes) in filesA { #expect(filesB[file] == bytes, "\(name): \(file) differs between runs") }
  }

  @Test func pdfIsByteIdenticalBetweenRuns() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") else { return }
    let dir = try temporaryDirectory()
    let script = "plot(km(dataset('aml'), 'Surv(time, status) ~ x'), {file = 'aml.pdf'})"
    try script.write(to: dir.appendingPathComponent("p.lua"), atomically: true, encoding: .utf8)
    // cairo writes the date of conversion into a PDF; a second apart, two
    // runs used to differ (Kaplan now sets SOURCE_DATE_EPOCH for it).
    let a = try runKaplan(["run", "p.lua", "--out", "a"], directory: dir)
    Thread.sleep(forTimeInterval: 1.1)
    let b = try runKaplan(["run", "p.lua", "--out", "b"], directory: dir)
    #expect(a.status == 0, "\(a.stderr)")
    #expect(b.status == 0, "\(b.stderr)")
    let pdfA = try Data(contentsOf: dir.appendingPathComponent("a/aml.pdf"))
    let pdfB = try Data(contentsOf: dir.appendingPathComponent("b/aml.pdf"))
    #expect(pdfA.starts(with: Data("%PDF".utf8)))
    #expect(pdfA == pdfB)
  }
}
