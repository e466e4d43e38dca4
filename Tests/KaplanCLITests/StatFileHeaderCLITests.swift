import Foundation
import Testing
import TestSupport

/// A damaged Stata or SPSS file whose header claims 2^31 - 1 rows in a few
/// kilobytes (Tests/Fixtures/stat_files/damaged, made by a reviewer) must not
/// make the reader reserve 17 GB: under an address-space limit that allocation
/// failed and the process trapped even with --max-memory raised. The reader
/// reserves no more rows than the file has bytes, and reports the short file.
struct StatFileHeaderCLITests {
  @Test(arguments: [("craft_nobs31.dta", "Stata (dta)"), ("craft_ncases.sav", "SPSS (sav)")])
  func aHeaderClaimingBillionsOfRowsIsAShortFileNotACrash(file: String, kind: String) throws {
    let dir = try temporaryDirectory()
    let source = projectRoot.appendingPathComponent("Tests/Fixtures/stat_files/damaged/" + file)
    try FileManager.default.copyItem(at: source, to: dir.appendingPathComponent(file))
    try "local d, err = read('\(file)')\nprint(d, err)\n".write(
      to: dir.appendingPathComponent("h.lua"), atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    // 6 GB of address space: far below the 17 GB a 2^31-row reservation takes.
    // Not under a sanitizer (`make asan`, `make tsan`): its shadow memory is
    // terabytes of address space, so there the output alone is checked.
    let environment = ProcessInfo.processInfo.environment
    let sanitized = environment["ASAN_OPTIONS"] != nil || environment["TSAN_OPTIONS"] != nil
    let limit = sanitized ? "" : "ulimit -v 6000000; "
    process.arguments = ["-c", limit + "exec \"$0\" run h.lua --max-memory 200G", kaplanExecutable().path]
    process.currentDirectoryURL = dir
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(text)")
    #expect(text.hasPrefix("nil\tcannot read '\(file)' as a \(kind) file: "), "\(text)")
  }
}
