import Foundation
import LuaHost
import Plots
@testable import Scripting
import Testing
import TestSupport

/// `plot(km_fit, {fun = "cloglog"})`: log(−log S) against time on a log
/// axis, as R's `plot.survfit(fun = "cloglog")`, checked against R's values
/// at chosen times (scripts/fixtures/cox_diagnostics.R, km_cloglog_lung.json)
/// on the transformed curves (to `Tolerance.closedForm`) and on the SVG
/// drawn (to the pixel rounding of the file).
@Suite struct KmPlotCloglogTests {
  /// The SVG writes coordinates to 0.01 px; read back through the axis
  /// ticks (two ticks 100-odd px apart, themselves rounded), a value is
  /// known to a few thousandths of a unit on either axis.
  static let svgTolerance = 0.005
  static let setup = "local fit = km(dataset('lung'), 'Surv(time, status) ~ sex')\n"

  /// R's log(-log S(t)) per stratum at the fixture's times.
  static func reference() throws -> (times: [Double], values: [String: [Double]]) {
    let fixture = try #require(try loadFixture("cox_diagnostics/km_cloglog_lung.json") as? [String: Any])
    let times = (fixture["times"] as? [NSNumber] ?? []).map(\.doubleValue)
    let values = (fixture["value"] as? [String: [NSNumber]] ?? [:]).mapValues { $0.map(\.doubleValue) }
    return (times, values)
  }

  /// The step function's value at t (the last step at or before t).
  static func step(_ times: [Double], _ values: [Double], at t: Double) -> Double {
    var v = Double.nan
    for (x, y) in zip(times, values) where x <= t { v = y }
    return v
  }

  @Test func transformedCurvesEqualR() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.setup + """
      local out = {}
      for i, s in ipairs(fit.strata) do
        out[i] = {time = s.time:totable(), surv = s.surv:totable(), n_risk = s.n_risk:totable(),
          n_event = s.n_event:totable(), n_censor = s.n_censor:totable()}
      end
      return out
      """)
    let strata = try #require(r.first?.tableValue?.array)
    func doubles(_ v: LuaValue?) -> [Double] { v?.tableValue?.array.map { $0.doubleValue ?? .nan } ?? [] }
    func ints(_ v: LuaValue?) -> [Int] { doubles(v).map { Int($0) } }
    let series = strata.map { s -> SurvivalSeries in
      let t = s.tableValue
      return SurvivalSeries(
        label: "", time: doubles(t?["time"]), value: doubles(t?["surv"]), nRisk: ints(t?["n_risk"]),
        nEvent: ints(t?["n_event"]), nCensor: ints(t?["n_censor"]))
    }
    let out = KmPlotFun.cloglog.apply(SurvivalPlotData(kind: .survival, series: series), limits: false)
    #expect(out.data.logTime && out.ylab == "log(-log(survival))")
    // The default y range spans the curves, 4% beyond; with the bands drawn, their limits too.
    let drawn = out.data.series.flatMap(\.value)
    let (low, high) = (drawn.min() ?? 0, drawn.max() ?? 0)
    #expect(out.ylim == [low - (high - low) * 0.04, high + (high - low) * 0.04])
    let (times, values) = try Self.reference()
    for (g, label) in ["sex=1", "sex=2"].enumerated() {
      let s = out.data.series[g]
      // Points where S is 1 (before the first death) or 0 are dropped; every value is finite.
      #expect(s.value.allSatisfy(\.isFinite) && s.time.count == s.nRisk.count)
      let expected = try #require(values[label])
      for (t, want) in zip(times, expected) {
        let got = Self.step(s.time, s.value, at: t)
        #expect(approxEqual(got, want, relative: Tolerance.closedForm), "\(label) at \(t): \(got), R \(want)")
      }
    }
  }

  /// Numbers in an SVG element's attribute.
  static func attribute(_ element: Substring, _ name: String) -> String? {
    guard let r = element.range(of: " \(name)=\"") else { return nil }
    let rest = element[r.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    return String(rest[..<end])
  }

  /// The (position, label) of the axis tick labels: anchor "middle" on the
  /// bottom axis (x), "end" on the left (y).
  static func tickLabels(_ svg: String, anchor: String) -> [(Double, Double)] {
    guard let axes = svg.range(of: "<g class=\"axes\">") else { return [] }
    let end = svg.range(of: "</g>", range: axes.upperBound..<svg.endIndex)?.lowerBound ?? svg.endIndex
    var out: [(Double, Double)] = []
    for piece in svg[axes.upperBound..<end].components(separatedBy: "<text").dropFirst() {
      let element = Substring(piece)
      guard attribute(element, "text-anchor") == anchor, let close = piece.firstIndex(of: ">"),
        let stop = piece.range(of: "</text>")
      else { continue }
      let label = piece[piece.index(after: close)..<stop.lowerBound].replacingOccurrences(of: "\u{2212}", with: "-")
      guard let value = Double(label), let at = Double(attribute(element, anchor == "end" ? "y" : "x") ?? "")
      else { continue }
      out.append((at, value))
    }
    return out
  }

  @Test func svgDrawsRsValuesOnALogTimeAxis() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.setup + "return plot(fit, {file = 'cloglog.svg', fun = 'cloglog'})")
    let svg = try String(contentsOfFile: r.first?.stringValue ?? "", encoding: .utf8)
    #expect(svg.contains("log(-log(survival))"))
    // The x axis: pixel = a + b log10(t), read from two tick labels; so is the y axis, linearly.
    let xTicks = Self.tickLabels(svg, anchor: "middle")
    let yTicks = Self.tickLabels(svg, anchor: "end")
    try #require(xTicks.count >= 3 && yTicks.count >= 3, "ticks x \(xTicks), y \(yTicks)")
    let (x0, x1) = (xTicks[0], xTicks[xTicks.count - 1])
    let xSlope = (x1.0 - x0.0) / (log10(x1.1) - log10(x0.1))
    // Log ticks: every tick on the same line through log10(label).
    for (at, t) in xTicks {
      #expect(abs(x0.0 + xSlope * (log10(t) - log10(x0.1)) - at) < 0.05, "x tick \(t) at \(at)")
    }
    let (y0, y1) = (yTicks[0], yTicks[yTicks.count - 1])
    let ySlope = (y1.1 - y0.1) / (y1.0 - y0.0)
    func pixelX(_ t: Double) -> Double { x0.0 + xSlope * (log10(t) - log10(x0.1)) }
    func value(_ pixelY: Double, shift: Double) -> Double { y0.1 + (pixelY + shift - y0.0) * ySlope }
    let curves = svg.components(separatedBy: "<polyline").dropFirst().filter { $0.contains("class=\"curve\"") }
    try #require(curves.count == 2)
    let (times, values) = try Self.reference()
    // y label baselines are drawn at tick + 0.35 font size (font size 12 by default).
    let shift = 0.35 * PlotOptions().fontSize
    for (g, label) in ["sex=1", "sex=2"].enumerated() {
      let points = (Self.attribute(Substring(curves[g]), "points") ?? "").split(separator: " ").compactMap { p in
        let xy = p.split(separator: ",").compactMap { Double($0) }
        return xy.count == 2 ? (xy[0], xy[1]) : nil
      }
      let expected = try #require(values[label])
      for (t, want) in zip(times, expected) {
        // The horizontal segment over t (just right of it, as the step is right-continuous).
        let x = pixelX(t) + 0.02
        let k = try #require(points.indices.last { points[$0].0 <= x }, "\(label): no point before t = \(t)")
        let got = value(points[k].1, shift: shift)
        #expect(abs(got - want) < Self.svgTolerance, "\(label) at t = \(t): drawn \(got), R \(want)")
      }
    }
  }

  @Test func refusesWhatALogAxisCannotShow() throws {
    let rt = try makeRuntime()
    let table = luaError(rt, Self.setup + "plot(fit, {file = 'x.svg', fun = 'cloglog', risk_table = true})")
    #expect(table.contains("option 'risk_table' is not drawn on a log time axis"), "\(table)")
    let breaks = luaError(rt, Self.setup + "plot(fit, {file = 'x.svg', fun = 'cloglog', breaks = 100})")
    #expect(breaks.contains("option 'breaks' is not drawn on a log time axis"), "\(breaks)")
    let xlim = luaError(rt, Self.setup + "plot(fit, {file = 'x.svg', fun = 'cloglog', xlim = {0, 500}})")
    #expect(xlim.contains("option 'xlim' must be positive on a log time axis"), "\(xlim)")
    let preview = luaError(rt, Self.setup + "plot(fit, {fun = 'cloglog'})")
    #expect(preview.contains("has no terminal preview"), "\(preview)")
    // xlim in time units is honoured.
    let r = try lua(rt, Self.setup + "return plot(fit, {file = 'x.svg', fun = 'cloglog', xlim = {10, 1000}})")
    let svg = try String(contentsOfFile: r.first?.stringValue ?? "", encoding: .utf8)
    let labels = Self.tickLabels(svg, anchor: "middle").map(\.1)
    #expect(labels.first == 10 && labels.last == 1000, "\(labels)")
  }
}
