import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// Bad input to the survival functions: every error names the function, and
/// the option, column or row at fault, and points at the script's line.
@Suite struct SurvivalBindingErrorTests {
  let rt: KaplanRuntime
  init() throws {
    rt = try makeRuntime()
    try lua(rt, "lung = dataset('lung')")
  }

  func error(_ code: String) -> String { luaError(rt, code) }

  @Test func errorsPointAtTheScriptLine() {
    #expect(error("local x = 1\nkm(lung, 'Surv(time, status) ~ sex', {conf_typ = 'log'})")
      == "test:2: bad argument #3 to 'km' (unknown option 'conf_typ'; did you mean 'conf_type'? "
        + "(options: conf_type, conf_level, weights))")
    #expect(error("local f = km(lung, 'Surv(time, status) ~ sex')\n\nf:at{5000}").hasPrefix("test:3: at: "))
    #expect(error("\nlogrank(lung, 'Surv(time, status) ~ 1')").hasPrefix("test:2: logrank: "))
  }

  @Test func unknownOptionsAndWrongTypesNameTheKey() {
    #expect(error("km(lung, 'Surv(time, status) ~ sex', {conf_type = 'loglog'})").contains(
      #"bad argument #3 to 'km' (option 'conf_type' must be one of "log-log", "log", "plain", "logit", "arcsin", "#
        + #""none", got "loglog")"#))
    #expect(error("km(lung, 'Surv(time, status) ~ sex', {conf_type = 3})").contains(
      "bad argument #3 to 'km' (option 'conf_type' must be one of"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex', {conf_level = '95'})").contains(
      "bad argument #3 to 'km' (option 'conf_level' must be a number between 0 and 1 (exclusive), got \"95\")"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex', {conf_level = 95})").contains(
      "bad argument #3 to 'km' (option 'conf_level' must be a number between 0 and 1 (exclusive), got 95)"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex', {weights = 5})").contains(
      "bad argument #3 to 'km' (option 'weights' must be a column name (string), got 5)"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex', {'log'})").contains(
      "bad argument #3 to 'km' (options are named"))
    #expect(error("logrank(lung, 'Surv(time, status) ~ sex', {rh = 1})").contains(
      "bad argument #3 to 'logrank' (unknown option 'rh'; did you mean 'rho'? "
        + "(options: rho, gamma, weights, test, trend))"))
    #expect(error("logrank(lung, 'Surv(time, status) ~ sex', {rho = 'one'})").contains(
      "bad argument #3 to 'logrank' (option 'rho' must be a number, got \"one\")"))
    #expect(error("logrank(lung, 'Surv(time, status) ~ sex', {gamma = -1})").contains(
      "logrank: gamma must be finite and non-negative, got -1"))
    #expect(error("logrank(lung, 'Surv(time, status) ~ sex', {trend = 'yes'})").contains(
      "bad argument #3 to 'logrank' (option 'trend' must be true or false or an array of numbers, got \"yes\")"))
    #expect(error("logrank(lung, 'Surv(time, status) ~ sex', {trend = {1, 2, 3}})").contains(
      "logrank: trend: 3 scores given for 2 groups (sex=1, sex=2)"))
    #expect(error("pairwise_logrank(lung, 'Surv(time, status) ~ sex', {adjust = 'hochberg'})").contains(
      #"bad argument #3 to 'pairwise_logrank' (option 'adjust' must be one of "holm", "bonferroni", "BH", "bh", "#
        + #""none", got "hochberg")"#))
    #expect(error("followup(lung, 'Surv(time, status)', {weights = 'age'})").contains(
      "bad argument #3 to 'followup' (unknown option 'weights' (options: conf_type, conf_level))"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex'):at({100}, {extnd = true})").contains(
      "bad argument #2 to 'at' (unknown option 'extnd'; did you mean 'extend'? (options: extend))"))
  }

  @Test func argumentsOfTheWrongType() {
    #expect(error("km(nil, 'Surv(time, status) ~ sex')")
      .contains("bad argument #1 to 'km' (dataset expected, got nil)"))
    #expect(error("km(lung)").contains("bad argument #2 to 'km' (formula string expected, got no value)"))
    #expect(error("logrank(lung, 42)").contains("bad argument #2 to 'logrank' (formula string expected, got number)"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex', 'log')").contains(
      "bad argument #3 to 'km' (options table expected, got string)"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex'):at('365')").contains(
      "bad argument #1 to 'at' (array of times expected, got string)"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex'):at{'a'}").contains(
      "bad argument #1 to 'at' (array of times expected"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex'):rmst('x')").contains(
      "bad argument #1 to 'rmst' (number expected, got string)"))
    #expect(error("local f = km(lung, 'Surv(time, status) ~ sex'); f.at({}, {1})").contains(
      "calling 'at' on bad self (km result expected, got a table not made by a Kaplan function)"))
  }

  @Test func formulaErrorsGiveThePosition() {
    #expect(error("km(lung, 'Surv(time, status) ~ sex +')").contains(
      "km: formula 'Surv(time, status) ~ sex +': expected a term at position 26"))
    #expect(error("km(lung, 'Surv(time, status) ~ strata(sex')").contains(
      "km: formula 'Surv(time, status) ~ strata(sex': expected ',' or ')' at position 31"))
    #expect(error("km(lung, '')").contains(
      "km: formula '': expected Surv(time, event) or Surv(start, stop, event) at position 1"))
    #expect(error("logrank(lung, 'Surv(time) ~ sex')").contains(
      "logrank: formula 'Surv(time) ~ sex': Surv() needs a time and an event column"))
  }

  @Test func unknownColumnsSuggestTheClosestName() {
    #expect(error("km(lung, 'Surv(tme, status) ~ sex')").contains("km: column 'tme' not found (did you mean 'time'?)"))
    #expect(error("logrank(lung, 'Surv(time, status) ~ sexx')").contains(
      "logrank: column 'sexx' not found (did you mean 'sex'?)"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex', {weights = 'wt'})").contains("km: column 'wt' not found"))
  }

  @Test func badValuesNameRowAndColumn() {
    // lung$time[14] is 71, the first below 100 (so 71 - 100 = -29); lung$age[22] is 49.
    #expect(error("local d = lung:with{time = lung.time - 100}; km(d, 'Surv(time, status) ~ sex')").contains(
      "km: row 14: time must not be negative, got -29 in column 'time'"))
    #expect(error("local d = lung:with{status = lung.status + 1}; km(d, 'Surv(time, status) ~ sex')").contains(
      "km: row 1: event must be 0/1 (or 1/2, or true/false), got 3 in column 'status'"))
    #expect(error("local d = dataset.from{{'t', {1, 2}}, {'e', {'a', 'b'}}}; km(d, 'Surv(t, e) ~ 1')").contains(
      "km: event column 'e' must be 0/1 or true/false, but it holds strings"))
    #expect(error(
      "local d = lung:with{w = lung.age - 50}; km(d, 'Surv(time, status) ~ sex', {weights = 'w'})").contains(
      "km: row 22: weight must be non-negative and finite, got -1 in column 'w'"))
    #expect(error("local d = lung:with{e = lung.time}; km(d, 'Surv(e, time, status) ~ sex')").contains(
      "km: row 1: start (306) must be less than stop (306) in columns 'e' and 'time'"))
    #expect(error("local d = dataset.from{{'t', {0/0, 0/0}}, {'e', {1, 0}}}; km(d, 'Surv(t, e) ~ 1')").contains(
      "km: no complete rows: column 't' is missing (NA) in all 2 rows"))
  }

  @Test func methodsRefuseWhatRWouldRefuse() {
    #expect(error("logrank(lung, 'Surv(time, status) ~ 1')").contains(
      "logrank: formula 'Surv(time, status) ~ 1' has no groups to compare"))
    #expect(error("logrank(lung:where(lung.sex:eq(1)), 'Surv(time, status) ~ sex')").contains(
      "logrank: only one group (sex=1) in the data used"))
    #expect(error("logrank(dataset('heart'), 'Surv(start, stop, event) ~ transplant')").contains(
      "logrank: right-censored data only"))
    #expect(error("pairwise_logrank(dataset('heart'), 'Surv(start, stop, event) ~ transplant')").contains(
      "pairwise_logrank: right-censored data only"))
    #expect(error("followup(dataset('heart'), 'Surv(start, stop, event)')").contains(
      "followup: follow-up is measured from time 0"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex'):at{5000}").contains(
      "at: no requested time is within the follow-up of 'sex=1' (last time 1022); give extend = "
        + "true to report past it"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex'):at{-1}").contains(
      "at: times must be finite and non-negative, got -1"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex'):quantile{2}").contains(
      "quantile: probabilities must be between 0 and 1, got 2"))
    #expect(error("km(lung, 'Surv(time, status) ~ sex'):rmst(-1)").contains(
      "rmst: tau must be finite and non-negative, got -1"))
  }
}
