import Foundation
import Testing
import TestSupport

/// `kaplan run --record` and `kaplan verify` end to end (issue 19).
struct RunRecordCLITests {
  /// A study directory: a script that reads two files (one through
  /// read_csv, one through io.open) and writes two (write_csv, io.open).
  func study() throws -> URL {
    let dir = try temporaryDirectory()
    try "a,b\n1,2\n3,4\n".write(to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
    try "notes\n".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
    let script = """
      local d = read_csv("x.csv")
      local f = io.open("notes.txt"); local notes = f:read("a"); f:close()
      print(#d, notes)
      write_csv(d, "copy.csv")
      local g = io.open("sum.txt", "w"); g:write(string.format("%.4f\\n", 10 / 3)); g:close()
      """
    try script.write(to: dir.appendingPathComponent("s.lua"), atomically: true, encoding: .utf8)
    return dir
  }

  func json(_ url: URL) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    return try #require(object as? [String: Any])
  }

  func sha256(_ text: String) -> String { sha256Hex(Data(text.utf8)) }

  @Test func recordListsVersionsOptionsInputsAndOutputs() throws {
    let dir = try study()
    let r = try runKaplan(
      ["run", "s.lua", "--out", "out", "--record", "run.json", "--seed", "7", "--timeout", "60"], directory: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "2\tnotes\n\n")
    let record = try json(dir.appendingPathComponent("run.json"))
    #expect(record["format"] as? String == "kaplan-run-record/1")
    #expect(record["kaplan_version"] as? String == "0.1.0")
    #expect(record["lua_version"] as? String == "Lua 5.4")
    #expect((record["platform"] as? String)?.isEmpty == false)
    #expect(record["exit_status"] as? Int == 0)
    #expect((record["command_line"] as? [String])?.dropFirst() == ["run", "s.lua", "--out", "out", "--record",
      "run.json", "--seed", "7", "--timeout", "60"])
    let options = try #require(record["options"] as? [String: Any])
    #expect(options["seed"] as? Int == 7)
    #expect(options["timeout"] as? Double == 60)
    #expect(options["max_memory"] as? Int == 4 << 30)
    #expect(options["sandbox"] as? String == "sandboxed")
    let script = try #require(record["script"] as? [String: Any])
    #expect(script["path"] as? String == "s.lua")
    let scriptBytes = try Data(contentsOf: dir.appendingPathComponent("s.lua"))
    #expect(script["size"] as? Int == scriptBytes.count)
    let inputs = try #require(record["inputs"] as? [[String: Any]])
    #expect(inputs.map { $0["path"] as? String } == ["notes.txt", "x.csv"])
    #expect(inputs.map { $0["size"] as? Int } == [6, 12])
    #expect(inputs[1]["sha256"] as? String == sha256("a,b\n1,2\n3,4\n"))
    let outputs = try #require(record["outputs"] as? [[String: Any]])
    #expect(outputs.map { $0["path"] as? String } == ["copy.csv", "sum.txt"])
    #expect(outputs.map { $0["size"] as? Int } == [12, 7])
    #expect(outputs[0]["sha256"] as? String == sha256("a,b\n1,2\n3,4\n"))
    let stdout = try #require(record["stdout"] as? [String: Any])
    #expect(stdout["file"] as? String == "run.stdout")
    #expect(try String(contentsOf: dir.appendingPathComponent("run.stdout"), encoding: .utf8) == r.stdout)
    #expect(stdout["size"] as? Int == r.stdout.utf8.count)
    // The record is deterministic: a second run gives the same bytes.
    let first = try Data(contentsOf: dir.appendingPathComponent("run.json"))
    _ = try runKaplan(
      ["run", "s.lua", "--out", "out", "--record", "run.json", "--seed", "7", "--timeout", "60"], directory: dir)
    #expect(try Data(contentsOf: dir.appendingPathComponent("run.json")) == first)
  }

  @Test func recordListsBundledDatasetsAndDataBindings() throws {
    let dir = try study()
    try "print(#dataset('aml'), #extra)".write(
      to: dir.appendingPathComponent("d.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "d.lua", "--data", "extra=x.csv", "--record", "d.json"], directory: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let record = try json(dir.appendingPathComponent("d.json"))
    let inputs = try #require(record["inputs"] as? [[String: Any]])
    let paths = inputs.compactMap { $0["path"] as? String }
    #expect(paths.contains("data/aml.csv"))
    #expect(paths.contains("x.csv"))
    #expect(inputs.first { $0["path"] as? String == "data/aml.csv" }?["stdlib"] as? Bool == true)
    let data = try #require((record["options"] as? [String: Any])?["data"] as? [[String: String]])
    #expect(data == [["name": "extra", "path": "x.csv"]])
  }

  @Test func failingRunIsRecordedWithItsStatus() throws {
    let dir = try temporaryDirectory()
    try "print('before')\nerror('stop')".write(
      to: dir.appendingPathComponent("e.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "e.lua", "--record", "e.json"], directory: dir)
    #expect(r.status == 1)
    let record = try json(dir.appendingPathComponent("e.json"))
    #expect(record["exit_status"] as? Int == 1)
    #expect(try String(contentsOf: dir.appendingPathComponent("e.stdout"), encoding: .utf8) == "before\n")
  }

  @Test func verifyPassesOnAnUntouchedRun() throws {
    let dir = try study()
    #expect(try runKaplan(["run", "s.lua", "--out", "out", "--record", "run.json"], directory: dir).status == 0)
    let v = try runKaplan(["verify", "run.json"], directory: dir)
    #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
    #expect(v.stdout.contains("verify: IDENTICAL"))
  }

  @Test func verifyNamesADataFileChangedByOneByte() throws {
    let dir = try study()
    #expect(try runKaplan(["run", "s.lua", "--out", "out", "--record", "run.json"], directory: dir).status == 0)
    try "a,b\n1,2\n3,5\n".write(to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
    let v = try runKaplan(["verify", "run.json"], directory: dir)
    #expect(v.status == 1)
    #expect(v.stdout.contains("input 'x.csv' changed: recorded sha256 \(sha256("a,b\n1,2\n3,4\n")) (12 bytes), now "))
    #expect(!v.stdout.contains("notes.txt"))
  }

  @Test func verifyNamesAChangedScript() throws {
    let dir = try study()
    #expect(try runKaplan(["run", "s.lua", "--out", "out", "--record", "run.json"], directory: dir).status == 0)
    let script = dir.appendingPathComponent("s.lua")
    try (try String(contentsOf: script, encoding: .utf8) + "\n").write(to: script, atomically: true, encoding: .utf8)
    let v = try runKaplan(["verify", "run.json"], directory: dir)
    #expect(v.status == 1)
    #expect(v.stdout.contains("script 's.lua' changed: recorded sha256"))
  }

  @Test func verifyFailsWhenAnOutputDiffersAndShowsTheDiff() throws {
    let dir = try temporaryDirectory()
    let script = """
      print("same")
      local f = io.open("clock.txt", "w"); f:write("a\\n", tostring(wall_clock()), "\\nz\\n"); f:close()
      """
    try script.write(to: dir.appendingPathComponent("w.lua"), atomically: true, encoding: .utf8)
    #expect(try runKaplan(["run", "w.lua", "--out", "out", "--record", "w.json"], directory: dir).status == 0)
    let v = try runKaplan(["verify", "w.json"], directory: dir)
    #expect(v.status == 1)
    #expect(v.stdout.contains("output 'clock.txt' differs: recorded sha256"))
    #expect(v.stdout.contains("--- recorded/clock.txt\n+++ rerun/clock.txt\n@@ -1,3 +1,3 @@\n a\n-"))
    #expect(!v.stdout.contains("standard output differs"))
  }

  /// Originals that are no longer what the run wrote are a difference, not a
  /// note (the session-5 review: verify said IDENTICAL about edited files).
  @Test func verifyFailsWhenTheOriginalOutputWasEdited() throws {
    let dir = try study()
    #expect(try runKaplan(["run", "s.lua", "--out", "out", "--record", "run.json"], directory: dir).status == 0)
    try "999\n".write(to: dir.appendingPathComponent("out/sum.txt"), atomically: true, encoding: .utf8)
    let v = try runKaplan(["verify", "run.json"], directory: dir)
    #expect(v.status == 1, "\(v.stdout)")
    #expect(v.stdout.contains("the original output 'sum.txt' has changed since the run was recorded: recorded sha256 "))
    #expect(v.stdout.contains("verify: DIFFERENT"))
  }

  @Test func verifyReportsNumbersDifferingInTheLastDigit() throws {
    let dir = try study()
    #expect(try runKaplan(["run", "s.lua", "--out", "out", "--record", "run.json"], directory: dir).status == 0)
    // As if the recorded machine had printed 3.3334 where this one prints 3.3333.
    let sum = dir.appendingPathComponent("out/sum.txt")
    try "3.3334\n".write(to: sum, atomically: true, encoding: .utf8)
    let recordURL = dir.appendingPathComponent("run.json")
    let text = try String(contentsOf: recordURL, encoding: .utf8)
    let recordedHash = try #require(
      (try json(recordURL)["outputs"] as? [[String: Any]])?.first { $0["path"] as? String == "sum.txt" }?["sha256"]
        as? String)
    let tampered = text.replacingOccurrences(of: recordedHash, with: sha256Hex(Data("3.3334\n".utf8)))
    try tampered.write(to: recordURL, atomically: true, encoding: .utf8)
    let v = try runKaplan(["verify", "run.json"], directory: dir)
    #expect(v.status == 1)
    #expect(v.stdout.contains("-3.3334\n+3.3333\n"))
    #expect(v.stdout.contains("numbers differ only in the last printed digit: 3.3334 -> 3.3333"))
  }

  @Test func verifyStatesADifferentKaplanVersion() throws {
    let dir = try study()
    #expect(try runKaplan(["run", "s.lua", "--out", "out", "--record", "run.json"], directory: dir).status == 0)
    let recordURL = dir.appendingPathComponent("run.json")
    let text = try String(contentsOf: recordURL, encoding: .utf8)
    try text.replacingOccurrences(of: "\"kaplan_version\" : \"0.1.0\"", with: "\"kaplan_version\" : \"0.0.9\"")
      .write(to: recordURL, atomically: true, encoding: .utf8)
    let v = try runKaplan(["verify", "run.json"], directory: dir)
    #expect(v.stdout.hasPrefix("note: recorded with Kaplan 0.0.9; this is Kaplan 0.1.0\n"))
    #expect(v.status == 0)
  }

  /// A deleted script or input cannot be rerun: exit 2, as README documents ("2 cannot rerun"), not 1.
  @Test func verifyOfADeletedScriptOrInputExits2() throws {
    let dir = try study()
    #expect(try runKaplan(["run", "s.lua", "--out", "out", "--record", "run.json"], directory: dir).status == 0)
    try FileManager.default.removeItem(at: dir.appendingPathComponent("x.csv"))
    let v = try runKaplan(["verify", "run.json"], directory: dir)
    #expect(v.status == 2, "\(v.stdout)\(v.stderr)")
    #expect(v.stdout.contains("input 'x.csv' is missing (recorded sha256 \(sha256("a,b\n1,2\n3,4\n")))"))
    #expect(v.stderr.contains("kaplan verify: cannot rerun 'run.json': 1 recorded file(s) missing"))
    try FileManager.default.removeItem(at: dir.appendingPathComponent("s.lua"))
    let w = try runKaplan(["verify", "run.json"], directory: dir)
    #expect(w.status == 2, "\(w.stdout)\(w.stderr)")
    #expect(w.stdout.contains("script 's.lua' is missing"))
  }

  @Test func verifyCannotRunExits2() throws {
    let dir = try temporaryDirectory()
    #expect(try runKaplan(["verify", "missing.json"], directory: dir).status == 2)
    try "{}".write(to: dir.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
    let v = try runKaplan(["verify", "bad.json"], directory: dir)
    #expect(v.status == 2)
    #expect(v.stderr.contains("'bad.json' is not a Kaplan run record"))
  }
}

/// SHA-256 through the tool itself would be circular; the tests use
/// `sha256sum` (coreutils), which every CI image has.
func sha256Hex(_ data: Data) -> String {
  let dir = (try? temporaryDirectory()) ?? FileManager.default.temporaryDirectory
  let file = dir.appendingPathComponent("h")
  try? data.write(to: file)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["sha256sum", file.path]
  let pipe = Pipe()
  process.standardOutput = pipe
  try? process.run()
  let out = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return String(decoding: out, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
}
