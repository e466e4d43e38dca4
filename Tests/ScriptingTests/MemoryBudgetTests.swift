import Foundation
import LuaHost
import RunControl
import Scripting
import Testing
import TestSupport

/// One memory budget for Lua and the host (issue 12, item 4): boxed
/// datasets and columns count against `--max-memory`, garbage ones are
/// collected, shared buffers count once.
@Suite struct MemoryBudgetTests {
  static let rows = 1_000_000
  /// One double column of `rows` rows.
  static let columnBytes = rows * MemoryLayout<Double>.stride
  static let budget = 64 << 20

  func runtime(budget: Int = MemoryBudgetTests.budget) throws -> KaplanRuntime {
    try makeRuntime(maxMemory: budget)
  }

  /// `d`, a dataset of one double column `x` of `rows` rows, as a global.
  let setUp = """
    local x = {}
    for i = 1, \(MemoryBudgetTests.rows) do x[i] = i * 0.5 end
    d = dataset.from{ {"x", x} }
    x = nil
    collectgarbage()
    """

  func run(_ rt: KaplanRuntime, _ code: String) throws -> [LuaValue] {
    try rt.stoppable { try lua(rt, code) }
  }

  @Test func derivedColumnsHeldBeyondTheBudgetAreAnErrorNotAnAllocation() throws {
    let rt = try runtime()
    try run(rt, setUp)
    let message: String
    do {
      try run(rt, "keep = {}; for i = 1, 400 do keep[i] = d.x * i end")
      message = "(no error)"
    } catch { message = String(describing: error) }
    #expect(message.contains("not enough memory for a column of 1000000 rows"))
    #expect(message.contains("--max-memory"))
    // The columns held before the refusal fit in the budget (each is 8 MB).
    #expect(rt.memory.hostBytes <= MemoryBudgetTests.budget)
    #expect(rt.memory.hostBytes >= 4 * MemoryBudgetTests.columnBytes)
    // And they are given back once they are garbage.
    try run(rt, "keep = nil; collectgarbage()")
    #expect(rt.memory.hostBytes == MemoryBudgetTests.columnBytes)  // d.x alone
  }

  @Test func garbageColumnsAreCollectedSoALoopStaysWithinTheBudget() throws {
    let rt = try runtime()
    try run(rt, setUp)
    let result = try run(rt, """
      local s = 0
      for i = 1, 60 do local e = d:with{ y = d.x * i }; s = s + e:nrow() end
      return s
      """)
    #expect(result == [.integer(60 * MemoryBudgetTests.rows)])
    #expect(rt.memory.hostBytes <= MemoryBudgetTests.budget)
  }

  @Test func sharedBuffersCountOnce() throws {
    let rt = try runtime()
    try run(rt, setUp)
    try run(rt, """
      keep = {}
      for i = 1, 200 do keep[#keep + 1] = d:select{"x"}; keep[#keep + 1] = d.x; keep[#keep + 1] = d:with{} end
      """)
    #expect(rt.memory.hostBytes == MemoryBudgetTests.columnBytes)
  }

  @Test func hostMemoryLeavesLessForLua() throws {
    let rt = try runtime()
    try run(rt, setUp)
    // Six more columns: 56 MB of the 64 MB budget held by the host.
    try run(rt, "keep = {}; for i = 1, 6 do keep[i] = d.x * i end")
    let message: String
    do {
      try run(rt, "local t = {}; for i = 1, 2000000 do t[i] = i end")  // 32 MB of Lua table
      message = "(no error)"
    } catch { message = String(describing: error) }
    #expect(message.contains("not enough memory"))
    // Once the columns are garbage, Lua has that room again.
    try run(rt, "keep = nil; collectgarbage(); local t = {}; for i = 1, 2000000 do t[i] = i end")
  }

  @Test func aKernelRequestBeyondTheBudgetIsRefusedBeforeItIsMade() throws {
    let rt = try runtime()
    #expect(throws: MemoryLimitExceeded.self) {
      try rt.stoppable { try MemoryBudget.require(count: 1 << 40, stride: 8, for: "a design matrix") }
    }
    // Outside a run (tests, benchmarks) nothing is counted or refused.
    try MemoryBudget.require(count: 1 << 40, stride: 8, for: "a design matrix")
  }

  /// A design matrix is counted for as long as the fit holds it: with 250
  /// levels on 20,000 rows it is 39.8 MB, and so is the fit's sorted copy;
  /// each fits alone in what the budget leaves, both together do not.
  @Test func aFitsCopiesAreAskedOfWhatItsDesignMatrixLeaves() throws {
    let rt = try runtime()
    let message: String
    do {
      try run(rt, """
        local time, status, level = {}, {}, {}
        for i = 1, 20000 do time[i] = i % 97 + 1; status[i] = i % 3 == 0 and 1 or 0; level[i] = "L" .. (i % 250) end
        local d = dataset.from{ time = time, status = status, level = level }
        time, status, level = nil, nil, nil
        collectgarbage()
        cox(d, "Surv(time, status) ~ level")
        """)
      message = "(no error)"
    } catch { message = String(describing: error) }
    #expect(message.contains("not enough memory for the sorted covariates of the Cox fit (20000 × 249)"), "\(message)")
    // The reservation is given back with the matrix.
    try run(rt, "collectgarbage()")
    #expect(rt.memory.hostBytes < 1 << 20)
  }

  @Test func datasetFromAsksBeforeEachColumnIsBuilt() throws {
    // Eight columns of one shared 1M-row table need 64 MB as columns (and
    // more as the values they are built from): refused at the column that
    // does not fit, not after all eight were built (review of issue 12).
    let rt = try runtime()
    var message = "(no error)"
    do {
      try run(rt, """
        local x = {}
        for i = 1, \(MemoryBudgetTests.rows) do x[i] = i * 0.5 end
        d = dataset.from{a = x, b = x, c = x, d = x, e = x, f = x, g = x, h = x}
        """)
    } catch { message = String(describing: error) }
    #expect(message.contains("not enough memory for column '"), "\(message)")
    #expect(message.contains("of \(MemoryBudgetTests.rows) rows"), "\(message)")
  }

  /// A table argument is decoded into Swift values that live beside Lua's
  /// own copy: 1.5 million numbers (33.5 MB in Lua, whose array part grows
  /// to 2^21 slots) take about 60 MB more while `dataset.from` reads them,
  /// which the 64 MB budget cannot hold.
  @Test func decodingAHugeTableArgumentIsAskedOfTheBudget() throws {
    let rt = try runtime()
    let message: String
    do {
      try run(rt, "t = {}; for i = 1, 1500000 do t[i] = i + 0.5 end; d = dataset.from{x = t}")
      message = "(no error)"
    } catch { message = String(describing: error) }
    #expect(message.contains("not enough memory for the 1500000 values of a table argument"), "\(message)")
    // A smaller table still goes through.
    #expect(try run(rt,
      "t = nil; collectgarbage(); local s = {}; for i = 1, 100000 do s[i] = i end; return dataset.from{x = s}:nrow()")
      == [.integer(100_000)])
  }
}
