#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation
import RunControl
import Testing
import TestSupport
@testable import Datasets

/// Inputs that are not regular files (issue 12, item 7): a device such as
/// /dev/zero read for ever, and a named pipe blocked `open` for ever. The
/// reader refuses both at once, naming the path, and checks a regular
/// file's size against the memory budget before allocating.
@Suite struct NotAFileTests {
  @Test func anEndlessDeviceIsRefusedAtOnce() {
    #expect(throws: DatasetError.io("cannot read '/dev/zero': a character device is not a regular file")) {
      try CSVReader.read(path: "/dev/zero")
    }
  }

  @Test func aNamedPipeIsRefusedWithoutBlocking() throws {
    let fifo = try temporaryDirectory().appendingPathComponent("data.csv").path
    #expect(mkfifo(fifo, 0o600) == 0)
    // Were `open` to block (no writer), this writer unblocks it after a few
    // seconds: the test then fails on the result instead of hanging.
    let unblock = DispatchWorkItem {
      let fd = open(fifo, O_WRONLY | O_NONBLOCK)
      if fd >= 0 { close(fd) }
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + 5, execute: unblock)
    defer { unblock.cancel() }
    let started = Date()
    #expect(throws: DatasetError.io("cannot read '\(fifo)': a named pipe (FIFO) is not a regular file")) {
      try CSVReader.read(path: fifo)
    }
    #expect(Date().timeIntervalSince(started) < 2)
  }

  @Test func aDirectoryIsNamedAsOne() throws {
    let dir = try temporaryDirectory().path
    #expect(throws: DatasetError.io("cannot read '\(dir)': Is a directory")) { try CSVReader.read(path: dir) }
  }

  @Test func aFileLargerThanTheBudgetIsRefusedBeforeReading() throws {
    let path = try temporaryDirectory().appendingPathComponent("big.csv").path
    let text = "x\n" + String(repeating: "1\n", count: 5000)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: MemoryLimitExceeded.self) {
      try MemoryBudget.withAccount(FixedMemoryAccount(1000)) { try CSVReader.read(path: path) }
    }
    // With room, the same file reads in full.
    let d = try MemoryBudget.withAccount(FixedMemoryAccount(1 << 20)) { try CSVReader.read(path: path) }
    #expect(d.rowCount == 5000)
  }

  @Test func manyDistinctStringsAskTheBudgetWhileReading() throws {
    // 20,000 distinct strings (about 130 KB of text) need about 2.5 MB as
    // levels: refused under a 1 MB budget while reading, not after.
    let text = "s\n" + (0..<20_000).map { "v\($0)" }.joined(separator: "\n") + "\n"
    #expect(throws: MemoryLimitExceeded.self) {
      try MemoryBudget.withAccount(FixedMemoryAccount(1 << 20)) { try CSVReader.read(text: text) }
    }
    let d = try MemoryBudget.withAccount(FixedMemoryAccount(64 << 20)) { try CSVReader.read(text: text) }
    #expect(d.rowCount == 20_000)
  }

  @Test func manyRowsAskTheBudgetWhileTokenizing() throws {
    // 40,000 one-digit rows (80 KB) need more than 512 KB of field spans
    // at 16,384 rows: refused while tokenizing, before any column exists.
    let text = "x\n" + String(repeating: "1\n", count: 40_000)
    #expect(throws: MemoryLimitExceeded.self) {
      try MemoryBudget.withAccount(FixedMemoryAccount(512 << 10)) { try CSVReader.read(text: text) }
    }
    let d = try MemoryBudget.withAccount(FixedMemoryAccount(8 << 20)) { try CSVReader.read(text: text) }
    #expect(d.rowCount == 40_000)
  }
}
