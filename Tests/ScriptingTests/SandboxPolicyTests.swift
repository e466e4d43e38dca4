import Foundation
import Testing
import TestSupport
@testable import Scripting

/// `SandboxPolicy` follows every link of a path, the last one too, and
/// judges a path outside the roots without looking at the disk (issue 12).
struct SandboxPolicyTests {
  let root: String
  var project: String { root + "/project" }
  var outside: String { root + "/outside" }

  init() throws {
    root = SandboxPolicy.canonical(try temporaryDirectory().path, relativeTo: "/") ?? ""
    for dir in [project + "/out", outside] {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
  }

  func link(_ path: String, _ target: String) throws {
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
  }

  var policy: SandboxPolicy {
    SandboxPolicy(trusted: false, readRoots: [project], outputDirectory: project + "/out", workingDirectory: project)
  }

  @Test func theLastComponentIsFollowedDanglingOrNot() throws {
    try link(project + "/out/dangling.txt", outside + "/not-yet")
    try link(project + "/out/relative.txt", "../../outside/also-not-yet")
    #expect(SandboxPolicy.canonical("out/dangling.txt", relativeTo: project) == outside + "/not-yet")
    #expect(SandboxPolicy.canonical("out/relative.txt", relativeTo: project) == outside + "/also-not-yet")
    #expect(throws: SandboxError.self) { try policy.checkWrite("dangling.txt") }
    #expect(throws: SandboxError.self) { try policy.checkWrite("relative.txt") }
    #expect(throws: SandboxError.self) { try policy.checkRead("out/dangling.txt") }
  }

  @Test func linksInsideResolveToTheirTarget() throws {
    try FileManager.default.createDirectory(atPath: project + "/out/figs", withIntermediateDirectories: true)
    try link(project + "/out/latest", "figs")
    try link(project + "/out/fig.svg", "latest/new.svg")
    #expect(try policy.checkWrite("fig.svg") == project + "/out/figs/new.svg")
    #expect(try policy.checkRead("out/latest/x.csv") == project + "/out/figs/x.csv")
  }

  @Test func linkTargetsClimbThePhysicalDirectory() throws {
    // `..` in a target climbs from where the link really is.
    try FileManager.default.createDirectory(atPath: project + "/out/a/b", withIntermediateDirectories: true)
    try link(project + "/out/deep", "a/b")
    try link(project + "/out/a/b/up.txt", "../../top.txt")
    #expect(try policy.checkWrite("deep/up.txt") == project + "/out/top.txt")
  }

  @Test func loopsAndLongChainsAreRefused() throws {
    try link(project + "/out/a", "b")
    try link(project + "/out/b", "a")
    #expect(SandboxPolicy.canonical("out/a", relativeTo: project) == nil)
    #expect(throws: SandboxError.self) { try policy.checkWrite("a") }
    // A chain of maxLinks links resolves (as open(2) allows 40); one more is refused.
    let n = SandboxPolicy.maxLinks
    for i in 0...n { try link(project + "/out/c\(i)", "c\(i + 1)") }
    #expect(SandboxPolicy.canonical("out/c1", relativeTo: project) == project + "/out/c\(n + 1)")
    #expect(SandboxPolicy.canonical("out/c0", relativeTo: project) == nil)
  }

  @Test func outsidePathsAreJudgedAsWritten() throws {
    // A link outside pointing into the project is not followed: the path,
    // as written, is outside every root, so the disk is not consulted.
    try link(outside + "/into-project", project)
    #expect(throws: SandboxError.self) { try policy.checkRead(outside + "/into-project/s.lua") }
    // Written paths that climb out are refused the same way.
    #expect(throws: SandboxError.self) { try policy.checkRead("out/../../outside/x") }
    #expect(try policy.checkRead("out/../s.lua") == project + "/s.lua")
  }

  @Test func hardLinkedFilesAreNotWritten() throws {
    // A hard link in the output directory is the outside file itself: the
    // name is inside, so only the link count can tell (review of issue 12).
    try "secret\n".write(toFile: outside + "/profile", atomically: false, encoding: .utf8)
    try FileManager.default.linkItem(atPath: outside + "/profile", toPath: project + "/out/results.txt")
    // Every writer (io.open, write_csv, plot) goes through checkWrite.
    #expect(throws: SandboxError.self) { try policy.checkWrite("results.txt") }
    // A file with one name is written as before; reading a linked file is allowed.
    try "mine\n".write(toFile: project + "/out/mine.txt", atomically: false, encoding: .utf8)
    #expect(try policy.checkWrite("mine.txt") == project + "/out/mine.txt")
    #expect(try policy.checkRead("out/results.txt") == project + "/out/results.txt")
  }

  @Test func namedPipesAreNotWritten() throws {
    // write_csv and plot would block in open(2) on a FIFO without a reader.
    #expect(mkfifo(project + "/out/table.csv", 0o644) == 0)
    #expect(throws: SandboxError.self) { try policy.checkWrite("table.csv") }
  }

  @Test func zeroBytesAreRefused() {
    #expect(throws: SandboxError.self) { try policy.checkWrite("x.txt\0/../../../etc/passwd") }
    #expect(throws: SandboxError.self) { try policy.checkRead("s.lua\0") }
  }

  @Test func statusLineOnlyWhenLandlockIsNotEnforced() {
    #expect(KernelSandbox.statusLine(.enforced(abi: 7, skipped: [])) == nil)
    #expect(KernelSandbox.statusLine(.unavailable("no Landlock"))
      == "kaplan: sandbox: path checks only; Landlock not enforced: no Landlock (see kaplan run --sandbox-info)")
  }

  @Test func olderAbisDropTheRightsTheyLack() {
    let abi1 = KernelSandbox.handledRights(abi: 1)
    #expect(abi1.fs == 0x1FFF && abi1.net == 0 && abi1.scoped == 0)
    #expect(KernelSandbox.handledRights(abi: 3).fs == 0x7FFF)
    let abi7 = KernelSandbox.handledRights(abi: 7)
    #expect(abi7.fs == 0xFFFF && abi7.net == 3 && abi7.scoped == 3)
  }

  @Test func elfInterpreterOfThisProcess() {
    // The test runner is a dynamically linked ELF program on Linux.
    #if os(Linux)
      let interpreters = KernelSandbox.elfInterpreters(of: "/proc/self/exe")
      #expect(interpreters.count == 1)
      #expect(interpreters.first?.contains("ld-") == true, "\(interpreters)")
    #endif
  }
}
