import Foundation
import LuaHost
import RunControl
import Scripting
import Testing
import TestSupport

/// A result's array fields are read-only views of the Swift result
/// (`ResultArray`, issue 14): they read as the tables did, json/show/help
/// understand them, assigning into one is an error, and their buffers stay
/// in the run's memory budget while they live.
@Suite struct ResultArrayTests {
  /// Copies a value deeply, each view as its table: what a result was
  /// before views (the encoders pushed the same numbers as tables).
  static let plainCopy = """
    local function plain(x)
      if package.loaded["kaplan.bind"].is_view(x) then return x:totable() end
      if type(x) ~= "table" then return x end
      local t = {}
      for k, v in pairs(x) do t[k] = plain(v) end
      return t
    end

    """

  @Test func viewsReadTheSameNumbersAsTablesWithNAAsNil() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local fit = km(dataset("lung"), "Surv(time, status) ~ sex")
      local s = fit.strata[1]
      local same, nas, n = true, 0, 0
      for _, field in ipairs{"time", "n_risk", "n_event", "n_censor", "surv", "std_err", "lower", "upper",
                             "cumhaz", "std_chaz"} do
        local v, t = s[field], s[field]:totable()
        for i = 1, #v do
          if v[i] ~= t[i] then same = false end
          if v[i] == nil then nas = nas + 1 end
          n = n + 1
        end
        if v[0] ~= nil or v[#v + 1] ~= nil or v.x ~= nil or v[1.5] ~= nil then same = false end
        if v[1.0] ~= v[1] then same = false end
      end
      local ci = cuminc(dataset("lung"), "Surv(time, status) ~ sex")
      return same, n, type(s.time), #s.time, s.time[1], ci.curves[1].n_risk[1], math.type(ci.curves[1].n_risk[1])
      """)
    #expect(r[0] == .boolean(true))
    #expect((r[1].doubleValue ?? 0) > 100)
    #expect(r[2] == .string("userdata"))
    // R: survfit(Surv(time, status) ~ sex, lung): 119 distinct times in
    // the first stratum, the first at 11 days; cuminc's first n_risk is 138.
    #expect(r[3] == .integer(119))
    #expect(r[4] == .number(11))
    #expect(r[5] == .number(138))
    #expect(r[6] == .string("float"))
  }

  @Test func naReadsAsNilThroughIndexIpairsPairsAndJson() throws {
    let rt = try makeRuntime()
    // aml's Nonmaintained curve reaches surv 0 at its last time, where the
    // log-log lower limit is NA (R: survfit(Surv(time, status) ~ x, aml)).
    let r = try lua(rt, """
      local v = km(dataset("aml"), "Surv(time, status) ~ x").strata[2].lower
      local holes = 0
      for i = 1, #v do if v[i] == nil then holes = holes + 1 end end
      local walked = 0
      for _ in ipairs(v) do walked = walked + 1 end
      local paired = 0
      for i, x in pairs(v) do paired = paired + 1; assert(v[i] == x) end
      return #v, holes, walked, paired, json(v) == json(v:totable())
      """)
    #expect(r[0] == .integer(10))
    #expect(r[4] == .boolean(true))
    let n = try #require(r[0].doubleValue)
    let holes = try #require(r[1].doubleValue)
    #expect(holes == 1)
    // ipairs stops at the first NA (as over a table with holes); pairs
    // visits every value.
    #expect((r[2].doubleValue ?? 0) <= n - holes)
    #expect(r[3].doubleValue == n - holes)
  }

  @Test func lengthIpairsConcatAndUnpack() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local t = km(dataset("aml"), "Surv(time, status) ~ x").strata[1].time
      local n = 0
      for i, x in ipairs(t) do n = n + 1; assert(x == t[i]) end
      return #t, n, table.concat(t, ","), select("#", table.unpack(t)), tostring(t):match("^result array of 10 values")
      """)
    // R: survfit(Surv(time, status) ~ x, aml)$time, Maintained: 9 13 18 23 28 31 34 45 48 161.
    #expect(r[0] == .integer(10))
    #expect(r[1] == .integer(10))
    #expect(r[2] == .string("9.0,13.0,18.0,23.0,28.0,31.0,34.0,45.0,48.0,161.0"))
    #expect(r[3] == .integer(10))
    #expect(r[4] == .string("result array of 10 values"))
  }

  @Test func jsonOfEveryResultKindIsTheSameAsOfItsTables() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.plainCopy + """
      local lung, aml = dataset("lung"), dataset("aml")
      local fit = km(lung, "Surv(time, status) ~ sex")
      local my = dataset("myeloid")
      local t, e = {}, {}
      for i, r in my:rows() do
        t[i] = r.crtime or r.futime
        e[i] = r.crtime and 1 or (r.death == 1 and 2 or 0)
      end
      my = my:with{ t = t, event = e }
      local ci = cuminc(my, "Surv(t, event) ~ trt")
      local fg = finegray(my, "Surv(t, event) ~ trt + sex")
      local results = {
        fit, fit:at{100, 365}, fit:quantile{0.25, 0.5}, fit:rmst(365),
        logrank(lung, "Surv(time, status) ~ sex"), pairwise_logrank(lung, "Surv(time, status) ~ sex"),
        followup(lung, "Surv(time, status) ~ sex"), cox(lung, "Surv(time, status) ~ age + sex"),
        ci, ci:at{100, 365}, fg, fg:predict{ {trt = "A", sex = "f"} },
      }
      local out = {}
      for i, x in ipairs(results) do
        -- json of a result also names the Kaplan version (issue 19); the
        -- plain copy is not a result.
        local a, b = json(x), json(plain(x))
        local versioned = a:find('"kaplan_version":"' .. kaplan.version .. '"', 1, true) ~= nil
        a = a:gsub(',"kaplan_version":"[^"]*"', ""):gsub('"kaplan_version":"[^"]*",?', "")
        out[#out + 1] = versioned and a == b and #a > 20
      end
      return table.unpack(out)
      """)
    #expect(r.count == 12)
    #expect(r.allSatisfy { $0 == .boolean(true) }, "\(r)")
  }

  @Test func jsonOfAResultIsTheTextItWasBeforeViews() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, #"return json(km(dataset("aml"), "Surv(time, status) ~ 1").strata[1].surv)"#)
    // The text the eager tables gave (main before issue 14); R:
    // survfit(Surv(time, status) ~ 1, aml)$surv.
    let text = try #require(r.first?.stringValue)
    #expect(text.hasPrefix("[0.9130434782608695,0.8260869565217391,0.7826086956521738,"))
  }

  @Test func assigningIntoAViewIsAnErrorAtTheScriptsLine() throws {
    let rt = try makeRuntime()
    let message = luaError(rt, """
      local fit = km(dataset("aml"), "Surv(time, status) ~ x")
      fit.strata[1].surv[1] = 0
      """)
    #expect(message == "test:2: a result's arrays are read-only (a result is a copy for reading); "
      + "take an editable copy with t = v:totable()")
    // The copy is an ordinary table.
    let r = try lua(rt, """
      local t = km(dataset("aml"), "Surv(time, status) ~ x").strata[1].surv:totable()
      t[1] = 0
      return type(t), t[1]
      """)
    #expect(r == [.string("table"), .integer(0)])
  }

  @Test func aViewOutlivesItsResultTable() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local t = km(dataset("aml"), "Surv(time, status) ~ x").strata[1].time
      collectgarbage(); collectgarbage()
      return t[1], #t, t[10]
      """)
    #expect(r == [.number(9), .integer(10), .number(161)])
  }

  @Test func swiftDecodesAViewAsItsArray() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, #"return km(dataset("aml"), "Surv(time, status) ~ x").strata[1].time"#)
    #expect(r == [.table(LuaTable(array: [9, 13, 18, 23, 28, 31, 34, 45, 48, 161].map { .number($0) }))])
    // A view passed where a function takes an array of numbers.
    let at = try lua(rt, """
      local fit = km(dataset("aml"), "Surv(time, status) ~ x")
      return #fit:at(fit.strata[1].time).strata[1].surv
      """)
    #expect(at == [.integer(10)])
  }

  @Test func showHelpAndCompletionUnderstandViews() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local t = km(dataset("aml"), "Surv(time, status) ~ x").strata[1].time
      return package.loaded["kaplan.show"].render(t), package.loaded["kaplan.help"].text(t)
      """)
    #expect(r.first == .string("{9, 13, 18, 23, 28, 31, 34, 45, 48, 161}"))
    #expect(r.last?.stringValue?.hasPrefix("A result array of 10 numbers: read-only") == true)
  }

  @Test func aViewsBufferCountsInTheRunsMemoryBudget() throws {
    let rt = try makeRuntime(maxMemory: 256 << 20)
    let rows = 200_000
    try rt.stoppable {
      try lua(rt, """
        local t, s = {}, {}
        for i = 1, \(rows) do t[i] = i * 0.5; s[i] = 1 end
        d = dataset.from{ {"time", t}, {"status", s} }
        t, s = nil, nil
        collectgarbage()
        """)
    }
    let before = rt.memory.hostBytes
    try rt.stoppable { try lua(rt, #"time = km(d, "Surv(time, status) ~ 1").strata[1].time; collectgarbage()"#) }
    // The view of 200,000 distinct times holds 1.6 MB of the budget...
    #expect(rt.memory.hostBytes - before >= rows * MemoryLayout<Double>.stride)
    // ...until it is collected.
    try rt.stoppable { try lua(rt, "time = nil; collectgarbage(); collectgarbage()") }
    #expect(rt.memory.hostBytes == before)
  }
}
