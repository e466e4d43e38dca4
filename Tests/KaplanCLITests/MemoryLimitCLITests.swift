import Foundation
import Testing
import TestSupport

/// `--max-memory` bounds the host's datasets and columns, not only Lua's
/// allocator (issue 12, item 4: 400 derived columns of a 10^6-row dataset,
/// 3.2 GB, passed a 100 MB limit).
struct MemoryLimitCLITests {
  let makeData = """
    local x = {}
    for i = 1, 1000000 do x[i] = i * 0.5 end
    local d = dataset.from{ {"x", x} }
    x = nil

    """

  func run(_ code: String) throws -> ProcessResult {
    let dir = try temporaryDirectory()
    try code.write(to: dir.appendingPathComponent("m.lua"), atomically: true, encoding: .utf8)
    return try runKaplan(["run", "m.lua", "--max-memory", "100M", "--timeout", "60"], directory: dir)
  }

  @Test func derivedColumnsBeyondTheLimitAreACleanError() throws {
    let r = try run(makeData + "local keep = {}\nfor i = 1, 400 do keep[i] = d.x * i end\n")
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("kaplan: m.lua:6: not enough memory for a column of 1000000 rows"))
    #expect(r.stderr.contains("raise it with --max-memory"))
  }

  /// gsub keeps a string column's codes and makes new levels: the levels
  /// are counted apart from the codes, so doubling them is refused (before,
  /// the shared codes made the new levels free: 2.3 GB under 200M).
  @Test func newLevelsOverTheSameCodesCountAgainstTheLimit() throws {
    let r = try run("local s = as_string(dataset(\"lung\").age)\nfor i = 1, 21 do s = gsub(s, \".\", \"%0%0\") end\n")
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("kaplan: m.lua:2: gsub: not enough memory for a column of 228 rows"))
  }

  @Test func garbageDatasetsDoNotCountAgainstTheLimit() throws {
    let r = try run(makeData + """
      local s = 0
      for i = 1, 100 do s = s + d:with{ y = d.x * i }:nrow() end
      print(s)
      """)
    #expect(r.status == 0)
    #expect(r.stdout == "100000000\n")
  }
}

/// `--max-memory` bounds the rsvg-convert child of PNG figures too.
struct ConverterMemoryCLITests {
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert")))
  func aHugePNGIsAClearMemoryError() throws {
    let dir = try temporaryDirectory()
    let code = """
      local fit = km(dataset("aml"), "Surv(time, status) ~ x")
      plot(fit, {file = "huge.png", width = "7in", height = "5in", dpi = 2400})
      """
    try code.write(to: dir.appendingPathComponent("p.lua"), atomically: true, encoding: .utf8)
    let r = try runKaplan(["run", "p.lua", "--max-memory", "300M", "--timeout", "30"], directory: dir)
    #expect(r.status == 1)
    #expect(r.stderr.contains("p.lua:2: plot: rsvg-convert ran out of memory writing '"), "\(r.stderr)")
    #expect(r.stderr.contains("huge.png': the run's memory limit (--max-memory) leaves it "))
    #expect(r.stderr.contains("raise --max-memory"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("huge.png").path))
  }
}
