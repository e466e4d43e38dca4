import Foundation
import Testing
@testable import Plots

@Suite struct ForestPlotTests {
  let data = TrialData.forest()

  @Test func estimatesSitOnALogAxis() throws {
    let layout = try ForestPlotLayout(data, options: PlotOptions())
    let tol = 1e-9
    // Equal ratios are equal distances.
    #expect(abs((layout.x(2) - layout.x(1)) - (layout.x(1) - layout.x(0.5))) < tol)
    for (row, input) in zip(layout.rows, data.rows) {
      if input.isReference {
        #expect(row.point == nil && row.whisker == nil)
        #expect(row.estimateText == "reference")
        continue
      }
      let hr = try #require(input.hazardRatio)
      let point = try #require(row.point)
      #expect(point == Point(x: layout.x(hr), y: row.center))
      let whisker = try #require(row.whisker)
      #expect(whisker.from.x == layout.x(try #require(input.lower)))
      #expect(whisker.to.x == layout.x(try #require(input.upper)))
      #expect(layout.panel.minX <= whisker.from.x && whisker.to.x <= layout.panel.maxX)
    }
    #expect(layout.ticks.contains(1))
  }

  @Test func rowsPrintEstimatesAndGroupVariablesOnce() throws {
    let layout = try ForestPlotLayout(data, options: PlotOptions())
    #expect(layout.estimateHeader == "HR (95% CI)")
    #expect(layout.rows.map(\.variable) == ["Treatment", nil, nil, "Sex", nil, nil, nil, nil])
    #expect(layout.rows[2].estimateText == "0.58 (0.38–0.88)")
    #expect(layout.rows.map(\.pText) == ["", "0.86", "0.0098", "", "0.28", "0.41", "<0.001", "0.072"])
    // Rows are evenly spaced, top down.
    let gaps = zip(layout.rows.dropFirst(), layout.rows).map { $0.center - $1.center }
    #expect(gaps.allSatisfy { abs($0 - gaps[0]) < 1e-9 })
  }

  @Test func infiniteLimitsAreClippedWithArrows() throws {
    let rows = [ForestRow(label: "Sparse", hazardRatio: 3, lower: 0.9, upper: .infinity, pValue: 0.07)]
    let layout = try ForestPlotLayout(ForestPlotData(rows: rows), options: PlotOptions())
    let row = layout.rows[0]
    #expect(row.clippedHigh && !row.clippedLow)
    #expect(row.whisker?.to.x == layout.panel.maxX)
    #expect(row.estimateText == "3.00 (0.90–Inf)")
    let svg = try ForestPlot(ForestPlotData(rows: rows)).svg()
    #expect(svg.contains("<path d=\"M"))
  }

  @Test func xlimSetsTheHazardRatioAxis() throws {
    let layout = try ForestPlotLayout(data, options: PlotOptions(xlim: [0.25, 4]))
    #expect(layout.x.domainLower == 0.25 && layout.x.domainUpper == 4)
    #expect(layout.ticks == [0.25, 0.5, 1, 2, 4])
    let narrow = try ForestPlotLayout(data, options: PlotOptions(xlim: [0.5, 2]))
    let nodes = narrow.rows[6]
    #expect(nodes.point == nil && nodes.clippedHigh)  // 2.48 (1.96–3.14): only the start shows
    #expect(narrow.rows[2].clippedHigh == false && narrow.rows[2].clippedLow == true)
    #expect(throws: PlotError.invalidOption(option: "xlim",
      message: "xlim must be positive on the hazard-ratio axis (got {0, 2})")) {
      try ForestPlotLayout(data, options: PlotOptions(xlim: [0, 2]))
    }
  }
}
