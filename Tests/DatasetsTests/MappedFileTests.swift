import Foundation
import Testing

@testable import Datasets

/// `MappedFile`: files below `readLimit` are read into a buffer, so a file
/// truncated by another process while it is parsed cannot end the process
/// with SIGBUS (session-5 review); larger files are mapped.
struct MappedFileTests {
  func scratch(_ bytes: [UInt8]) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("kaplan-mapped-\(UUID().uuidString)")
      .path
    #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    return path
  }

  @Test func aSmallFileTruncatedAfterOpeningIsStillReadable() throws {
    let original = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    let path = try scratch(original)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let file = try MappedFile(path: path)
    #expect(!file.isMapped)
    // Another process empties the file while it is being parsed: a mapping
    // would fault (SIGBUS) on the next page read; the buffer keeps the bytes.
    #expect(truncate(path, 0) == 0)
    #expect(Array(file.bytes) == original)
    file.release(from: 0, to: file.bytes.count)  // a no-op on a buffer: the bytes stay
    #expect(Array(file.bytes) == original)
  }

  @Test func emptyAndLargeFiles() throws {
    let empty = try scratch([])
    defer { try? FileManager.default.removeItem(atPath: empty) }
    #expect(try MappedFile(path: empty).bytes.isEmpty)
    // A sparse file at the limit is mapped (no 32 MB written).
    let large = try scratch([1, 2, 3])
    defer { try? FileManager.default.removeItem(atPath: large) }
    #expect(truncate(large, off_t(MappedFile.readLimit)) == 0)
    let mapped = try MappedFile(path: large)
    #expect(mapped.isMapped)
    #expect(mapped.bytes.count == MappedFile.readLimit)
    #expect(Array(mapped.bytes.prefix(4)) == [1, 2, 3, 0])
  }
}
