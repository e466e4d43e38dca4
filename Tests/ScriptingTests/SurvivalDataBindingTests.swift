import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// survsplit, landmark and tmerge as scripts call them: the point of
/// survsplit (Cox on the split data is the same fit), the Lua shape of
/// tmerge's terms, and errors naming function, argument and value.
@Suite struct SurvivalDataBindingTests {
  let rt: KaplanRuntime
  init() throws { rt = try makeRuntime() }

  private func number(_ code: String) throws -> Double {
    guard let x = try lua(rt, code).first?.doubleValue else { throw LuaError.runtime("not a number: \(code)") }
    return x
  }

  @Test func coxOnSplitDataIsTheFitOnTheUnsplitData() throws {
    // Splitting at times that are not event times changes no risk set, so
    // coxph(Surv(tstart, time, status)) equals coxph(Surv(time, status)):
    // the same sums in another grouping, equal to the iterative tolerance.
    try lua(rt, """
      local lung = dataset("lung")
      local s = survsplit(lung, {cut = {100, 200.5, 365, 500}})
      whole = cox(lung, "Surv(time, status) ~ age + sex + ph.ecog")
      split = cox(s, "Surv(tstart, time, status) ~ age + sex + ph.ecog")
      """)
    for i in 1...3 {
      let a = try number("return whole.terms[\(i)].coef"), b = try number("return split.terms[\(i)].coef")
      #expect(approxEqual(a, b, relative: Tolerance.iterative), "coef \(i): \(a) vs \(b)")
      let sa = try number("return whole.terms[\(i)].se"), sb = try number("return split.terms[\(i)].se")
      #expect(approxEqual(sa, sb, relative: Tolerance.iterative), "se \(i)")
    }
    let la = try number("return whole.loglik.fitted"), lb = try number("return split.loglik.fitted")
    #expect(approxEqual(la, lb, relative: Tolerance.iterative))
  }

  @Test func survsplitLeavesItsInputAsItWas() throws {
    let r = try lua(rt, """
      local d = dataset("aml")
      local s = survsplit(d, {cut = 12, episode = "ep"})
      return #d, #s, d:ncol(), s:ncol(), s.ep[3]
      """)
    // R: nrow(survSplit(Surv(time, status) ~ ., aml, cut = 12, episode = "ep")) is 40; row 3 is episode 2.
    #expect(r == [.integer(23), .integer(40), .integer(3), .integer(5), .integer(2)])
  }

  @Test func landmarkResetsTheClock() throws {
    let r = try lua(rt, "local l = landmark(dataset('aml'), 12); return #l, l.time[1], l.time:min()")
    #expect(r.first == .integer(17))  // R: sum(aml$time > 12)
    #expect(r.dropFirst().allSatisfy { $0.doubleValue.map { $0 > 0 } ?? false })
  }

  @Test func tmergeTermsInListOrderThenByName() throws {
    let r = try lua(rt, """
      local base = dataset.from{ {"id", {1, 2}}, {"futime", {10, 20}}, {"dead", {1, 0}} }
      local visits = dataset.from{ {"id", {1, 2, 2}}, {"day", {4, 5, 12}}, {"alb", {3.1, 2.8, 2.5}} }
      local d = tmerge(base, base, {id = "id", death = event("futime", "dead")})
      d = tmerge(d, visits, {id = "id", {"z", tdc("day")}, alb = tdc("day", "alb"), any = cumtdc("day")})
      local names = table.concat(d:names(), ",")
      local tc = tcount(d)
      return names, #d, d.alb[2], d.death[2], tc.variable[2], tc.within[2]
      """)
    #expect(r == [.string("id,futime,dead,tstart,tstop,death,z,alb,any"), .integer(5), .number(3.1), .integer(1),
                  .string("z"), .integer(3)])
  }

  @Test func badInputsNameFunctionArgumentAndValue() throws {
    let cases: [(String, String)] = [
      ("survsplit(dataset('aml'), {cut = {20, 10}})",
       "bad argument #2 to 'survsplit' (option 'cut': cut points must be increasing, got 10 after 20)"),
      ("survsplit(dataset('aml'), {cut = {-5}})",
       "bad argument #2 to 'survsplit' (option 'cut': cut points must not be negative, got -5)"),
      ("survsplit(dataset('aml'), {cut = {5}, event = 'dead'})",
       "bad argument #2 to 'survsplit' (option 'event': no column 'dead' (columns: time, status, x))"),
      ("survsplit(dataset('aml'), {cut = {5}, start = 'time'})",
       "bad argument #2 to 'survsplit' (option 'start': the start and the stop are the same column 'time')"),
      ("survsplit(dataset('aml'), {})",
       "bad argument #2 to 'survsplit' (option 'cut' is required (the cut points, e.g. {cut = {6, 12}}))"),
      ("landmark(dataset('aml'), 10, {time = 'x'})",
       "bad argument #3 to 'landmark' (option 'time': column 'x' must hold numbers (int or double), got a string "
         + "column)"),
      ("local b = dataset.from{ {'id', {1, 2}}, {'t', {5, 6}} }\n"
         + "local c = dataset.from{ {'id', {1, 3}}, {'t', {5, 6}} }\n"
         + "tmerge(b, c, {id = 'id', tstop = 't'})",
       "bad argument #2 to 'tmerge' (setting the follow-up, data2 has id 3, which data1 does not)"),
      ("local b = dataset.from{ {'id', {1, 2}}, {'t', {5, 6}} }\ntmerge(b, b, {id = 'id', x = 't'})",
       "bad argument #3 to 'tmerge' ('x' must be a term: tdc(time [, value]), event(...), cumtdc(...) or "
         + "cumevent(...); got \"t\")"),
      ("local b = dataset.from{ {'id', {1, 2}}, {'t', {5, 6}} }\n"
         + "tmerge(b, b, {id = 'id', tstop = 't', {'tstart', tdc('t')}})",
       "bad argument #3 to 'tmerge' (term 'tstart': 'tstart' is the id or an interval column; name the term "
         + "otherwise)"),
      ("local b = dataset.from{ {'id', {1, 2}}, {'t', {5, 6}} }\n"
         + "tmerge(b, b, {id = 'id', x = event('day')})",
       "bad argument #3 to 'tmerge' (term 'x': time: no column 'day' (columns: id, t))"),
      ("local b = dataset.from{ {'id', {1, 2}}, {'t', {5, 6}} }\n"
         + "tmerge(b, b, {id = 'id', x = event('t')}, {delay = -1})",
       "bad argument #4 to 'tmerge' (option 'delay' must be a number ≥ 0, got -1)"),
      ("tcount(dataset('aml'))",
       "bad argument #1 to 'tcount' (not a result of tmerge (or a dataset made from one by another method))"),
    ]
    for (code, message) in cases {
      #expect(luaError(rt, code).hasSuffix(message), "\(code)")
    }
  }
}
