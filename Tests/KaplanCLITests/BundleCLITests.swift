import Foundation
import Testing
import TestSupport

/// `kaplan bundle`, `kaplan run study.kaplan`, `kaplan verify study.kaplan`
/// (issue 19), and the refusal of crafted archives.
struct BundleCLITests {
  /// A study: a script that requires a module next to it, reads a CSV file
  /// and a --data file, and writes a CSV file and a plot.
  func study() throws -> URL {
    let dir = try temporaryDirectory()
    func write(_ text: String, _ name: String) throws {
      try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    try write("a,b\n1,2\n3,4\n", "x.csv")
    try write("time,status\n5,1\n8,0\n12,1\n", "extra.csv")
    try write("return { twice = function(x) return 2 * x end }\n", "helper.lua")
    try write("""
      local helper = require("helper")
      local d = read_csv("x.csv")
      print(helper.twice(#d), #extra)
      write_csv(d, "copy.csv")
      plot(km(extra, "Surv(time, status) ~ 1"), {file = "km.svg"})
      """, "s.lua")
    return dir
  }

  @Test func bundleRoundTripInAFreshDirectory() throws {
    let dir = try study()
    let made = try runKaplan(["bundle", "s.lua", "--data", "extra=extra.csv", "-o", "study.kaplan"], directory: dir)
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stdout == "4\t3\n")
    // The same command gives the same bytes.
    let first = try Data(contentsOf: dir.appendingPathComponent("study.kaplan"))
    #expect(try runKaplan(["bundle", "s.lua", "--data", "extra=extra.csv", "-o", "study.kaplan"], directory: dir)
      .status == 0)
    #expect(try Data(contentsOf: dir.appendingPathComponent("study.kaplan")) == first)

    let list = try runKaplan(["bundle", "--list", "study.kaplan"], directory: dir)
    #expect(list.status == 0, "\(list.stderr)")
    for name in ["work/s.lua", "work/helper.lua", "work/x.csv", "work/extra.csv", "outputs/copy.csv",
                 "outputs/km.svg", "record.json", "run.stdout"] {
      #expect(list.stdout.contains("  " + name + "\n"), "\(name) missing from\n\(list.stdout)")
    }
    #expect(list.stdout.contains("       12  " + sha256Hex(Data("a,b\n1,2\n3,4\n".utf8)) + "  work/x.csv\n"))

    // Moved elsewhere, away from the original files.
    let elsewhere = try temporaryDirectory()
    try FileManager.default.copyItem(
      at: dir.appendingPathComponent("study.kaplan"), to: elsewhere.appendingPathComponent("study.kaplan"))
    try FileManager.default.removeItem(at: dir)
    let verified = try runKaplan(["verify", "study.kaplan"], directory: elsewhere)
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    #expect(verified.stdout.contains("verify: IDENTICAL"))
    let ran = try runKaplan(["run", "study.kaplan", "--out", "results"], directory: elsewhere)
    #expect(ran.status == 0, "\(ran.stderr)")
    #expect(ran.stdout == "4\t3\n")
    #expect(try String(contentsOf: elsewhere.appendingPathComponent("results/copy.csv"), encoding: .utf8)
      == "a,b\n1,2\n3,4\n")
    // Nothing else was left in the directory.
    let left = try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).sorted()
    #expect(left == ["results", "study.kaplan"])
  }

  @Test func bundleRefusesAFailingScriptAndOutsideFiles() throws {
    let dir = try temporaryDirectory()
    try "error('no')".write(to: dir.appendingPathComponent("f.lua"), atomically: true, encoding: .utf8)
    let failed = try runKaplan(["bundle", "f.lua", "-o", "f.kaplan"], directory: dir)
    #expect(failed.status == 1)
    #expect(failed.stderr.contains("the script failed (exit status 1); nothing was bundled"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("f.kaplan").path))
    let inner = dir.appendingPathComponent("inner")
    try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
    try "a\n1\n".write(to: dir.appendingPathComponent("up.csv"), atomically: true, encoding: .utf8)
    let outside = try runKaplan(
      ["bundle", dir.appendingPathComponent("f.lua").path, "-o", "f.kaplan"], directory: inner)
    #expect(outside.status != 0)
    let badName = try runKaplan(["bundle", "f.lua", "-o", "f.zip"], directory: dir)
    #expect(badName.status != 0)
    #expect(badName.stderr.contains("a bundle's name ends in .kaplan"))
  }

  @Test func verifyOfABundleNamesAChangedInput() throws {
    let dir = try study()
    #expect(try runKaplan(["bundle", "s.lua", "--data", "extra=extra.csv", "-o", "study.kaplan"], directory: dir)
      .status == 0)
    // Rebuild the archive with one byte of x.csv changed.
    guard try rebuild(dir, as: "changed.kaplan", edit: { name, data in
      if name == "work/x.csv" { data[data.count - 2] = UInt8(ascii: "5") }
      return true
    }) else { return }
    let v = try runKaplan(["verify", "changed.kaplan"], directory: dir)
    #expect(v.status == 1, "\(v.stdout)\(v.stderr)")
    #expect(v.stdout.contains("input 'x.csv' changed: recorded sha256 \(sha256Hex(Data("a,b\n1,2\n3,4\n".utf8)))"))
  }

  /// Rebuilds dir/study.kaplan as dir/`name` (a stored copy of every entry,
  /// so these tests need no ZIP library; false where `unzip` is missing):
  /// `edit` may change an entry's bytes and returns whether to keep it;
  /// `extra` entries are added.
  func rebuild(
    _ dir: URL, as name: String, edit: (String, inout [UInt8]) -> Bool, extra: [CraftedZip.Entry] = []
  ) throws -> Bool {
    #expect(try runKaplan(["bundle", "--list", "study.kaplan"], directory: dir).status == 0)
    let extracted = try temporaryDirectory()
    let unzip = Process()
    unzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    unzip.arguments = ["unzip", "-q", dir.appendingPathComponent("study.kaplan").path, "-d", extracted.path]
    guard (try? unzip.run()) != nil else { return false }  // no unzip: the rest is checked by the crafted tests
    unzip.waitUntilExit()
    guard unzip.terminationStatus == 0 else { return false }
    var zip = CraftedZip()
    for entryName in try FileManager.default.subpathsOfDirectory(atPath: extracted.path).sorted() {
      var isDirectory: ObjCBool = false
      let path = extracted.appendingPathComponent(entryName).path
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
        continue
      }
      var data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
      if edit(entryName, &data) { zip.entries.append(.init(name: entryName, data: data)) }
    }
    zip.entries += extra
    try Data(zip.bytes()).write(to: dir.appendingPathComponent(name))
    return true
  }

  /// The session-5 review: a bundle's shipped outputs are part of what
  /// verify vouches for, and nothing the record does not name is accepted.
  @Test func bundleOutputsAndStrayEntriesAreChecked() throws {
    let dir = try study()
    #expect(try runKaplan(["bundle", "s.lua", "--data", "extra=extra.csv", "-o", "study.kaplan"], directory: dir)
      .status == 0)
    guard try rebuild(dir, as: "stray.kaplan", edit: { _, _ in true }, extra: [entry("outputs/evil.sh")]) else {
      return
    }
    let stray = try runKaplan(["verify", "stray.kaplan"], directory: dir)
    #expect(stray.status == 2, "\(stray.stdout)\(stray.stderr)")
    #expect(stray.stderr.contains("entry 'outputs/evil.sh' is not named by its record"))
    _ = try rebuild(dir, as: "edited.kaplan", edit: { name, data in
      if name.hasPrefix("outputs/") { data.append(UInt8(ascii: "\n")) }
      return true
    })
    let edited = try runKaplan(["verify", "edited.kaplan"], directory: dir)
    #expect(edited.status == 1, "\(edited.stdout)\(edited.stderr)")
    #expect(edited.stdout.contains("has changed since the run was recorded"))
    _ = try rebuild(dir, as: "missing.kaplan", edit: { name, _ in !name.hasPrefix("outputs/") })
    let missing = try runKaplan(["verify", "missing.kaplan"], directory: dir)
    #expect(missing.status == 1, "\(missing.stdout)\(missing.stderr)")
    #expect(missing.stdout.contains("is missing"))
  }

  /// Writes `zip` and expects `run`, `verify` and `bundle --list` to refuse it
  /// with `message`, writing nothing.
  func expectRefused(_ zip: CraftedZip, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let dir = try temporaryDirectory()
    let inner = dir.appendingPathComponent("inner")
    try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
    try Data(zip.bytes()).write(to: inner.appendingPathComponent("bad.kaplan"))
    for command in [["run", "bad.kaplan", "--out", "o"], ["verify", "bad.kaplan"], ["bundle", "--list", "bad.kaplan"]] {
      let r = try runKaplan(command, directory: inner)
      #expect(r.status == 2, "\(command): \(r.stderr)", sourceLocation: sourceLocation)
      #expect(r.stderr.contains(message), "\(command): \(r.stderr)", sourceLocation: sourceLocation)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["inner"], sourceLocation: sourceLocation)
    #expect(try FileManager.default.contentsOfDirectory(atPath: inner.path) == ["bad.kaplan"],
            sourceLocation: sourceLocation)
  }

  func entry(_ name: String, _ text: String = "print('pwned')\n") -> CraftedZip.Entry {
    .init(name: name, data: Array(text.utf8))
  }

  @Test func cratedArchivesAreRefused() throws {
    try expectRefused(CraftedZip(entries: [entry("record.json", "{}"), entry("../evil.lua")]), "contains '..'")
    try expectRefused(CraftedZip(entries: [entry("work/../../evil.lua")]), "contains '..'")
    try expectRefused(CraftedZip(entries: [entry("/tmp/evil.lua")]), "is an absolute path")
    var link = entry("work/s.lua", "/etc/passwd")
    link.mode = 0o120777
    try expectRefused(CraftedZip(entries: [link]), "is a symbolic link")
    try expectRefused(CraftedZip(entries: [entry("work/s.lua"), entry("work/s.lua", "x")]), "appears twice")
    try expectRefused(CraftedZip(entries: [entry("work/a"), entry("work/a/b")]), "is both a file and a directory")
    try expectRefused(CraftedZip(entries: [entry("work\\..\\evil.lua")]), "backslash")
    try expectRefused(CraftedZip(entries: [entry("work/s.lua")]), "no record.json")
  }

  @Test func zipBombsAreRefused() throws {
    // 13 bits per 258 bytes; the header claims 100 bytes: refused once the
    // expansion passes them, before 10 MB are held.
    var bomb = CraftedZip.Entry(name: "record.json", data: CraftedZip.zeroBomb(repeats: 40_000), method: 8)
    bomb.declaredSize = 100
    try expectRefused(CraftedZip(entries: [bomb]), "expands past the 100 bytes")
    // A header that claims more than the limit is refused before anything is expanded.
    var huge = CraftedZip.Entry(name: "work/huge.csv", data: CraftedZip.zeroBomb(repeats: 10), method: 8)
    huge.declaredSize = 3_000_000_000
    try expectRefused(CraftedZip(entries: [huge]), "expands to 3000000000 bytes (limit 2147483648)")
    // Too many entries.
    let many = (0..<10_001).map { entry("work/f\($0)", "") }
    try expectRefused(CraftedZip(entries: many), "more than 10000 entries")
  }

  @Test func damagedSizesAreRefusedNotTrapped() throws {
    // Found by fuzz-bundle: a stored entry with a data descriptor whose
    // declared size puts the descriptor past the end made ZIPFoundation trap.
    let crash = "UEsDBBQAAAAAAMh8hl1Dv6ajAgAAAAIAAAALAAAAcmVjb3JkLmpzb257fVBLAwQUAAAAAADIfIZdCKeQ7QgAAAAI"
      + "AAAACwAAAC4uL2V2aWwubHVhcHJpbnQoMSlQSwECFAP///9tAADIfIZdQ7+mowIAAAACAAAICwAAAAAAAAAAAAAAgAEAAAAA"
      + "cmVjb3JkLp2Mb25QSwECFAMUAAAAAADIfIZdCKeQ7QgAAAAIAAAACwAAAAAAAAAAAAAAgAErAAAALi4pZXZpbC5sdWFQSwUG"
      + "AAAAAAIAAgByAAAAXAAAAAAA"
    let dir = try temporaryDirectory()
    try #require(Data(base64Encoded: crash)).write(to: dir.appendingPathComponent("crash.kaplan"))
    let r = try runKaplan(["bundle", "--list", "crash.kaplan"], directory: dir)
    #expect(r.status == 2, "\(r.stderr)")
    // Our ZIP reader refuses it at its first damaged entry: a name that is not UTF-8 though flag bit 11 says so.
    #expect(r.stderr.contains("a damaged ZIP archive: an entry's name is not valid UTF-8"), "\(r.stderr)")
  }

  @Test func bundleRecordMustNameOnlyItsOwnFiles() throws {
    // A record whose script is not in the bundle: nothing runs.
    let dir = try study()
    #expect(try runKaplan(["run", "s.lua", "--data", "extra=extra.csv", "--record", "r.json", "--out", "o"],
      directory: dir).status == 0)
    let record = try String(contentsOf: dir.appendingPathComponent("r.json"), encoding: .utf8)
    try expectRefused(CraftedZip(entries: [entry("record.json", record), entry("run.stdout", "")]),
      "is not in the bundle")
  }
}
