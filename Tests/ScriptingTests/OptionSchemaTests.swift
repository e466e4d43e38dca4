import LuaHost
import Testing

@testable import Scripting

/// The one interpreter of option tables (`OptionValues.parse`): what it
/// accepts, what it refuses and how it words each refusal.
@Suite struct OptionSchemaTests {
  static let schema: [OptionSpec] = [
    OptionSpec.choice("conf_type", [("log-log", 1), ("log", 2)], default: "log-log", doc: "CI"),
    OptionSpec("conf_level", .number(.probability), default: .number(0.95), doc: "level"),
    OptionSpec("weights", .column, doc: "weights"),
    OptionSpec("max_iter", .integer(.atLeast(1)), default: .integer(20), doc: "iterations"),
    OptionSpec("trend", .either(.boolean, .numbers), default: .boolean(false), doc: "trend"),
    OptionSpec("robust", .boolean, default: .boolean(false), doc: "robust"),
  ]

  func parse(_ fields: [(String, LuaValue)], array: [LuaValue] = []) throws -> OptionValues {
    try OptionValues.parse(
      .table(LuaTable(array: array, fields: fields)), function: "km", schema: Self.schema,
      error: { LuaError.badArgument(function: "km", index: 3, message: $0) })
  }

  func message(_ fields: [(String, LuaValue)], array: [LuaValue] = []) -> String {
    do {
      _ = try parse(fields, array: array)
      return "(accepted)"
    } catch {
      return String(describing: error)
    }
  }

  @Test func defaultsApplyWhenNothingIsGiven() throws {
    let o = try OptionValues.parse(
      .nil, function: "km", schema: Self.schema, error: { LuaError.runtime($0) })
    #expect(try o.number("conf_level") == 0.95)
    #expect(try o.choice("conf_type", [("log-log", 1), ("log", 2)]) == 1)
    #expect(try o.optionalString("weights") == nil)
    #expect(try o.integer("max_iter") == 20)
    #expect(try o.boolean("robust") == false)
    #expect(!o.has("conf_level"))
  }

  @Test func givenValuesAreRead() throws {
    let o = try parse([
      ("conf_type", .string("log")), ("conf_level", .number(0.9)), ("weights", .string("w")),
      ("max_iter", .integer(5)), ("trend", .array([.integer(1), .number(2.5)])),
    ])
    #expect(try o.choice("conf_type", [("log-log", 1), ("log", 2)]) == 2)
    #expect(try o.number("conf_level") == 0.9)
    #expect(try o.optionalString("weights") == "w")
    #expect(try o.integer("max_iter") == 5)
    #expect(try o.optionalNumbers("trend") == [1, 2.5])
    #expect(o.has("trend"))
  }

  @Test func unknownKeysAreRefusedWithTheNearestKnownOne() {
    #expect(message([("conf_typ", .string("log"))]) ==
      "bad argument #3 to 'km' (unknown option 'conf_typ'; did you mean 'conf_type'? "
      + "(options: conf_type, conf_level, weights, max_iter, trend, robust))")
    #expect(message([("colour", .string("red"))]) ==
      "bad argument #3 to 'km' (unknown option 'colour' "
      + "(options: conf_type, conf_level, weights, max_iter, trend, robust))")
  }

  @Test func wrongTypesAndRangesNameTheKeyAndWhatItTakes() {
    #expect(message([("conf_level", .number(1.5))]) ==
      "bad argument #3 to 'km' (option 'conf_level' must be a number between 0 and 1 (exclusive), got 1.5)")
    #expect(message([("conf_level", .integer(0))]).contains("got 0)"))
    #expect(message([("conf_level", .string("0.9"))]).hasSuffix("got \"0.9\")"))
    #expect(message([("conf_type", .string("lg"))]) ==
      "bad argument #3 to 'km' (option 'conf_type' must be one of \"log-log\", \"log\", got \"lg\")")
    #expect(message([("max_iter", .number(2.5))]) ==
      "bad argument #3 to 'km' (option 'max_iter' must be an integer ≥ 1, got 2.5)")
    #expect(message([("max_iter", .integer(0))]).contains("must be an integer ≥ 1, got 0"))
    #expect(message([("robust", .string("yes"))]).contains("option 'robust' must be true or false, got \"yes\""))
    #expect(message([("weights", .integer(3))]).contains("option 'weights' must be a column name (string), got 3"))
    #expect(message([("trend", .string("yes"))]).contains(
      "option 'trend' must be true or false or an array of numbers, got \"yes\""))
    #expect(message([("trend", .array([.integer(1), .string("x")]))]).contains("must be true or false or an array"))
    #expect(message([("conf_level", .number(.nan))]).contains("got nan"))
  }

  @Test func aListIsNotOptions() {
    #expect(message([], array: [.string("log")]).hasPrefix(
      "bad argument #3 to 'km' (options are named, as {conf_type = ...}; got a list"))
  }

  @Test func aNonTableIsRefused() {
    let text: String
    do {
      _ = try OptionValues.parse(
        .string("log"), function: "km", schema: Self.schema,
        error: { LuaError.badArgument(function: "km", index: 3, message: $0) })
      text = "(accepted)"
    } catch { text = String(describing: error) }
    #expect(text == "bad argument #3 to 'km' (options table expected, got string)")
  }

  @Test func rangesDescribeThemselves() {
    #expect(OptionType.number(.positive).description == "a positive number")
    #expect(OptionType.integer(.positive).description == "a positive integer")
    #expect(OptionType.number(.nonNegative).description == "a number ≥ 0")
    #expect(OptionType.number(.between(200, 10_000)).description == "a number from 200 to 10000")
    #expect(!OptionType.number(.positive).accepts(.number(0)))
    #expect(OptionType.number(.nonNegative).accepts(.number(0)))
    #expect(!OptionType.number(.between(1, 2)).accepts(.number(2.0000001)))
  }

  @Test func defaultsDescribeThemselvesForHelp() {
    #expect(Self.schema[0].defaultDescription == "\"log-log\"")
    #expect(Self.schema[1].defaultDescription == "0.95")
    #expect(Self.schema[2].defaultDescription == "none")
    #expect(Self.schema[5].defaultDescription == "false")
  }
}

/// Errors of Swift functions reached through the stdlib name the script's
/// line (the trampoline's one positioning rule), however deep the call.
@Suite struct ErrorPositionTests {
  @Test func optionErrorsOfWrappedFunctionsPointAtTheScript() throws {
    let rt = try makeRuntime()
    let code = "local d = dataset('aml')\nlocal f = km(d, 'Surv(time, status) ~ x', {conf_level = 2})"
    #expect(luaError(rt, code) ==
      "test:2: bad argument #3 to 'km' (option 'conf_level' must be a number between 0 and 1 (exclusive), got 2)")
  }

  @Test func methodErrorsPointAtTheScript() throws {
    let rt = try makeRuntime()
    let fit = "local f = km(dataset('aml'), 'Surv(time, status) ~ x')\n"
    #expect(luaError(rt, fit + "f:at{1, 'x'}") ==
      "test:2: bad argument #1 to 'at' (array of times expected, but entry 2 is a string)")
    #expect(luaError(rt, fit + "f.at({}, {1})") ==
      "test:2: calling 'at' on bad self (km result expected, got a table not made by a Kaplan function)")
    // A tail call leaves no frame of g: the error names the line that called g.
    #expect(luaError(rt, fit + "local g = function() return f:at({1}, {extnd = true}) end\ng()") ==
      "test:3: bad argument #2 to 'at' (unknown option 'extnd'; did you mean 'extend'? (options: extend))")
  }

  @Test func aTailCallFromTheScriptGivesNoStdlibPosition() throws {
    // `return km(...)` leaves no frame of the script: the message goes
    // without a position rather than with one inside stdlib/kaplan.
    let rt = try makeRuntime()
    #expect(luaError(rt, "return km(dataset('aml'), 'Surv(time, status) ~ x', {conf_level = 3})") ==
      "bad argument #3 to 'km' (option 'conf_level' must be a number between 0 and 1 (exclusive), got 3)")
  }

  @Test func sandboxErrorsUnderPcallNameTheLine() throws {
    let rt = try makeRuntime()
    #expect(try lua(rt, "return select(2, pcall(io.open, 5))")
      == [.string("test:1: bad argument #1 to 'open' (string expected, got number)")])
    #expect(try lua(rt, "return select(2, pcall(os.execute, 'ls'))")
      == [.string("test:1: os.execute is not allowed in the sandbox (run with --trust to allow it)")])
  }

  @Test func aScriptsMetatableIsNotAResultKind() throws {
    let rt = try makeRuntime()
    #expect(luaError(rt, "plot(setmetatable({}, {kaplan_kind = 'km'}))")
      == "test:1: bad argument #1 to 'plot' (km, cuminc, cox, finegray, cox_zph, subgroups or parametric_compare "
      + "result expected, "
      + "got a table "
      + "not made by a Kaplan function)")
    #expect(try lua(rt, "return require('kaplan').bind.kind_of(setmetatable({}, {kaplan_kind = {}}))") == [.nil])
  }

  @Test func helpFindsAMethodByTheLettersOfItsSignature() throws {
    let rt = try makeRuntime()
    let text = try lua(rt, "return require('kaplan.help').text('ci:at')")
    #expect(text.first?.stringValue?.hasPrefix("ci:at(times)") == true)
  }

  @Test func analysisErrorsNameTheFunction() throws {
    let rt = try makeRuntime()
    #expect(luaError(rt, "km(dataset('aml'), 'Surv(tme, status) ~ x')") ==
      "test:1: km: column 'tme' not found (did you mean 'time'?)")
  }

  @Test func aResultPrintsItsTableAndAnEditItCannotFollowIsAClearError() throws {
    let rt = try makeRuntime()
    let fit = "local f = km(dataset('aml'), 'Surv(time, status) ~ x')\n"
    let text = try lua(rt, fit + "f.strata[1].label = 'Kept on'; return tostring(f)")
    #expect(text.first?.stringValue?.contains("Kept on ") == true)
    #expect(luaError(rt, fit + "f.strata = nil\nprint(f)")
      == "test:3: cannot print this km result: its table was edited (attempt to get length of a nil value (field "
      + "'strata')); methods, plot() and tidy() still use the fit")
  }

  @Test func editingAResultTableDoesNotChangeItsMethods() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local f = km(dataset('aml'), 'Surv(time, status) ~ x')
      local before = f:at{12}.strata[1].surv[1]
      f.strata[1].surv = {0.123}  -- array fields are read-only views; fields can be replaced
      f.strata[1].time = {1}
      return before, f:at{12}.strata[1].surv[1], f.strata[1].surv[1]
      """)
    #expect(r[0] == r[1])
    #expect(r[2] == .number(0.123))
  }
}

/// Nothing a script passes is silently ignored: an argument past the last
/// a function takes, or a table entry that is neither a name nor a position
/// of its list, is an error naming it.
@Suite struct NothingIgnoredTests {
  @Test func everyFunctionRefusesAnArgumentPastItsLast() throws {
    let rt = try makeRuntime()
    let out = try rt.lua.run("""
      local bind = require("kaplan").bind
      local d = dataset("aml")
      local receivers = { dataset = d, column = d.time, km = km(d, "Surv(time, status) ~ x") }
      local problems, checked = {}, 0
      for _, e in ipairs(bind.entries()) do
        local self = e.receiver and receivers[e.receiver]
        if e.max_arguments and (not e.receiver or self) then
          local args = {}
          for i = 1, e.max_arguments + 1 do args[i] = true end
          local f = e.receiver and function(...) return self[e.name](self, ...) end or e.public
          local ok, message = pcall(f, table.unpack(args, 1, e.max_arguments + 1))
          local expected = string.format("bad argument #%d to '%s' (no more arguments expected, got boolean)",
            e.max_arguments + 1, e.name)
          if ok or not tostring(message):find(expected, 1, true) then
            problems[#problems + 1] = e.qualified_name .. ": " .. tostring(message)
          end
          checked = checked + 1
        end
      end
      return problems, checked
      """, chunkName: "=test")
    guard case .table(let problems)? = out.first, case .integer(let checked)? = out.last else {
      Issue.record("no answer")
      return
    }
    #expect(problems.array.isEmpty, "\(problems.array.compactMap(\.stringValue).joined(separator: "\n"))")
    #expect(checked > 60)
  }

  @Test func whereOfAnEqualityGivesTheMethod() throws {
    let rt = try makeRuntime()
    #expect(luaError(rt, "local d = dataset('lung'); d:where(d.sex == 1)")
      == "test:1: bad argument #1 to 'where' (bool column or function expected, got boolean (== on a column is "
      + "plain Lua equality: use d.x:eq(v)))")
  }

  @Test func signaturesGiveTheArity() {
    #expect(KaplanFunction.arity(of: "km(d, formula [, opts])") == 3)
    #expect(KaplanFunction.arity(of: "help([x])") == 1)
    #expect(KaplanFunction.arity(of: "debug_traceback()") == 0)
    #expect(KaplanFunction.arity(of: "d:select{names}") == 1)
    #expect(KaplanFunction.arity(of: "date(text [, format]) or date(days)") == 2)
    #expect(KaplanFunction.arity(of: "f(...)") == nil)
  }

  @Test func aMessageKeepsAZeroByte() throws {
    let rt = try makeRuntime()
    let message = luaError(rt, "km(dataset('aml'), 'Surv(time, status) ~ x', {['k\\0x'] = 1})")
    #expect(message.contains("unknown option 'k\0x'"))
    #expect(message.hasSuffix("(options: conf_type, conf_level, weights))"))
  }

  @Test func tableEntriesOutsideTheListAreErrors() throws {
    let rt = try makeRuntime()
    let fit = "local d = dataset('lung'); local f = km(d, 'Surv(time, status) ~ sex')\n"
    #expect(luaError(rt, fit + "f:at({100, [50] = 200})") ==
      "test:2: bad argument #1 to 'at' (table has the key 50, which is neither a name nor a position 1..1 of its list)")
    #expect(luaError(rt, fit + "d:select{'age', [50] = 'time'}").contains("table has the key 50"))
    #expect(luaError(rt, fit + "km(d, 'Surv(time, status) ~ sex', {[true] = 1})") ==
      "test:2: bad argument #3 to 'km' (table has the key true, which is not a name (a table of names or a list "
      + "expected))")
    #expect(luaError(rt, fit + "cox(d, 'Surv(time, status) ~ age', {init = {0.1, [30] = 2}})")
      .contains("table has the key 30"))
    // A list with holes inside its border is still a list.
    #expect(try lua(rt, fit + "return #f:at({100, 200}).strata[1].time") == [.integer(2)])
  }
}

/// help(x) of a result lists every field the result has, and only those.
@Suite struct ResultFieldDocsTests {
  @Test func everyKindDocumentsExactlyItsFields() throws {
    let rt = try makeRuntime()
    let out = try rt.lua.run("""
      local bind = require("kaplan").bind
      local lung, aml = dataset("lung"), dataset("aml")
      local fit = km(lung, "Surv(time, status) ~ sex")
      local m1 = cox(lung, "Surv(time, status) ~ age")
      local m2 = cox(lung, "Surv(time, status) ~ age + sex")
      local myeloid = dataset("myeloid")
      local clocc = dataset("clocc")
      local ci = cuminc(clocc, "Surv(pfs_months, first_event) ~ arm")
      local fg = finegray(clocc, "Surv(pfs_months, first_event) ~ arm", {cause = "hepatic"})
      local results = {
        fit, fit:at{100, 200}, fit:quantile(), fit:rmst(500),
        logrank(lung, "Surv(time, status) ~ sex", {trend = true}),
        pairwise_logrank(dataset("veteran"), "Surv(time, status) ~ celltype"),
        followup(lung, "Surv(time, status) ~ sex"),
        m2, m2:anova(), lrtest(m1, m2), ci, ci:at{6, 12},
        fg, fg:predict{ {arm = "systemic"} },
      }
      local problems, seen = {}, {}
      for _, r in ipairs(results) do
        local kind = bind.kind_of(r)
        seen[kind] = true
        local declared = {}
        for _, f in ipairs(bind.kinds()[kind].fields) do declared[f.name] = true end
        for k in pairs(r) do
          if k ~= "kind" and not declared[k] then
            problems[#problems + 1] = kind .. ": field " .. k .. " not documented"
          end
        end
        for name in pairs(declared) do
          if rawget(r, name) == nil and name ~= "warnings" and name ~= "weights" and name ~= "cluster"
            and name ~= "strata" and name ~= "naive_var" and name ~= "trend" and name ~= "difference"
            and name ~= "cengroup" and name ~= "cengroups" and name ~= "groups" and name ~= "robust_score"
            and name ~= "maxcombo" then
            problems[#problems + 1] = kind .. ": documented field " .. name .. " is not in the result"
          end
        end
      end
      local count = 0
      for _ in pairs(seen) do count = count + 1 end
      table.sort(problems)
      return problems, count
      """, chunkName: "=test")
    guard case .table(let problems)? = out.first else {
      Issue.record("no answer")
      return
    }
    #expect(problems.array.isEmpty, "\(problems.array.compactMap(\.stringValue).joined(separator: "\n"))")
    #expect(out.last == .integer(14))
  }
}
