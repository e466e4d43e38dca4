import Foundation
import Testing
@testable import Plots

/// The parts of a forest plot a subgroup figure adds: text columns between
/// the labels and the axis, a note in place of an estimate, the p header,
/// and "favours" labels either side of 1.
@Suite struct ForestPlotColumnsTests {
  private func data() -> ForestPlotData {
    var noHR = ForestRow(variable: "ECOG", label: "3", hazardRatio: nil, lower: nil, upper: nil, pValue: nil)
    noHR.note = "no rows in arm female"
    var d = ForestPlotData(rows: [
      ForestRow(label: "All patients", hazardRatio: 0.6, lower: 0.43, upper: 0.83, pValue: nil),
      ForestRow(variable: "ECOG", label: "0", hazardRatio: 0.68, lower: 0.31, upper: 1.48, pValue: 0.89),
      noHR,
    ])
    d.columns = [
      ForestTextColumn(header: "female n/events", cells: ["90/53", "27/9", "0/0"]),
      ForestTextColumn(header: "male n/events", cells: ["138/112", "36/28", "1/1"]),
    ]
    d.pHeader = "p interaction"
    d.favoursLeft = "favours male"
    d.favoursRight = "favours female"
    return d
  }

  @Test func textColumnsSitBetweenLabelsAndTheAxis() throws {
    let layout = try ForestPlotLayout(data(), options: PlotOptions())
    #expect(layout.textHeaders == ["female n/events", "male n/events"])
    #expect(layout.textColumns.count == 2)
    #expect(layout.labelColumn < layout.textColumns[0] && layout.textColumns[0] < layout.textColumns[1])
    #expect(layout.textColumns[1] < layout.panel.minX)
    #expect(layout.rows.map(\.cells) == [["90/53", "138/112"], ["27/9", "36/28"], ["0/0", "1/1"]])
    // A row without an estimate shows its note and draws nothing.
    #expect(layout.rows[2].estimateText == "no rows in arm female")
    #expect(layout.rows[2].point == nil && layout.rows[2].whisker == nil)
    #expect(layout.rows.map(\.pText) == ["", "0.89", ""])
    // The default width grows so that the axis keeps 240 units.
    #expect(layout.panel.width >= 240 - 1e-9)
  }

  @Test func favoursLabelsFlankTheLineAtOne() throws {
    let layout = try ForestPlotLayout(data(), options: PlotOptions())
    let one = layout.x(1)
    #expect(layout.favours.map(\.string) == ["← favours male", "favours female →"])
    #expect(layout.favours[0].at.x < one && layout.favours[1].at.x > one)
    #expect(layout.favours[0].at.y > layout.panel.maxY && layout.axisTitle.at.y > layout.favours[0].at.y)
    let svg = try ForestPlot(data()).svg()
    #expect(svg.contains(">p interaction</text>"))
    #expect(svg.contains("text-anchor=\"end\"") && svg.contains(">← favours male</text>"))
    #expect(svg.contains(">138/112</text>"))
  }

  /// The p column ends inside the stripes with room to spare (session-5
  /// review: it ended flush with them, and past the figure's edge in a wider
  /// fallback font), at the default width and at a given one.
  @Test func thePColumnKeepsClearOfTheRightEdge() throws {
    let margin = 12.0
    for width in [nil, 900.0] as [Double?] {
      for fs in [12.0, 16.0] {
        var options = PlotOptions()
        options.width = width
        options.fontSize = fs
        let layout = try ForestPlotLayout(data(), options: options)
        let header = TextMetrics.width("p interaction", size: fs, bold: true)
        let stripeEnd = layout.width - margin
        #expect(layout.stripes.allSatisfy { abs($0.maxX - stripeEnd) < 1e-9 })
        // The measured header, a fifth wider (DejaVu Sans draws it 87/72 as wide), still ends inside.
        #expect(layout.pColumn + header * 1.2 <= stripeEnd - fs / 2 + 1e-9, "width \(String(describing: width))")
        #expect(layout.estimateColumn < layout.pColumn)
      }
    }
    // Bold is measured with bold's own advances, not regular × 1.08.
    #expect(abs(TextMetrics.width("p interaction", size: 1000, bold: true) - 6_001) < 1e-9)
  }

  @Test func aColumnOfTheWrongLengthIsRefused() throws {
    var d = data()
    d.columns[0].cells.removeLast()
    #expect(throws: PlotError.invalidData("column \"female n/events\" has 2 cells for 3 rows")) {
      try ForestPlotLayout(d, options: PlotOptions())
    }
  }
}
