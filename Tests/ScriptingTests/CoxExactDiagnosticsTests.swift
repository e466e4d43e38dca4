import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// Diagnostics of ties = "exact" fits against R `survival` 3.5
/// (scripts/fixtures/cox_diagnostics.R, `write_exact`): martingale and
/// deviance residuals and `cox.zph` use the Breslow risk sets at the exact
/// coefficients, as R's `coxmart2`/`agmart` and `zph1`/`zph2` (efron =
/// FALSE) do; the score-based types are refused, as R refuses them.
@Suite struct CoxExactDiagnosticsTests {
  static let models: [String: String] = [
    "lung_exact": "local m = cox(dataset('lung'), 'Surv(time, status) ~ age + sex + ph.ecog', {ties = 'exact'})",
    "lung_strata_exact":
      "local m = cox(dataset('lung'), 'Surv(time, status) ~ age + ph.ecog + strata(sex)', {ties = 'exact'})",
    "veteran_exact":
      "local m = cox(dataset('veteran'), 'Surv(time, status) ~ trt + celltype + karno', {ties = 'exact'})",
    "heart_exact":
      "local m = cox(dataset('heart'), 'Surv(start, stop, event) ~ age + year + transplant', {ties = 'exact'})",
  ]

  static let collect = """

    local NA = 0 / 0
    local function flat(d, name)
      local out, v = {}, d[name]:values()
      for i = 1, #d do out[i] = v[i] == nil and NA or v[i] end
      return out
    end
    \(CoxDiagnosticsTests.flatArrays)    local out = {coef = {}, refused = {}}
    for i, t in ipairs(m.terms) do out.coef[i] = t.coef end
    out.martingale = flat(m:residuals('martingale'), 'martingale')
    out.deviance = flat(m:residuals('deviance'), 'deviance')
    for i, type in ipairs{'score', 'schoenfeld', 'scaledsch', 'dfbeta', 'dfbetas'} do
      local ok, message = pcall(m.residuals, m, type)
      out.refused[i] = ok and '' or tostring(message)
    end
    \(CoxDiagnosticsTests.zph)    return out
    """

  @Test(arguments: models.keys.sorted())
  func matchesR(_ name: String) throws {
    let rt = try makeRuntime()
    let code = try #require(Self.models[name])
    let result = try lua(rt, code + Self.collect)
    let out = try #require(result.first?.tableValue)
    let fixture = try #require(try loadFixture("cox_diagnostics/\(name).json") as? [String: Any])
    for key in ["coef", "martingale", "deviance"] {
      CoxDiagnosticsTests.expectClose(
        CoxDiagnosticsTests.decoded(out[key]), CoxDiagnosticsTests.flattened(fixture[key]), "\(name) \(key)")
    }
    try CoxDiagnosticsTests.expectZph(out, fixture, name)
    // R stops for every score-based type; so does Kaplan, naming the type.
    let refused = out["refused"]?.tableValue?.array.map { $0.stringValue ?? "" } ?? []
    let types = ["score", "schoenfeld", "scaledsch", "dfbeta", "dfbetas"]
    #expect(refused.count == types.count)
    for (type, message) in zip(types, refused) {
      #expect(message.contains("\(type) residuals are not available for ties = \"exact\", as in R"), "\(message)")
    }
    if let rRefused = fixture["refused"] as? [String] {
      #expect(rRefused == types.map { "\($0) residuals are not available for the exact method" })
    }
  }

  /// The martingale residuals of an exact fit sum to zero in each stratum:
  /// the Breslow hazard's estimating equation holds at any coefficients.
  @Test func martingaleResidualsSumToZeroPerStratum() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, (Self.models["lung_strata_exact"] ?? "") + """

      local mv, sex = m:residuals().martingale:values(), dataset('lung').sex:values()
      local sum, abs = {}, {}
      for i = 1, #sex do
        if mv[i] ~= nil then
          sum[sex[i]] = (sum[sex[i]] or 0) + mv[i]
          abs[sex[i]] = (abs[sex[i]] or 0) + math.abs(mv[i])
        end
      end
      return math.abs(sum[1]) / abs[1], math.abs(sum[2]) / abs[2]
      """)
    for v in r {
      #expect((v.doubleValue ?? 1) < CoxDiagnosticsTests.identityTolerance, "relative Σ M per stratum \(v)")
    }
  }
}
