import Foundation
import LuaHost
import Scripting
import Testing
import Survival
import TestSupport

/// `m:residuals(type)` and `m:zph()` from Lua against R `survival` 3.5
/// `residuals.coxph` and `cox.zph` (scripts/fixtures/cox_diagnostics.R),
/// and the identities residuals obey whatever R says.
@Suite struct CoxDiagnosticsTests {
  /// Lua that builds each fixture's model as the R script does, leaving it in `m`.
  static let models: [String: String] = [
    "lung": "local m = cox(lung, f_lung)",
    "lung_breslow": "local m = cox(lung, f_lung, {ties = 'breslow'})",
    "lung_weighted": "local m = cox(lung3w, f_lung, {weights = 'w'})",
    "lung_offset":
      "local m = cox(lung:with{off = lung.age * 0.01}, 'Surv(time, status) ~ sex + ph.ecog + offset(off)')",
    "lung_strata": "local m = cox(lung, 'Surv(time, status) ~ age + ph.ecog + strata(sex)')",
    "veteran": "local m = cox(dataset('veteran'), 'Surv(time, status) ~ trt + celltype + karno')",
    "colon_cluster": """
      local c = colon:where(function(r) return r.nodes ~= nil and r.id <= 300 end)
      local m = cox(c, 'Surv(time, status) ~ rx + age + sex + strata(etype) + cluster(id)')
      """,
    "heart_cluster":
      "local m = cox(heart, 'Surv(start, stop, event) ~ age + year + surgery + transplant + cluster(id)')",
    "heart_strata": """
      local m = cox(heart, 'Surv(start, stop, event) ~ age + year + transplant + strata(surgery)', {ties = 'breslow'})
      """,
  ]

  static let prelude = """
    local lung, colon, heart = dataset('lung'), dataset('colon'), dataset('heart')
    local f_lung = 'Surv(time, status) ~ age + sex + ph.ecog'
    local lung3 = lung:where(function(r) return r['ph.ecog'] ~= nil end)
    local w = {}
    for i = 1, #lung3 do w[i] = 0.5 + (i % 4) * 0.375 end
    local lung3w = lung3:with{w = w}

    """

  /// Every residual type and zph transform as flat column-major arrays (NA as NaN).
  static let flatten = """

    local NA = 0 / 0
    local function flat(d, names)
      local out, n = {}, #d
      for _, name in ipairs(names) do
        local v = d[name]:values()
        for i = 1, n do out[#out + 1] = v[i] == nil and NA or v[i] end
      end
      return out
    end
    \(flatArrays)    local names = {}
    for i, t in ipairs(m.terms) do names[i] = t.name end
    local out = {}
    for _, type in ipairs{'martingale', 'deviance'} do
      out[type] = flat(m:residuals(type), {type})
      if m.cluster then out[type .. '_collapsed'] = flat(m:residuals(type, {collapse = true}), {type}) end
    end
    for _, type in ipairs{'score', 'dfbeta', 'dfbetas', 'schoenfeld', 'scaledsch'} do
      out[type] = flat(m:residuals(type), names)
      if m.cluster and type ~= 'schoenfeld' and type ~= 'scaledsch' then
        out[type .. '_collapsed'] = flat(m:residuals(type, {collapse = true}), names)
      end
    end
    local s = m:residuals('schoenfeld')
    out.schoenfeld_rows = flat(s, {'row'})
    out.schoenfeld_time = flat(s, {'time'})
    \(zph)    return out
    """

  /// Lua shared with CoxExactDiagnosticsTests: `flatarrays` (arrays of arrays, flattened; NA as NaN).
  static let flatArrays = """
    local function flatarrays(list)
      local out = {}
      for _, a in ipairs(list) do for i = 1, #a do out[#out + 1] = a[i] == nil and NA or a[i] end end
      return out
    end

    """

  /// Lua shared with CoxExactDiagnosticsTests: every zph transform of `m` into `out` (needs `flatarrays`).
  static let zph = """
    for _, tr in ipairs{'km', 'rank', 'identity', 'log'} do
      local z = m:zph{transform = tr}
      local chisq, df, p, ys = {}, {}, {}, {}
      for i, r in ipairs(z.table) do chisq[i], df[i], p[i] = r.chisq, r.df, r.p end
      for i, term in ipairs(z.terms) do ys[i] = z.y[term] end
      out['zph_' .. tr] = {chisq = chisq, df = df, p = p, x = flatarrays{z.x}, time = flatarrays{z.time},
        y = flatarrays(ys), var = flatarrays(z.var)}
    end
    local z = m:zph{terms = false}
    local chisq, ys = {}, {}
    for i, r in ipairs(z.table) do chisq[i] = r.chisq end
    for i, term in ipairs(z.terms) do ys[i] = z.y[term] end
    out.zph_km_columns = {chisq = chisq, y = flatarrays(ys)}

    """

  static let names = models.keys.sorted()

  /// Every zph transform (and terms = false) of `out` (the Lua `zph` snippet's) against the fixture's.
  static func expectZph(_ out: LuaTable, _ fixture: [String: Any], _ name: String) throws {
    let zph = try #require(fixture["zph"] as? [String: Any])
    for transform in ["km", "rank", "identity", "log"] {
      let r = try #require(zph[transform] as? [String: Any])
      let ours = try #require(out["zph_" + transform]?.tableValue)
      for key in ["chisq", "df", "p", "x", "time", "y", "var"] {
        expectClose(decoded(ours[key]), flattened(r[key]), "\(name) zph \(transform) \(key)")
      }
    }
    let columns = try #require(zph["km_columns"] as? [String: Any])
    let ours = try #require(out["zph_km_columns"]?.tableValue)
    expectClose(decoded(ours["chisq"]), flattened(columns["chisq"]), "\(name) zph terms=false chisq")
    expectClose(decoded(ours["y"]), flattened(columns["y"]), "\(name) zph terms=false y")
  }

  /// A fixture value: an array of numbers, or of columns (arrays), flattened column-major; null is NaN.
  static func flattened(_ value: Any?) -> [Double] {
    guard let array = value as? [Any] else {
      if let x = value as? NSNumber { return [x.doubleValue] }
      return []
    }
    return array.flatMap { item -> [Double] in
      if let column = item as? [Any] { return column.map { ($0 as? NSNumber)?.doubleValue ?? .nan } }
      return [(item as? NSNumber)?.doubleValue ?? .nan]
    }
  }

  static func decoded(_ value: LuaValue?) -> [Double] {
    guard case .table(let t)? = value else { return [] }
    return t.array.map { $0.doubleValue ?? .nan }
  }

  /// Equal at `Tolerance.iterative` relative; entries near zero (residuals
  /// are differences) are compared on the scale of their array: an
  /// absolute floor of `Tolerance.iterative` × the largest |value|.
  static func expectClose(_ ours: [Double], _ r: [Double], _ what: String) {
    #expect(!r.isEmpty, "\(what): no reference values")
    #expect(ours.count == r.count, "\(what): \(ours.count) values, R has \(r.count)")
    guard ours.count == r.count else { return }
    let scale = r.reduce(0) { $1.isFinite ? max($0, abs($1)) : $0 }
    var bad = 0
    for i in r.indices where !approxEqual(ours[i], r[i], relative: Tolerance.iterative,
                                           absoluteFloor: Tolerance.iterative * scale) {
      if bad < 3 { Issue.record("\(what)[\(i + 1)]: Kaplan \(ours[i]), R \(r[i])") }
      bad += 1
    }
  }

  @Test(arguments: names)
  func matchesR(_ name: String) throws {
    let rt = try makeRuntime()
    let code = try #require(Self.models[name])
    let result = try lua(rt, Self.prelude + code + Self.flatten)
    let out = try #require(result.first?.tableValue)
    let fixture = try #require(try loadFixture("cox_diagnostics/\(name).json") as? [String: Any])
    for key in ["martingale", "deviance", "score", "dfbeta", "dfbetas", "schoenfeld", "scaledsch",
                "schoenfeld_rows", "schoenfeld_time"] {
      Self.expectClose(Self.decoded(out[key]), Self.flattened(fixture[key]), "\(name) \(key)")
    }
    for key in ["martingale", "deviance", "score", "dfbeta", "dfbetas"] where fixture[key + "_collapsed"] != nil {
      let k = key + "_collapsed"
      Self.expectClose(Self.decoded(out[k]), Self.flattened(fixture[k]), "\(name) \(k)")
    }
    try Self.expectZph(out, fixture, name)
  }

  /// Identities that hold whatever R says: Σ w_i M_i = 0 in each stratum
  /// (the baseline hazard's estimating equation) and Σ w_i s_i = U(β̂) = 0
  /// over the events (the score at the fit), to `identityTolerance`
  /// relative to the sum of the absolute terms.
  static let identityTolerance = 1e-8

  @Test(arguments: ["lung_strata", "lung_weighted", "heart_strata", "colon_cluster"])
  func residualsSumToZero(_ name: String) throws {
    let rt = try makeRuntime()
    let code = try #require(Self.models[name])
    let r = try lua(rt, Self.prelude + code + """

      local data = ({lung_strata = lung, lung_weighted = lung3w, heart_strata = heart,
        colon_cluster = colon:where(function(r) return r.nodes ~= nil and r.id <= 300 end)})['\(name)']
      local w = m.weights and data[m.weights]:values() or nil
      local mart = m:residuals()
      local sum, abs = {}, {}
      local keycol = ({lung_strata = 'sex', heart_strata = 'surgery', colon_cluster = 'etype'})['\(name)']
      local keys = keycol and data[keycol]:values() or {}
      local mv = mart.martingale:values()
      for i = 1, #mart do
        if mv[i] ~= nil then
          local k = tostring(keys[i] or 'all')
          local wi = w and w[i] or 1
          sum[k] = (sum[k] or 0) + wi * mv[i]
          abs[k] = (abs[k] or 0) + math.abs(wi * mv[i])
        end
      end
      local worst = 0
      for k, v in pairs(sum) do worst = math.max(worst, math.abs(v) / abs[k]) end
      local s = m:residuals('schoenfeld')
      local rows = s.row:values()
      local worstS = 0
      for _, t in ipairs(m.terms) do
        local v = s[t.name]:values()
        local total, scale = 0, 0
        for i = 1, #s do
          local wi = w and w[rows[i]] or 1
          total, scale = total + wi * v[i], scale + math.abs(wi * v[i])
        end
        worstS = math.max(worstS, math.abs(total) / scale)
      end
      return worst, worstS
      """)
    #expect((r[0].doubleValue ?? 1) < Self.identityTolerance, "\(name): Σ w M per stratum, relative \(r[0])")
    #expect((r[1].doubleValue ?? 1) < Self.identityTolerance, "\(name): Σ w s over events, relative \(r[1])")
  }

  @Test func badInputIsAnErrorNamingIt() throws {
    let rt = try makeRuntime()
    let setup = "local m = cox(dataset('lung'), 'Surv(time, status) ~ age + sex')\n"
    let unknown = luaError(rt, setup + "return m:residuals('pearson')")
    #expect(unknown.contains("bad argument #1 to 'residuals'") || unknown.contains("'residuals'"), "\(unknown)")
    #expect(unknown.contains("residual type must be one of \"martingale\"") && unknown.contains("got \"pearson\""))
    let number = luaError(rt, setup + "return m:residuals(3)")
    #expect(number.contains("got number"), "\(number)")
    let exact = luaError(
      rt, "return cox(dataset('lung'), 'Surv(time, status) ~ age', {ties = 'exact'}):residuals('dfbeta')")
    #expect(exact.contains("dfbeta residuals are not available for ties = \"exact\", as in R"), "\(exact)")
    let transform = luaError(rt, setup + "return m:zph{transform = 'sqrt'}")
    #expect(transform.contains("option 'transform'"), "\(transform)")
    let badFunction = luaError(rt, setup + "return m:zph{transform = function(t) return 'x' end}")
    #expect(badFunction.contains("must return a finite number"), "\(badFunction)")
    let noCluster = luaError(rt, setup + "return m:residuals('score', {collapse = true})")
    #expect(noCluster.contains("needs a cluster() term"), "\(noCluster)")
    let perEvent = luaError(rt, setup + "return m:residuals('schoenfeld', {collapse = 'inst'})")
    #expect(perEvent.contains("collapse is not available for schoenfeld"), "\(perEvent)")
  }

  @Test func zphPrintsAsR() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local m = cox(dataset('lung'), 'Surv(time, status) ~ age + sex + ph.ecog')
      local v = cox(dataset('veteran'), 'Surv(time, status) ~ trt + celltype + karno')
      return tostring(m:zph()), tostring(v:zph()), tostring(v:zph{transform = 'identity'})
      """)
    // R 4.x, survival 3.5: print(cox.zph(fit)).
    #expect(r[0].stringValue == """
              chisq df    p
      age     0.188  1 0.66
      sex     2.305  1 0.13
      ph.ecog 2.054  1 0.15
      GLOBAL  4.464  3 0.22
      """)
    #expect(r[1].stringValue == """
                chisq df       p
      trt       0.206  1 0.64968
      celltype 14.532  3 0.00226
      karno    12.813  1 0.00034
      GLOBAL   22.860  5 0.00036
      """)
    #expect(r[2].stringValue == """
                  chisq df       p
      trt       0.00493  1 0.94402
      celltype 18.41391  3 0.00036
      karno     6.05160  1 0.01389
      GLOBAL   20.87086  5 0.00086
      """)
  }

  /// plot(z)'s smooth equals plot.cox.zph's (ns(x, df = 4) least squares,
  /// ±2 SE band), term by term.
  @Test(arguments: ["lung", "veteran", "heart_strata"])
  func smoothMatchesR(_ name: String) throws {
    let rt = try makeRuntime()
    let code = try #require(Self.models[name])
    let r = try lua(rt, Self.prelude + code + """

      local z = m:zph()
      local out = {}
      for i, term in ipairs(z.terms) do out[i] = {x = z.x:totable(), y = z.y[term]:totable(), var = z.var[i][i]} end
      return out, #z.x
      """)
    let fixture = try #require(try loadFixture("cox_diagnostics/\(name).json") as? [String: Any])
    let zph = try #require((fixture["zph"] as? [String: Any])?["km"] as? [String: Any])
    let curves = try #require(zph["curves"] as? [[String: Any]])
    let terms = try #require(r[0].tableValue?.array)
    let e = Int(r[1].doubleValue ?? 0)
    #expect(terms.count == curves.count)
    for (t, term) in terms.enumerated() {
      let table = try #require(term.tableValue)
      let x = Self.decoded(table["x"])
      var y = (table["y"]?.tableValue?.array ?? []).map { $0.doubleValue ?? .nan }
      while y.count < e { y.append(.nan) }
      let curve = try #require(ZphSmooth.curve(x: x, y: y, variance: table["var"]?.doubleValue ?? .nan))
      for key in ["x", "fit", "upper", "lower"] {
        let ours = key == "x" ? curve.x : key == "fit" ? curve.fit : key == "upper" ? curve.upper : curve.lower
        Self.expectClose(ours, Self.flattened(curves[t][key]), "\(name) term \(t + 1) smooth \(key)")
      }
    }
  }

  /// plot(z): one panel per term titled with its p, residuals, smooth and
  /// band; only the figure-wide options apply, and there is no preview.
  @Test func zphPlotDrawsEveryTerm() throws {
    let rt = try makeRuntime()
    let setup = "local z = cox(dataset('veteran'), 'Surv(time, status) ~ trt + celltype + karno'):zph()\n"
    let r = try lua(rt, setup + "return plot(z, {file = 'zph.svg', title = 'PH check'})")
    let text = try String(contentsOfFile: r.first?.stringValue ?? "", encoding: .utf8)
    #expect(text.contains("Kaplan proportional-hazards (zph) plot"))
    for title in ["trt (p = 0.650)", "celltype (p = 0.0023)", "karno (p &lt; 0.001)", "Beta(t) for karno",
                  "PH check"] {
      #expect(text.contains(title), "\(title)")
    }
    // 3 panels × (smooth + 2 band lines).
    #expect(text.components(separatedBy: "<polyline").count - 1 == 9)
    #expect(text.components(separatedBy: "<circle").count - 1 == 3 * 128)
    let refused = luaError(rt, setup + "plot(z, {file = 'z.svg', risk_table = true})")
    #expect(refused.contains("option 'risk_table' applies to curves (km, cuminc), not to the figure of a cox_zph"))
    #expect(luaError(rt, setup + "plot(z)").contains("zph plots have no terminal preview"))
  }

  /// A Lua function transform is R's `transform = function(t) ...`: the
  /// identity function gives the "identity" test, log gives "log".
  @Test func functionTransformIsAppliedToTheTimes() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local m = cox(dataset('veteran'), 'Surv(time, status) ~ trt + celltype + karno')
      local a, b = m:zph{transform = function(t) return t end}, m:zph{transform = 'identity'}
      local c, d = m:zph{transform = math.log}, m:zph{transform = 'log'}
      return a.table[4].chisq, b.table[4].chisq, c.table[2].chisq, d.table[2].chisq, a.transform, a.x[5], b.x[5]
      """)
    #expect(approxEqual(r[0].doubleValue ?? 0, r[1].doubleValue ?? 1, relative: 1e-12))
    #expect(approxEqual(r[2].doubleValue ?? 0, r[3].doubleValue ?? 1, relative: 1e-12))
    #expect(r[4] == .string("user"))
    #expect(r[5].doubleValue == r[6].doubleValue)
  }
}
