import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `survreg()` from Lua: the printout against R's `summary(survreg)`, the
/// result's fields and methods, tidy() and json(), and error wording (the
/// numbers are checked against R in AnalysisTests/SurvregFixtureTests).
@Suite struct SurvregBindingTests {
  /// R's printed summary (from the Value header to the n line) of a fixture.
  static func printed(_ name: String) throws -> [String] {
    guard let f = try loadFixture("survreg/\(name).json") as? [String: Any], let text = f["printed"] as? String else {
      throw SurvregFixtureError("no printout in \(name)")
    }
    return Self.lines(text)
  }

  /// Lines without trailing blanks (R ends cat() lines with a space) and without empty lines at the end.
  static func lines(_ text: String) -> [String] {
    var out = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      String(line.reversed().drop { $0 == " " }.reversed())
    }
    while out.last == "" { out.removeLast() }
    return out
  }

  @Test(arguments: [
    ("lung_weibull", "dataset(\"lung\")", "Surv(time, status) ~ age + sex", "{}"),
    ("lung_cluster", "dataset(\"lung\")", "Surv(time, status) ~ age + sex + cluster(inst)", "{}"),
    ("lung_null_exponential", "dataset(\"lung\")", "Surv(time, status) ~ 1", "{dist = \"exponential\"}"),
    ("lung_lognormal", "dataset(\"lung\")", "Surv(time, status) ~ age + sex + ph.ecog", "{dist = \"lognormal\"}"),
    ("veteran_weibull", "dataset(\"veteran\")", "Surv(time, status) ~ trt + celltype + karno", "{}"),
  ])
  func printsAsRsSummary(_ name: String, _ data: String, _ formula: String, _ options: String) throws {
    let rt = try makeRuntime()
    let r = try lua(rt, "return tostring(survreg(\(data), \"\(formula)\", \(options)))")
    guard case .string(let text) = r.first else { throw SurvregFixtureError("no text") }
    var ours = Self.lines(text)
    #expect(ours.first == "Parametric survival regression (survreg): \(formula)")
    ours.removeFirst(2)
    // The proportional-hazards block (Weibull, exponential) follows R's part.
    if let blank = ours.firstIndex(where: { $0.hasPrefix("Proportional hazards form") }) {
      ours = Array(ours[..<(blank - 1)])
    }
    #expect(ours == (try Self.printed(name)))
  }

  @Test func fieldsAndMethodsFollowTheOtherModels() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local m = survreg(dataset("lung"), "Surv(time, status) ~ age + sex")
      local t = tidy(m)
      local p = m:predict(dataset("lung"):head(2), {type = "quantile", p = {0.25, 0.5, 0.75}})
      return m.terms[2].name, m.scale, m.loglik.fitted, m:aic(), m:bic(), table.concat(t:names(), ","),
        t:nrow(), p:nrow(), table.concat(p:names(), ","), m.ph.shape, json(m):sub(1, 1), m.dist,
        m:predict(nil, {se = false}):nrow(), m.chisq.df
      """)
    #expect(r[0] == .string("age"))
    #expect(approxEqual(r[1].doubleValue ?? 0, 0.7540509476408201, relative: Tolerance.iterative))
    #expect(approxEqual(r[2].doubleValue ?? 0, -1147.0544314319498, relative: Tolerance.iterative))
    // AIC = −2ℓ + 2·4; BIC = −2ℓ + log(228)·4.
    #expect(approxEqual(r[3].doubleValue ?? 0, 2 * 1147.0544314319498 + 8, relative: Tolerance.iterative))
    #expect(approxEqual(r[4].doubleValue ?? 0, 2 * 1147.0544314319498 + log(228) * 4, relative: Tolerance.iterative))
    #expect(r[5] == .string("term,estimate,std_error,statistic,p_value,conf_low,conf_high"))
    #expect(r[6] == .integer(4) && r[7] == .integer(6))
    #expect(r[8] == .string("p,fit,se_fit"))
    #expect(approxEqual(r[9].doubleValue ?? 0, 1 / 0.7540509476408201, relative: Tolerance.iterative))
    #expect(r[10] == .string("{") && r[11] == .string("weibull"))
    #expect(r[12] == .integer(228) && r[13] == .integer(2))
  }

  @Test func intervalCensoredResponsesParseAndOtherAnalysesRefuseThem() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local d = dataset.from{lo = {1, 2, 4, 5, 7, 9, 3}, hi = {2, 3, 4, 8, 11, 12, 6}, x = {0, 1, 0, 1, 0, 1, 1}}
      local m = survreg(d, 'Surv(lo, hi, type = "interval2") ~ x')
      return m.n, m.events, m.converged
      """)
    #expect(r[0] == .integer(7) && r[1] == .integer(1) && r[2] == .boolean(true))
    let message = luaError(rt, """
      km(dataset.from{lo = {1, 2}, hi = {2, 3}}, 'Surv(lo, hi, type = "interval2") ~ 1')
      """)
    #expect(message.contains("type = \"interval2\") is fitted by survreg() only"), "\(message)")
  }

  @Test func badInputIsAClearError() throws {
    let rt = try makeRuntime()
    let zero = luaError(rt, """
      survreg(dataset.from{t = {0, 2, 3}, e = {1, 1, 0}}, "Surv(t, e) ~ 1")
      """)
    #expect(zero.contains("survreg: row 1: time must be > 0 for dist = \"weibull\" (a log-time model), got 0 "
      + "in column 't'"), "\(zero)")
    let censored = luaError(rt, """
      survreg(dataset.from{t = {1, 2, 3}, e = {0, 0, 0}}, "Surv(t, e) ~ 1")
      """)
    #expect(censored.contains("survreg: all 3 rows used are right-censored (column 'e')"), "\(censored)")
    let dist = luaError(rt, "survreg(dataset('lung'), 'Surv(time, status) ~ age', {dist = 'weibul'})")
    #expect(dist.contains("bad argument #3 to 'survreg' (option 'dist'"), "\(dist)")
    #expect(dist.contains("weibul"), "\(dist)")
    let type = luaError(rt, "survreg(dataset('lung'), 'Surv(time, status, type = \"counting\") ~ age')")
    #expect(type.contains("unknown Surv() type \"counting\""), "\(type)")
    let scale = luaError(rt, "survreg(dataset('veteran'), 'Surv(time, status) ~ trt + strata(celltype)', {scale = 1})")
    #expect(scale.contains("scale = 1 fixes one scale"), "\(scale)")
    // The Gaussian family takes negative times (y is the time itself).
    let r = try lua(rt, """
      return survreg(dataset.from{t = {-1, 2, 3, 0.5}, e = {1, 1, 0, 1}}, "Surv(t, e) ~ 1", {dist = "gaussian"}).n
      """)
    #expect(r[0] == .integer(4))
  }

  @Test func aConstantCovariateIsASingularityWarning() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local m = survreg(dataset.from{t = {1, 2, 3, 4}, e = {1, 1, 1, 1}, x = {1, 1, 1, 1}}, "Surv(t, e) ~ x")
      return m.warnings[1]
      """)
    #expect(r[0] == .string("X matrix deemed to be singular; coefficient x is not estimable (R gives NA)"))
    let message = luaError(rt, "survreg(dataset('lung'), 'Surv(time, status) ~ 1', {init = {1, 2, 3}})")
    #expect(message.contains("init has 3 values but the model has 1 coefficient ((Intercept))"), "\(message)")
  }

  @Test func nonConvergenceWarnsAndKeepsTheLastIterate() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local m = survreg(dataset("lung"), "Surv(time, status) ~ age + sex", {max_iter = 1})
      return m.converged, m.warnings[1], m.terms[1].coef ~= nil
      """)
    #expect(r[0] == .boolean(false))
    #expect(r[1] == .string("Ran out of iterations and did not converge (1 iterations; raise max_iter)"))
    #expect(r[2] == .boolean(true))
  }
}

struct SurvregFixtureError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
