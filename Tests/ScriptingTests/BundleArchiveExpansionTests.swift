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

  /// Found by `fuzz-bundle` (it stalled CI for an hour): an entry whose deflate stream is cut short made
  /// ZIPFoundation loop for ever. The layout check now inflates each deflated entry first and refuses it.
  @Test func aDeflateStreamCutShortIsRefusedAtOnce() throws {
    let url = projectRoot.appendingPathComponent("Tests/Fixtures/bundle-deflate-cut-short.zip")
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
      #expect("\(error)".contains("compressed data"), "\(error)")
    }
  }

  /// The second hang `fuzz-bundle` found: the local header's method differs from the central directory's.
  @Test func aLocalHeaderThatDisagreesIsRefusedAtOnce() throws {
    let url = projectRoot.appendingPathComponent("Tests/Fixtures/bundle-local-method-differs.zip")
    let bytes = [UInt8](try Data(contentsOf: url))
    let started = Date()
    #expect(throws: BundleError.self) {
      let a = try BundleArchive(bytes: bytes, label: "cut.kaplan")
      for item in a.items { _ = try a.contents(of: item.name) }
    }
    #expect(Date().timeIntervalSince(started) < 5)
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
