import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `plot()` from Lua: result tables become figures; options are checked.
/// The result here is written by hand in the shape `km()` returns, so the
/// binding is tested on its own.
@Suite struct PlotBindingTests {
  static let fit = """
    local fit = { kind = "km", conf_level = 0.95, strata = {
      { label = "arm=A", time = {1, 2, 3, 5}, surv = {0.9, 0.8, 0.8, 0.4}, lower = {0.7, 0.6, 0.6, 0.2},
        upper = {1, 0.95, 0.95, 0.7}, n_risk = {10, 9, 8, 4}, n_event = {1, 1, 0, 2}, n_censor = {0, 0, 4, 2} },
      { label = "arm=B", time = {2, 4}, surv = {0.5, 0.25}, n_risk = {4, 2}, n_event = {2, 1}, n_censor = {0, 1} } } }
    """

  @Test func writesWellFormedSvgInsideOut() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, PlotBindingTests.fit + "return plot(fit, {file = 'km.svg', title = 'OS', breaks = 1})")
    guard let path = r.first?.stringValue else { Issue.record("no path"); return }
    #expect(path.hasPrefix(rt.policy.outputDirectory))
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let parser = XMLParser(data: data)
    #expect(parser.parse())
    let svg = String(decoding: data, as: UTF8.self)
    #expect(svg.contains(">OS<"))
    #expect(svg.contains(">A<") && svg.contains(">B<"))
  }

  @Test func previewPrintsBrailleWithoutFile() throws {
    let rt = try makeRuntime()
    let text = try lua(rt, PlotBindingTests.fit + "return "
      + "package.loaded['kaplan.plots'].core.survival({kind='survival', series={{label='A', time=fit.strata[1].time, "
      + "value=fit.strata[1].surv, n_risk=fit.strata[1].n_risk, n_event=fit.strata[1].n_event, "
      + "n_censor=fit.strata[1].n_censor}}}, {}, nil, false)")
    guard let preview = text.first?.stringValue else { Issue.record("no preview"); return }
    #expect(preview.unicodeScalars.contains { (0x2800...0x28FF).contains($0.value) })
  }

  @Test func badOptionsAreClearErrors() throws {
    let rt = try makeRuntime()
    #expect(luaError(rt, PlotBindingTests.fit + "plot(fit, {colour = 'red'})").contains(
      "plot: unknown option 'colour'"))
    #expect(luaError(rt, PlotBindingTests.fit + "plot(fit, {xlim = {60, 0}, file = 'x.svg'})").contains(
      "xlim must be increasing (got {60, 0})"))
    #expect(luaError(rt, PlotBindingTests.fit + "plot(fit, {title = 3, file = 'x.svg'})").contains(
      "option 'title' must be a string, got number"))
    #expect(luaError(rt, PlotBindingTests.fit + "plot(fit, {file = '/etc/x.svg'})").contains(
      "writing '/etc/x.svg' is not allowed in the sandbox"))
    #expect(luaError(rt, PlotBindingTests.fit + "plot(fit, {file = 'x.gif'})").contains("x.gif"))
    #expect(luaError(rt, "plot(42)").contains(
      "bad argument #1 to 'plot' (a km, cuminc or cox result expected, got number)"))
  }

  @Test func forestPlotFromCoxTerms() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local fit = { kind = "cox", conf_level = 0.95, terms = {
        { name = "armcombined", variable = "arm", level = "combined", reference_level = "systemic",
          hr = 0.58, lower = 0.38, upper = 0.88, p = 0.01 },
        { name = "age", hr = 1.01, lower = 0.99, upper = 1.03, p = 0.4 } } }
      return plot(fit, {file = 'forest.svg'})
      """)
    let svg = try String(contentsOfFile: r.first?.stringValue ?? "", encoding: .utf8)
    #expect(svg.contains("systemic") && svg.contains("reference"))
    #expect(svg.contains("0.58"))
  }
}
