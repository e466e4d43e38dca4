import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// The results of cox, cuminc and finegray through the binding layer: the
/// table is an editable copy, the methods read the Swift result behind its
/// handle; a method on anything else is an error at the script's line; and
/// every option mistake names the function, the key and what it accepts.
@Suite struct CoxCompetingResultTests {
  let rt: KaplanRuntime
  init() throws {
    rt = try makeRuntime()
    try lua(rt, """
      lung3 = dataset('lung'):where(function(r) return r['ph.ecog'] ~= nil end)
      myeloid = dataset('myeloid')
      local t, e = {}, {}
      for i, r in myeloid:rows() do
        t[i] = r.crtime or r.futime
        e[i] = r.crtime and 1 or (r.death == 1 and 2 or 0)
      end
      myeloid = myeloid:with{ t = t, event = e }
      """)
  }

  /// Editing every field a method could read changes nothing it computes.
  @Test func editingAResultDoesNotChangeItsMethods() throws {
    let r = try lua(rt, """
      local small = cox(lung3, 'Surv(time, status) ~ age')
      local big = cox(lung3, 'Surv(time, status) ~ age + sex + ph.ecog')
      local a1, t1 = big:anova(), lrtest(small, big)
      local ci = cuminc(myeloid, 'Surv(t, event) ~ trt')
      local at1 = ci:at{100, 365}
      local m = finegray(myeloid, 'Surv(t, event) ~ trt + sex')
      local p1 = m:predict{trt = 'B', sex = 'f'}

      for _, fit in ipairs({ small, big }) do
        fit.formula, fit.n, fit.terms = 'Surv(x, y) ~ z', 1, {}
        fit.loglik.fitted, fit.tests.lr.df = 0, 99
      end
      ci.curves[1].est, ci.curves[1].time, ci.formula = {}, {}, 'edited'
      m.terms[1].coef, m.variables, m.uftime, m.bfitj = 99, {}, {}, {}
      local a2, t2 = big:anova(), lrtest(small, big)
      local at2, p2 = ci:at{100, 365}, m:predict{trt = 'B', sex = 'f'}
      return a1.rows[3].chisq == a2.rows[3].chisq and #a2.rows == 4,
        t1.statistic == t2.statistic and t2.df == 2 and t2.formulas[1] == 'Surv(time, status) ~ age',
        at1.curves[1].est[2] == at2.curves[1].est[2] and at2.formula == 'Surv(t, event) ~ trt',
        p1.curves[1].est[20] == p2.curves[1].est[20] and p2.curves[1].label == 'trt=B, sex=f'
      """)
    #expect(r == [.boolean(true), .boolean(true), .boolean(true), .boolean(true)])
  }

  /// A table not made by Kaplan, or a result of another kind, is refused at
  /// the line of the call.
  @Test func methodsRefuseTablesNotMadeByKaplan() {
    let cases: [(String, String)] = [
      ("local m = cox(lung3, 'Surv(time, status) ~ age')\nm.anova({terms = {}})",
       "test:2: calling 'anova' on bad self (cox result expected, got a table not made by a Kaplan function)"),
      ("local m = cox(lung3, 'Surv(time, status) ~ age')\nlocal copy = {}\nfor k, v in pairs(m) do copy[k] = v end\n"
        + "setmetatable(copy, getmetatable(m))\ncopy:anova()",
       "test:5: calling 'anova' on bad self (cox result expected, got a table not made by a Kaplan function)"),
      ("local m = cox(lung3, 'Surv(time, status) ~ age')\nlrtest(m, {n = 227, loglik = {fitted = 1}})",
       "test:2: bad argument #2 to 'lrtest' (cox result expected, got a table not made by cox())"),
      ("local m = cox(lung3, 'Surv(time, status) ~ age')\nlrtest(km(lung3, 'Surv(time, status) ~ sex'), m)",
       "test:2: bad argument #1 to 'lrtest' (cox result expected, got a km result)"),
      ("local m = cox(lung3, 'Surv(time, status) ~ age')\nm:anova(cuminc(myeloid, 'Surv(t, event) ~ trt'))",
       "test:2: bad argument #1 to 'anova' (cox result expected, got a cuminc result)"),
      ("local ci = cuminc(myeloid, 'Surv(t, event) ~ trt')\n\nci.at({curves = {}}, {100})",
       "test:3: calling 'at' on bad self (cuminc result expected, got a table not made by a Kaplan function)"),
      ("local ci = cuminc(myeloid, 'Surv(t, event) ~ trt')\nlocal m = finegray(myeloid, 'Surv(t, event) ~ trt')\n"
        + "m.predict(ci, {trt = 'A'})",
       "test:3: calling 'predict' on bad self (finegray result expected, got cuminc result)"),
      ("local m = finegray(myeloid, 'Surv(t, event) ~ trt')\nm.predict(42, {trt = 'A'})",
       "test:2: calling 'predict' on bad self (finegray result expected, got number)"),
    ]
    for (code, message) in cases {
      #expect(luaError(rt, code) == message, "\(code)")
    }
  }

  /// For every option of cox, cuminc and finegray (read from the registry),
  /// a value of no accepted type is refused with the function, the key and
  /// the accepted values; an unknown key lists every option.
  @Test(arguments: ["cox", "cuminc", "finegray"])
  func everyOptionErrorNamesFunctionKeyAndAllowedValues(_ function: String) throws {
    let call = function == "cox"
      ? "cox(lung3, 'Surv(time, status) ~ age', OPTS)" : "\(function)(myeloid, 'Surv(t, event) ~ trt', OPTS)"
    let r = try lua(rt, "local e = package.loaded['kaplan.bind'].entry('\(function)')\nlocal out = {}\n"
      + "for i, o in ipairs(e.options) do out[i] = { o.key, o.type } end\nreturn out")
    guard case .table(let options) = r[0] else { Issue.record("no registry entry"); return }
    #expect(options.array.count >= 5)
    var keys: [String] = []
    for option in options.array {
      guard case .table(let pair) = option, let key = pair.array.first?.stringValue,
            let type = pair.array.last?.stringValue else { continue }
      keys.append(key)
      // A function is of no accepted type, except for a function option (cox's tt), given a number.
      let (bad, badType) = type == "a function" ? ("1", "1") : ("print", "function")
      let message = luaError(rt, call.replacingOccurrences(of: "OPTS", with: "{\(key) = \(bad)}"))
      #expect(message == "test:1: bad argument #3 to '\(function)' (option '\(key)' must be \(type), got \(badType))")
    }
    let unknown = luaError(rt, call.replacingOccurrences(of: "OPTS", with: "{zzz = 1}"))
    #expect(unknown == "test:1: bad argument #3 to '\(function)' (unknown option 'zzz' (options: "
      + keys.joined(separator: ", ") + "))")
  }

  /// The warnings of a fit are in its result, as an array of strings.
  @Test func warningsAreInTheResult() throws {
    let r = try lua(rt, """
      local ok = cox(lung3, 'Surv(time, status) ~ age')
      local short = cox(lung3, 'Surv(time, status) ~ age + sex + ph.ecog', {max_iter = 2})
      local fg = finegray(myeloid, 'Surv(t, event) ~ trt + sex')
      local fg1 = finegray(myeloid, 'Surv(t, event) ~ trt + sex', {max_iter = 1})
      return #ok.warnings, short.warnings[1], #fg.warnings, fg1.warnings[1], tostring(fg1)
      """)
    #expect(r[0] == .integer(0))
    #expect(r[1].stringValue?.hasPrefix("Ran out of iterations and did not converge") == true)
    #expect(r[2] == .integer(0))
    #expect(r[3].stringValue == "did not converge in 1 iteration (raise max_iter)")
    #expect(r[4].stringValue?.contains("Did not converge in 1 iteration (raise max_iter).") == true)
  }
}
