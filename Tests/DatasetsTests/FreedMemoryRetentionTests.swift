import Foundation
import RunControl
import Testing

/// `FreedMemoryRetention`: scopes nest and close on a throw, small jobs
/// open none, and inside a scope malloc serves a block above its mmap
/// threshold from a heap instead of a mapping of its own.
@Suite(.serialized) struct FreedMemoryRetentionTests {
  struct Stop: Error {}

  @Test func scopesNestAndCloseOnAThrow() throws {
    #expect(FreedMemoryRetention.openScopes >= 0)
    let base = FreedMemoryRetention.openScopes
    let inner = FreedMemoryRetention.whileRunning(large: true) {
      FreedMemoryRetention.whileRunning(large: true) { FreedMemoryRetention.openScopes }
    }
    #expect(inner >= base + 2 || !FreedMemoryRetention.isEnabled)
    #expect(throws: Stop.self) {
      try FreedMemoryRetention.whileRunning(large: true) { throw Stop() }
    }
    #expect(FreedMemoryRetention.openScopes == base)
    let small = FreedMemoryRetention.whileRunning(large: false) { FreedMemoryRetention.openScopes }
    #expect(small == base)
  }

  /// glibc only, and not under a sanitizer (`make asan`, `make tsan`),
  /// whose allocator replaces glibc's: glibc takes the settings on opening
  /// and on closing (a build whose C shim missed glibc would not), and a
  /// 100 MB block is a mapping of its own again after the scope (glibc's
  /// largest mmap threshold is 32 MiB). Inside the scope a block the
  /// thread's heap can hold (48 MB) comes from it.
  @Test func glibcTakesTheSettings() {
    let environment = ProcessInfo.processInfo.environment
    let sanitized = environment["ASAN_OPTIONS"] != nil || environment["TSAN_OPTIONS"] != nil
    #if os(Linux)
      guard !sanitized, FreedMemoryRetention.isEnabled else { return }
      let inside = FreedMemoryRetention.whileRunning(large: true) {
        (FreedMemoryRetention.settingsTaken.kept, FreedMemoryRetention.mallocMaps(bytes: 48 << 20))
      }
      #expect(inside.0)
      #expect(!inside.1)
      #expect(FreedMemoryRetention.settingsTaken.returned)
      #expect(FreedMemoryRetention.mallocMaps(bytes: 100 << 20))
    #endif
  }
}
