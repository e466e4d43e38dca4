import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `cox()` and `lrtest()` from Lua, end to end: bundled datasets through
/// formulas and model frames to numbers equal to R `survival` 3.5 `coxph`
/// (the fixtures of scripts/fixtures/cox.R) at `Tolerance.iterative`.
@Suite struct CoxBindingTests {
  /// Lua that builds each fixture's data as scripts/fixtures/cox.R does and
  /// leaves the fit in `m`.
  static let scripts: [String: String] = [
    "lung_efron": "local m = cox(lung, f_lung)",
    "lung_breslow": "local m = cox(lung, f_lung, {ties = 'breslow'})",
    "lung_exact": "local m = cox(lung, f_lung, {ties = 'exact'})",
    "lung_interaction": "local m = cox(lung3, 'Surv(time, status) ~ age * sex')",
    "lung_robust": "local m = cox(lung, f_lung, {robust = true})",
    "lung_weighted": "local m = cox(lung3w, f_lung, {weights = 'w'})",
    "lung_weighted_breslow": "local m = cox(lung3w, f_lung, {weights = 'w', ties = 'breslow'})",
    "lung_offset": "local m = cox(lung:with{off = lung.age * 0.01}, 'Surv(time, status) ~ sex + "
      + "ph.ecog + offset(off)')",
    "lung_cluster_inst": """
      local lung2 = lung:where(function(r) return r['wt.loss'] ~= nil end)
      local m = cox(lung2, 'Surv(time, status) ~ age + sex + ph.ecog + cluster(inst)')
      """,
    "colon_death": """
      local deaths = colon:where(colon.etype:eq(2))
      local m = cox(deaths, 'Surv(time, status) ~ rx + age + nodes + strata(sex)')
      """,
    "colon_cluster": """
      local c = colon:where(function(r) return r.nodes ~= nil end)
      local m = cox(c, 'Surv(time, status) ~ rx + age + sex + strata(etype) + cluster(id)')
      """,
    "veteran": "local m = cox(dataset('veteran'), 'Surv(time, status) ~ trt + celltype + karno')",
    "veteran_exact": "local m = cox(dataset('veteran'), 'Surv(time, status) ~ trt + karno', {ties = 'exact'})",
    "aml": "local m = cox(dataset('aml'), 'Surv(time, status) ~ x')",
    "aml_breslow": "local m = cox(dataset('aml'), 'Surv(time, status) ~ x', {ties = 'breslow'})",
    "aml_exact": "local m = cox(dataset('aml'), 'Surv(time, status) ~ x', {ties = 'exact'})",
    "heart": "local m = cox(heart, f_heart)",
    "heart_breslow": "local m = cox(heart, f_heart, {ties = 'breslow'})",
    "heart_cluster": "local m = cox(heart, f_heart .. ' + cluster(id)')",
    "heart_strata": "local m = cox(heart, 'Surv(start, stop, event) ~ age + year + transplant + strata(surgery)')",
    "heart_exact": "local m = cox(heart, 'Surv(start, stop, event) ~ age + surgery + transplant', {ties = 'exact'})",
    "heart_exact_strata": """
      local m = cox(heart, 'Surv(start, stop, event) ~ age + year + transplant + strata(surgery)', {ties = 'exact'})
      """,
    "heart_exact_cluster": "local m = cox(heart, 'Surv(start, stop, event) ~ age + surgery + transplant + "
      + "cluster(id)', {ties = 'exact'})",
    "heart_exact_maxiter": "local m = cox(heart, 'Surv(start, stop, event) ~ age + surgery + transplant', {ties = "
      + "'exact', max_iter = 2})",
    "lung_monotone": "local m = cox(lung3:with{dead = lung3.status - 1}, 'Surv(time, status) ~ age + dead')",
    "lung_maxiter": "local m = cox(lung, f_lung, {max_iter = 2})",
    "lung_collinear": "local m = cox(lung3:with{age2 = lung3.age * 2 + 1}, 'Surv(time, status) ~ age + sex + age2')",
    "lung_constant": "local m = cox(lung3:with{one = 1}, 'Surv(time, status) ~ age + one')",
  ]

  static let prelude = """
    local lung, colon, heart = dataset('lung'), dataset('colon'), dataset('heart')
    local f_lung = 'Surv(time, status) ~ age + sex + ph.ecog'
    local f_heart = 'Surv(start, stop, event) ~ age + year + surgery + transplant'
    local lung3 = lung:where(function(r) return r['ph.ecog'] ~= nil end)
    -- R: lung3$w <- 0.5 + (seq_len(nrow(lung3)) %% 4) * 0.375
    local w = {}
    for i = 1, #lung3 do w[i] = 0.5 + (i % 4) * 0.375 end
    local lung3w = lung3:with{w = w}

    """

  /// The fit's values as plain arrays (NA as NaN), for comparison in Swift.
  static let flatten = """

    local NA = 0 / 0
    local out = { names = {}, coef = {}, se = {}, robust_se = {}, z = {}, p = {}, lower = {}, upper = {},
      hr = {}, var = {}, means = {}, warnings = m.warnings }
    for i, t in ipairs(m.terms) do
      out.names[i] = t.name
      out.coef[i] = t.coef or NA
      out.hr[i] = t.hr or NA
      out.se[i] = t.singular and 0 or t.se   -- R's se of a dropped column is 0
      out.robust_se[i] = t.robust_se or NA
      out.z[i] = t.z or NA
      out.p[i] = t.p or NA
      out.lower[i] = t.lower or NA
      out.upper[i] = t.upper or NA
      out.means[i] = m.means[i]
      for j = 1, #m.terms do out.var[#out.var + 1] = m.var[i][j] or NA end
    end
    out.loglik = { m.loglik.null, m.loglik.fitted }
    out.tests = { m.tests.score.statistic, m.tests.score.p, m.tests.wald.statistic, m.tests.wald.p,
      m.tests.lr.statistic, m.tests.lr.p }
    out.df = m.tests.lr.df
    out.robust_score = { m.tests.robust_score and m.tests.robust_score.statistic or NA }
    out.concordance = { m.concordance.c, m.concordance.se }
    out.n, out.events, out.iter, out.converged, out.robust = m.n, m.events, m.iterations, m.converged, m.robust
    out.kind, out.name = m.kind, getmetatable(m).__name
    return out
    """

  static let fixtures = scripts.keys.sorted()

  @Test(arguments: fixtures)
  func matchesR(_ name: String) throws {
    let rt = try makeRuntime()
    let code = try #require(Self.scripts[name])
    let result = try lua(rt, Self.prelude + code + Self.flatten)
    let out = try #require(result.first?.tableValue)
    let fixture = try Fixture(name)
    #expect(out["kind"]?.stringValue == "cox" && out["name"]?.stringValue == "kaplan.cox")
    #expect(strings(out["names"]) == fixture.strings("names", in: fixture.input), "\(name) term names")
    func check(_ key: String, _ rKey: String, _ sourceLocation: SourceLocation = #_sourceLocation) {
      expectClose(numbers(out[key]), fixture.doubles(rKey), "\(name) \(key)", sourceLocation: sourceLocation)
    }
    check("coef", "coef")
    check("se", "se")
    check("z", "z")
    check("p", "p")
    check("lower", "hr_lower")
    check("upper", "hr_upper")
    check("loglik", "loglik")
    check("var", "var")
    check("means", "means")
    expectClose(numbers(out["hr"]), (fixture.doubles("coef") ?? []).map { exp($0) }, "\(name) hr")
    let tests = ["score_test", "score_p", "wald_test", "wald_p", "lr_test", "lr_p"].map {
      fixture.doubles($0)?.first ?? .nan
    }
    expectClose(numbers(out["tests"]), tests, "\(name) tests")
    expectClose(
      numbers(out["concordance"]),
      [fixture.doubles("concordance_c")?.first ?? .nan, fixture.doubles("concordance_se")?.first ?? .nan],
      "\(name) concordance")
    #expect(out["df"]?.doubleValue == fixture.doubles("df")?.first, "\(name) df")
    #expect(out["n"]?.doubleValue == fixture.doubles("n")?.first, "\(name) n")
    #expect(out["events"]?.doubleValue == fixture.doubles("nevent")?.first, "\(name) events")
    #expect(out["iter"]?.doubleValue == fixture.doubles("iter")?.first, "\(name) iterations")
    if let robust = fixture.doubles("robust_se"), !(robust.first?.isNaN ?? true) {
      #expect(out["robust"] == .boolean(true))
      check("robust_se", "robust_se")
      check("robust_score", "robust_score_test")
    } else {
      #expect(out["robust"] == .boolean(false))
    }
    // R's warnings, in R's words (Kaplan adds the coefficient names).
    let ours = strings(out["warnings"]) ?? []
    for warning in fixture.strings("warnings", in: fixture.output) ?? [] {
      let key = warning.hasPrefix(
        "Loglik converged before variable") ? "Loglik converged before variable 2 (dead)" : warning
      #expect(ours.contains { $0.hasPrefix(key) }, "\(name): R warns '\(warning)', Kaplan \(ours)")
    }
    #expect(out["converged"] == .boolean(!name.hasSuffix("_maxiter")))
  }

  @Test func likelihoodRatioTestMatchesAnova() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.prelude + """
      local small = cox(lung3, 'Surv(time, status) ~ age')
      local big = cox(lung3, f_lung)
      local t = lrtest(small, big)
      local u = big:anova(small)
      return t.statistic, t.df, t.p, u.statistic, u.p, tostring(t), getmetatable(t).__name, t.loglik[1], t.loglik[2]
      """)
    let reference = try #require(try loadFixture("cox/lung_lrtest.json") as? [String: Any])
    func value(_ key: String) -> Double { (reference[key] as? NSNumber)?.doubleValue ?? .nan }
    #expect(approxEqual(r[0].doubleValue ?? .nan, value("chisq"), relative: Tolerance.iterative))
    #expect(r[1].doubleValue == value("df"))
    #expect(approxEqual(r[2].doubleValue ?? .nan, value("p"), relative: Tolerance.iterative))
    #expect(approxEqual(r[3].doubleValue ?? .nan, value("chisq"), relative: Tolerance.iterative))
    #expect(approxEqual(r[4].doubleValue ?? .nan, value("p"), relative: Tolerance.iterative))
    #expect(approxEqual(r[7].doubleValue ?? .nan, value("loglik_small"), relative: Tolerance.iterative))
    #expect(approxEqual(r[8].doubleValue ?? .nan, value("loglik_big"), relative: Tolerance.iterative))
    let text = r[5].stringValue ?? ""
    #expect(text.contains("Model 1: Surv(time, status) ~ age"))
    #expect(text.contains("26.175") && text.contains("2.07e-06"))
    #expect(r[6].stringValue == "kaplan.lrtest")
  }

  @Test func lrtestRefusesModelsThatCannotBeCompared() throws {
    let rt = try makeRuntime()
    // lung has one row missing ph.ecog: the models use different rows.
    #expect(luaError(rt, Self.prelude + "lrtest(cox(lung, 'Surv(time, status) ~ age'), cox(lung, f_lung))")
      == "test:9: lrtest: the models were fitted to different numbers of rows (228 and 227); fit both to the same "
        + "complete rows (drop the rows missing in either model first)")
    #expect(luaError(rt, Self.prelude + "local m = cox(lung3, f_lung)\nlrtest(m, m)")
      .contains("lrtest: both models have 3 coefficients"))
    #expect(luaError(rt, Self.prelude + "lrtest(cox(lung3, f_lung), 42)")
      .contains("bad argument #2 to 'lrtest' (cox result expected, got number)"))
    #expect(luaError(rt, Self.prelude + "local m = cox(lung3, f_lung)\nm:anova(42)")
      .contains("bad argument #1 to 'anova' (cox result expected, got number)"))
    let other = "m:anova(cox(lung3:with{t2 = lung3.time}, 'Surv(t2, status) ~ age'))"
    #expect(luaError(rt, Self.prelude + "local m = cox(lung3, f_lung)\n" + other)
      .contains("anova: the models have different responses (Surv(time,status) and Surv(t2,status))"))
  }

  /// Each coefficient knows its variable, factor level and reference level.
  @Test func termsAreLabelled() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local colon = dataset('colon')
      local m = cox(colon:where(colon.etype:eq(2)), 'Surv(time, status) ~ rx + age + strata(sex)')
      local v = cox(dataset('veteran'), 'Surv(time, status) ~ celltype + karno + factor(trt)')
      local i = cox(dataset('lung'), 'Surv(time, status) ~ age * sex')
      local function row(t) return { t.name, t.variable, t.level or '-', t.reference_level or '-', t.term } end
      local out = {}
      for _, fit in ipairs({ m, v, i }) do
        for _, t in ipairs(fit.terms) do out[#out + 1] = table.concat(row(t), '|') end
      end
      return out, m.strata, m.n_dropped, m.ties, m.conf_level, m.formula
      """)
    #expect(strings(r[0]) == [
      "rxLev|rx|Lev|Obs|rx", "rxLev+5FU|rx|Lev+5FU|Obs|rx", "age|age|-|-|age",
      "celltypesmallcell|celltype|smallcell|squamous|celltype", "celltypeadeno|celltype|adeno|squamous|celltype",
      "celltypelarge|celltype|large|squamous|celltype", "karno|karno|-|-|karno",
      "factor(trt)2|factor(trt)|2|1|factor(trt)",
      "age|age|-|-|age", "sex|sex|-|-|sex", "age:sex|age:sex|-|-|age:sex",
    ])
    #expect(strings(r[1]) == ["sex=0", "sex=1"])
    #expect(r[2] == .integer(0))
    #expect(r[3].stringValue == "efron" && r[4].doubleValue == 0.95)
    #expect(r[5].stringValue == "Surv(time, status) ~ rx + age + strata(sex)")
  }

  @Test func printoutStatesTheModel() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.prelude + """
      local a = tostring(cox(lung, f_lung))
      local b = tostring(cox(lung, f_lung .. ' + cluster(inst)', {ties = 'breslow', conf_level = 0.9}))
      local c = tostring(cox(lung3:with{one = 1}, 'Surv(time, status) ~ age + one'))
      local d = tostring(cox(lung, f_lung, {max_iter = 2}))
      local colon = dataset('colon')
      local e = tostring(cox(colon:where(colon.etype:eq(2)), 'Surv(time, status) ~ rx + nodes + strata(sex)'))
      return a, b, c, d, e
      """)
    let a = r[0].stringValue ?? ""
    let lines = a.split(separator: "\n").map(String.init)
    #expect(lines.first == "Cox proportional hazards model: Surv(time, status) ~ age + sex + ph.ecog")
    #expect(a.contains("ties: efron; variance: model-based; HR with 95% CI"))
    #expect(lines.contains { $0.hasPrefix(
      "             coef      HR        SE       z         p  lower 95%  upper 95%") })
    #expect(lines.contains("sex      -0.55261  0.5754  0.167739  -3.294  0.000986     0.4142     0.7994"))
    #expect(a.contains("n = 227, events = 164, 1 row dropped for missing values"))
    #expect(a.contains("Likelihood ratio test = 30.5 on 3 df, p = 1.08e-06"))
    #expect(a.contains("Wald test             = 29.93 on 3 df, p = 1.43e-06"))
    #expect(a.contains("Score (log-rank) test = 30.5 on 3 df, p = 1.08e-06"))
    #expect(a.contains("Concordance = 0.637 (se = 0.025)"))
    #expect(!a.contains("Warning"))

    let b = r[1].stringValue ?? ""
    #expect(b.contains("ties: breslow; variance: robust (sandwich), clustered by inst; HR with 90% CI"))
    #expect(b.contains("robust SE") && b.contains("lower 90%") && b.contains("Robust score test"))

    let c = r[2].stringValue ?? ""
    #expect(c.contains("one       NA     NA        NA     NA      NA         NA         NA"))
    #expect(c.contains("(1 not defined because of singularities)"))
    #expect(c.contains("Warning: X matrix deemed to be singular; variable 2 (one)"))

    let d = r[3].stringValue ?? ""
    #expect(d.contains("Warning: Ran out of iterations and did not converge"))

    let e = r[4].stringValue ?? ""
    #expect(e.contains("stratified: 2 strata: sex=0; sex=1"))
    #expect(e.contains("p < 2e-16"))
  }

  /// The declarations help reads: every option documented, and the examples run.
  @Test func declarationsDocumentCoxAnovaAndLrtest() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local bind = package.loaded['kaplan.bind']
      local keys, signatures = {}, {}
      for _, name in ipairs({ 'cox', 'cox:anova', 'lrtest' }) do
        local e = bind.entry(name)
        signatures[#signatures + 1] = e.signature
        for _, o in ipairs(e.options) do
          assert(o.doc ~= '' and o.type ~= '', name .. ': ' .. o.key)
          keys[#keys + 1] = o.key
        end
        local env = setmetatable({ print = function() end }, { __index = _G })
        assert(load(e.example, '=example', 't', env))()
      end
      return table.concat(keys, ','), table.concat(signatures, '|')
      """)
    #expect(r[0].stringValue == "ties,weights,robust,conf_level,init,max_iter,tol,tt")
    #expect(r[1].stringValue == "cox(d, formula [, opts])|m:anova([m2])|lrtest(m1, m2)")
  }

  @Test func badOptionsNameTheKey() throws {
    let rt = try makeRuntime()
    let base = "local d = dataset('lung')\n"
    func error(_ code: String) -> String { luaError(rt, base + code) }
    let options = "(options: ties, weights, robust, conf_level, init, max_iter, tol, tt)"
    #expect(error("cox(d, 'Surv(time, status) ~ age', {tie = 'efron'})")
      == "test:2: bad argument #3 to 'cox' (unknown option 'tie'; did you mean 'ties'? \(options))")
    #expect(error("cox(d, 'Surv(time, status) ~ age', {colour = 'red'})")
      == "test:2: bad argument #3 to 'cox' (unknown option 'colour' \(options))")
    #expect(error("cox(d, 'Surv(time, status) ~ age', {ties = 'efronn'})")
      == "test:2: bad argument #3 to 'cox' (option 'ties' must be one of \"efron\", \"breslow\", \"exact\", "
        + "got \"efronn\")")
    #expect(error("cox(d, 'Surv(time, status) ~ age', {ties = 1})")
      .contains("bad argument #3 to 'cox' (option 'ties' must be one of \"efron\", \"breslow\", \"exact\", got 1)"))
    #expect(error("cox(d, 'Surv(time, status) ~ age', {robust = 'yes'})")
      == "test:2: bad argument #3 to 'cox' (option 'robust' must be true or false, got \"yes\")")
    #expect(error("cox(d, 'Surv(time, status) ~ age', {weights = 3})")
      .contains("bad argument #3 to 'cox' (option 'weights' must be a column name (string), got 3)"))
    #expect(error("cox(d, 'Surv(time, status) ~ age', {conf_level = 95})")
      .contains("bad argument #3 to 'cox' (option 'conf_level' must be a number between 0 and 1 (exclusive), got 95)"))
    #expect(error("cox(d, 'Surv(time, status) ~ age', {max_iter = 2.5})")
      .contains("bad argument #3 to 'cox' (option 'max_iter' must be an integer ≥ 0, got 2.5)"))
    #expect(error("cox(d, 'Surv(time, status) ~ age', {tol = -1})")
      .contains("bad argument #3 to 'cox' (option 'tol' must be a positive number, got -1)"))
    #expect(error("cox(d, 'Surv(time, status) ~ age', {init = {'a'}})")
      .contains("bad argument #3 to 'cox' (option 'init' must be an array of numbers, got table)"))
    #expect(error("cox(d, 'Surv(time, status) ~ age', {init = {1/0}})")
      == "test:2: cox: init value 1 is Inf; initial coefficients must be finite")
    #expect(error("cox(d, 'Surv(time, status) ~ age + sex', {init = {0}})")
      .contains("cox: init has 1 value but the model has 2 coefficients (age, sex)"))
    #expect(error("cox(d, 'Surv(time, status) ~ age', {'efron'})")
      .contains("bad argument #3 to 'cox' (options are named, as {ties = ...}; got a list \(options))"))
    #expect(error("cox(d, 'Surv(time, status) ~ age', 'efron')")
      .contains("bad argument #3 to 'cox' (options table expected, got string)"))
    #expect(error("cox(nil, 'Surv(time, status) ~ age')")
      == "test:2: bad argument #1 to 'cox' (dataset expected, got nil)")
    #expect(error("cox(d)") == "test:2: bad argument #2 to 'cox' (formula string expected, got no value)")
    #expect(error("cox(d, 'Surv(time, status) ~ age', {weights = 'wt'})")
      .contains("cox: column 'wt' not found"))
  }

  @Test func badDataGivesClearMessages() throws {
    let rt = try makeRuntime()
    let base = "local d = dataset('lung')\n"
    func error(_ code: String) -> String { luaError(rt, base + code) }
    // Unknown column, with a suggestion.
    #expect(error(
      "cox(d, 'Surv(time, status) ~ agee')") == "test:2: cox: column 'agee' not found (did you mean 'age'?)")
    // A formula that does not parse.
    #expect(error("cox(d, 'Surv(time, status) ~ age +')")
      .contains("cox: formula 'Surv(time, status) ~ age +': expected a term"))
    // No covariates.
    #expect(error("cox(d, 'Surv(time, status) ~ 1')").contains("has no covariates"))
    // All censored.
    #expect(error("cox(d:with{s0 = d.time * 0}, 'Surv(time, s0) ~ age')")
      == "test:2: cox: no events: all 228 rows used are censored (column 's0'), so there is no partial "
        + "likelihood to maximise")
    // A factor with one level.
    #expect(error("cox(d:with{g = 'a'}, 'Surv(time, status) ~ age + g')")
      .contains("cox: factor 'g' has only one level ('a'); a factor needs at least two levels"))
    // A column of NAs.
    #expect(error("cox(d:with{x = 0/0}, 'Surv(time, status) ~ age + x')")
      == "test:2: cox: no complete rows: column 'x' is missing (NA) in all 228 rows")
    // Non-finite covariate, zero weight, weights with exact ties.
    #expect(error("cox(d:with{x = d.age / 0}, 'Surv(time, status) ~ x')")
      .contains("cox: row 1: covariate 'x' is Inf; covariates must be finite"))
    #expect(error("cox(d:with{w = d.age * 0}, 'Surv(time, status) ~ age', {weights = 'w'})")
      .contains("cox: row 1: weight 0 in column 'w'; Cox case weights must be > 0"))
    #expect(luaError(rt, "local h = dataset('heart')\ncox(h:with{w = 2}, 'Surv(start, stop, event) ~ age', {ties = "
      + "'exact', weights = 'w'})")
      .contains("cox: case weights are not supported for ties = exact (as in R)"))
    // R: "dfbeta residuals are not available for the exact method".
    #expect(error("cox(d, 'Surv(time, status) ~ age + sex + cluster(inst)', {ties = 'exact'})")
      .contains("cox: a robust variance (robust = true or cluster()) is not available for ties = exact on "
        + "Surv(time, event) data"))
    #expect(error("cox(d, 'Surv(time, status) ~ age', {ties = 'exact', robust = true})")
      .contains("(as in R: no dfbeta residuals for the exact partial likelihood); use ties = efron"))
    #expect(luaError(rt, "cox(dataset('heart'), 'Surv(start, stop, event) ~ age', {robust = true})")
      .contains("cox: robust = true with Surv(start, stop, event) data needs cluster(id) in the formula"))
  }

  /// R's default for `robust`: on with cluster() or fractional weights;
  /// robust = false drops the cluster with R's warning.
  @Test func robustDefaultsAsR() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local d = dataset('lung')
      local f = 'Surv(time, status) ~ age'
      local whole = cox(d:with{w = 2}, f, {weights = 'w'})
      local half = cox(d:with{w = 0.5}, f, {weights = 'w'})
      local off = cox(d, f .. ' + cluster(inst)', {robust = false})
      local plain = cox(d:where(function(row) return row.inst ~= nil end), f)
      return whole.robust, half.robust, off.robust, off.warnings[1], off.cluster, off.terms[1].se, plain.terms[1].se,
        off.terms[1].robust_se
      """)
    #expect(r[0] == .boolean(false) && r[1] == .boolean(true) && r[2] == .boolean(false))
    #expect(r[3].stringValue == "cluster specified with robust=FALSE, cluster ignored")
    #expect(r[4] == .nil && r[7] == .nil)
    #expect(r[5] != .nil && r[5] == r[6])
  }

  /// A constant covariate: R's NA coefficient, reported and printed.
  @Test func constantCovariateIsNA() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local d = dataset('lung'):with{one = 1}
      local m = cox(d, 'Surv(time, status) ~ age + one')
      return m.terms[2].coef, m.terms[2].singular, m.terms[2].se, m.terms[1].coef, m.warnings[1], m.tests.lr.df
      """)
    #expect(r[0] == .nil && r[1] == .boolean(true) && r[2] == .nil)
    #expect(r[3].doubleValue != nil)
    #expect(r[4].stringValue?.hasPrefix("X matrix deemed to be singular; variable 2 (one)") == true)
    #expect(r[5] == .integer(1))
  }

  /// The forest plot reads the terms as cox() returns them.
  @Test func plotsAForestOfTheFit() throws {
    let rt = try makeRuntime()
    let r = try lua(rt,
      "return plot(cox(dataset('veteran'), 'Surv(time, status) ~ trt + celltype + karno'), {file = 'forest.svg'})")
    let svg = try String(contentsOfFile: r.first?.stringValue ?? "", encoding: .utf8)
    #expect(svg.contains(">celltype<") && svg.contains(">squamous<") && svg.contains(">adeno<"))
    #expect(svg.contains(">karno<"))
  }
}

// MARK: - Helpers

/// A Cox fixture of scripts/fixtures/cox.R (numbers as [Double], null as NaN).
private struct Fixture {
  let input: [String: Any]
  let output: [String: Any]

  init(_ name: String) throws {
    let root = try #require(try loadFixture("cox/\(name).json") as? [String: Any])
    input = try #require(root["input"] as? [String: Any])
    output = try #require(root["output"] as? [String: Any])
  }

  func doubles(_ key: String) -> [Double]? {
    switch output[key] {
    case let number as NSNumber: return [number.doubleValue]
    case let array as [Any]:
      return array.map { ($0 as? NSNumber)?.doubleValue ?? Double(($0 as? String) ?? "") ?? .nan }
    case is NSNull: return [.nan]
    default: return nil
    }
  }

  func strings(_ key: String, in object: [String: Any]) -> [String]? {
    if let s = object[key] as? String { return [s] }
    return object[key] as? [String]
  }
}

private func numbers(_ value: LuaValue?) -> [Double] {
  guard case .table(let t)? = value else { return [] }
  return t.array.map { $0.doubleValue ?? .nan }
}

private func strings(_ value: LuaValue?) -> [String]? {
  guard case .table(let t)? = value else { return nil }
  return t.array.map { $0.stringValue ?? "?" }
}

private func expectClose(
  _ actual: [Double], _ expected: [Double]?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  guard let expected else {
    Issue.record("\(what): no reference value", sourceLocation: sourceLocation)
    return
  }
  #expect(actual.count == expected.count, "\(what): \(actual.count) values, R has \(expected.count)",
          sourceLocation: sourceLocation)
  for (i, (a, e)) in zip(actual, expected).enumerated() {
    #expect(approxEqual(a, e, relative: Tolerance.iterative, absoluteFloor: 1e-12),
            "\(what)[\(i)]: \(a) vs R \(e)", sourceLocation: sourceLocation)
  }
}
