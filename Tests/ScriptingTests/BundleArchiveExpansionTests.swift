import Foundation
import RunControl
import Scripting
import Testing
import TestSupport

/// Bundle entries expand through `ZIPBoundedExpansion`, XLSX's one bounded
/// loop; a stop is not a damaged bundle (session-5 review: it was wrapped as
/// "cannot expand entry", so a stopped run did not report "stopped").
struct BundleArchiveExpansionTests {
  func archive() throws -> BundleArchive {
    let data = try BundleArchive.archive([("work/s.lua", Data("print(1)\n".utf8)), ("work/x.csv", Data("a\n1\n".utf8))])
    return try BundleArchive(bytes: [UInt8](data), label: "t.kaplan")
  }

  /// The hangs `fuzz-bundle` found (the first stalled CI for an hour): an entry whose deflate stream is cut
  /// short, and a local header whose method differs from the central directory's, made ZIPFoundation loop for
  /// ever. The layout check refuses both before anything is expanded.
  @Test(arguments: [
    ("bundle-deflate-cut-short.zip", "compressed data"),
    ("bundle-local-method-differs.zip", "local header disagrees"),
  ])
  func aDamagedEntryThatHungIsRefusedAtOnce(_ fixture: String, _ why: String) throws {
    let url = projectRoot.appendingPathComponent("Tests/Fixtures/" + fixture)
    let bytes = [UInt8](try Data(contentsOf: url))
    let started = Date()
    #expect(throws: BundleError.self) {
      let a = try BundleArchive(bytes: bytes, label: "cut.kaplan")
      for item in a.items { _ = try a.contents(of: item.name) }
    }
    #expect(Date().timeIntervalSince(started) < 5)
    do {
      _ = try BundleArchive(bytes: bytes, label: "cut.kaplan")
    } catch {
      #expect("\(error)".contains(why), "\(error)")
    }
  }

  @Test func entriesExpand() throws {
    let a = try archive()
    #expect(try a.contents(of: "work/x.csv") == Array("a\n1\n".utf8))
    #expect(throws: BundleError.self) { try a.contents(of: "work/none") }
  }

  @Test func aStopPassesThroughUnwrapped() throws {
    let a = try archive()
    #expect(throws: ComputationCancelled.self) {
      try Cancellation.withCheck({ true }) { try a.contents(of: "work/s.lua") }
    }
  }

  @Test func aMemoryRefusalPassesThroughUnwrapped() throws {
    let a = try archive()
    final class Tiny: MemoryAccount {
      var availableBytes: Int { 4 }
      var limitBytes: Int { 4 }
      func charge(_ bytes: Int) {}
      func release(_ bytes: Int) {}
    }
    #expect(throws: MemoryLimitExceeded.self) {
      try MemoryBudget.withAccount(Tiny()) { try a.contents(of: "work/s.lua") }
    }
  }
}
