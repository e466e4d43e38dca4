import Foundation
import Testing
import TestSupport

/// `kaplan` re-executes itself with glibc's `glibc.malloc.hugetlb=1` tunable
/// (Sources/CStartup/HugePages.c) when KAPLAN_HUGE_PAGES=1 asks for it,
/// unless the user set GLIBC_TUNABLES. The script sees the environment of the process that
/// runs it, so `os.getenv` (allowed with --trust) tells which process that is.
struct HugePagesCLITests {
  /// HugePages.c's setting, as the re-executed process sees it.
  static let kaplanTunables = "glibc.malloc.hugetlb=1"

  func tunables(environment: [String: String]) throws -> ProcessResult {
    let dir = try temporaryDirectory()
    try "print(os.getenv('GLIBC_TUNABLES'))".write(
      to: dir.appendingPathComponent("env.lua"), atomically: true, encoding: .utf8)
    return try runKaplan(["run", "env.lua", "--trust"], directory: dir, environment: environment)
  }

  /// The tunable the parent (the test runner) passes down, if any.
  var inherited: String? { ProcessInfo.processInfo.environment["GLIBC_TUNABLES"] }

  @Test func reexecutesWithHugePages() throws {
    let r = try tunables(environment: ["KAPLAN_HUGE_PAGES": "1"])
    #expect(r.status == 0)
    #expect(r.stdout == (inherited ?? Self.kaplanTunables) + "\n")
    #expect(r.stderr == "")
  }

  @Test func byDefaultAndOptedOutTheAllocatorIsAsItIs() throws {
    guard inherited == nil, ProcessInfo.processInfo.environment["KAPLAN_HUGE_PAGES"] == nil else { return }
    #expect(try tunables(environment: [:]).stdout == "nil\n")
    #expect(try tunables(environment: ["KAPLAN_HUGE_PAGES": "0"]).stdout == "nil\n")
  }

  @Test func theUsersOwnTunablesWin() throws {
    let r = try tunables(environment: ["GLIBC_TUNABLES": "glibc.malloc.check=0"])
    #expect(r.stdout == "glibc.malloc.check=0\n")
    // Malloc settings of the user's own are kept as given, not merged with Kaplan's.
    let own = "glibc.malloc.hugetlb=0:glibc.malloc.mmap_threshold=65536"
    #expect(try tunables(environment: ["GLIBC_TUNABLES": own]).stdout == own + "\n")
  }

  /// The number of mappings of the kaplan process that malloc marked for
  /// transparent huge pages (`hg` in /proc/self/smaps' VmFlags: madvise
  /// MADV_HUGEPAGE), after reading a column of 10^6 doubles (8 MB) and
  /// making its square root (8 MB more).
  func hugePageMappings(environment: [String: String]) throws -> Int? {
    let dir = try temporaryDirectory()
    var csv = "x\n"
    for i in 0..<1_000_000 { csv += "\(i).5\n" }
    try csv.write(to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
    try """
      local d = read_csv("x.csv")
      local y = d.x:sqrt()
      local marked = 0
      for line in io.lines("/proc/self/smaps") do
        if line:match("^VmFlags:") and line:match(" hg") then marked = marked + 1 end
      end
      print(marked, y[1])
      """.write(to: dir.appendingPathComponent("smaps.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "smaps.lua", "--trust"], directory: dir, environment: environment)
    #expect(r.status == 0, "\(r.stderr)")
    return r.stdout.split(whereSeparator: { $0 == "\t" || $0 == " " }).first.flatMap { Int($0) }
  }

  /// The tunable takes effect in the re-executed process: its large arrays
  /// are marked for huge pages, and none are when the user opts out.
  /// Not under a sanitizer (`make asan`, `make tsan`): its allocator
  /// replaces glibc's malloc, which the tunable configures.
  @Test func largeArraysAreMarkedForHugePages() throws {
    let environment = ProcessInfo.processInfo.environment
    let sanitized = environment["ASAN_OPTIONS"] != nil || environment["TSAN_OPTIONS"] != nil
    guard inherited == nil, !sanitized else { return }
    #expect((try hugePageMappings(environment: ["KAPLAN_HUGE_PAGES": "1"]) ?? 0) >= 1)
    #expect(try hugePageMappings(environment: ["KAPLAN_HUGE_PAGES": "0"]) == 0)
  }
}
