import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `cuminc()` and `finegray()` end to end: bundled datasets turned into
/// competing-risks data in Lua exactly as scripts/fixtures/competing_risks.R
/// does, through formulas, to R's numbers (cmprsk 2.2-11, survival 3.5-3)
/// at 1e-10 (cumulative incidence, variances, Gray's test) and 1e-6 (crr).
@Suite struct CompetingRisksBindingTests {
  /// colon: per id the first of recurrence (etype 1) and death (etype 2):
  /// status 1 recurrence, 2 death without recurrence, 0 censored.
  static let colon = """
    local colon = dataset("colon")
    local rec = colon:where(colon.etype:eq(1)):sort{"id"}
    local dth = colon:where(colon.etype:eq(2)):sort{"id"}
    local rid, did = rec.id:values(), dth.id:values()
    local rs, rt, ds, dt = rec.status:values(), rec.time:values(), dth.status:values(), dth.time:values()
    local ctime, cstat = {}, {}
    for i = 1, #rec do
      assert(rid[i] == did[i])
      ctime[i] = rs[i] == 1 and rt[i] or dt[i]
      cstat[i] = rs[i] == 1 and 1 or (ds[i] == 1 and 2 or 0)
    end
    local cr = rec:with{ ctime = ctime, cstat = cstat }

    """

  /// myeloid: 1 complete response at crtime, 2 death before it, 0 censored.
  static let myeloid = """
    local my = dataset("myeloid")
    local mtime, mstat = {}, {}
    for i, r in my:rows() do
      mtime[i] = r.crtime or r.futime
      mstat[i] = r.crtime and 1 or (r.death == 1 and 2 or 0)
    end
    my = my:with{ mtime = mtime, mstat = mstat }

    """

  /// The generated fixture with many ties (time 0 included), from its input arrays.
  static func tied() throws -> String {
    let f = try CompetingRisksFixture("tied")
    let crr = (f["crr"] as? [[String: Any]])?.first ?? [:]
    let n = CompetingRisksFixture.doubles(f["time"]).count
    let x = CompetingRisksFixture.doubles(crr["x"])
    func column(_ j: Int) -> [Double] { Array(x[(j * n)..<((j + 1) * n)]) }
    return """
      local td = dataset.from{
        {"time", \(CompetingRisksFixture.luaArray(CompetingRisksFixture.doubles(f["time"])))},
        {"status", \(CompetingRisksFixture.luaArray(CompetingRisksFixture.doubles(f["status"])))},
        {"g", \(CompetingRisksFixture.luaArray(CompetingRisksFixture.doubles(f["group"])))},
        {"s", \(CompetingRisksFixture.luaArray(CompetingRisksFixture.doubles(f["strata"])))},
        {"x1", \(CompetingRisksFixture.luaArray(column(0)))},
        {"x2", \(CompetingRisksFixture.luaArray(column(1)))},
        {"g1", \(CompetingRisksFixture.luaArray(column(2)))},
        {"g2", \(CompetingRisksFixture.luaArray(column(3)))},
      }

      """
  }

  /// (Lua preamble, formula response, group variable, strata variable, group labels) per fixture.
  static func setup(
    _ name: String
  ) throws -> (lua: String, response: String, group: String, strata: String, labels: [String]) {
    switch name {
    case "colon": return (colon, "Surv(ctime, cstat)", "rx", "sex", ["rx=Obs", "rx=Lev", "rx=Lev+5FU"])
    case "myeloid": return (myeloid, "Surv(mtime, mstat)", "trt", "sex", ["trt=A", "trt=B"])
    default: return (try tied(), "Surv(time, status)", "g", "s", ["g=0", "g=1", "g=2"])
    }
  }

  // MARK: cuminc against cmprsk::cuminc

  /// The value of cuminc's doubled step arrays at each of `grid`.
  static func steps(_ time: [Double], _ values: [Double], at grid: [Double]) -> [Double] {
    let jumps = max((time.count - 2) / 2, 0)
    return grid.map { t in
      var v = 0.0
      for j in 0..<jumps where time[1 + 2 * j] <= t { v = values[2 + 2 * j] }
      return v
    }
  }

  @Test(arguments: ["colon", "myeloid", "tied"])
  func cumincEqualsCmprsk(_ name: String) throws {
    let f = try CompetingRisksFixture(name)
    let s = try Self.setup(name)
    let rt = try makeRuntime()
    let data = name == "colon" ? "cr" : (name == "myeloid" ? "my" : "td")
    let r = try lua(rt, s.lua + """
      local ci = cuminc(\(data), "\(s.response) ~ \(s.group)")
      assert(getmetatable(ci).__name == "kaplan.cuminc" and ci.kind == "cuminc")
      return ci.curves, ci.causes, ci.n, ci.n_dropped, ci.variance, ci.conf_type
      """)
    guard case .table(let causes) = r[1] else { Issue.record("no causes"); return }
    #expect(causes.array == [.string("1"), .string("2")])
    #expect(r[2].doubleValue == CompetingRisksFixture.doubles(f["n"]).first)
    #expect(r[3].doubleValue == 0)
    #expect(r[4] == .string("aalen") && r[5] == .string("log-log"))
    let expected = f["cuminc"] as? [[String: Any]] ?? []
    let k = s.labels.count
    #expect(expected.count == 2 * k)
    for e in expected {
      let parts = (e["name"] as? String ?? "").split(separator: " ").compactMap { Int($0) }
      let (g, c) = (parts[0], parts[1])
      let curve = luaItem(r[0], (c - 1) * k + g + 1)
      #expect(luaField(curve, "group") == .string(s.labels[g]))
      #expect(luaField(curve, "cause") == .string(String(c)))
      let grid = luaDoubles(luaField(curve, "time"))
      let fTime = CompetingRisksFixture.doubles(e["time"])
      let est = Self.steps(fTime, CompetingRisksFixture.doubles(e["est"]), at: grid)
      let v = Self.steps(fTime, CompetingRisksFixture.doubles(e["var"]), at: grid)
      let ours = luaDoubles(luaField(curve, "est"))
      let ourVar = luaDoubles(luaField(curve, "var"))
      #expect(allClose(ours, est, relative: Tolerance.closedForm),
        "\(name) \(g) \(c) est \(firstMismatch(ours, est, relative: Tolerance.closedForm))")
      #expect(allClose(ourVar, v, relative: Tolerance.closedForm),
        "\(name) \(g) \(c) var \(firstMismatch(ourVar, v, relative: Tolerance.closedForm))")
      // The jumps of the step arrays are cmprsk's jump times, with events there.
      let jumps = stride(from: 1, to: max(fTime.count - 1, 1), by: 2).map { fTime[$0] }
      let nEvent = luaDoubles(luaField(curve, "n_event"))
      let ourJumps = zip(grid, nEvent).filter { $0.1 > 0 }.map(\.0)
      #expect(ourJumps == jumps, "\(name) \(g) \(c) jump times")
      // The grid ends at the group's last follow-up time (cuminc's last entry).
      #expect(grid.last == fTime.last)
    }
  }

  @Test(arguments: ["colon", "myeloid", "tied"])
  func graysTestEqualsCmprsk(_ name: String) throws {
    let f = try CompetingRisksFixture(name)
    let s = try Self.setup(name)
    let rt = try makeRuntime()
    let data = name == "colon" ? "cr" : (name == "myeloid" ? "my" : "td")
    let cases: [(String, String)] = [
      ("tests", "\(s.response) ~ \(s.group)\", {rho = 0}"),
      ("tests_strata", "\(s.response) ~ \(s.group) + strata(\(s.strata))\""),
      ("tests_rho1", "\(s.response) ~ \(s.group)\", {rho = 1}"),
      ("tests_strata_rho1", "\(s.response) ~ strata(\(s.strata)) + \(s.group)\", {rho = 1}"),
    ]
    for (key, call) in cases {
      let r = try lua(rt, s.lua + "local ci = cuminc(\(data), \"\(call))\nreturn ci.tests")
      let expected = f[key] as? [String: Any] ?? [:]
      let stat = CompetingRisksFixture.doubles(expected["stat"])
      let pv = CompetingRisksFixture.doubles(expected["pv"])
      let df = CompetingRisksFixture.doubles(expected["df"])
      for c in 0..<2 {
        let t = luaItem(r[0], c + 1)
        #expect(luaField(t, "cause") == .string(String(c + 1)))
        let ours = [luaField(t, "statistic")?.doubleValue ?? .nan, luaField(t, "p")?.doubleValue ?? .nan]
        #expect(allClose(ours, [stat[c], pv[c]], relative: Tolerance.closedForm),
          "\(name) \(key) cause \(c + 1): \(ours) vs \(stat[c]), \(pv[c])")
        #expect(luaField(t, "df")?.doubleValue == df[c])
      }
    }
  }

  @Test(arguments: ["colon", "myeloid", "tied"])
  func atEqualsTimepoints(_ name: String) throws {
    let f = try CompetingRisksFixture(name)
    let s = try Self.setup(name)
    let rt = try makeRuntime()
    let data = name == "colon" ? "cr" : (name == "myeloid" ? "my" : "td")
    let tp = f["timepoints"] as? [String: Any] ?? [:]
    let times = CompetingRisksFixture.doubles(tp["times"])
    // Unsorted, with a repeat: at() sorts and makes unique as timepoints does.
    let given = CompetingRisksFixture.luaArray(times.reversed() + [times[0]])
    let r = try lua(rt, s.lua + """
      local ci = cuminc(\(data), "\(s.response) ~ \(s.group)")
      local at = ci:at(\(given))
      assert(getmetatable(at).__name == "kaplan.cuminc_at")
      local out = {}
      for i, c in ipairs(at.curves) do
        local est, var = {}, {}
        for k = 1, #at.time do est[k] = c.est[k] or 0/0; var[k] = c.var[k] or 0/0 end
        out[i] = { est = est, var = var, n = #c.n_risk, lower = c.lower[1], upper = c.upper[1] }
      end
      return out, at.time, tostring(at)
      """)
    #expect(luaDoubles(r[1]) == times)
    let names = CompetingRisksFixture.strings(tp["names"])
    let est = CompetingRisksFixture.rows(tp["est"])
    let v = CompetingRisksFixture.rows(tp["var"])
    #expect(names.count == est.count)
    for (i, _) in names.enumerated() {
      let row = luaItem(r[0], i + 1)
      let ours = luaDoubles(luaField(row, "est"))
      let ourVar = luaDoubles(luaField(row, "var"))
      #expect(allClose(ours, est[i], relative: Tolerance.closedForm),
        "\(name) \(names[i]) est \(firstMismatch(ours, est[i], relative: Tolerance.closedForm))")
      #expect(allClose(ourVar, v[i], relative: Tolerance.closedForm),
        "\(name) \(names[i]) var \(firstMismatch(ourVar, v[i], relative: Tolerance.closedForm))")
    }
    let text = r[2].stringValue ?? ""
    #expect(text.contains("Cause 1:") && text.contains("Cause 2:") && text.contains("lower 95%"))
    #expect(text.contains(s.labels[0]))
  }

  // MARK: the infinitesimal-jackknife variant against survival::survfit

  @Test(arguments: ["colon", "myeloid", "tied"])
  func ijVarianceEqualsSurvfit(_ name: String) throws {
    let f = try CompetingRisksFixture(name)
    let s = try Self.setup(name)
    let rt = try makeRuntime()
    let data = name == "colon" ? "cr" : (name == "myeloid" ? "my" : "td")
    let r = try lua(rt, s.lua + """
      local ci = cuminc(\(data), "\(s.response) ~ \(s.group)", {variance = "ij"})
      local aalen = cuminc(\(data), "\(s.response) ~ \(s.group)")
      return ci.curves, ci.variance, aalen.curves, ci.tests[1].statistic, aalen.tests[1].statistic
      """)
    #expect(r[1] == .string("ij"))
    #expect(r[3] == r[4])  // Gray's test does not depend on the variance of the curves
    let groups = f["ij"] as? [[String: Any]] ?? []
    let k = s.labels.count
    #expect(groups.count == k)
    for block in groups {
      let g = (block["group"] as? NSNumber)?.intValue ?? -1
      let time = CompetingRisksFixture.doubles(block["time"])
      let nRisk = CompetingRisksFixture.doubles(block["n_risk"])
      let pstate = CompetingRisksFixture.rows(block["pstate"])
      let se = CompetingRisksFixture.rows(block["std_err"])
      for c in 1...2 {
        let curve = luaItem(r[0], (c - 1) * k + g + 1)
        #expect(luaField(curve, "group") == .string(s.labels[g]))
        #expect(luaDoubles(luaField(curve, "time")) == time)
        #expect(luaDoubles(luaField(curve, "n_risk")) == nRisk)
        // The cmprsk curves are laid out on the same grid (survfit's rows).
        let aalen = luaItem(r[2], (c - 1) * k + g + 1)
        #expect(luaDoubles(luaField(aalen, "time")) == time)
        #expect(luaDoubles(luaField(aalen, "n_risk")) == nRisk)
        let est = luaDoubles(luaField(curve, "est"))
        let sd = luaDoubles(luaField(curve, "var")).map { $0.squareRoot() }
        let wantEst = pstate.map { $0[c] }
        let wantSE = se.map { $0[c] }
        #expect(allClose(est, wantEst, relative: Tolerance.closedForm),
          "\(name) group \(g) cause \(c) pstate \(firstMismatch(est, wantEst, relative: Tolerance.closedForm))")
        #expect(allClose(sd, wantSE, relative: Tolerance.closedForm),
          "\(name) group \(g) cause \(c) std.err \(firstMismatch(sd, wantSE, relative: Tolerance.closedForm))")
      }
    }
  }

  // MARK: finegray against cmprsk::crr

  /// Checks fit `r` (coefficients table, loglik, loglik_null, converged, predict cif rows) against crr fixture `spec`.
  static func checkCrr(_ r: [LuaValue], _ spec: [String: Any], _ label: String) {
    let coef = CompetingRisksFixture.doubles(spec["coef"])
    let se = CompetingRisksFixture.doubles(spec["se"])
    let names = CompetingRisksFixture.strings(spec["names"])
    let terms = r[0]
    let p = coef.count
    let ourNames = (1...p).map { luaField(luaItem(terms, $0), "name")?.stringValue ?? "" }
    #expect(ourNames == names, "\(label) names")
    let ourCoef = (1...p).map { luaField(luaItem(terms, $0), "coef")?.doubleValue ?? .nan }
    let ourSE = (1...p).map { luaField(luaItem(terms, $0), "se")?.doubleValue ?? .nan }
    let ourSHR = (1...p).map { luaField(luaItem(terms, $0), "shr")?.doubleValue ?? .nan }
    #expect(allClose(ourCoef, coef, relative: Tolerance.iterative),
      "\(label) coef \(firstMismatch(ourCoef, coef, relative: Tolerance.iterative))")
    #expect(allClose(ourSE, se, relative: Tolerance.iterative),
      "\(label) se \(firstMismatch(ourSE, se, relative: Tolerance.iterative))")
    #expect(allClose(ourSHR, coef.map { exp($0) }, relative: Tolerance.iterative), "\(label) shr")
    let ll = [r[1].doubleValue ?? .nan, r[2].doubleValue ?? .nan]
    let wantLL = CompetingRisksFixture.doubles(spec["loglik"]) + CompetingRisksFixture.doubles(spec["loglik_null"])
    #expect(allClose(ll, wantLL, relative: Tolerance.iterative), "\(label) loglik \(ll) vs \(wantLL)")
    #expect(r[3] == .boolean(true))
    let times = CompetingRisksFixture.doubles(spec["predict_time"])
    #expect(luaDoubles(r[4]) == times, "\(label) predict times")
    let cif = CompetingRisksFixture.rows(spec["predict_cif"])
    let profiles = (spec["n_profiles"] as? NSNumber)?.intValue ?? 0
    #expect(profiles > 0 && p > 0 && !times.isEmpty, "\(label): empty fixture")
    for j in 0..<profiles {
      let ours = luaDoubles(luaItem(r[5], j + 1))
      let want = cif.map { $0[j] }
      #expect(allClose(ours, want, relative: Tolerance.iterative),
        "\(label) predict \(j + 1): \(firstMismatch(ours, want, relative: Tolerance.iterative))")
    }
  }

  static let crrReturn = """
    local cif = {}
    for i, c in ipairs(pr.curves) do cif[i] = c.est end
    return m.terms, m.loglik, m.loglik_null, m.converged, pr.time, cif, tostring(m), tostring(pr)
    """

  @Test func finegrayEqualsCrrOnColon() throws {
    let f = try CompetingRisksFixture("colon")
    let specs = f["crr"] as? [[String: Any]] ?? []
    try #require(specs.count == 3)
    let rt = try makeRuntime()
    let formula = "Surv(ctime, cstat) ~ rx + age + sex + obstruct"
    // Cause 1 with named profiles.
    var r = try lua(rt, Self.colon + """
      local m = finegray(cr, "\(formula)")
      assert(getmetatable(m).__name == "kaplan.finegray" and m.kind == "finegray" and m.cause == "1")
      local pr = m:predict{ {rx = "Obs", age = 60, sex = 0, obstruct = 0},
                            {rx = "Lev+5FU", age = 60, sex = 1, obstruct = 1} }
      """ + Self.crrReturn)
    Self.checkCrr(r, specs[0], "colon cause 1")
    let printed = r[6].stringValue ?? ""
    #expect(printed.contains("Fine–Gray") && printed.contains("SHR") && printed.contains("rxLev+5FU"))
    #expect(printed.contains("cause 1 (competing: 2; censored: 0)"))
    #expect(printed.contains("Pseudo log-likelihood") && printed.contains("lower 95%"))
    #expect((r[7].stringValue ?? "").contains("rx=Lev+5FU, age=60, sex=1, obstruct=1"))
    // Cause 2 with a design row (predict.crr's cov1).
    r = try lua(rt, Self.colon + """
      local m = finegray(cr, "\(formula)", {cause = 2})
      local pr = m:predict{1, 0, 50, 1, 0}
      """ + Self.crrReturn)
    Self.checkCrr(r, specs[1], "colon cause 2")
    // Censoring distribution within sex (crr's cengroup), a single named profile.
    r = try lua(rt, Self.colon + """
      local m = finegray(cr, "\(formula)", {cause = "1", cengroup = "sex"})
      assert(m.cengroup == "sex" and m.cengroups[2] == "sex=1")
      local pr = m:predict{rx = "Lev+5FU", age = 60, sex = 1, obstruct = 1}
      """ + Self.crrReturn)
    Self.checkCrr(r, specs[2], "colon cengroup")
    #expect((r[6].stringValue ?? "").contains("censoring distribution estimated within sex"))
  }

  @Test func finegrayEqualsCrrOnMyeloidAndTies() throws {
    let rt = try makeRuntime()
    let my = try CompetingRisksFixture("myeloid")
    var r = try lua(rt, Self.myeloid + """
      local m = finegray(my, "Surv(mtime, mstat) ~ trt + sex", {conf_level = 0.9})
      assert(m.terms[1].variable == "trt" and m.terms[1].level == "B" and m.terms[1].reference_level == "A")
      assert(m.conf_level == 0.9 and m.events + m.competing_events + m.censored == m.n)
      local pr = m:predict{ {trt = "A", sex = "f"}, {trt = "B", sex = "m"} }
      """ + Self.crrReturn)
    Self.checkCrr(r, (my["crr"] as? [[String: Any]] ?? [])[0], "myeloid")
    #expect((r[6].stringValue ?? "").contains("lower 90%"))

    let tied = try CompetingRisksFixture("tied")
    let specs = tied["crr"] as? [[String: Any]] ?? []
    try #require(specs.count == 3)
    let formula = "Surv(time, status) ~ x1 + x2 + g1 + g2"
    r = try lua(rt, try Self.tied() + """
      local m = finegray(td, "\(formula)")
      local pr = m:predict{ {x1 = 0, x2 = 0, g1 = 0, g2 = 0}, {x1 = 1, x2 = 1, g1 = 0, g2 = 1} }
      """ + Self.crrReturn)
    Self.checkCrr(r, specs[0], "tied cause 1")
    r = try lua(rt, try Self.tied() + """
      local m = finegray(td, "\(formula)", {cause = 2})
      local pr = m:predict{ {-1, 0, 1, 0} }
      """ + Self.crrReturn)
    Self.checkCrr(r, specs[1], "tied cause 2")
    r = try lua(rt, try Self.tied() + """
      local m = finegray(td, "\(formula)", {cengroup = "s"})
      local pr = m:predict{x1 = 0, x2 = 1, g1 = 1, g2 = 0}
      """ + Self.crrReturn)
    Self.checkCrr(r, specs[2], "tied cengroup")
  }

  // MARK: printing, labels, options

  @Test func printStatesMethodsGroupsAndGraysTest() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.colon + """
      local ci = cuminc(cr, "Surv(ctime, cstat) ~ rx + strata(sex)")
      local one = cuminc(cr, "Surv(ctime, cstat) ~ 1", {cause = 2, conf_type = "plain", conf_level = 0.9})
      return tostring(ci), tostring(one), one.tests == nil, #one.curves, one.curves[1].group == nil,
        one.causes[1], one.all_causes[2]
      """)
    let text = r[0].stringValue ?? ""
    for part in ["Cumulative incidence of competing risks: Surv(ctime, cstat) ~ rx + strata(sex)",
                 "cmprsk", "95% CI, log-log", "n = 929", "causes: 1, 2", "Cause 1", "Cause 2",
                 "rx=Obs", "rx=Lev+5FU", "Gray's test (rho = 0, stratified by 2 strata)", "statistic"] {
      #expect(text.contains(part), "missing '\(part)' in:\n\(text)")
    }
    // The stratified statistic of cause 1 (cmprsk: 24.609893919787595).
    #expect(text.contains("24.6099"))
    let single = r[1].stringValue ?? ""
    #expect(single.contains("90% CI, plain") && single.contains("Cause 2") && single.contains("all"))
    #expect(!single.contains("Gray's test") && !single.contains("Cause 1 "))
    #expect(r[2] == .boolean(true) && r[3] == .integer(1) && r[4] == .boolean(true))
    #expect(r[5] == .string("2") && r[6] == .string("2"))
  }

  @Test func labelsCensorValueAndDroppedRows() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.colon + """
      local names = { [0] = "event-free", [1] = "recurrence", [2] = "death" }
      local label, t2 = {}, {}
      for i = 1, #cr do label[i] = names[cstat[i]]; t2[i] = ctime[i] end
      t2[5] = 0/0  -- one missing time: the row is dropped and counted
      local d = cr:with{ outcome = label, t2 = t2 }
      local ci = cuminc(d, "Surv(ctime, outcome) ~ rx", {censor = "event-free", cause = "recurrence"})
      local num = cuminc(cr, "Surv(ctime, cstat) ~ rx", {cause = 1})
      local dropped = cuminc(d, "Surv(t2, cstat) ~ rx")
      local same = true
      for j = 1, #num.curves do
        for i, x in ipairs(num.curves[j].est) do same = same and ci.curves[j].est[i] == x end
        same = same and ci.curves[j].cause == "recurrence"
      end
      local a, b = ci.tests[1].statistic, num.tests[1].statistic
      return same, ci.all_causes, math.abs(a - b) <= 1e-12 * b, dropped.n, dropped.n_dropped,
        tostring(dropped):find("1 row dropped", 1, true) ~= nil
      """)
    #expect(r[0] == .boolean(true))
    guard case .table(let causes) = r[1] else { Issue.record("causes"); return }
    #expect(causes.array.count == 2)
    #expect(r[2] == .boolean(true))
    #expect(r[3] == .integer(928) && r[4] == .integer(1) && r[5] == .boolean(true))
  }

  @Test func plotDrawsAnIncidenceResult() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.myeloid + """
      local ci = cuminc(my, "Surv(mtime, mstat) ~ trt")
      return plot(ci, {file = "cr.svg", cause = 2, pvalue = true, risk_table = true})
      """)
    let svg = try String(contentsOfFile: r.first?.stringValue ?? "", encoding: .utf8)
    #expect(svg.contains("Gray") && svg.contains(">A<") && svg.contains(">B<"))
  }

  @Test func plotDrawsAFineGrayForest() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.colon + """
      return plot(finegray(cr, "Surv(ctime, cstat) ~ rx + age"), {file = "fg.svg"})
      """)
    let svg = try String(contentsOfFile: r.first?.stringValue ?? "", encoding: .utf8)
    #expect(svg.contains("Subdistribution hazard ratio") && svg.contains("Lev+5FU") && svg.contains("Obs"))
  }

  @Test func resultsSerialiseToJson() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.myeloid + """
      local ci = cuminc(my, "Surv(mtime, mstat) ~ trt")
      local m = finegray(my, "Surv(mtime, mstat) ~ trt + sex")
      return json(ci), json(ci:at{100, 5000}), json(m), json(m:predict{trt = "A", sex = "f"})
      """)
    for (i, value) in r.enumerated() {
      let text = try #require(value.stringValue)
      let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
      #expect(object != nil, "json \(i + 1)")
    }
    let ci = try JSONSerialization.jsonObject(with: Data((r[0].stringValue ?? "").utf8)) as? [String: Any]
    #expect(ci?["kind"] as? String == "cuminc" && (ci?["curves"] as? [Any])?.count == 4)
    let m = try JSONSerialization.jsonObject(with: Data((r[2].stringValue ?? "").utf8)) as? [String: Any]
    #expect((m?["terms"] as? [[String: Any]])?.first?["name"] as? String == "trtB")
  }

  /// The declarations help reads: every option documented, and every example runs.
  @Test func declarationsDocumentEachFunctionWithWorkingExamples() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local bind = package.loaded["kaplan.bind"]
      local out = {}
      for _, name in ipairs({ "cuminc", "cuminc:at", "finegray", "finegray:predict" }) do
        local e = bind.entry(name)
        local keys = {}
        for _, o in ipairs(e.options) do
          assert(o.doc ~= "" and o.type ~= "", name .. ": " .. o.key)
          keys[#keys + 1] = o.key
        end
        assert(e.summary ~= "" and e.returns ~= nil, name)
        local env = setmetatable({ print = function() end, plot = function() end }, { __index = _G })
        assert(load(e.example, "=example", "t", env))()
        out[#out + 1] = e.signature .. ": " .. table.concat(keys, ",")
      end
      return out
      """)
    guard case .table(let t) = r[0] else { Issue.record("no entries"); return }
    #expect(t.array.map { $0.stringValue ?? "" } == [
      "cuminc(d, formula [, opts]): censor,cause,conf_level,conf_type,rho,variance", "ci:at(times): ",
      "finegray(d, formula [, opts]): cause,censor,conf_level,cengroup,max_iter", "m:predict(profiles): ",
    ])
  }

  // MARK: bad input

  @Test func badInputIsAClearErrorAtTheCallersLine() throws {
    let rt = try makeRuntime()
    let cases: [(String, String)] = [
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx', {colour = 1})",
       "bad argument #3 to 'cuminc' (unknown option 'colour' "
         + "(options: censor, cause, conf_level, conf_type, rho, variance))"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx', {rhoo = 1})",
       "bad argument #3 to 'cuminc' (unknown option 'rhoo'; did you mean 'rho'? (options: censor, cause,"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx', {rho = 'one'})",
       "bad argument #3 to 'cuminc' (option 'rho' must be a number, got \"one\")"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx', {rho = 1/0})", "cuminc: rho must be finite"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx', {conf_type = 'log'})",
       "bad argument #3 to 'cuminc' (option 'conf_type' must be one of \"log-log\", \"plain\", got \"log\")"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx', {conf_level = 95})",
       "bad argument #3 to 'cuminc' (option 'conf_level' must be a number between 0 and 1 (exclusive), got 95)"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx', {variance = true})",
       "bad argument #3 to 'cuminc' (option 'variance' must be one of \"aalen\", \"ij\", got true)"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx', {cause = {1}})",
       "bad argument #3 to 'cuminc' (option 'cause' must be a number or a string, got table)"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx', {0.9})",
       "bad argument #3 to 'cuminc' (options are named, as {censor = ...}; got a list (options: censor,"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx', {cause = 3})",
       "cuminc: unknown cause '3': status column 'cstat' has the causes 1, 2"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx', {cause = 0})", "cuminc: cause 0 is the censoring value"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx', {censor = 9})",
       "cuminc: censoring value 9 does not occur in status column 'cstat' (values: 0, 1, 2)"),
      ("cuminc(cr:with{lab = 'x'}, 'Surv(ctime, lab) ~ rx')",
       "cuminc: censoring value \"censored\" does not occur in status column 'lab'"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx', 'plain')",
       "bad argument #3 to 'cuminc' (options table expected, got string)"),
      ("cuminc(42, 'Surv(ctime, cstat) ~ rx')", "bad argument #1 to 'cuminc' (dataset expected, got number)"),
      ("cuminc(cr)", "bad argument #2 to 'cuminc' (formula string expected, got no value)"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx +')", "cuminc: formula 'Surv(ctime, cstat) ~ rx +'"),
      ("cuminc(cr, 'Surv(ctime, cstatus) ~ rx')", "cstatus"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx + cluster(id)')", "cuminc does not use cluster(id)"),
      ("finegray(cr, 'Surv(ctime, cstat) ~ rx', {ties = 'efron'})",
       "bad argument #3 to 'finegray' (unknown option 'ties' "
         + "(options: cause, censor, conf_level, cengroup, max_iter))"),
      ("finegray(cr, 'Surv(ctime, cstat) ~ rx', {cengroup = 1})",
       "bad argument #3 to 'finegray' (option 'cengroup' must be a column name (string), got 1)"),
      ("finegray(cr, 'Surv(ctime, cstat) ~ rx', {max_iter = -1})",
       "bad argument #3 to 'finegray' (option 'max_iter' must be an integer ≥ 0, got -1)"),
      ("finegray(cr, 'Surv(ctime, cstat) ~ rx', {cause = 'relapse'})", "finegray: unknown cause 'relapse'"),
      ("finegray(cr, 'Surv(ctime, cstat) ~ 1')", "finegray: formula 'Surv(ctime, cstat) ~ 1' has no covariates"),
      ("finegray(cr, 'Surv(ctime, cstat) ~ rx + strata(sex)')", "{cengroup = \"sex\"}"),
      ("finegray(cr:with{one = 1}, 'Surv(ctime, cstat) ~ rx + one')",
       "finegray: the covariate 'one' cannot be estimated: constant in the rows used"),
      ("finegray(cr, 'Surv(ctime, cstat) ~ rx'):predict{ {rx = 'Obs'}, {rx = 'Placebo'} }",
       "predict: 'rx' = \"Placebo\" in the profile is not a level of 'rx' (levels: Obs, Lev, Lev+5FU)"),
      ("finegray(cr, 'Surv(ctime, cstat) ~ rx + age'):predict{rx = 'Obs'}",
        "predict: the profile has no value for 'age'"),
      ("finegray(cr, 'Surv(ctime, cstat) ~ rx'):predict{rx = 'Obs', age = 60}", "predict: unknown variable 'age'"),
      ("finegray(cr, 'Surv(ctime, cstat) ~ rx + age'):predict{rx = 'Obs', age = 'old'}",
       "predict: 'age' in the profile must be a finite number, got \"old\""),
      ("finegray(cr, 'Surv(ctime, cstat) ~ rx'):predict{ {1, 2, 3} }", "predict: a covariate row must have 2 values"),
      ("finegray(cr, 'Surv(ctime, cstat) ~ rx'):predict(5)",
       "bad argument #1 to 'predict' (profiles expected (a table such as {age = 60, rx = \"Lev\"} "
         + "or an array of them), got number)"),
      ("finegray(cr, 'Surv(ctime, cstat) ~ rx'):predict{ {rx = {}} }",
       "bad argument #1 to 'predict' ('rx' in profile 1 must be a number, string or boolean, got table)"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx'):at('one year')",
       "bad argument #1 to 'at' (array of times expected, got string)"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx'):at{12, 'x'}",
       "bad argument #1 to 'at' (array of times expected, but entry 2 is a string)"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx'):at{12, 0/0}", "at: time 2 is NaN; times must be numbers"),
      ("cuminc(cr, 'Surv(ctime, cstat) ~ rx'):at{12, when = 24}",
       "bad argument #1 to 'at' (array of times expected, but it has a field 'when')"),
    ]
    for (code, message) in cases {
      let error = luaError(rt, Self.colon + code)
      #expect(error.contains(message), "\(code)\n  gave: \(error)")
      // Errors point at the script's line, not into the stdlib.
      #expect(error.hasPrefix("test:"), "\(code)\n  gave: \(error)")
    }
  }
}
