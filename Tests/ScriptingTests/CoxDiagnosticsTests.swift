import Foundation
import LuaHost
import Scripting
import Testing
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
    "lung_offset": "local m = cox(lung:with{off = lung.age * 0.01}, 'Surv(time, status) ~ sex + ph.ecog + offset(off)')",
    "lung_strata": "local m = cox(lung, 'Surv(time, status) ~ age + ph.ecog + strata(sex)')",
    "veteran": "local m = cox(dataset('veteran'), 'Surv(time, status) ~ trt + celltype + karno')",
    "colon_cluster": """
      local c = colon:where(function(r) return r.nodes ~= nil and r.id <= 300 end)
      local m = cox(c, 'Surv(time, status) ~ rx + age + sex + strata(etype) + cluster(id)')
      """,
    "heart_cluster": "local m = cox(heart, 'Surv(start, stop, event) ~ age + year + surgery + transplant + cluster(id)')",
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
    local function flatarrays(list)
      local out = {}
      for _, a in ipairs(list) do for i = 1, #a do out[#out + 1] = a[i] == nil and NA or a[i] end end
      return out
    end
    local names = {}
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
    return out
    """

  static let names = models.keys.sorted()

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
    let zph = try #require(fixture["zph"] as? [String: Any])
    for transform in ["km", "rank", "identity", "log"] {
      let r = try #require(zph[transform] as? [String: Any])
      let ours = try #require(out["zph_" + transform]?.tableValue)
      for key in ["chisq", "df", "p", "x", "time", "y", "var"] {
        Self.expectClose(Self.decoded(ours[key]), Self.flattened(r[key]), "\(name) zph \(transform) \(key)")
      }
    }
    let columns = try #require(zph["km_columns"] as? [String: Any])
    let ours = try #require(out["zph_km_columns"]?.tableValue)
    Self.expectClose(Self.decoded(ours["chisq"]), Self.flattened(columns["chisq"]), "\(name) zph terms=false chisq")
    Self.expectClose(Self.decoded(ours["y"]), Self.flattened(columns["y"]), "\(name) zph terms=false y")
  }
}
