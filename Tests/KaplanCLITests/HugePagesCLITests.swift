import Foundation
import Testing
import TestSupport

/// `kaplan` re-executes itself with glibc's `glibc.malloc.hugetlb=1` tunable
/// (Sources/CStartup/HugePages.c), unless the user set GLIBC_TUNABLES or
/// KAPLAN_HUGE_PAGES=0. The script sees the environment of the process that
/// runs it, so `os.getenv` (allowed with --trust) tells which process that is.
struct HugePagesCLITests {
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
    #expect(r.stdout == (inherited ?? "glibc.malloc.hugetlb=1") + "\n")
    #expect(r.stderr == "")
  }

  @Test func optOutKeepsTheAllocatorAsItIs() throws {
    guard inherited == nil else { return }
    let r = try tunables(environment: ["KAPLAN_HUGE_PAGES": "0"])
    #expect(r.stdout == "nil\n")
  }

  @Test func theUsersOwnTunablesWin() throws {
    let r = try tunables(environment: ["GLIBC_TUNABLES": "glibc.malloc.check=0"])
    #expect(r.stdout == "glibc.malloc.check=0\n")
  }
}
