import Foundation
import Testing
import TestSupport

/// `make bench` runs scripts/bench/task.lua once per task and reads its
/// `BENCH` lines (scripts/bench/harness.py). This proves every task runs
/// through `kaplan run` in the default sandbox (data read from the working
/// directory) and prints its call time and checksum lines in the shape the
/// harness parses. Nothing is timed against a limit: the times are only
/// checked to be numbers. (`make bench-smoke` runs the harness itself at
/// 10^4 rows in CI.)
struct BenchScriptsCLITests {
  static let task = projectRoot.appendingPathComponent("scripts/bench/task.lua").path
  static let survivalRows = 300
  static let numericRows = 50

  /// The columns of gen_data.py's surv_N.csv, from a deterministic formula.
  static func survivalCSV() -> String {
    var text = "time,status,arm,stratum,x1,x2,x3,x4,x5,cr_status\n"
    for i in 1...survivalRows {
      let status = i % 5 < 3 ? 1 : 0
      let cause = status == 0 ? 0 : (i % 7 < 4 ? 1 : 2)
      let x = (1...5).map { String(format: "%.6f", sin(Double(i * $0) * 0.7)) }
      text += "\(Double((i * 7919) % 503 + 1) / 10),\(status),\(["A", "B", "C"][i % 3]),s\(i % 4 + 1),"
        + x.joined(separator: ",") + ",\(cause)\n"
    }
    return text
  }

  /// The columns of gen_data.py's num_N.csv.
  static func numericCSV() -> String {
    var text = "id,age,x1,x2,x3,x4,x5,x6,x7,x8\n"
    for i in 1...numericRows {
      text += "\(i),\(18 + i % 73)," + (1...8).map { "\(($0 * i) % 10).\(100 + i % 900)" }.joined(separator: ",")
        + "\n"
    }
    return text
  }

  /// Each task, its file, and the checksum lines with their number of values.
  @Test(arguments: [
    ("csv", "num.csv", [("csv", 3)]),
    ("csv_surv", "surv.csv", [("csv_surv", 3)]),
    ("km", "surv.csv", [("km_median", 3)]),
    ("logrank", "surv.csv", [("logrank_chisq", 1)]),
    ("cox", "surv.csv", [("cox_coef", 7), ("cox_loglik", 1)]),
    ("cox_strata", "surv.csv", [("cox_coef", 7), ("cox_loglik", 1)]),
    ("cuminc", "surv.csv", [("gray_statistic", 2)]),
    ("finegray", "surv.csv", [("finegray_coef", 3)]),
    ("derive", "num.csv", [("derive", 5)]),
  ])
  func taskPrintsTimesAndChecks(task: String, file: String, checks: [(String, Int)]) throws {
    let dir = try temporaryDirectory()
    try Self.survivalCSV().write(to: dir.appendingPathComponent("surv.csv"), atomically: true, encoding: .utf8)
    try Self.numericCSV().write(to: dir.appendingPathComponent("num.csv"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "--quiet", Self.task, "--", task, file], directory: dir)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    for label in ["read", "time"] {
      let line = lines.first { $0.count == 3 && $0[0] == "BENCH" && $0[1] == label }
      #expect(line.flatMap { Double($0[2]) }.map { $0 >= 0 } == true, "no BENCH \(label) line: \(r.stdout)")
    }
    for (name, count) in checks {
      let line = lines.first { $0.count >= 3 && $0[0] == "BENCH" && $0[1] == "check" && $0[2] == name }
      let values = line.map { Array($0.dropFirst(3)) } ?? []
      #expect(values.count == count, "check \(name): \(r.stdout)")
      #expect(values.allSatisfy { Double($0)?.isFinite == true }, "check \(name): \(values)")
    }
    if task == "csv" {
      let line = lines.first { $0.count >= 4 && $0[1] == "check" && $0[2] == "csv" }
      #expect(line?[3] == "\(Self.numericRows)")
    }
  }

  /// The join and group_by tasks (issue 15), on gen_data.py's shapes: 40
  /// subjects with 60 events (ids 1..50, so some subjects have none) and 90
  /// rows in 7 groups; the checksums are the numbers worked out here.
  @Test func joinAndGroupByTasksPrintTimesAndChecks() throws {
    let dir = try temporaryDirectory()
    let subjects = "id,age,bmi\n" + (1...40).map { "\($0),\(20 + $0),\(Double($0) / 2)\n" }.joined()
    let events = "id,day,value\n" + (1...60).map { "\(($0 * 7) % 50 + 1),\($0),\(Double($0) / 4)\n" }.joined()
    let groups = "g,x\n" + (1...90).map { "\($0 % 7),\(Double($0) / 10)\n" }.joined()
    try subjects.write(to: dir.appendingPathComponent("subjects_40.csv"), atomically: true, encoding: .utf8)
    try events.write(to: dir.appendingPathComponent("events_40.csv"), atomically: true, encoding: .utf8)
    try groups.write(to: dir.appendingPathComponent("group_90.csv"), atomically: true, encoding: .utf8)
    // Left join: each subject once per event with its id (ids 1..40 of the
    // events' 1..50), once with NA when it has none.
    let eventIds = (1...60).map { ($0 * 7) % 50 + 1 }
    let matched = eventIds.filter { $0 <= 40 }
    let unmatchedSubjects = (1...40).filter { !eventIds.contains($0) }.count
    let rows = matched.count + unmatchedSubjects
    for (task, file, expected) in [
      ("join", "subjects_40.csv", "\(rows)"), ("group_by", "group_90.csv", "7"),
    ] {
      let r = try runKaplan(["run", "--quiet", Self.task, "--", task, file], directory: dir)
      #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
      let check = r.stdout.split(separator: "\n").first { $0.hasPrefix("BENCH check \(task) ") }
      #expect(check?.split(separator: " ").dropFirst(3).first.map(String.init) == expected, "\(r.stdout)")
    }
  }

  /// An unknown task is a script error naming it, not a silent success.
  @Test func unknownTaskFails() throws {
    let dir = try temporaryDirectory()
    try Self.numericCSV().write(to: dir.appendingPathComponent("num.csv"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", Self.task, "--", "nonsense", "num.csv"], directory: dir)
    #expect(r.status == 1)
    #expect(r.stderr.contains("unknown task 'nonsense'"), "\(r.stderr)")
  }
}
