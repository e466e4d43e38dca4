import Foundation
import LuaHost
import Plots
@testable import Scripting
import Testing
import TestSupport

/// `plot(km_fit, {fun = ...})`: the event (1 − S) and cumulative-hazard
/// (−log S) scales of R's plot.survfit, and the option's refusals.
@Suite struct KmPlotFunTests {
  @Test func transformsTheCurvesAndTheirLimits() {
    let s = SurvivalSeries(
      label: "a", time: [1, 2], value: [0.8, 0.5], lower: [0.6, 0.3], upper: [0.9, 0.7], nRisk: [10, 8],
      nEvent: [2, 3], nCensor: [0, 0])
    let data = SurvivalPlotData(kind: .survival, series: [s])
    let event = KmPlotFun.event.apply(data)
    #expect(event.data.kind == .incidence)
    #expect(event.data.series[0].value.map { ($0 * 1e12).rounded() / 1e12 } == [0.2, 0.5])
    #expect(event.data.series[0].lower?.map { ($0 * 1e12).rounded() / 1e12 } == [0.1, 0.3])
    #expect(event.ylab == "Cumulative event probability")
    let cumhaz = KmPlotFun.cumhaz.apply(data)
    #expect(cumhaz.data.series[0].value == [-log(0.8), -log(0.5)])
    #expect(cumhaz.data.series[0].upper == [-log(0.6), -log(0.3)])
    #expect(cumhaz.ylim == [0, -log(0.3) * 1.04])
    #expect(KmPlotFun.surv.apply(data).data == data)
  }

  @Test func drawsAndRefuses() throws {
    let rt = try makeRuntime()
    let setup = "local fit = km(dataset('lung'), 'Surv(time, status) ~ sex')\n"
    let r = try lua(rt, setup + "return plot(fit, {file = 'e.svg', fun = 'event'}), plot(fit, {file = 'h.svg', "
      + "fun = 'cumhaz'})")
    let event = try String(contentsOfFile: r[0].stringValue ?? "", encoding: .utf8)
    let cumhaz = try String(contentsOfFile: r[1].stringValue ?? "", encoding: .utf8)
    #expect(event.contains("Cumulative event probability"))
    #expect(cumhaz.contains("Cumulative hazard"))
    let cox = luaError(rt, "plot(cox(dataset('lung'), 'Surv(time, status) ~ age'), {file = 'c.svg', fun = 'event'})")
    #expect(cox.contains("option 'fun'"), "\(cox)")
    let bad = luaError(rt, setup + "plot(fit, {file = 'x.svg', fun = 'log'})")
    #expect(bad.contains("option 'fun' must be one of \"surv\", \"event\", \"cumhaz\""), "\(bad)")
    let cuminc = luaError(rt, setup + "plot(fit, {file = 'x.svg', cause = 1})")
    #expect(cuminc.contains("option 'cause' applies to cuminc results only"), "\(cuminc)")
  }
}
