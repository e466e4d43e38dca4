import Foundation
import Testing
@testable import Plots

/// Values at the edges of the doubles (issue 12, item 5): hazard ratios of
/// 1e305, +∞ and 0 in a forest plot, and times of 4.9e-324 (the smallest
/// subnormal) or 1e300 on a survival plot, used to trap in `Int(_:)`. They
/// are drawn, clamped to the axis, with their values in the text.
@Suite struct ExtremeValuePlotTests {
  /// A forest row estimated far off any sensible axis, as from a converged
  /// Cox fit of a covariate on a tiny scale (β ≈ 702).
  let huge = ForestRow(label: "tiny", hazardRatio: 1e305, lower: 1e11, upper: .infinity, pValue: 0.04)

  @Test func aHazardRatioOf1e305IsAnArrowOffTheAxisWithItsText() throws {
    let rows = [ForestRow(label: "age", hazardRatio: 1.5, lower: 1.1, upper: 2.0, pValue: 0.01), huge]
    let layout = try ForestPlotLayout(ForestPlotData(rows: rows), options: PlotOptions())
    // The automatic axis stops near 10^6 (plus its 8% padding) rather than
    // spanning 300 decades.
    #expect(layout.x.domainUpper < 10 * pow(10, ForestPlotLayout.maxAxisDecades))
    let row = layout.rows[1]
    #expect(row.point == nil)
    #expect(row.clippedHigh && !row.clippedLow)
    // The interval runs from 1e11 (beyond the axis too): an arrow at the right edge.
    let whisker = try #require(row.whisker)
    #expect(whisker.to.x == layout.panel.maxX)
    #expect(whisker.from.x == layout.panel.maxX - ForestPlotLayout.offAxisArrow)
    #expect(row.estimateText == "1e+305 (100000000000.00–Inf)")
    // The first row is still drawn on a readable axis.
    #expect(layout.rows[0].point != nil)
    let svg = try ForestPlot(ForestPlotData(rows: rows)).svg()
    #expect(!svg.contains("nan") && !svg.contains("inf"))
  }

  @Test func infiniteAndZeroRatiosAreArrowsAtEitherEdge() throws {
    // exp(695 · x) overflows: HR = +∞ with no interval (a fit held at
    // init = {695}); exp(−800) underflows to 0.
    let rows = [
      ForestRow(label: "held", hazardRatio: .infinity, lower: nil, upper: nil, pValue: nil),
      ForestRow(label: "zero", hazardRatio: 0, lower: 0, upper: 1e-300, pValue: 0.5),
      ForestRow(label: "ok", hazardRatio: 2, lower: 1, upper: 4, pValue: 0.05),
    ]
    let layout = try ForestPlotLayout(ForestPlotData(rows: rows), options: PlotOptions())
    #expect(layout.rows[0].estimateText == "Inf")
    #expect(layout.rows[0].clippedHigh)
    #expect(layout.rows[0].whisker?.to.x == layout.panel.maxX)
    #expect(layout.rows[1].clippedLow && !layout.rows[1].clippedHigh)
    #expect(layout.rows[1].whisker?.from.x == layout.panel.minX)
    #expect(layout.rows[1].estimateText == "0.00 (0.00–0.00)")
    _ = try ForestPlot(ForestPlotData(rows: rows)).svg()
  }

  @Test func aNegativeRatioIsStillAnError() {
    let rows = [ForestRow(label: "bad", hazardRatio: -1, lower: nil, upper: nil, pValue: nil)]
    #expect(throws: PlotError.self) { try ForestPlotLayout(ForestPlotData(rows: rows), options: PlotOptions()) }
  }

  func series(_ time: [Double]) -> SurvivalPlotData {
    let n = time.count
    let value = (1...n).map { 1 - Double($0) / Double(n + 1) }
    return SurvivalPlotData(series: [
      SurvivalSeries(
        label: "all", time: time, value: value, nRisk: (0..<n).map { n - $0 },
        nEvent: [Int](repeating: 1, count: n), nCensor: [Int](repeating: 0, count: n)),
    ])
  }

  @Test func subnormalTimesGiveAnAxisFromZeroToThem() throws {
    let data = series([4.9e-324, 1e-323])
    let layout = try SurvivalPlotLayout(data, options: PlotOptions())
    #expect(layout.x.domainLower == 0)
    #expect(layout.x.domainUpper >= 1e-323)
    #expect(layout.xTicks.first == 0)
    #expect(layout.xTickLabels.allSatisfy { !$0.isEmpty })
    let svg = try SurvivalPlot(data).svg()
    #expect(!svg.contains("nan"))
    _ = try TerminalPreview.render(data)
  }

  @Test func hugeAndEqualTimesDoNotTrap() throws {
    for time in [[1e300], [1e300, 1.5e300], [1.7e308]] {
      let data = series(time)
      let layout = try SurvivalPlotLayout(data, options: PlotOptions())
      #expect(layout.x.domainUpper.isFinite && layout.x.domainUpper > layout.x.domainLower)
      _ = try SurvivalPlot(data).svg()
      _ = try TerminalPreview.render(data)
    }
    // xlim at 1e300: one unit is lost in the rounding of 1e300 + 1.
    let options = PlotOptions(xlim: [1e300, 2e300])
    _ = try SurvivalPlotLayout(series([1e300]), options: options)
  }

  @Test func tickHelpersRefuseStepsThatCannotBeCounted() {
    #expect(Ticks.multiples(of: 1, in: 1e300, 1e300) == [])
    #expect(Ticks.multiples(of: 0, in: 0, 1) == [])
    #expect(Ticks.multiples(of: .nan, in: 0, 1) == [])
    #expect(Ticks.multiples(of: 4.9e-324, in: 0, 4.9e-324) == [0, 4.9e-324])
    #expect(Ticks.niceStep(span: 4.9e-324, maxIntervals: 10, minIntervals: 4) == 4.9e-324)
    #expect(Ticks.niceStep(span: .infinity, maxIntervals: 10, minIntervals: 4) == 1)
    #expect(Ticks.logTicks(lower: 1, upper: .infinity) == [])
    #expect(Ticks.logTicks(lower: 0, upper: 10) == [])
  }
}
