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
  /// ever. Our own reader refuses both when it opens the archive: the first input's second entry also has a local
  /// header that disagrees (a stream cut short is refused on expansion: ZIPReaderTests.aTruncatedStreamIsRefused).
  @Test(arguments: [
    ("bundle-deflate-cut-short.zip", "the local header of entry 'work/s.lua' disagrees"),
    ("bundle-local-method-differs.zip", "disagrees with its central directory entry"),
  ])
  func aDamagedEntryThatHungIsRefusedAtOnce(_ fixture: String, _ why: String) throws {
    let url = projectRoot.appendingPathComponent("Tests/Fixtures/" + fixture)
    let bytes = [UInt8](try Data(contentsOf: url))
    let started = Date()
    do {
      let a = try BundleArchive(bytes: bytes, label: "cut.kaplan")
      for item in a.items { _ = try a.contents(of: item.name) }
      Issue.record("\(fixture) was read")
    } catch {
      #expect(error is BundleError)
      #expect("\(error)".hasPrefix("bundle 'cut.kaplan': "), "\(error)")
      #expect("\(error)".contains(why), "\(error)")
    }
    #expect(Date().timeIntervalSince(started) < 5)
  }

  @Test func entriesExpand() throws {
    let a = try archive()
    #expect(try a.contents(of: "work/x.csv") == Array("a\n1\n".utf8))
    #expect(throws: BundleError.self) { try a.contents(of: "work/none") }
  }

  /// Every failure of an entry names the bundle and the entry: here its CRC-32, flipped in the central directory.
  @Test func aCRCMismatchNamesTheBundleAndTheEntry() throws {
    var bytes = [UInt8](try BundleArchive.archive([("work/x.csv", Data("a\n1\n".utf8))]))
    let signature: [UInt8] = [0x50, 0x4B, 1, 2]
    var cd = 0
    while cd + 4 <= bytes.count && Array(bytes[cd..<(cd + 4)]) != signature { cd += 1 }
    try #require(cd + 20 < bytes.count)
    bytes[cd + 16] ^= 0x01
    let a = try BundleArchive(bytes: bytes, label: "t.kaplan")
    do {
      _ = try a.contents(of: "work/x.csv")
      Issue.record("read")
    } catch {
      #expect("\(error)".hasPrefix("bundle 't.kaplan': entry 'work/x.csv' fails its CRC-32 check"), "\(error)")
    }
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
