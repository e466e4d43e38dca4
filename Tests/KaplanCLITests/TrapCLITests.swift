#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation
import Testing
import TestSupport

/// Whole-process checks of issue 12, items 5 and 7: inputs that ended the
/// host with a Swift trap (exit status 132/134), or blocked it for ever,
/// now end with a clean error and status 1 (2 for a bad command line).
struct TrapCLITests {
  func run(_ code: String, _ extra: [String] = [], setUp: (URL) throws -> Void = { _ in }) throws -> ProcessResult {
    let dir = try temporaryDirectory()
    try code.write(to: dir.appendingPathComponent("p.lua"), atomically: true, encoding: .utf8)
    try setUp(dir)
    return try runKaplan(["run", "p.lua", "--timeout", "20"] + extra, directory: dir)
  }

  @Test(arguments: ["inf", "1e30G", "0.5", "-1", "nan", "0x10", "2000000T", "12Q"])
  func badMemorySizesAreUsageErrors(size: String) throws {
    let r = try run("print('ran')", ["--max-memory", size])
    #expect(r.status == 64 || r.status == 2, "status \(r.status)")
    #expect(r.stderr.contains("--max-memory"), "\(r.stderr)")
    #expect(!r.stdout.contains("ran"))
  }

  @Test(arguments: ["0", "unlimited", "1.5G", "512M", "100000000"])
  func memorySizesThatParse(size: String) throws {
    let r = try run("print('ran')", ["--max-memory", size])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "ran\n")
  }

  @Test func endlessDeviceAsDataIsRefused() throws {
    let r = try run("print('ran')", ["--data", "z=/dev/zero", "--max-memory", "100M"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("'/dev/zero': a character device is not a regular file"), "\(r.stderr)")
  }

  @Test func namedPipeAsCSVIsRefusedWithoutBlocking() throws {
    var fifo = ""
    let started = Date()
    // Were the read to block in open(), this writer unblocks it after a
    // few seconds: the test then fails instead of hanging.
    let unblock = DispatchWorkItem {
      let fd = open(fifo, O_WRONLY | O_NONBLOCK)
      if fd >= 0 { close(fd) }
    }
    let r = try run("print(read_csv('data.csv'))") { dir in
      fifo = dir.appendingPathComponent("data.csv").path
      #expect(mkfifo(fifo, 0o600) == 0)
      DispatchQueue.global().asyncAfter(deadline: .now() + 8, execute: unblock)
    }
    unblock.cancel()
    #expect(r.status == 0)
    #expect(r.stdout.contains("nil\tcannot read 'data.csv': a named pipe (FIFO) is not a regular file"), "\(r.stdout)")
    #expect(Date().timeIntervalSince(started) < 8)
  }

  @Test(arguments: [
    "dataset.from{x = t}", "dataset('aml'):select(t)", "km(dataset('aml'), 'Surv(time, status) ~ 1'):at(t)",
  ])
  func sparseTablesAreErrors(call: String) throws {
    let r = try run("local t = {}; for k = 40, 0, -1 do t[1 << k] = 1 end\n\(call)")
    #expect(r.status == 1)
    #expect(r.stderr.contains("p.lua:2:") && r.stderr.contains("table is sparse"), "\(r.stderr)")
    #expect(!r.stderr.contains("Fatal error"))
  }

  @Test func extremePlotsAreDrawn() throws {
    let r = try run("""
      local lung = dataset('lung')
      local tiny = cox(lung:with{tiny = lung.age * 2.67e-5}, 'Surv(time, status) ~ tiny')
      plot(tiny, {file = 'forest.svg'})
      local held = cox(lung, 'Surv(time, status) ~ age', {init = {695}, max_iter = 0})
      plot(held, {file = 'held.svg'})
      local sub = dataset.from{t = {4.9e-324, 1e-323}, e = {1, 1}}
      plot(km(sub, 'Surv(t, e) ~ 1'), {file = 'km.svg'})
      print('drawn')
      """)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasSuffix("drawn\n"))
  }
}
