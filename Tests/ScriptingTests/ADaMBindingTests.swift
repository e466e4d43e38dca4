import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// adtte() on the bundled synthetic ADaM data against R's survival on the
/// colon rows they are derived from (scripts/fixtures/adam.R), and its
/// errors.
@Suite struct ADaMBindingTests {
  @Test func matchesRFittedOnColon() throws {
    let reference = try #require(try loadFixture("adam/reference.json") as? [String: [String: Any]])
    let rt = try makeRuntime()
    for paramcd in ["OS", "PFS"] {
      let r = try #require(reference[paramcd])
      let out = try lua(rt, """
        local d = adtte(dataset('adtte'), {paramcd = '\(paramcd)', adsl = dataset('adsl'),
          keep = {'TRT01P', 'STRATA'}, to = 'months'})
        local m = cox(d, 'Surv(AVAL, EVENT) ~ TRT01P + strata(STRATA)')
        local lr = logrank(d, 'Surv(AVAL, EVENT) ~ TRT01P + strata(STRATA)')
        return #d, d.EVENT:sum(), d.AVAL:sum(), m.terms[1].coef, m.terms[2].coef,
          m.terms[1].se, m.terms[2].se, lr.chisq, d.AVALU[1], table.concat(d:names(), ',')
        """)
      #expect(out[0] == .integer(929))
      #expect(out[1].doubleValue == (r["events"] as? Double))
      let expected: [(Int, Double)] = [
        (2, r["time_sum"] as? Double ?? .nan),
        (3, (r["coef"] as? [Double])?[0] ?? .nan), (4, (r["coef"] as? [Double])?[1] ?? .nan),
        (5, (r["se"] as? [Double])?[0] ?? .nan), (6, (r["se"] as? [Double])?[1] ?? .nan),
        (7, r["logrank_chisq"] as? Double ?? .nan),
      ]
      for (k, want) in expected {
        let got = out[k].doubleValue ?? .nan
        #expect(approxEqual(got, want, relative: Tolerance.iterative), "\(paramcd) value \(k): \(got) vs \(want)")
      }
      #expect(out[8] == .string("MONTHS"))
      #expect(out[9] == .string("STUDYID,USUBJID,PARAMCD,PARAM,AVAL,AVALU,CNSR,EVENT,EVNTDESC,CNSDTDSC,STARTDT,ADT,"
        + "TRT01P,STRATA"))
    }
  }

  @Test func eventsAndCensoringCarryTheirDescriptions() throws {
    let rt = try makeRuntime()
    let out = try lua(rt, """
      local d = adtte(dataset('adtte'), {paramcd = 'PFS'})
      local ok = 0
      for i = 1, #d do
        if d.EVENT[i] == 1 and d.CNSR[i] == 0 and d.EVNTDESC[i] and not d.CNSDTDSC[i] then ok = ok + 1 end
        if d.EVENT[i] == 0 and d.CNSR[i] == 1 and d.CNSDTDSC[i] and not d.EVNTDESC[i] then ok = ok + 1 end
      end
      return #d, ok, d.AVALU[1], d.AVAL[1]
      """)
    #expect(out[0] == .integer(929) && out[1] == .integer(929))
    #expect(out[2] == .string("DAYS") && out[3] == .number(968))
  }

  /// Weeks to days and days to years through the documented factors.
  @Test func unitConversions() throws {
    let rt = try makeRuntime()
    let out = try lua(rt, """
      local d = dataset.from{ {'USUBJID', {'a', 'b'}}, {'PARAMCD', {'OS', 'OS'}}, {'AVAL', {2, 3}},
        {'AVALU', {'weeks', 'Week'}}, {'CNSR', {0, 2}} }
      local days = adtte(d, {paramcd = 'OS', to = 'days'})
      local years = adtte(d, {paramcd = 'OS', to = 'years'})
      local months = adtte(d, {paramcd = 'OS', to = 'months'})
      return days.AVAL[1], days.AVAL[2], years.AVAL[1], months.AVAL[2], days.EVENT[1], days.EVENT[2], days.AVALU[1]
      """)
    #expect(out[0] == .number(14) && out[1] == .number(21))
    #expect(out[2] == .number(14 / 365.25))
    #expect(out[3] == .number(21 / (365.25 / 12)))
    #expect(out[4] == .integer(1) && out[5] == .integer(0))
    #expect(out[6] == .string("DAYS"))
  }

  @Test func clearErrors() throws {
    let rt = try makeRuntime()
    try lua(rt, """
      tte = dataset('adtte')
      mixed = dataset.from{ {'USUBJID', {'a', 'b', 'c'}}, {'PARAMCD', {'OS', 'OS', 'PFS'}}, {'AVAL', {2, 3, 4}},
        {'AVALU', {'DAYS', 'MONTHS', 'DAYS'}}, {'CNSR', {0, 1, 0}} }
      """)
    func error(_ code: String) -> String { luaError(rt, code) }
    #expect(error("adtte(tte, {paramcd = 'DFS'})")
      == "test:1: bad argument #2 to 'adtte' (option 'paramcd': no PARAMCD 'DFS' in the data (present: OS, PFS))")
    #expect(error("adtte(tte, {})") == "test:1: bad argument #2 to 'adtte' (option 'paramcd' is required (present: "
      + "OS, PFS))")
    #expect(error("adtte(tte:drop{'CNSR', 'AVAL'}, {paramcd = 'OS'})")
      == "test:1: bad argument #1 to 'adtte' (not an ADTTE dataset: no variables AVAL, CNSR (an ADTTE needs "
      + "USUBJID, PARAMCD, AVAL, CNSR))")
    #expect(error("adtte(mixed, {paramcd = 'OS'})")
      == "test:1: bad argument #1 to 'adtte' (AVALU of PARAMCD 'OS' mixes units: DAYS (1 rows), MONTHS (1 rows))")
    #expect(error("adtte(mixed, {paramcd = 'PFS', adsl = dataset('adsl')})").hasPrefix(
      "test:1: bad argument #2 to 'adtte' (option 'adsl': 1 row of PARAMCD 'PFS' have no subject in ADSL (first: "
      + "USUBJID c)"))
    #expect(error("adtte(tte, {paramcd = 'OS', adsl = dataset('adsl'), keep = {'TRT01P', 'RACE'}})")
      == "test:1: bad argument #2 to 'adtte' (option 'keep': ADSL has no variable RACE)")
    #expect(error("adtte(tte, {paramcd = 'OS', keep = {'TRT01P'}})")
      == "test:1: bad argument #2 to 'adtte' (option 'keep': keep names ADSL variables: give adsl too)")
    #expect(error("adtte(tte, {paramcd = 'OS', to = 'hours'})").contains(
      "option 'to' must be one of \"days\", \"weeks\", \"months\", \"years\""))
    #expect(error("adtte(tte, {paramcd = 'OS', adsl = 3})").contains("option 'adsl' must be a dataset, got 3"))
    #expect(error("adtte(tte:drop{'AVALU'}, {paramcd = 'OS', to = 'months'})")
      == "test:1: bad argument #2 to 'adtte' (option 'to': cannot convert to months: the data have no AVALU to "
      + "say AVAL's unit)")
    #expect(error("adtte(tte, {paramcd = 'OS', adsl = bind_rows(dataset('adsl'), dataset('adsl'):head(1))})")
      .contains("option 'adsl': ADSL must have one row per subject"))
    #expect(error("""
      adtte(dataset.from{ {'USUBJID', {'a'}}, {'PARAMCD', {'OS'}}, {'AVAL', {2}}, {'CNSR', {-1}} }, {paramcd = 'OS'})
      """) == "test:1: bad argument #1 to 'adtte' (CNSR must be 0 (event) or a positive integer (censored), got -1 "
      + "in row 1)")
  }
}
