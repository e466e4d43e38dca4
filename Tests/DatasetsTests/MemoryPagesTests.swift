import Testing
import RunControl

/// `MemoryPages`: the free 2 MiB blocks read from `/proc/buddyinfo`, which
/// decide whether a huge-page request is made (none when the kernel would
/// have to compact memory first).
struct MemoryPagesTests {
  /// This machine's file at one moment: orders 9 and 10 count 1 and 2
  /// blocks of 2 MiB each, summed over the zones.
  @Test func countsTheBlocksOfOrderNineAndTen() {
    let text = """
      Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3
      Node 0, zone    DMA32      1      3      2      2      1      2      0      3      3      1    753
      Node 0, zone   Normal   3712   4942   6271   3707   2488   1951   2242   1066    684    219   1275

      """
    #expect(MemoryPages.hugeBlocks(buddyinfo: text) == (1 + 2 * 3) + (1 + 2 * 753) + (219 + 2 * 1275))
  }

  /// No free block of 2 MiB: zero, so no advice is given.
  @Test func fragmentedMemoryHasNoHugeBlocks() {
    let text = "Node 0, zone   Normal   9000   4000   100   0   0   0   0   0   0   0   0\n"
    #expect(MemoryPages.hugeBlocks(buddyinfo: text) == 0)
  }

  /// Text without a zone line, or with a count that is not a number, is not read.
  @Test func unreadableTextGivesNil() {
    #expect(MemoryPages.hugeBlocks(buddyinfo: "") == nil)
    #expect(MemoryPages.hugeBlocks(buddyinfo: "Node 0, zone Normal 1 2 x 4\n") == nil)
    #expect(MemoryPages.hugeBlocks(buddyinfo: "no zones here\n") == nil)
  }

  /// A range smaller than one huge page is never advised.
  @Test func smallRangesAreNotAdvised() {
    let bytes = 1 << 20
    let pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
    defer { pointer.deallocate() }
    #expect(!MemoryPages.requestHugePages(pointer, bytes: bytes))
  }
}
